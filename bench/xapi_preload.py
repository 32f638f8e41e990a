#!/usr/bin/env python
"""Fill an LRS database with N generated statements, bypassing HTTP (the store's own batch path).

    python bench/xapi_preload.py 1000000     # with the environment of the benchmark's database

Used by the benchmarks to reach a million stored statements quickly; each
batch of 1,000 goes through the same validation, preparation and storage as a
POST. Prints the count and rate.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    total = int(sys.argv[1])
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hocvuso.settings")
    import django

    django.setup()
    from xapi_common import make_statement

    from lrs import validation as v
    from lrs.auth import platform_principal
    from lrs.statement_api import record_statements

    principal = platform_principal()
    rng = random.Random(seed)
    started = time.perf_counter()
    done = 0
    while done < total:
        n = min(1000, total - done)
        batch = [make_statement(rng) for _ in range(n)]
        v.statements(batch)
        record_statements(batch, principal=principal, version=v.V1)
        done += n
        if done % 100_000 == 0:
            rate = done / (time.perf_counter() - started)
            print(f"  preloaded {done:,} statements ({rate:,.0f}/s)", flush=True)
    # As autovacuum would soon do on PostgreSQL: planner statistics for the new rows.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"preloaded={done} seconds={time.perf_counter() - started:.1f}")


if __name__ == "__main__":
    main()
