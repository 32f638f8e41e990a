"""hocvuso seed_demo: load the demo organisations, people and sign-ins (after ``hocvuso load_units``)."""

import time

from django.core.management.base import BaseCommand, CommandError

from demo.actions import MapMissing, seed_demo


class Command(BaseCommand):
    help = (
        "Load the demo data: the former Đan Phượng district (Hà Nội), Gia Lai communes, the party "
        "organisation of xã Liên Minh (Phú Thọ), Phủ Lý's community learning centres and one sign-in per "
        "role. Needs `hocvuso load_units` first. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--without-campaigns",
            action="store_true",
            help="Only organisations, people and sign-ins; skip the three demo campaigns.",
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            report = seed_demo()
        except MapMissing as exc:
            raise CommandError(str(exc)) from None
        for section in report.sections:
            self.stdout.write(section.describe())
        for line in report.accounts:
            self.stdout.write(f"Demo account {line}.")
        if not options["without_campaigns"]:
            # The campaigns come last: they freeze populations from the people above.
            from campaigns.demo import seed_demo_campaigns

            for line in seed_demo_campaigns():
                self.stdout.write(line)
        if report.changed:
            self.stdout.write(
                self.style.SUCCESS(f"Demo data ready in {time.monotonic() - started:.1f} s.")
                + " Sign-ins: hocvuso demo_logins"
            )
        else:
            self.stdout.write(self.style.SUCCESS("Demo data already present; nothing changed."))
