#!/usr/bin/env python
"""Benchmark: batch ingest of valid statements through POST /xapi/statements.

    python bench/xapi_ingest.py                   # SQLite file under bench/out/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hvs_xapi_bench python bench/xapi_ingest.py

Two client processes each POST batches of 100 realistic statements (with
ids, results, context, registration) to the production server (gunicorn,
DEBUG off). The rate is measured on an empty store, then on a store holding
1,000,000 statements (built once through the same storage path and kept under
the name "1m", which the query benchmark uses too).
It measures in rounds (three by default): each round measures a new empty
store and then a new copy of the full one, back to back, and prints both.
The figures are the medians over the rounds, so a slow spell of the machine
(figures here move by 10-20% from minute to minute) shows in one round
instead of deciding the result. Prints

    database=sqlite rounds=3 empty_rate=NNNN/s rate_at_1m=NNNN/s ratio=0.NN (medians) PASS

PASS needs at least 5,000 statements/s on the empty store and a rate at one
million within 20% of it. Each run also prints a CPU-bound figure: the
statements divided by the CPU time the server, the database and the clients
used, on two cores; it is what the machine would do if nothing else ran on
it, and shows when a low wall-clock rate comes from other load.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from xapi_common import (
    Server,
    cpu_of,
    credentials,
    database_label,
    drive,
    fresh_environment,
    headers,
    load_average,
    million_store,
    setup_database,
)

MIN_RATE = 5000
MAX_DROP = 0.20


def measure(server, env, hdrs: dict, batches_per_client: int, seed: int) -> tuple[float, float]:
    """(statements per second, CPU-bound statements per second on two cores) for one run."""
    cpu_before = []
    run = drive(server.port, hdrs, batches_per_client, seed, at_start=lambda: cpu_before.append(cpu_of(server, env)))
    cpu = cpu_of(server, env) - cpu_before[0] + run.client_cpu
    return run.statements / run.seconds, run.statements / (cpu / 2)


def _run_on(env: dict[str, str], key: str, secret: str, batches: int, workers: int) -> tuple[float, float]:
    with Server(env, workers=workers) as server:
        hdrs = headers(key, secret)
        measure(server, env, hdrs, 20, seed=int(time.time()))  # warm up the workers
        return measure(server, env, hdrs, batches, seed=int(time.time()) + 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batches", type=int, default=300, help="batches of 100 per client and measurement")
    parser.add_argument("--preload", type=int, default=1_000_000, help="statements stored before the second run")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3, help="pairs of measurements (empty store, then full)")
    args = parser.parse_args()

    empties, fulls = [], []
    label = "sqlite"
    for n in range(1, args.rounds + 1):
        # Each round measures a new empty store and a new copy of the full
        # one, back to back, so that a slow spell of the machine shows in
        # one round instead of deciding the figure.
        env = fresh_environment("ingest")
        key, secret = setup_database(env)
        label = database_label(env)
        empty, empty_cpu = _run_on(env, key, secret, args.batches, args.workers)
        big = million_store(args.preload)
        key, secret = credentials(big)
        full, full_cpu = _run_on(big, key, secret, args.batches, args.workers)
        empties.append(empty)
        fulls.append(full)
        print(
            f"  round {n}: empty store {empty:,.0f}/s (CPU-bound figure {empty_cpu:,.0f}/s), "
            f"at {args.preload:,} statements {full:,.0f}/s (CPU-bound figure {full_cpu:,.0f}/s), "
            f"ratio {full / empty:.2f}, load average {load_average():.1f}",
            flush=True,
        )
    empty, full = statistics.median(empties), statistics.median(fulls)
    ratio = full / empty
    ok = empty >= MIN_RATE and ratio >= 1 - MAX_DROP
    print(
        f"database={label} rounds={args.rounds} empty_rate={empty:.0f}/s rate_at_1m={full:.0f}/s ratio={ratio:.2f} "
        f"(medians) {'PASS' if ok else 'FAIL'}"
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
