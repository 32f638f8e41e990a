"""Database helpers shared by every app: paths for subtrees, Vietnamese collation."""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager

from django.db import connections, models
from django.db.backends.signals import connection_created
from django.dispatch import receiver

# Name of the ICU Vietnamese collation on each backend. PostgreSQL ships
# "vi-x-icu" when built with ICU; on SQLite we register one from PyICU.
_COLLATIONS = {"postgresql": "vi-x-icu", "sqlite": "vi"}


class PathField(models.CharField):
    """A materialised path compared byte-wise on every backend.

    Subtree queries are range scans (``path >= p AND path < p_upper``), which
    use a plain B-tree index only when the column orders bytes, so on
    PostgreSQL the column gets the "C" collation whatever the database default.
    """

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


def path_upper(path: str) -> str:
    """The smallest string greater than every path that starts with ``path``."""
    # Paths end with "/"; "0" is the next byte after "/" in ASCII.
    assert path.endswith("/")
    return path[:-1] + "0"


def subtree_q(path: str, field: str = "path") -> models.Q:
    return models.Q(**{f"{field}__gte": path, f"{field}__lt": path_upper(path)})


def subtrees_q(paths, field: str = "path") -> models.Q:
    q = models.Q(pk__in=[])
    for p in paths:
        q |= subtree_q(p, field)
    return q


class ViCollate(models.Func):
    """ORDER BY helper: ``order_by(ViCollate("sort_name"))`` sorts the Vietnamese way."""

    template = "%(expressions)s"
    output_field = models.CharField()

    def as_sql(self, compiler, connection, **extra):
        sql, params = super().as_sql(compiler, connection, **extra)
        collation = _COLLATIONS.get(connection.vendor)
        if collation:
            sql = f'{sql} COLLATE "{collation}"'
        return sql, params


@receiver(connection_created)
def _register_sqlite_collation(sender, connection, **kwargs):
    if connection.vendor != "sqlite":
        return
    from hocvuso.lib.text import vi_compare

    connection.connection.create_collation("vi", vi_compare)


# --- taking turns to write on SQLite ------------------------------------------------------

_turn_files: dict[tuple[int, str], int] = {}


@contextmanager
def writer_turn(using: str = "default"):
    """Wait for this process's turn to write, then run the block (SQLite; elsewhere a no-op).

    SQLite lets one connection write at a time, and a connection that finds
    the lock taken polls for it, sleeping 1, 2, 5, 10, 25... ms between tries,
    so under steady concurrent writes the database sits idle between
    transactions. Web workers that write often (the LRS ingest) queue on a
    kernel file lock beside the database instead: the next one is woken the
    moment the previous one lets go. Only the outermost transaction queues; a
    block already inside one holds SQLite's lock anyway.
    """
    conn = connections[using]
    if conn.vendor != "sqlite" or conn.in_atomic_block or conn.settings_dict["NAME"] in ("", ":memory:"):
        yield
        return
    key = (os.getpid(), str(conn.settings_dict["NAME"]))
    fd = _turn_files.get(key)
    if fd is None:
        fd = _turn_files[key] = os.open(key[1] + "-writers", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
