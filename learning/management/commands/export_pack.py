"""hocvuso export_pack COURSE_KEY --output FILE.zip [--version V]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from learning.models import Course
from learning.packs import export_course_pack


class Command(BaseCommand):
    help = "Export a course (with the question banks of its quizzes) as a content pack zip."

    def add_arguments(self, parser):
        parser.add_argument("course")
        parser.add_argument("--output", required=True)
        parser.add_argument("--version", default="")
        parser.add_argument("--pack-id", default="")

    def handle(self, *args, course, output, version, pack_id, **options):
        found = Course.objects.filter(key=course).first()
        if found is None:
            raise CommandError(f"no course with key {course!r}")
        Path(output).write_bytes(export_course_pack(found, version=version, pack_id=pack_id))
        self.stdout.write(f"wrote {output}")
