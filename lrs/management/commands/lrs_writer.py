"""Store the web workers' statement batches in one process (SQLite; started by `serve`): see lrs.writer."""

from __future__ import annotations

import signal

from django.core.management.base import BaseCommand, CommandError

from hocvuso.process import settle_heap
from lrs import writer


class Command(BaseCommand):
    help = "Store the web workers' xAPI statement batches in this one process (SQLite only; `serve` starts it)."

    def handle(self, *args, **opts):
        path = writer.socket_path()
        if path is None:
            raise CommandError("Not used here: the database is not SQLite, or LRS_SINGLE_WRITER is off.")
        stopping = []
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stopping.append(True))
        server = writer.listen(path)
        settle_heap()
        self.stdout.write(f"LRS writer listening on {path}")
        try:
            writer.serve(server, stop=lambda: bool(stopping))
        finally:
            server.close()
