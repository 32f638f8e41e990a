"""rosters.actions: the job's life (upload, check, import) and its failures."""

from __future__ import annotations

from unittest import mock

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import RoleGrant
from people.models import Person
from rosters import actions
from rosters.models import ImportJob
from rosters.tests.helpers import RosterTestCase, csv_bytes, xlsx

HEADER = ["Họ và tên", "Ngày sinh", "Số CCCD"]
GOOD = ["Nguyễn Văn Hùng", "15/03/1985", "001085001234"]


def upload(rows, name="ds.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx([HEADER, *rows]))


class JobActionTests(RosterTestCase):
    def test_an_upload_is_stored_with_its_headers_guessed_mapping_and_first_rows(self):
        job = actions.create_job(user=self.minh, org=self.lienminh, upload=upload([GOOD]))
        self.assertEqual(job.status, "uploaded")
        self.assertEqual(job.headers, HEADER)
        self.assertEqual(job.mapping, ["full_name", "birth_date", "cccd"])
        self.assertEqual(job.sample[0]["cells"], GOOD)
        self.assertTrue(job.file.name.startswith("imports/"))
        self.assertNotIn("ds", job.file.name.rsplit("/", 1)[-1])  # stored under a random name
        with job.file.open("rb") as f:
            self.assertTrue(f.read(2) == b"PK")

    def test_a_file_of_another_type_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            actions.create_job(user=self.minh, org=self.lienminh, upload=SimpleUploadedFile("ds.pdf", b"%PDF"))
        self.assertIn("file", caught.exception.error_dict)
        self.assertFalse(ImportJob.objects.exists())

    def test_a_csv_without_header_is_refused_with_the_reason(self):
        data = SimpleUploadedFile("ds.csv", csv_bytes([["1", "2"], ["3", "4"]]))
        with self.assertRaisesMessage(ValidationError, "No header row found"):
            actions.create_job(user=self.minh, org=self.lienminh, upload=data)

    def test_the_check_records_progress_counts_and_problems(self):
        job = actions.create_job(user=self.minh, org=self.lienminh, upload=upload([GOOD, ["", "", ""], ["X", "", ""]]))
        seen = []
        real_save = ImportJob.save

        def spy(instance, *args, **kwargs):
            if kwargs.get("update_fields") and "rows_done" in kwargs["update_fields"]:
                seen.append((instance.rows_done, instance.rows_total))
            return real_save(instance, *args, **kwargs)

        with mock.patch("rosters.importing.PROGRESS_EVERY", 1), mock.patch.object(ImportJob, "save", spy):
            actions.request_preview(job=job)
        job.refresh_from_db()
        self.assertEqual((job.status, job.task, job.rows_total, job.rows_done), ("previewed", "", 2, 2))
        self.assertEqual((job.created_count, job.rejected_count), (2, 0))
        self.assertIn((1, 3), seen)  # progress against the estimate, before the exact total

    def test_a_job_cannot_be_queued_twice(self):
        job = actions.create_job(user=self.minh, org=self.lienminh, upload=upload([GOOD]))
        ImportJob.objects.filter(pk=job.pk).update(status="running", task="preview")
        with self.assertRaises(ValidationError):
            actions.request_preview(job=job)

    def test_the_import_fails_cleanly_when_the_user_lost_the_right_meanwhile(self):
        job = actions.create_job(user=self.minh, org=self.lienminh, upload=upload([GOOD]))
        actions.request_preview(job=job)
        RoleGrant.objects.filter(user=self.minh).delete()
        self.minh = type(self.minh).objects.get(pk=self.minh.pk)  # forget cached grants
        job.refresh_from_db()
        actions.request_commit(job=job, only_valid=False)
        job.refresh_from_db()
        self.assertEqual(job.status, "failed")
        self.assertEqual(job.error, "You may no longer import people into this unit.")
        self.assertFalse(Person.objects.filter(cccd="001085001234").exists())

    def test_an_unexpected_error_marks_the_job_failed_and_writes_nothing(self):
        job = actions.create_job(user=self.minh, org=self.lienminh, upload=upload([GOOD]))
        actions.request_preview(job=job)
        job.refresh_from_db()
        with mock.patch("rosters.importing.record_event", side_effect=RuntimeError("boom")):
            with self.assertLogs("rosters.actions", "ERROR"):
                actions.request_commit(job=job, only_valid=False)
        job.refresh_from_db()
        self.assertEqual(job.status, "failed")
        self.assertFalse(Person.objects.filter(cccd="001085001234").exists())

    def test_unit_choices_must_be_among_the_candidates_offered(self):
        rows = [["Ngô Thị Hạnh", "01/01/1980", ""]]
        data = SimpleUploadedFile("ds.xlsx", xlsx([HEADER + ["Đơn vị"], [*rows[0], "xã Hồng Hà, huyện Đan Phượng"]]))
        job = actions.create_job(user=self.hoa, org=self.hanoi, upload=data)
        job = actions.request_preview(job=job)
        self.assertEqual(len(job.unit_questions), 1)
        with self.assertRaises(ValidationError):
            actions.set_unit_choices(job=job, choices={"xã Hồng Hà, huyện Đan Phượng": self.school.pk})
        actions.set_unit_choices(job=job, choices={"xã Hồng Hà, huyện Đan Phượng": self.lienminh.pk})
        job = actions.request_preview(job=job)
        self.assertEqual(job.problems_total, 0)
