"""Shared pieces of the xAPI benchmarks: databases, the server, statements, clients.

A benchmark runs against a fresh database: a SQLite file under bench/out/
(default) or the PostgreSQL database named by DATABASE_URL, which is dropped
and created again (so its name must contain "bench"). The server is the
production one (gunicorn, DEBUG off) on a free local port.
"""

from __future__ import annotations

import base64
import http.client
import json
import multiprocessing as mp
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PY = sys.executable

N_AGENTS = 5000
VERBS = [
    "http://adlnet.gov/expapi/verbs/" + v
    for v in ("launched", "experienced", "answered", "attempted", "completed", "passed", "failed", "progressed")
]
N_ACTIVITIES = 400
COURSES = 20


def agent_of(n: int) -> dict:
    return {"objectType": "Agent", "name": f"Học viên {n}", "mbox": f"mailto:learner{n}@example.vn"}


def make_statement(rng: random.Random, *, with_id: bool = True) -> dict:
    """A realistic statement (about 700 bytes): result, context with registration and course, timestamp."""
    a = rng.randrange(N_AGENTS)
    act = rng.randrange(N_ACTIVITIES)
    course = act % COURSES
    st = {
        "actor": agent_of(a),
        "verb": {"id": rng.choice(VERBS), "display": {"en-US": "did", "vi": "đã làm"}},
        "object": {
            "objectType": "Activity",
            "id": f"https://hocvuso.vn/activities/course/{course}/lesson/{act}",
            "definition": {
                "name": {"vi": f"Bài học {act}", "en-US": f"Lesson {act}"},
                "type": "http://adlnet.gov/expapi/activities/lesson",
            },
        },
        "result": {
            "score": {"scaled": round(rng.random(), 2), "raw": rng.randrange(101), "min": 0, "max": 100},
            "success": rng.random() > 0.3,
            "completion": True,
            "duration": f"PT{rng.randrange(1, 59)}M{rng.randrange(60)}S",
        },
        "context": {
            "registration": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "contextActivities": {
                "parent": [{"id": f"https://hocvuso.vn/activities/course/{course}"}],
                "grouping": [{"id": "https://hocvuso.vn/activities/campaign/2025"}],
            },
            "platform": "hocvuso",
            "language": "vi",
        },
        "timestamp": f"2025-09-0{rng.randrange(1, 10)}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:"
        f"{rng.randrange(60):02d}.{rng.randrange(1000):03d}+07:00",
    }
    if with_id:
        st["id"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    return st


def make_batches(seed: int, batches: int, size: int = 100) -> list[bytes]:
    rng = random.Random(seed)
    return [json.dumps([make_statement(rng) for _ in range(size)]).encode() for _ in range(batches)]


# --- databases --------------------------------------------------------------------------


def fresh_environment(name: str, *, keep: bool = False) -> dict[str, str]:
    """Environment variables for the benchmark database ``name``, emptied unless ``keep``.

    SQLite: a data directory bench/out/xapi-NAME/. PostgreSQL: the database of
    DATABASE_URL with "_NAME" appended, dropped and created again unless kept.
    """
    env = dict(os.environ)
    # XAPI_BENCH_SETTINGS names another settings module to compare a configuration.
    env["DJANGO_SETTINGS_MODULE"] = os.environ.get("XAPI_BENCH_SETTINGS", "hocvuso.settings")
    env["DEBUG"] = "0"
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    env["HOCVUSO_TASKS"] = "immediate"
    env["LOG_LEVEL"] = "ERROR"
    url = env.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        parts = urlsplit(url)
        base = parts.path.lstrip("/")
        if "bench" not in base:
            raise SystemExit(f"DATABASE_URL names {base!r}: a benchmark database name must contain 'bench'.")
        dbname = f"{base}_{name}"
        admin = urlunsplit(parts._replace(path="/postgres"))
        exists = subprocess.run(
            ["psql", admin, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{dbname}'"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        if exists and not keep:
            subprocess.run(["psql", admin, "-qc", f'DROP DATABASE "{dbname}"'], check=True)
        if not exists or not keep:
            subprocess.run(["psql", admin, "-qc", f'CREATE DATABASE "{dbname}"'], check=True)
        env["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + dbname))
    else:
        data = OUT / f"xapi-{name}"
        if data.exists() and not keep:
            shutil.rmtree(data)
        data.mkdir(parents=True, exist_ok=True)
        env["HOCVUSO_DATA_DIR"] = str(data)
        env.pop("DATABASE_URL", None)
    return env


def statement_count(env: dict[str, str]) -> int:
    code = "from lrs.models import Statement; print(Statement.objects.count())"
    try:
        return int(manage(env, "shell", "--no-imports", "-c", code).strip().splitlines()[-1] or 0)
    except subprocess.CalledProcessError:
        return 0


def million_store(target: int = 1_000_000) -> dict[str, str]:
    """The environment of a scratch copy of a database holding ``target`` statements.

    The store itself is built once and kept under the name "1m"; each run
    measures on a fresh copy of it ("1m-run"), so runs do not grow the store
    they measure.
    """
    env = fresh_environment("1m", keep=True)
    manage(env, "migrate", "--no-input", "-v0")
    have = statement_count(env)
    if have < target:
        print(f"  building a store of {target:,} statements (once; kept under the name '1m')...", flush=True)
        subprocess.run(
            [PY, str(ROOT / "bench" / "xapi_preload.py"), str(target - have), str(have + 7)],
            env=env,
            cwd=ROOT,
            check=True,
        )
    return _scratch_copy(env, "1m-run")


def _scratch_copy(env: dict[str, str], name: str) -> dict[str, str]:
    url = env.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        parts = urlsplit(url)
        source = parts.path.lstrip("/")
        target = source.removesuffix("_1m") + "_" + name.replace("-", "_")
        admin = urlunsplit(parts._replace(path="/postgres"))
        subprocess.run(["psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{target}"'], check=True)
        subprocess.run(["psql", admin, "-qc", f'CREATE DATABASE "{target}" TEMPLATE "{source}"'], check=True)
        _settle()
        return {**env, "DATABASE_URL": urlunsplit(parts._replace(path="/" + target))}
    source = Path(env["HOCVUSO_DATA_DIR"])
    # Fold the write-ahead log into the file first, so the copy is the whole database.
    manage(env, "shell", "--no-imports", "-c", "from django.db import connection; "
           "connection.cursor().execute('PRAGMA wal_checkpoint(TRUNCATE)')")  # fmt: skip
    copy = fresh_environment(name)
    shutil.copyfile(source / "hocvuso.sqlite3", Path(copy["HOCVUSO_DATA_DIR"]) / "hocvuso.sqlite3")
    _settle()
    return copy


def _settle() -> None:
    """Write the fresh copy out before measuring, so the kernel's writeback of it does not run during a run."""
    os.sync()


def database_label(env: dict[str, str]) -> str:
    return "postgresql" if env.get("DATABASE_URL", "").startswith("postgres") else "sqlite"


def manage(env: dict[str, str], *args: str) -> str:
    out = subprocess.run(
        [PY, "-m", "hocvuso.cli", *args], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return out.stdout


def setup_database(env: dict[str, str]) -> tuple[str, str]:
    """Migrate and create a national credential; returns (key, secret)."""
    manage(env, "migrate", "--no-input", "-v0")
    return credentials(env)


def credentials(env: dict[str, str]) -> tuple[str, str]:
    """A new national credential with every scope; returns (key, secret)."""
    out = manage(env, "lrs_client", "create", "bench", "--scopes", "all")
    fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
    return fields["key"].strip(), fields["secret"].strip()


# --- the server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, env: dict[str, str], workers: int = 3):
        self.port = free_port()
        # The production server as `make demo` runs it (gunicorn workers and,
        # on SQLite, the log checkpointer); the access log is not kept.
        self.proc = subprocess.Popen(
            [
                PY,
                "-m",
                "hocvuso.cli",
                "serve",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
                "--no-collectstatic",
                "--no-task-worker",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/xapi/about")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit("the server did not start")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=30)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def headers(key: str, secret: str, content_type: str | None = "application/json") -> dict[str, str]:
    h = {
        "Authorization": "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode(),
        "X-Experience-API-Version": "1.0.3",
    }
    if content_type:
        h["Content-Type"] = content_type
    return h


@dataclass(frozen=True)
class Drive:
    statements: int
    seconds: float  # from the common start to the last answer
    client_cpu: float  # CPU seconds the client processes spent
    sent_again: int  # batches answered with a server error and sent again


def drive(
    port: int,
    hdrs: dict,
    batches_per_client: int,
    seed: int,
    *,
    clients: int = 2,
    host: str = "127.0.0.1",
    path: str = "/xapi/statements",
    retries: int = 0,
    at_start=lambda: None,
) -> Drive:
    """``clients`` processes POST ``batches_per_client`` batches of 100 each, starting together.

    ``at_start`` runs in this process at the common start (to read CPU
    counters). A batch answered with a 5xx is sent again up to ``retries``
    times; any other answer but 200 stops the run.
    """
    start_at = time.time() + 2.0 + batches_per_client * 0.004  # after every client has generated its bodies
    with mp.get_context("fork").Pool(clients) as pool:
        jobs = [
            pool.apply_async(_drive_client, (host, port, path, hdrs, batches_per_client, seed + i, start_at, retries))
            for i in range(clients)
        ]
        while time.time() < start_at:
            time.sleep(0.001)
        at_start()
        results = [j.get(timeout=3600) for j in jobs]
    failed = [r for r in results if isinstance(r, str)]
    if failed:
        raise SystemExit(failed[0])
    return Drive(
        statements=sum(r[0] for r in results),
        seconds=max(r[1] for r in results) - start_at,
        client_cpu=sum(r[2] for r in results),
        sent_again=sum(r[3] for r in results),
    )


def _drive_client(host, port, path, hdrs, n, seed, start_at, retries):
    batches = make_batches(seed, n)
    cpu = time.process_time()
    while time.time() < start_at:
        time.sleep(0.001)
    again = 0
    for body in batches:
        # A fresh connection per request: gunicorn's sync workers close them.
        for _ in range(retries + 1):
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
    return len(batches) * 100, time.time(), time.process_time() - cpu, again


def _proc_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_of(server: Server, env: dict[str, str]) -> float:
    """CPU seconds used so far by the server's workers and, on PostgreSQL, the database's backends."""
    total = 0.0
    children = Path(f"/proc/{server.proc.pid}/task/{server.proc.pid}/children")
    for pid in children.read_text().split() if children.exists() else ():
        total += _proc_cpu(int(pid))
    url = env.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        dbname = urlsplit(url).path.lstrip("/")
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    cmd = (entry / "cmdline").read_bytes().decode(errors="replace")
                except OSError:
                    continue
                if cmd.startswith("postgres:") and f" {dbname} " in cmd:
                    total += _proc_cpu(int(entry.name))
    return total


def load_average() -> float:
    return os.getloadavg()[0]


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]
