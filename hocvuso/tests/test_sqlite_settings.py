"""The SQLite connection settings the LRS ingest figures were measured with (docs/lrs-performance.md)."""

import sqlite3

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3", reason="SQLite settings"
)


def _pragma(name: str):
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_a_new_database_file_gets_1_kb_pages_and_the_write_ahead_log():
    assert (_pragma("page_size"), _pragma("journal_mode")) == (settings.SQLITE_PAGE_BYTES, "wal")
    assert settings.SQLITE_PAGE_BYTES == 1024


@pytest.mark.django_db
def test_pages_are_read_without_a_memory_map_by_default():
    assert settings.SQLITE_MMAP_BYTES == 0
    assert _pragma("mmap_size") == 0


def test_an_existing_file_keeps_its_page_size(tmp_path):
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.execute("PRAGMA page_size=4096")
    old.execute("CREATE TABLE t (x)")
    old.close()
    conn = sqlite3.connect(path)
    conn.executescript(settings.DATABASES["default"]["OPTIONS"]["init_command"])
    assert conn.execute("PRAGMA page_size").fetchone()[0] == 4096
    assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 0
    conn.close()
