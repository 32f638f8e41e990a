"""hocvuso import_roster FILE --org CODE: import a roster from the command line.

Problems go to stderr, one per line (row, column, value, reason); stdout gets
exactly one summary line, "imported N, updated U, rejected R". Exit status:
0 all rows fine, 1 some rows rejected (even with --only-valid, after the
valid ones went in), 2 the file or the options cannot be used.
"""

from __future__ import annotations

import os
import sys

from django.core.management.base import BaseCommand, CommandError, no_translations

from accounts import access
from accounts.models import User
from hocvuso.lib.text import nfc
from org.models import Unit
from org.resolve import UnitResolver
from rosters import actions
from rosters import columns as C
from rosters.importing import RosterError, estimate_rows, run_import
from rosters.problems import describe

UNUSABLE = 2
REJECTED = 1


def _pair(text: str, option: str) -> tuple[str, str]:
    if "=" not in text:
        raise CommandError(f'{option} expects VALUE=TARGET, got "{text}".', returncode=UNUSABLE)
    left, right = text.rsplit("=", 1)
    left, right = nfc(left), nfc(right)
    if not left or not right:
        raise CommandError(f'{option} expects VALUE=TARGET, got "{text}".', returncode=UNUSABLE)
    return left, right


class Command(BaseCommand):
    help = "Import a roster (.xlsx or .csv) of people into a unit, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The roster, .xlsx or .csv (UTF-8, UTF-8 with BOM or Windows-1258).")
        parser.add_argument("--org", required=True, help="Code of the unit the people belong to (and its subtree).")
        parser.add_argument("--dry-run", action="store_true", help="Check and report, write nothing.")
        parser.add_argument(
            "--only-valid", action="store_true", help="Import the valid rows even when other rows are rejected."
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADER=FIELD",
            help=f"Column mapping override; fields: {', '.join(f for f in C.FIELDS if f)} or ignore.",
        )
        parser.add_argument(
            "--unit",
            action="append",
            default=[],
            metavar="VALUE=CODE",
            help='Which unit a value of the unit column means, e.g. "xã Hồng Hà, huyện Đan Phượng=09784".',
        )
        parser.add_argument(
            "--as", dest="username", help="Import as this user (their MANAGE_PEOPLE scope must cover --org)."
        )

    # Output is English, like the problem lines scripts and logs parse.
    @no_translations
    def handle(self, *args, **options):
        path = options["file"]
        if not os.path.isfile(path):
            raise CommandError(f"{path}: no such file.", returncode=UNUSABLE)
        org = Unit.objects.filter(code=options["org"]).first()
        if org is None:
            raise CommandError(f'No unit has the code "{options["org"]}".', returncode=UNUSABLE)

        user = None
        if options["username"]:
            user = User.objects.filter(username=options["username"], is_active=True).first()
            if user is None:
                raise CommandError(f'No active user "{options["username"]}".', returncode=UNUSABLE)
            if not access.units(user, access.Perm.MANAGE_PEOPLE).filter(pk=org.pk).exists():
                raise CommandError(
                    f"{user.username} may not import people into {org.name} ({org.code}).", returncode=UNUSABLE
                )

        overrides = [_pair(text, "--map") for text in options["map"]]
        unit_choices = {}
        resolver = UnitResolver(root=org)
        for text in options["unit"]:
            value, code = _pair(text, "--unit")
            ref = resolver.get(code)
            if ref is None or not ref.is_active:
                raise CommandError(f'--unit: no current unit "{code}" inside {org.name}.', returncode=UNUSABLE)
            unit_choices[value] = ref.id

        filename = os.path.basename(path)
        bar = self._progress_bar(path)
        only_valid = options["only_valid"]

        def after_write(outcome):
            return actions.record_cli_import(
                user=user, org=org, filename=filename, only_valid=only_valid, outcome=outcome
            )

        try:
            outcome = run_import(
                path,
                org=org,
                filename=filename,
                overrides=overrides,
                unit_choices=unit_choices,
                only_valid=only_valid,
                dry_run=options["dry_run"],
                actor=user,
                progress=bar.update_to if bar else None,
                on_writing=bar.writing if bar else None,
                after_write=after_write,
            )
        except RosterError as exc:
            raise CommandError(f"{filename}: {exc.message}", returncode=UNUSABLE) from exc
        finally:
            if bar is not None:
                bar.close()

        for problem in outcome.problems:
            self.stderr.write(describe(problem))
        if options["dry_run"]:
            note = "dry run: nothing was written"
        elif outcome.written:
            note = "written"
        else:
            note = "nothing was written because some rows were rejected (see --only-valid)"
        self.stderr.write(
            f"{outcome.rows_total} rows: {outcome.created} new, {outcome.updated} updated, "
            f"{outcome.unchanged} unchanged, {outcome.rejected} rejected; {note}.",
            style_func=str,  # information, not an error: no red on a terminal
        )
        imported = outcome.created if (outcome.written or options["dry_run"]) else 0
        updated = outcome.updated if (outcome.written or options["dry_run"]) else 0
        self.stderr.flush()
        self.stdout.write(f"imported {imported}, updated {updated}, rejected {outcome.rejected}")
        self.stdout.flush()
        if outcome.rejected:
            # A plain exit, not CommandError: its message would follow the
            # summary, which must stay the last line.
            raise SystemExit(REJECTED)

    def _progress_bar(self, path: str):
        stream = getattr(self.stderr, "_out", sys.stderr)
        if not (hasattr(stream, "isatty") and stream.isatty()):
            return None
        from tqdm import tqdm

        class Bar(tqdm):
            def update_to(self, done: int) -> None:
                self.update(done - self.n)

            def writing(self) -> None:
                self.set_description("writing")

        return Bar(total=estimate_rows(path), unit="rows", file=stream, desc="checking", leave=False)
