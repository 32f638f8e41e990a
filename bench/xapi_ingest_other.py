#!/usr/bin/env python
"""Benchmark: our batch ingest rate against another LRS's, on the same machine with the same clients.

    python bench/xapi_ingest_other.py --url http://127.0.0.1:8899/xapi --user NAME --password SECRET

The issue asks for at least five times the ingest rate of the best-known
Python LRS (ADL's ADL_LRS) on the same machine. This drives the other LRS,
already running at --url, with exactly the load of bench/xapi_ingest.py (two
client processes POSTing batches of 100 realistic statements), then our own
server on an empty store (SQLite, or PostgreSQL with DATABASE_URL as for
xapi_ingest.py), and prints

    other_rate=NNN/s our_rate=NNNN/s times=NN.N PASS

PASS needs our rate to be at least five times the other's. How the other LRS
was set up for the figures in docs/lrs-performance.md is written there; none
of its code is part of this repository.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from xapi_common import Server, drive, fresh_environment, headers, setup_database

TIMES = 5
# A batch answered with a server error is sent again, as a real client would:
# ADL_LRS stores a batch in one transaction, and under two concurrent clients
# PostgreSQL sometimes aborts one of them as a deadlock.
RETRIES = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="the other LRS's xAPI endpoint, e.g. http://127.0.0.1:8899/xapi")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--other-batches", type=int, default=20, help="batches of 100 per client for the other LRS")
    parser.add_argument("--batches", type=int, default=300, help="batches of 100 per client for ours")
    args = parser.parse_args()

    url = urlsplit(args.url)
    path = url.path.rstrip("/") + "/statements"
    hdrs = headers(args.user, args.password)
    seed = int(time.time())
    where = {"host": url.hostname, "path": path, "retries": RETRIES}
    drive(url.port or 80, hdrs, 2, seed, **where)  # warm up its workers
    run = drive(url.port or 80, hdrs, args.other_batches, seed + 100, **where)
    other = run.statements / run.seconds
    print(f"  the other LRS at {args.url}: {other:,.0f} statements/s ({run.sent_again} batches sent again)", flush=True)

    env = fresh_environment("ingest")
    key, secret = setup_database(env)
    with Server(env) as server:
        ours_hdrs = headers(key, secret)
        drive(server.port, ours_hdrs, 20, seed + 200)  # warm up
        run = drive(server.port, ours_hdrs, args.batches, seed + 300)
    ours = run.statements / run.seconds
    print(f"  ours, empty store: {ours:,.0f} statements/s", flush=True)
    times = ours / other
    print(f"other_rate={other:.0f}/s our_rate={ours:.0f}/s times={times:.1f} {'PASS' if times >= TIMES else 'FAIL'}")
    sys.exit(0 if times >= TIMES else 1)


if __name__ == "__main__":
    main()
