"""hocvuso take_snapshots [--day YYYY-MM-DD]: record today's figures of every open campaign (run daily from cron)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from reports.actions import take_snapshots


class Command(BaseCommand):
    help = "Record the day's figures of every open campaign, for trend lines and forecasts (run once a day)."

    def add_arguments(self, parser):
        parser.add_argument("--day", help="the day to record (default: today)")

    def handle(self, *args, day=None, **options):
        try:
            when = dt.date.fromisoformat(day) if day else None
        except ValueError:
            raise CommandError(f"--day {day!r} is not a date like 2025-12-31.") from None
        self.stdout.write(f"{take_snapshots(day=when):,} snapshot rows written.")
