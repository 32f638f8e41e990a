"""hocvuso import_pack PATH [--check] [--force] [--owner UNIT_CODE]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from learning.packs import Source, import_pack
from org.models import Unit


class Command(BaseCommand):
    help = "Import a content pack (a .zip or a directory); importing it again updates it."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--check", action="store_true", help="check the pack, import nothing")
        parser.add_argument("--force", action="store_true", help="re-apply even if unchanged")
        parser.add_argument("--owner", help="code of the unit that owns new courses and banks (default: national)")

    def handle(self, *args, path, check, force, owner, **options):
        p = Path(path)
        if not p.exists():
            raise CommandError(f"{path}: no such file or directory")
        unit = None
        if owner:
            unit = Unit.objects.filter(code=owner).first()
            if unit is None:
                raise CommandError(f"no unit with code {owner!r}")
        try:
            src = Source.from_directory(p) if p.is_dir() else Source.from_zip(p.read_bytes())
        except Exception as exc:  # noqa: BLE001 - a broken zip raises several error types
            raise CommandError(f"{path}: cannot read the pack ({exc})") from None
        report = import_pack(src, force=force, check_only=check, owner=unit)
        if report.status == "rejected":
            for problem in report.pack.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(f"rejected: {len(report.pack.problems)} problem(s); nothing was imported")
        self.stdout.write(f"{report.status}: {', '.join(report.courses)}")
