"""Production server: gunicorn worker processes plus the background task worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the production web server (gunicorn) and the background task worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=max(2, (os.cpu_count() or 1) * 2))
        parser.add_argument("--no-task-worker", action="store_true", help="Do not start the background task worker.")
        parser.add_argument("--no-collectstatic", action="store_true")
        parser.add_argument(
            "--no-checkpointer", action="store_true", help="Do not start the SQLite checkpointer (SQLite only)."
        )
        parser.add_argument(
            "--no-lrs-writer",
            action="store_true",
            help="Let each web worker store its own xAPI statements instead of one writer process (SQLite only).",
        )

    def handle(self, *args, **opts):
        from gunicorn.app.base import BaseApplication

        if not opts["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)

        helpers = []
        uses_sqlite = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
        if uses_sqlite and settings.SQLITE_CHECKPOINT_SECONDS > 0 and not opts["no_checkpointer"]:
            # Log checkpoints (and their fsync) off the request path: see hocvuso.sqlite_checkpoint.
            helpers.append(subprocess.Popen([sys.executable, "-m", "hocvuso.cli", "sqlite_checkpointer"]))
        if uses_sqlite and settings.LRS_SINGLE_WRITER and not opts["no_lrs_writer"]:
            # One process stores every worker's statement batches: see lrs.writer.
            helpers.append(subprocess.Popen([sys.executable, "-m", "hocvuso.cli", "lrs_writer"]))
        uses_db_tasks = settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db")
        if uses_db_tasks and not opts["no_task_worker"]:
            # A separate process, so long imports never hold a web worker.
            helpers.append(
                subprocess.Popen([sys.executable, "-m", "hocvuso.cli", "db_worker", "--queue-name", "default"])
            )

        from hocvuso.process import settle_heap
        from hocvuso.wsgi import application

        settle_heap()  # before the workers are forked from this process

        options = {
            "bind": f"{opts['host']}:{opts['port']}",
            "workers": opts["workers"],
            "worker_class": "gthread",
            "threads": 4,
            "timeout": 120,
            "accesslog": "-",
            "errorlog": "-",
        }

        class App(BaseApplication):
            def load_config(self):
                for key, value in options.items():
                    self.cfg.set(key, value)

            def load(self):
                return application

        self.stdout.write(f"hocvuso serving on http://{opts['host']}:{opts['port']}/ with {opts['workers']} workers")
        try:
            App().run()
        finally:
            for helper in helpers:
                helper.send_signal(signal.SIGTERM)
            for helper in helpers:
                helper.wait(timeout=30)
