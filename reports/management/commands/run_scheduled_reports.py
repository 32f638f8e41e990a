"""hocvuso run_scheduled_reports: make the weekly and monthly reports that are due (run daily from cron)."""

from django.core.management.base import BaseCommand

from reports.actions import run_due_reports


class Command(BaseCommand):
    help = "Make every scheduled report that is due and keep it for download."

    def handle(self, *args, **options):
        for stored in run_due_reports():
            self.stdout.write(f"{stored.filename} ({stored.size:,} bytes)")
