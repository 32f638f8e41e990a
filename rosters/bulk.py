"""Inserting many rows fast, for the roster import.

``bulk_create`` spends most of its time building SQL: for every value of
every object it calls the field's preparation hooks, which for a 100,000-row
roster (1.9 million values across people and memberships) costs about three
times what the database itself needs. The import knows its values are
already clean Python values, so it inserts plain tuples instead:
PostgreSQL's COPY, or ``executemany`` elsewhere (SQLite).

Primary keys are reserved first, so that memberships can point at the people
inserted with them without asking the database which ids it chose.

Like ``bulk_create``, nothing here calls ``save()`` or sends signals. Call
inside the transaction that holds the data; on SQLite that transaction must
hold the write lock (the project opens transactions IMMEDIATE), so the ids
reserved cannot be taken by another writer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import connection
from django.db.models import Model


def reserve_ids(model: type[Model], count: int) -> list[int]:
    """``count`` unused primary keys for ``model``, to insert explicitly."""
    if count <= 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Sequence values are never handed out twice, whoever else inserts.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, count]
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor == "sqlite":
            # AUTOINCREMENT ids never go back to a deleted row's id: start
            # above both the largest id and the recorded high-water mark.
            cursor.execute(f"SELECT MAX({connection.ops.quote_name(pk)}) FROM {connection.ops.quote_name(table)}")
            highest = cursor.fetchone()[0] or 0
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            start = max(highest, row[0] if row else 0) + 1
            return list(range(start, start + count))
    raise NotImplementedError(f"reserve_ids does not support {connection.vendor}")


def db_datetime(value: dt.datetime) -> object:
    """A datetime as this database stores it (naive UTC text on SQLite)."""
    return connection.ops.adapt_datetimefield_value(value)


def insert_rows(model: type[Model], fields: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert ``rows`` (tuples of Python values, in the order of ``fields``) into ``model``'s table.

    Values must already be what the columns hold: ids for foreign keys,
    ``db_datetime()`` for datetimes; dates, strings, booleans and None as is.
    Constraint violations raise django.db.IntegrityError, as for any query.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)
