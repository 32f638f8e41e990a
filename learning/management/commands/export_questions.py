"""hocvuso export_questions --bank NAME --format gift|moodle-xml|aiken|excel|yaml [--output FILE]"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from learning.actions.questions import find_bank
from learning.exporting import export_bank
from learning.formats import FORMATS


class Command(BaseCommand):
    help = "Export a question bank to GIFT, Moodle XML, Aiken, the Excel template or pack YAML."

    def add_arguments(self, parser):
        parser.add_argument("--bank", required=True)
        parser.add_argument("--format", required=True, choices=sorted(FORMATS))
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args, bank, format, output, **options):
        found = find_bank(bank)
        if found is None:
            raise CommandError(f"no question bank called {bank!r}")
        data, skipped = export_bank(found, format)
        for name in skipped:
            self.stderr.write(f"left out (the format cannot hold it): {name}")
        if output:
            Path(output).write_bytes(data)
            self.stderr.write(f"wrote {output}")
        else:
            sys.stdout.buffer.write(data)
