"""hocvuso demo_logins: print the demo sign-ins as a table."""

from django.core.management.base import BaseCommand

from accounts.models import User
from demo.accounts import ACCOUNTS, DEMO_PASSWORD, DEMO_URL
from org.models import Unit


class Command(BaseCommand):
    help = "Print the demo accounts (username, password, role, unit) and where to sign in."

    def add_arguments(self, parser):
        parser.add_argument("--url", default=DEMO_URL, help=f"Address to show (default {DEMO_URL}).")

    def handle(self, *args, url, **options):
        units = Unit.objects.in_bulk([a.unit_code for a in ACCOUNTS if a.unit_code], field_name="code")
        # The province of each unit is the root of its path.
        roots = Unit.objects.in_bulk({u.ancestor_ids()[0] for u in units.values()})
        existing = set(
            User.objects.filter(username__in=[a.username for a in ACCOUNTS]).values_list("username", flat=True)
        )

        rows = [("Username", "Password", "Role", "Unit", "URL")]
        for account in ACCOUNTS:
            rows.append((account.username, DEMO_PASSWORD, account.role.value, self.label(account, units, roots), url))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]

        def line(row):
            return "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()

        self.stdout.write(line(rows[0]))
        self.stdout.write("  ".join("-" * w for w in widths))
        for row in rows[1:]:
            self.stdout.write(line(row))
        missing = [a.username for a in ACCOUNTS if a.username not in existing]
        if missing:
            self.stdout.write(
                self.style.WARNING(f"Not created yet: {', '.join(missing)}. Run `hocvuso seed_demo` first.")
            )

    @staticmethod
    def label(account, units, roots) -> str:
        if account.unit_code is None:
            return "(everything)"
        unit = units.get(account.unit_code)
        if unit is None:
            return f"{account.unit_code} (not loaded)"
        root = roots.get(unit.ancestor_ids()[0])
        return unit.name if root is None or root.pk == unit.pk else f"{unit.name}, {root.name}"
