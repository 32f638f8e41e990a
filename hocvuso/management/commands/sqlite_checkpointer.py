"""Run background checkpoints of the SQLite database (see hocvuso.sqlite_checkpoint)."""

from __future__ import annotations

import os
import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hocvuso import sqlite_checkpoint


class Command(BaseCommand):
    help = "Copy SQLite's write-ahead log into the database in the background (started by `serve`)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=None, help="Seconds between checkpoints (SQLITE_CHECKPOINT_SECONDS)."
        )

    def handle(self, *args, interval=None, **opts):
        db = settings.DATABASES["default"]
        if db["ENGINE"] != "django.db.backends.sqlite3":
            raise CommandError("The database is not SQLite: nothing to checkpoint.")
        interval = settings.SQLITE_CHECKPOINT_SECONDS if interval is None else interval
        if interval <= 0:
            raise CommandError("The interval must be a positive number of seconds.")
        stopping = []
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stopping.append(True))
        # Background upkeep yields the CPU to requests: a web worker holding
        # the write lock must not wait behind a checkpoint's copying.
        os.nice(10)
        sqlite_checkpoint.run(
            str(db["NAME"]), interval=interval, wal_limit=settings.SQLITE_WAL_LIMIT_BYTES, stop=lambda: bool(stopping)
        )
