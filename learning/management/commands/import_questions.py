"""hocvuso import_questions FILE --bank NAME [--dry-run]

Imports a GIFT, Moodle XML, Aiken or Excel-template file into a question bank
(created if missing). The format is recognised from the content. A file with
any problem is rejected whole; every problem is printed with its line and
question. Exits non-zero when anything is rejected; the last line is always
``imported N, rejected R``.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from learning.actions import import_question_file


class Command(BaseCommand):
    help = "Import a question file (GIFT, Moodle XML, Aiken or the Excel template) into a question bank."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--bank", required=True, help="bank name (created if it does not exist)")
        parser.add_argument("--dry-run", action="store_true", help="check the file, import nothing")

    def handle(self, *args, file, bank, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        report = import_question_file(bank_name=bank, data=path.read_bytes(), filename=path.name, dry_run=dry_run)
        result = report.result
        self.stdout.write(f"{path.name}: format {result.format}")
        for problem in result.problems:
            self.stderr.write(f"  {problem}")
        if result.problems:
            self.stderr.write(f"rejected: {len(result.problems)} problem(s); nothing was imported")
        elif dry_run:
            self.stdout.write("dry run: the file is fine; nothing was saved")
        else:
            self.stdout.write(
                f"bank “{report.bank.name}”: {report.created} new, {report.updated} updated, "
                f"{report.unchanged} unchanged"
            )
        self.stdout.write(f"imported {report.imported}, rejected {report.rejected}")
        if report.rejected:
            raise SystemExit(1)
