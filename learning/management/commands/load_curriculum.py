"""hocvuso load_curriculum [--force] [DIR ...]

Loads the competence frameworks and the starter curriculum: every content
pack under ``content/packs`` (directories or .zip files), or the packs
given. Idempotent: a pack already loaded with the same content is skipped,
a changed one updates its courses in place.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from learning.frameworks import load_frameworks
from learning.packs import MANIFEST, Source, import_pack

DEFAULT_DIR = Path(settings.BASE_DIR) / "content" / "packs"


class Command(BaseCommand):
    help = "Load the competence frameworks and the starter curriculum content packs."

    def add_arguments(self, parser):
        parser.add_argument("packs", nargs="*", help="pack directories or zips (default: content/packs/*)")
        parser.add_argument("--force", action="store_true", help="re-apply packs even if unchanged")

    def handle(self, *args, packs, force, verbosity=1, **options):
        counts = load_frameworks()
        say = self.stdout.write if verbosity > 0 else (lambda *a, **k: None)
        say("frameworks: " + ", ".join(f"{k} ({n} competences)" for k, n in sorted(counts.items())))
        paths = [Path(p) for p in packs] or sorted(
            p for p in DEFAULT_DIR.iterdir() if (p / MANIFEST).is_file() or p.suffix == ".zip"
        )
        failed = False
        for path in paths:
            src = Source.from_zip(path.read_bytes()) if path.suffix == ".zip" else Source.from_directory(path)
            report = import_pack(src, force=force)
            if report.status == "rejected":
                failed = True
                self.stderr.write(f"{path.name}: rejected")
                for problem in report.pack.problems:
                    self.stderr.write(f"  {problem}")
                continue
            say(f"{path.name}: {report.status} ({', '.join(report.courses)})")
        if failed:
            raise CommandError("some packs were rejected; nothing of them was loaded")
