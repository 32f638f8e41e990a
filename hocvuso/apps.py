from django.apps import AppConfig


class HocvusoConfig(AppConfig):
    name = "hocvuso"

    def ready(self):
        from hocvuso import db  # noqa: F401  (registers the SQLite collation hook)
