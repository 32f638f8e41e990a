from django.core.management.base import BaseCommand, CommandError

from org.mapload import MapLoadError, load_units


class Command(BaseCommand):
    help = (
        "Load Vietnam's administrative map from the vietnam-provinces package: the 34 provinces and 3,321 "
        "communes in force since 1 July 2025, and the earlier provinces, districts and communes as history "
        "linked to their successors. Safe to run again: only what is missing or renamed is written."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            action="append",
            dest="provinces",
            metavar="CODE",
            help="Load only this province (2-digit code, e.g. 01) and the former units that went into it. "
            "Repeat for several.",
        )

    def handle(self, *args, provinces=None, **options):
        try:
            report = load_units(provinces)
        except MapLoadError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(report.summary()) if report.changed else report.summary())
