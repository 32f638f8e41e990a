"""Background checkpoints of SQLite's write-ahead log.

In WAL mode every commit appends the pages it changed to the log; a
checkpoint copies them back into the database file and fsyncs it. By default
the writer whose commit crosses 1,000 log pages does that itself, inside the
request that committed. On a large store those pages lie all over the file
(each random-key index — statement ids, registrations, learners — dirties its
own page per row), so the fsync grows with the database and the ingest rate
at a million statements fell to half the rate on an empty store.

Instead, one process (``hocvuso sqlite_checkpointer``, started by ``serve``)
runs PASSIVE checkpoints a few times a second: they never block writers or
readers, coalesce pages written by many commits, and keep the fsync out of
every request. Writers still checkpoint on their own past
``SQLITE_WAL_AUTOCHECKPOINT_PAGES``, so the log stays bounded if this process
is not running or falls behind.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Checkpoint:
    busy: bool  # another checkpoint was running
    log_pages: int  # pages in the log when it ran
    copied_pages: int  # of them, pages now in the database file


def checkpoint(conn: sqlite3.Connection) -> Checkpoint:
    """One PASSIVE checkpoint on ``conn`` (a connection of its own: it must not be in a transaction)."""
    busy, log_pages, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return Checkpoint(busy=bool(busy), log_pages=max(log_pages, 0), copied_pages=max(copied, 0))


def connect(path: str, wal_limit: int) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=5, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    # Cut the log file back after a complete checkpoint, as the web workers do
    # (SQLITE_WAL_LIMIT_BYTES).
    conn.execute(f"PRAGMA journal_size_limit={int(wal_limit)}")
    return conn


def run(path: str, *, interval: float, wal_limit: int, stop=lambda: False) -> None:
    """Checkpoint ``path`` every ``interval`` seconds until ``stop()`` is true."""
    conn = connect(path, wal_limit)
    try:
        while not stop():
            started = time.monotonic()
            try:
                result = checkpoint(conn)
            except sqlite3.OperationalError as exc:  # locked for longer than the timeout: try again later
                log.warning("SQLite checkpoint of %s failed: %s", path, exc)
            else:
                if result.log_pages - result.copied_pages > 100_000:
                    log.warning(
                        "SQLite log of %s holds %d pages not yet in the database (a long reader?)",
                        path,
                        result.log_pages - result.copied_pages,
                    )
            time.sleep(max(0.0, interval - (time.monotonic() - started)))
    finally:
        conn.close()
