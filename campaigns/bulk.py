"""Plain multi-row INSERTs and UPDATEs for the few places that write hundreds of thousands of rows.

Opening a national campaign freezes a million members; building model
instances for each costs more than the database work itself. These helpers
send tuples straight to ``executemany``, converting dates and datetimes the
way the backend's own field code would (on SQLite: naive UTC text), so the
rows are exactly what the ORM would have written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, models

BATCH = 10_000


def _adapter(field: models.Field):
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    return None


def _adapt_row(row: Sequence, adapters) -> tuple:
    return tuple(a(v) if a is not None and v is not None else v for v, a in zip(row, adapters, strict=True))


def _flush(sql: str, batch: list) -> None:
    with connection.cursor() as cursor:
        cursor.executemany(sql, batch)


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """INSERT ``rows`` (tuples in the order of ``fields``, attnames such as "unit_id") into ``model``'s table."""
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]  # attnames ("unit_id") resolve too
    adapters = [_adapter(f) for f in columns]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    count, batch = 0, []
    for row in rows:
        batch.append(_adapt_row(row, adapters))
        if len(batch) >= BATCH:
            _flush(sql, batch)
            count += len(batch)
            batch = []
    if batch:
        _flush(sql, batch)
        count += len(batch)
    return count


def update_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """UPDATE ``fields`` by primary key: each row is (*values, pk)."""
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]  # attnames ("unit_id") resolve too
    adapters = [*(_adapter(f) for f in columns), None]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(f.column)} = %s" for f in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {quote(meta.pk.column)} = %s"
    count, batch = 0, []
    for row in rows:
        batch.append(_adapt_row(row, adapters))
        if len(batch) >= BATCH:
            _flush(sql, batch)
            count += len(batch)
            batch = []
    if batch:
        _flush(sql, batch)
        count += len(batch)
    return count
