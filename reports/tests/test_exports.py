import datetime as dt
import io

from openpyxl import load_workbook

from campaigns import actions
from campaigns.models import CampaignMember
from campaigns.tests.helpers import PopulationMixin, at
from hocvuso.testing import BaseTestCase
from reports import exports
from reports.actions import render_report
from reports.selectors import campaign_figures


def sheet_rows(ws):
    return [[c for c in row] for row in ws.iter_rows(values_only=True)]


class ExportTests(PopulationMixin, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_people()
        cls.campaign = cls.make_campaign()
        members = {m.person_id: m for m in CampaignMember.objects.filter(campaign=cls.campaign)}
        for p in cls.teachers[:3] + cls.party[:2] + cls.od_officials[:1]:
            actions.record_progress(member=members[p.pk], started_at=at(dt.date(2025, 4, 1)))
        actions.record_progress(member=members[cls.teachers[0].pk], completed_at=at(dt.date(2025, 4, 3)))

    def workbook(self, unit=None):
        content, _as_of = render_report(campaign=self.campaign, unit=unit, fmt="xlsx")
        return load_workbook(io.BytesIO(content))

    def test_the_summary_sheet_holds_the_dashboard_figures(self):
        wb = self.workbook()
        f = campaign_figures(self.campaign)
        rows = sheet_rows(wb.worksheets[0])
        total = next(r for r in rows if r[1] == "Tổng số")
        self.assertEqual(
            tuple(total[2:7]),
            (
                f.total.members,
                f.total.participating,
                float(f.total.participation_rate),
                f.total.completed,
                float(f.total.completion_rate),
            ),
        )
        self.assertEqual(tuple(total[2:5]), (15, 6, 40.0))
        headline = next(r[0] for r in rows if r[0] and "6/15" in str(r[0]))
        self.assertIn("40,00%", headline)
        segments = {r[1]: tuple(r[2:4]) for r in rows if r[0] in (1, 2, 3)}
        self.assertEqual(segments, {"Cán bộ, công chức": (6, 1), "Giáo viên": (5, 3), "Đảng viên": (4, 2)})

    def test_there_is_one_sheet_per_level_below_and_they_add_up(self):
        wb = self.workbook(self.hanoi)
        level_sheets = [ws for ws in wb.worksheets if ws.title in ("Xã, phường", "Cơ quan, tổ chức")]
        self.assertEqual(len(level_sheets), 2)
        communes = [r for r in sheet_rows(level_sheets[0]) if isinstance(r[0], int)]
        self.assertEqual({r[1]: (r[3], r[4]) for r in communes}, {"Xã Liên Minh": (11, 5), "Xã Ô Diên": (4, 1)})
        organisations = [r for r in sheet_rows(level_sheets[1]) if isinstance(r[0], int)]
        self.assertEqual(
            {r[1]: r[2] for r in organisations},
            {"Trường Tiểu học Liên Minh": "Xã Liên Minh", "Chi bộ thôn 1": "Xã Liên Minh"},
        )

    def test_the_follow_up_sheet_lists_everyone_not_taking_part(self):
        wb = self.workbook(self.lienminh)
        ws = wb["Chưa tham gia"]
        names = [r[1] for r in sheet_rows(ws) if isinstance(r[0], int)]
        self.assertEqual(len(names), 6)
        self.assertNotIn("Nguyễn Thị Mai", names)

    def test_the_pdf_prints_the_same_figures_with_charts(self):
        with self.settings():
            data = exports.collect(self.campaign, self.lienminh)
        html = exports.report_html(data)
        self.assertIn("5/11", html)
        self.assertIn("45,45%", html)
        self.assertIn("<svg", html)
        pdf, _as_of = render_report(campaign=self.campaign, unit=self.lienminh, fmt="pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_downloads_are_offered_to_users_who_can_see_the_unit(self):
        self.login(self.minh)
        response = self.client.get(f"/reports/{self.campaign.slug}/report.xlsx")
        self.assertEqual(response.status_code, 200)
        self.assertIn("09787", response["Content-Disposition"])
        self.assertEqual(
            self.client.get(f"/reports/{self.campaign.slug}/report.pdf?unit={self.odien.pk}").status_code, 404
        )
