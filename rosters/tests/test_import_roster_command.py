"""hocvuso import_roster: problems on stderr, one summary line on stdout, exit codes 0/1/2."""

from __future__ import annotations

import io
import os
import tempfile

from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from people.models import Person
from rosters.models import ImportJob
from rosters.tests.helpers import RosterTestCase, xlsx

GOOD = ["Nguyễn Văn Hùng", "15/03/1985", "Nam", "001085001234", "0912345678", "Trường Tiểu học Liên Minh"]
BAD_CCCD = ["Lê Văn Cường", "02/09/1990", "Nam", "0011850123", "", ""]
SPLIT = ["Ngô Thị Hạnh", "01/01/1980", "Nữ", "", "", "xã Hồng Hà, huyện Đan Phượng"]
HEADER = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Số điện thoại", "Đơn vị"]


class ImportRosterCommandTests(RosterTestCase):
    def setUp(self):
        super().setUp()
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def write(self, rows, name="ds.xlsx") -> str:
        path = os.path.join(self.dir.name, name)
        with open(path, "wb") as f:
            f.write(xlsx([HEADER, *rows]))
        return path

    def call(self, *args) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("import_roster", *args, stdout=out, stderr=err)
        except CommandError as exc:
            return exc.returncode, out.getvalue(), err.getvalue() + str(exc)
        except SystemExit as exc:
            return exc.code, out.getvalue(), err.getvalue()
        return 0, out.getvalue(), err.getvalue()

    def test_a_clean_file_is_imported_and_summarised_on_one_line(self):
        code, out, _ = self.call(self.write([GOOD]), "--org", "09787")
        self.assertEqual(code, 0)
        self.assertEqual(out, "imported 1, updated 0, rejected 0\n")
        self.assertTrue(Person.objects.filter(cccd="001085001234").exists())
        job = ImportJob.objects.get()
        self.assertEqual(
            (job.status, job.org, job.created_count, job.original_name), ("done", self.lienminh, 1, "ds.xlsx")
        )
        event = AuditEvent.objects.get(action="roster.import")
        self.assertEqual((event.target_id, event.actor_name), (str(job.pk), "system"))

    def test_rejected_rows_are_printed_to_stderr_and_exit_with_1_writing_nothing(self):
        code, out, err = self.call(self.write([GOOD, BAD_CCCD]), "--org", "09787")
        self.assertEqual(code, 1)
        self.assertEqual(out, "imported 0, updated 0, rejected 1\n")
        self.assertIn('row 3, column "Số CCCD", value "0011850123": CCCD must have 12 digits; this one has 10.\n', err)
        self.assertFalse(Person.objects.filter(cccd="001085001234").exists())
        self.assertFalse(ImportJob.objects.exists())

    def test_only_valid_imports_the_good_rows_and_still_exits_with_1(self):
        code, out, _ = self.call(self.write([GOOD, BAD_CCCD]), "--org", "09787", "--only-valid")
        self.assertEqual(code, 1)
        self.assertEqual(out, "imported 1, updated 0, rejected 1\n")
        self.assertTrue(Person.objects.filter(cccd="001085001234").exists())

    def test_a_dry_run_reports_what_would_happen_and_writes_nothing(self):
        code, out, err = self.call(self.write([GOOD]), "--org", "09787", "--dry-run")
        self.assertEqual((code, out), (0, "imported 1, updated 0, rejected 0\n"))
        self.assertIn("dry run", err)
        self.assertFalse(Person.objects.filter(cccd="001085001234").exists())
        self.assertFalse(AuditEvent.objects.filter(action="roster.import").exists())

    def test_importing_the_same_file_again_updates_nothing(self):
        path = self.write([GOOD])
        self.call(path, "--org", "09787")
        code, out, err = self.call(path, "--org", "09787")
        self.assertEqual((code, out), (0, "imported 0, updated 0, rejected 0\n"))
        self.assertIn("1 unchanged", err)
        self.assertEqual(Person.objects.filter(cccd="001085001234").count(), 1)

    def test_unit_choices_settle_a_split_commune(self):
        path = self.write([SPLIT])
        code, _, err = self.call(path, "--org", "01")
        self.assertEqual(code, 1)
        self.assertIn("This former unit was split between", err)
        code, out, _ = self.call(path, "--org", "01", "--unit", "Xã Hồng Hà, huyện Đan Phượng=09817")
        self.assertEqual((code, out), (0, "imported 1, updated 0, rejected 0\n"))
        self.assertEqual(Person.objects.get(full_name="Ngô Thị Hạnh").memberships.get().unit, self.odien)

    def test_a_map_option_overrides_a_guessed_column(self):
        path = self.write([GOOD])
        code, _, err = self.call(path, "--org", "09787", "--map", "Số điện thoại=ignore", "--dry-run")
        self.assertEqual(code, 0)
        code, _, err = self.call(path, "--org", "09787", "--map", "Số điện thoại=salary")
        self.assertEqual(code, 2)
        self.assertIn("“salary” is not a roster field.", err)

    def test_as_a_user_the_organisation_must_be_in_their_scope(self):
        path = self.write([GOOD])
        code, _, err = self.call(path, "--org", "09787", "--as", "pleiku")
        self.assertEqual(code, 2)
        self.assertIn("may not import people", err)
        code, _, _ = self.call(path, "--org", "09787", "--as", "minh")
        self.assertEqual(code, 0)
        self.assertEqual(AuditEvent.objects.get(action="roster.import").actor, self.minh)

    def test_an_unknown_organisation_or_unreadable_file_exits_with_2(self):
        code, _, err = self.call(self.write([GOOD]), "--org", "nope")
        self.assertEqual(code, 2)
        self.assertIn('No unit has the code "nope"', err)
        code, _, err = self.call(os.path.join(self.dir.name, "missing.xlsx"), "--org", "09787")
        self.assertEqual(code, 2)
        broken = os.path.join(self.dir.name, "broken.xlsx")
        with open(broken, "wb") as f:
            f.write(b"PK\x03\x04 not really a workbook")
        code, _, err = self.call(broken, "--org", "09787")
        self.assertEqual(code, 2)
        self.assertIn("broken.xlsx", err)
