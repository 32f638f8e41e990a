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
import multiprocessing as mp
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import http.client

from xapi_common import Server, fresh_environment, headers, make_batches, setup_database

TIMES = 5
# A batch answered with a server error is sent again, as a real client would:
# ADL_LRS stores a batch in one transaction, and under two concurrent clients
# PostgreSQL sometimes aborts one of them as a deadlock.
RETRIES = 10


def rate(host: str, port: int, path: str, hdrs: dict, batches_per_client: int, seed: int, clients: int = 2):
    """(statements per second, batches sent again) for ``clients`` processes each POSTing ``batches_per_client``."""
    start_at = time.time() + 2.0 + batches_per_client * 0.004  # after both have generated their bodies
    with mp.get_context("fork").Pool(clients) as pool:
        jobs = [
            pool.apply_async(_client, (host, port, path, hdrs, batches_per_client, seed + i, start_at))
            for i in range(clients)
        ]
        results = [j.get(timeout=3600) for j in jobs]
    failed = [r for r in results if isinstance(r, str)]
    if failed:
        raise SystemExit(failed[0])
    elapsed = max(r[1] for r in results) - start_at
    return sum(r[0] for r in results) * 100 / elapsed, sum(r[2] for r in results)


def _client(host, port, path, hdrs, n, seed, start_at):
    batches = make_batches(seed, n)
    while time.time() < start_at:
        time.sleep(0.001)
    again = 0
    for body in batches:
        for _ in range(RETRIES + 1):
            conn = http.client.HTTPConnection(host, port, timeout=300)
            conn.request("POST", path, body=body, headers=hdrs)
            resp = conn.getresponse()
            data = resp.read()
            conn.close()
            if resp.status < 500:
                break
            again += 1
        if resp.status != 200:
            return f"POST failed: {resp.status} {data[:300]!r}"  # a string: SystemExit would hang the pool
    return len(batches), time.time(), again


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
    rate(url.hostname, url.port or 80, path, hdrs, 2, seed)  # warm up its workers
    other, again = rate(url.hostname, url.port or 80, path, hdrs, args.other_batches, seed + 100)
    print(f"  the other LRS at {args.url}: {other:,.0f} statements/s ({again} batches sent again)", flush=True)

    env = fresh_environment("ingest")
    key, secret = setup_database(env)
    with Server(env) as server:
        ours_hdrs = headers(key, secret)
        rate("127.0.0.1", server.port, "/xapi/statements", ours_hdrs, 20, seed + 200)  # warm up
        ours, _ = rate("127.0.0.1", server.port, "/xapi/statements", ours_hdrs, args.batches, seed + 300)
    print(f"  ours, empty store: {ours:,.0f} statements/s", flush=True)
    times = ours / other
    print(f"other_rate={other:.0f}/s our_rate={ours:.0f}/s times={times:.1f} {'PASS' if times >= TIMES else 'FAIL'}")
    sys.exit(0 if times >= TIMES else 1)


if __name__ == "__main__":
    main()
