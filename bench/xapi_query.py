#!/usr/bin/env python
"""Benchmark: reading and single writes on a store of 1,000,000 statements.

    python bench/xapi_query.py                   # SQLite file under bench/out/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hvs_xapi_bench python bench/xapi_query.py

Uses the store of the ingest benchmark (bench/out/xapi-1m, or the database
"<name>_1m"), building it once if needed. Against the production server it
measures, one request at a time:

- GET /xapi/statements with ``agent`` + ``verb`` filters and ``limit=50``,
  for random learners and verbs of the generated data (p50 and p95);
- POST of a single statement (p50 and p95).

Prints

    database=sqlite statements=1000000 get_agent_verb_p95_ms=N.N single_post_p50_ms=N.N PASS

PASS needs the GET at p95 under 20 ms and the single POST at p50 under 5 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from xapi_common import (
    N_AGENTS,
    VERBS,
    Server,
    agent_of,
    credentials,
    database_label,
    headers,
    load_average,
    make_statement,
    million_store,
    percentile,
    statement_count,
)

MAX_GET_P95_MS = 20.0
MAX_POST_P50_MS = 5.0


def timed(port: int, method: str, path: str, hdrs: dict, body: bytes | None = None) -> tuple[float, int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    conn.request(method, path, body=body, headers=hdrs)
    resp = conn.getresponse()
    data = resp.read()
    elapsed = (time.perf_counter() - started) * 1000
    conn.close()
    return elapsed, resp.status, data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gets", type=int, default=500)
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--statements", type=int, default=1_000_000)
    args = parser.parse_args()

    env = million_store(args.statements)
    key, secret = credentials(env)
    count = statement_count(env)
    rng = random.Random(int(time.time()))
    with Server(env, workers=2) as server:
        get_headers = headers(key, secret, content_type=None)
        warm = [
            "/xapi/statements?" + urlencode({"agent": json.dumps(agent_of(n)), "verb": VERBS[0], "limit": 50})
            for n in range(20)
        ]
        for path in warm:
            timed(server.port, "GET", path, get_headers)
        gets, returned = [], 0
        for _ in range(args.gets):
            params = {"agent": json.dumps(agent_of(rng.randrange(N_AGENTS))), "verb": rng.choice(VERBS), "limit": 50}
            ms, status, data = timed(server.port, "GET", "/xapi/statements?" + urlencode(params), get_headers)
            if status != 200:
                raise SystemExit(f"GET failed: {status} {data[:300]!r}")
            returned += len(json.loads(data)["statements"])
            gets.append(ms)

        post_headers = headers(key, secret)
        posts = []
        for i in range(args.posts + 20):
            body = json.dumps(make_statement(rng)).encode()
            ms, status, data = timed(server.port, "POST", "/xapi/statements", post_headers, body)
            if status != 200:
                raise SystemExit(f"POST failed: {status} {data[:300]!r}")
            if i >= 20:
                posts.append(ms)

    get_p50, get_p95 = percentile(gets, 50), percentile(gets, 95)
    post_p50, post_p95 = percentile(posts, 50), percentile(posts, 95)
    print(
        f"  GET agent+verb limit=50: p50 {get_p50:.1f} ms, p95 {get_p95:.1f} ms "
        f"({returned / len(gets):.1f} statements per answer)"
    )
    print(f"  single POST: p50 {post_p50:.1f} ms, p95 {post_p95:.1f} ms (load average {load_average():.1f})")
    ok = get_p95 < MAX_GET_P95_MS and post_p50 < MAX_POST_P50_MS
    print(
        f"database={database_label(env)} statements={count} get_agent_verb_p95_ms={get_p95:.1f} "
        f"single_post_p50_ms={post_p50:.1f} {'PASS' if ok else 'FAIL'}"
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
