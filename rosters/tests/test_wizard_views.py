"""The import wizard end to end: upload -> mapping -> preview -> import -> result, and its scope."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from people.models import Person
from rosters.models import ImportJob
from rosters.tests.helpers import RosterTestCase, xlsx

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Điện thoại", "Đơn vị"]
ROWS = [
    [1, "Nguyễn Văn Hùng", "15/03/1985", "Nam", "001085001234", "0912345678", "Trường Tiểu học Liên Minh"],
    [2, "Lê Văn Cường", "02/09/1990", "Nam", "0011850123", "", ""],
    [3, "Ngô Thị Hạnh", "01/01/1980", "Nữ", "", "", "xã Hồng Hà, huyện Đan Phượng"],
]


def upload(rows=None, name="danh-sach.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx([HEADER, *(ROWS if rows is None else rows)], title="DANH SÁCH"))


class WizardTests(RosterTestCase):
    def setUp(self):
        super().setUp()
        self.use_english_pages()
        self.login(self.hoa)

    def start(self, rows=None) -> ImportJob:
        response = self.client.post(reverse("rosters:new"), {"file": upload(rows), "org": self.hanoi.pk})
        job = ImportJob.objects.latest("id")
        self.assertRedirects(response, reverse("rosters:mapping", args=[job.pk]))
        return job

    def map_columns(self, job, **changes) -> None:
        data = {f"col_{i}": field for i, field in enumerate(job.mapping)}
        data.update(changes)
        response = self.client.post(reverse("rosters:mapping", args=[job.pk]), data)
        # The check ran at once (immediate task backend); progress sends on to the preview.
        self.assertRedirects(
            response, reverse("rosters:progress", args=[job.pk]), target_status_code=302, fetch_redirect_response=False
        )

    def test_the_whole_wizard_imports_the_valid_rows_after_a_unit_choice(self):
        page = self.client.get(reverse("rosters:new"))
        self.assertContains(page, f'<option value="{self.odien.pk}">')
        self.assertNotContains(page, f'<option value="{self.gialai.pk}">')

        job = self.start()
        self.assertEqual(job.original_name, "danh-sach.xlsx")
        self.assertEqual(job.mapping, ["", "full_name", "birth_date", "gender", "cccd", "phone", "unit"])
        page = self.client.get(reverse("rosters:mapping", args=[job.pk]))
        self.assertContains(page, '<option value="cccd" selected>')
        self.assertContains(page, "Nguyễn Văn Hùng")  # a sample value under its column

        self.map_columns(job)
        job.refresh_from_db()
        self.assertEqual(job.status, "previewed")
        self.assertRedirects(
            self.client.get(reverse("rosters:progress", args=[job.pk])), reverse("rosters:preview", args=[job.pk])
        )
        page = self.client.get(reverse("rosters:preview", args=[job.pk]))
        self.assertContains(page, "CCCD must have 12 digits; this one has 10.")
        self.assertContains(page, "This former unit was split between")
        self.assertContains(page, "disabled", count=1)  # "Import all" while problems remain
        self.assertContains(page, "Import only the 1 valid row")
        self.assertContains(page, f'<option value="{self.odien.pk}">Xã Ô Diên, Thành phố Hà Nội</option>', html=True)

        response = self.client.post(reverse("rosters:preview", args=[job.pk]), {"unit_0": self.odien.pk})
        self.assertRedirects(response, reverse("rosters:progress", args=[job.pk]), fetch_redirect_response=False)
        job.refresh_from_db()
        self.assertEqual(job.unit_choices, {"xa hong ha, huyen dan phuong": self.odien.pk})
        self.assertEqual((job.status, job.rejected_count, job.problems_total), ("previewed", 1, 1))
        page = self.client.get(reverse("rosters:preview", args=[job.pk]))
        self.assertContains(  # the choice stays visible, and can be changed
            page, f'<option value="{self.odien.pk}" selected>Xã Ô Diên, Thành phố Hà Nội</option>', html=True
        )

        response = self.client.post(reverse("rosters:commit", args=[job.pk]), {"only_valid": "1"})
        self.assertRedirects(response, reverse("rosters:progress", args=[job.pk]), fetch_redirect_response=False)
        job.refresh_from_db()
        self.assertEqual((job.status, job.created_count, job.rejected_count), ("done", 2, 1))
        self.assertIsNotNone(job.finished_at)
        self.assertEqual(Person.objects.get(full_name="Ngô Thị Hạnh").memberships.get().unit, self.odien)
        self.assertFalse(Person.objects.filter(full_name="Lê Văn Cường").exists())
        event = AuditEvent.objects.get(action="roster.import")
        self.assertEqual((event.target_id, event.actor), (str(job.pk), self.hoa))

        page = self.client.get(reverse("rosters:detail", args=[job.pk]))
        self.assertContains(page, "Imported; the rows with problems were left out.")
        self.assertContains(page, "0011850123")

    def test_problems_are_listed_in_vietnamese_by_default(self):
        job = self.start()
        del self.client.cookies[settings.LANGUAGE_COOKIE_NAME]
        self.map_columns(job)
        page = self.client.get(reverse("rosters:preview", args=[job.pk]))
        self.assertContains(page, "Số CCCD phải có 12 chữ số; số này có 10.")
        self.assertContains(page, "Nhập tất cả")

    def test_import_all_is_refused_while_problems_remain(self):
        job = self.start()
        self.map_columns(job)
        response = self.client.post(reverse("rosters:commit", args=[job.pk]), {"only_valid": "0"}, follow=True)
        self.assertContains(response, "Some rows have problems")
        job.refresh_from_db()
        self.assertEqual(job.status, "previewed")
        self.assertFalse(Person.objects.filter(cccd="001085001234").exists())

    def test_a_clean_file_is_imported_with_import_all(self):
        job = self.start(rows=ROWS[:1])
        self.map_columns(job)
        page = self.client.get(reverse("rosters:preview", args=[job.pk]))
        self.assertNotContains(page, "disabled")
        self.client.post(reverse("rosters:commit", args=[job.pk]), {"only_valid": "0"})
        job.refresh_from_db()
        self.assertEqual((job.status, job.created_count), ("done", 1))

    def test_the_user_can_change_the_guessed_mapping(self):
        job = self.start(rows=ROWS[:1])
        self.map_columns(job, col_5="")  # phone ignored
        self.client.post(reverse("rosters:commit", args=[job.pk]), {"only_valid": "0"})
        self.assertEqual(Person.objects.get(cccd="001085001234").phone, "")

    def test_a_mapping_without_a_name_column_is_refused_with_a_reason(self):
        job = self.start()
        data = {f"col_{i}": field for i, field in enumerate(job.mapping)}
        data["col_1"] = ""
        page = self.client.post(reverse("rosters:mapping", args=[job.pk]), data)
        self.assertContains(page, "No column holds the full name")
        job.refresh_from_db()
        self.assertEqual(job.status, "uploaded")

    def test_an_unreadable_file_is_refused_at_upload(self):
        bad = SimpleUploadedFile("ds.xlsx", b"PK\x03\x04 broken")
        page = self.client.post(reverse("rosters:new"), {"file": bad, "org": self.hanoi.pk})
        self.assertContains(page, "not a valid Excel workbook")
        self.assertFalse(ImportJob.objects.exists())

    def test_a_unit_outside_the_scope_cannot_be_chosen_at_upload(self):
        page = self.client.post(reverse("rosters:new"), {"file": upload(), "org": self.gialai.pk})
        self.assertContains(page, "Choose one of your units.")
        self.assertFalse(ImportJob.objects.exists())

    def test_a_failed_import_shows_why_in_the_users_language(self):
        job = ImportJob.objects.create(
            created_by=self.hoa,
            org=self.hanoi,
            original_name="hong.xlsx",
            status="failed",
            error="The CSV file is damaged and cannot be read to the end.",
        )
        page = self.client.get(reverse("rosters:detail", args=[job.pk]))
        self.assertContains(page, "Not imported: nothing was written.")
        self.assertContains(page, "The CSV file is damaged")
        del self.client.cookies[settings.LANGUAGE_COOKIE_NAME]  # Vietnamese, the default
        page = self.client.get(reverse("rosters:detail", args=[job.pk]))
        self.assertContains(page, "Tệp CSV bị hỏng, không đọc được đến hết.")

    def test_the_status_endpoint_reports_progress_as_json(self):
        job = self.start()
        data = self.client.get(reverse("rosters:status", args=[job.pk])).json()
        self.assertEqual(data["status"], "uploaded")
        self.assertEqual(data["next"], reverse("rosters:mapping", args=[job.pk]))
        self.map_columns(job)
        data = self.client.get(reverse("rosters:status", args=[job.pk])).json()
        self.assertEqual(
            (data["status"], data["busy"], data["rows_done"], data["rows_total"]), ("previewed", False, 3, 3)
        )

    def test_the_progress_page_refreshes_itself_while_busy(self):
        job = self.start()
        ImportJob.objects.filter(pk=job.pk).update(status="running", task="preview", rows_total=3, rows_done=1)
        page = self.client.get(reverse("rosters:progress", args=[job.pk]))
        self.assertContains(page, '<meta http-equiv="refresh" content="2">')
        self.assertContains(page, 'max="3" value="1"')
        self.assertContains(page, reverse("rosters:status", args=[job.pk]))

    def test_the_list_shows_the_imports_in_scope_in_a_fixed_number_of_queries(self):
        for _ in range(3):
            self.start()
        other = ImportJob.objects.create(created_by=self.pleiku, org=self.pleiku_ward, original_name="gialai.xlsx")
        with self.assertNumQueries(5):  # session, user, grants, count, page
            page = self.client.get(reverse("rosters:list"))
        self.assertContains(page, "danh-sach.xlsx", count=3)
        self.assertNotContains(page, other.original_name)


class WizardScopeTests(RosterTestCase):
    def setUp(self):
        super().setUp()
        self.use_english_pages()
        self.job = ImportJob.objects.create(
            created_by=self.hoa, org=self.hanoi, original_name="hanoi.xlsx", status="previewed",
            headers=HEADER, mapping=["", "full_name", "birth_date", "gender", "cccd", "phone", "unit"],
        )  # fmt: skip

    def test_another_provinces_admin_gets_404_on_every_page_of_the_job(self):
        self.login(self.pleiku)
        for name in ("detail", "mapping", "preview", "progress", "status"):
            with self.subTest(name):
                self.assertEqual(self.client.get(reverse(f"rosters:{name}", args=[self.job.pk])).status_code, 404)
        response = self.client.post(reverse("rosters:commit", args=[self.job.pk]), {"only_valid": "1"})
        self.assertEqual(response.status_code, 404)
        self.job.refresh_from_db()
        self.assertEqual(self.job.status, "previewed")

    def test_a_commune_admin_does_not_see_a_province_import(self):
        self.login(self.minh)
        self.assertEqual(self.client.get(reverse("rosters:detail", args=[self.job.pk])).status_code, 404)

    def test_a_system_admin_sees_every_import(self):
        self.login(self.root)
        self.assertEqual(self.client.get(reverse("rosters:detail", args=[self.job.pk])).status_code, 200)

    def test_users_without_the_right_to_manage_people_are_refused(self):
        self.login(self.tuan)  # instructor
        self.assertEqual(self.client.get(reverse("rosters:list")).status_code, 403)
        self.assertEqual(self.client.get(reverse("rosters:new")).status_code, 403)

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        response = self.client.get(reverse("rosters:detail", args=[self.job.pk]))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])
