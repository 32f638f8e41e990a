import datetime as dt
import io

from django.core.management import call_command
from openpyxl import load_workbook

from campaigns.tests.helpers import PopulationMixin
from hocvuso.testing import BaseTestCase
from reports.actions import create_schedule, run_due_reports
from reports.models import ScheduledReport, StoredReport


class ScheduledReportTests(PopulationMixin, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_people()
        cls.campaign = cls.make_campaign()

    def setUp(self):
        import tempfile

        self.media = tempfile.TemporaryDirectory()
        self.enterContext(self.settings(MEDIA_ROOT=self.media.name))
        self.addCleanup(self.media.cleanup)

    def test_a_weekly_report_is_made_when_due_and_kept_for_download(self):
        schedule = create_schedule(
            campaign=self.campaign, unit=self.lienminh, fmt="xlsx", frequency="weekly", first_on=dt.date(2025, 4, 7)
        )
        self.assertEqual(run_due_reports(today=dt.date(2025, 4, 6)), [])
        (stored,) = run_due_reports(today=dt.date(2025, 4, 7))
        schedule.refresh_from_db()
        self.assertEqual(schedule.next_run_on, dt.date(2025, 4, 14))
        self.assertEqual(run_due_reports(today=dt.date(2025, 4, 8)), [])
        self.login(self.minh)
        response = self.client.get(f"/reports/files/{stored.pk}/")
        wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        self.assertEqual(wb.worksheets[0].title, "Tổng hợp")
        self.login(self.pleiku)
        self.assertEqual(self.client.get(f"/reports/files/{stored.pk}/").status_code, 404)

    def test_a_monthly_report_keeps_its_day_of_the_month(self):
        create_schedule(
            campaign=self.campaign, unit=None, fmt="pdf", frequency="monthly", first_on=dt.date(2025, 1, 31)
        )
        run_due_reports(today=dt.date(2025, 1, 31))
        self.assertEqual(ScheduledReport.objects.get().next_run_on, dt.date(2025, 2, 28))

    def test_the_page_schedules_and_makes_reports_on_request(self):
        self.login(self.hoa)
        url = f"/reports/{self.campaign.slug}/schedules/"
        self.client.post(url, {"format": "pdf", "frequency": "monthly"})
        self.client.post(url, {"now": "1", "format": "xlsx"})
        self.assertEqual(ScheduledReport.objects.count(), 1)
        self.assertEqual(StoredReport.objects.count(), 1)
        self.assertContains(self.client.get(url), StoredReport.objects.get().filename)

    def test_the_report_command_writes_the_file(self):
        out = f"{self.media.name}/bao-cao.xlsx"
        call_command(
            "report", self.campaign.slug, "--unit", "09787", "--format", "xlsx", "--out", out, stdout=io.StringIO()
        )
        rows = list(load_workbook(out).worksheets[0].iter_rows(values_only=True))
        self.assertIn("Đơn vị: Xã Liên Minh", [r[0] for r in rows])
