"""Background checkpoints of SQLite's write-ahead log (hocvuso.sqlite_checkpoint and its command)."""

import sqlite3

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from hocvuso import sqlite_checkpoint


@pytest.fixture
def wal_database(tmp_path):
    path = str(tmp_path / "db.sqlite3")
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")  # only the checkpointer copies pages back
    writer.execute("CREATE TABLE t (x TEXT)")
    writer.executemany("INSERT INTO t VALUES (?)", [("x" * 500,) for _ in range(200)])
    yield path, writer
    writer.close()


def test_it_copies_every_logged_page_into_the_database_file(wal_database):
    path, _ = wal_database
    conn = sqlite_checkpoint.connect(path, wal_limit=64 * 1024 * 1024)
    result = sqlite_checkpoint.checkpoint(conn)
    assert not result.busy
    assert result.log_pages > 0
    assert result.copied_pages == result.log_pages
    # Nothing new was written: a second checkpoint finds nothing left to copy.
    again = sqlite_checkpoint.checkpoint(conn)
    assert again.copied_pages == again.log_pages
    conn.close()


def test_it_never_blocks_a_writer_that_is_in_the_middle_of_a_transaction(wal_database):
    path, writer = wal_database
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO t VALUES ('later')")
    conn = sqlite_checkpoint.connect(path, wal_limit=64 * 1024 * 1024)
    result = sqlite_checkpoint.checkpoint(conn)  # PASSIVE: copies what is committed, returns at once
    assert result.copied_pages == result.log_pages
    writer.execute("COMMIT")
    assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 201
    conn.close()


def test_it_runs_until_told_to_stop(wal_database):
    path, _ = wal_database
    rounds = []
    sqlite_checkpoint.run(
        path, interval=0.01, wal_limit=64 * 1024 * 1024, stop=lambda: rounds.append(1) or len(rounds) > 3
    )
    assert len(rounds) == 4
    conn = sqlite3.connect(path)
    _, log_pages, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert log_pages > 0 and copied == log_pages  # everything logged is in the database file
    conn.close()


@pytest.mark.django_db
def test_the_command_refuses_what_it_cannot_do():
    if connection.vendor == "sqlite":
        with pytest.raises(CommandError, match="positive number of seconds"):
            call_command("sqlite_checkpointer", interval=0)
    else:
        with pytest.raises(CommandError, match="not SQLite"):
            call_command("sqlite_checkpointer")
