"""A campaign run on pre-2025 units, seen from today's units that took them over (through their heir paths)."""

import datetime as dt
import io

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from campaigns import actions
from campaigns.models import CampaignMember
from campaigns.tests.helpers import at
from hocvuso.testing import BaseTestCase
from org.actions import create_unit
from org.mapload import load_units
from org.models import Unit
from people.actions import create_person
from reports import selectors


def line_counts(line):
    return (line.members, line.participating, line.completed)


class FormerUnitsCampaignTests(BaseTestCase):
    """The former Đan Phượng district (old:273) and four of its former communes.

    Thượng Mỗ (old:09814) went wholly into today's xã Đan Phượng (09784),
    Phương Đình (old:09811) wholly into xã Liên Minh (09787), Trung Châu
    (old:09787) into several communes (its heir is Hà Nội itself).
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        load_units(["01"])
        unit = Unit.objects.get
        cls.hanoi.refresh_from_db()
        cls.old_district = unit(code="old:273")
        cls.thuong_mo = unit(code="old:09814")
        cls.phuong_dinh = unit(code="old:09811")
        cls.trung_chau = unit(code="old:09787")
        cls.xa_danphuong = unit(code="09784")
        cls.lienminh.refresh_from_db()
        cls.hoai_duc = unit(code="09832")  # a Hà Nội commune none of the district went into
        # A school created under a former commune shares its heir.
        cls.old_school = create_unit(
            kind=cls.kinds["truong-tieu-hoc"], code="TH-TM", name="Trường Tiểu học Thượng Mỗ", parent=cls.thuong_mo
        )
        g = cls.groups
        people = [
            *(("Công Chức Thượng Mỗ", cls.thuong_mo, g["cong-chuc"]),) * 3,
            *(("Giáo Viên Thượng Mỗ", cls.old_school, g["giao-vien"]),) * 2,
            *(("Công Chức Phương Đình", cls.phuong_dinh, g["cong-chuc"]),) * 2,
            *(("Công Chức Trung Châu", cls.trung_chau, g["cong-chuc"]),) * 2,
            ("Cán Bộ Huyện", cls.old_district, g["can-bo"]),
        ]
        cls.people = [
            create_person(full_name=f"{name} {i}", unit=where, group=group)
            for i, (name, where, group) in enumerate(people)
        ]
        cls.campaign = actions.create_campaign(
            name="Chiến dịch huyện cũ",
            organiser=cls.old_district,
            starts_on=dt.date(2025, 3, 24),
            ends_on=dt.date(2025, 12, 31),
            units=[cls.old_district],
        )
        actions.add_rule(campaign=cls.campaign, label="Cán bộ, công chức", groups=[g["cong-chuc"], g["can-bo"]])
        actions.add_rule(campaign=cls.campaign, label="Giáo viên", groups=[g["giao-vien"]])
        actions.add_target(campaign=cls.campaign, measure="participation", percent=90, deadline=dt.date(2025, 12, 31))
        actions.open_campaign(campaign=cls.campaign)
        cls.campaign.refresh_from_db()
        members = {m.person_id: m for m in CampaignMember.objects.filter(campaign=cls.campaign)}
        # Taking part: 2 in Thượng Mỗ (1 of them at the school), 1 in Phương Đình, 1 in Trung Châu.
        for i in (0, 3, 5, 7):
            actions.record_progress(member=members[cls.people[i].pk], started_at=at(dt.date(2025, 4, 1)))
        actions.record_progress(member=members[cls.people[3].pk], completed_at=at(dt.date(2025, 4, 2)))

    def url(self, unit=None, suffix=""):
        return f"/reports/{self.campaign.slug}/{suffix}" + (f"?unit={unit.pk}" if unit else "")

    # --- the dashboard ------------------------------------------------------------------------

    def test_it_shows_the_whole_campaign_on_the_new_province_dashboard(self):
        self.login(self.hoa)
        whole = self.client.get(self.url()).context["figures"]
        response = self.client.get(self.url(self.hanoi))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["unit"], self.hanoi)
        figures = response.context["figures"]
        self.assertEqual(line_counts(figures.total), (10, 4, 1))
        self.assertEqual(line_counts(figures.total), line_counts(whole.total))
        self.assertEqual([line_counts(x) for x in figures.by_rule], [line_counts(x) for x in whole.by_rule])
        # Grouped as on the whole campaign's dashboard: under the former district.
        self.assertEqual(
            [(x.label, x.unit_id, line_counts(x)) for x in figures.children],
            [("Huyện Đan Phượng", self.old_district.pk, (10, 4, 1))],
        )
        self.assertContains(response, "4/10")
        self.assertContains(response, f'href="?unit={self.old_district.pk}"')

    def test_the_new_commune_shows_the_former_communes_merged_wholly_into_it(self):
        self.login(self.hoa)
        response = self.client.get(self.url(self.xa_danphuong))
        self.assertEqual(response.status_code, 200)
        figures = response.context["figures"]
        self.assertEqual(line_counts(figures.total), (5, 2, 1))
        self.assertEqual(
            [(x.label, x.is_direct, line_counts(x)) for x in figures.children],
            [("Xã Thượng Mỗ", False, (5, 2, 1))],
        )
        self.assertEqual([(x.label, x.members) for x in figures.by_rule], [("Cán bộ, công chức", 3), ("Giáo viên", 2)])
        ((progress, _forecast),) = response.context["targets"]
        self.assertEqual((progress.achieved, progress.members), (2, 5))
        # Trend from the members (snapshots are of subtrees by path).
        self.assertNotEqual(response.context["line_chart"], "")

    def test_another_new_commune_shows_only_its_own_former_commune(self):
        figures = selectors.campaign_figures(self.campaign, self.lienminh)
        self.assertEqual(line_counts(figures.total), (2, 1, 0))
        self.assertEqual([x.label for x in figures.children], ["Xã Phương Đình"])

    def test_a_unit_none_of_the_campaign_went_into_is_still_404(self):
        self.login(self.root)
        for unit in (self.hoai_duc, self.gialai, self.pleiku_ward):
            self.assertEqual(self.client.get(self.url(unit)).status_code, 404, unit.code)

    def test_a_province_administrator_of_another_province_cannot_look_through_heirs(self):
        self.login(self.pleiku)
        self.assertEqual(self.client.get(self.url(self.hanoi)).status_code, 404)

    def test_former_units_open_as_before(self):
        self.login(self.hoa)
        response = self.client.get(self.url(self.thuong_mo))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(line_counts(response.context["figures"].total), (5, 2, 1))

    def test_the_dashboard_query_count_does_not_grow_with_the_former_units_under_a_unit(self):
        self.login(self.hoa)
        self.client.get(self.url())  # warm caches (content types, sessions)
        counts = []
        for unit in (self.hanoi, self.xa_danphuong, self.lienminh):  # 5, 2 and 1 former units, 10, 5 and 2 people
            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(self.client.get(self.url(unit)).status_code, 200)
            counts.append(len(ctx.captured_queries))
        self.assertEqual(len(set(counts)), 1, counts)
        # A few more than a dashboard of today's units only (the campaign's
        # units in the picked one, its former units, their roots; the trend
        # read from the members instead of the snapshots), as many for each.
        self.assertLessEqual(counts[0], 28)

    def test_figures_of_a_unit_with_former_units_take_two_queries_more_and_no_more(self):
        where = selectors.area(self.campaign, self.hanoi)
        self.assertEqual(len(where.heirs), 5)
        with self.assertNumQueries(6):  # former units, their roots; tallies, unit names, rules, group names
            selectors.campaign_figures(self.campaign, self.xa_danphuong)

    # --- lists and reports ----------------------------------------------------------------------

    def test_the_follow_up_list_of_the_new_commune_holds_the_people_of_its_former_commune(self):
        self.login(self.hoa)
        response = self.client.get(f"/campaigns/{self.campaign.slug}/members/?unit={self.xa_danphuong.pk}")
        self.assertEqual(response.status_code, 200)
        names = {row["person__full_name"] for row in response.context["page"].object_list}
        self.assertEqual(names, {p.full_name for p in self.people[:5]})
        pending = selectors.not_taking_part(self.campaign, self.xa_danphuong)
        self.assertEqual(
            {r["person_id"] for r in pending}, {p.pk for p in self.people[:5]} - {self.people[0].pk, self.people[3].pk}
        )

    def test_the_follow_up_list_query_count_does_not_grow_with_the_former_units_under_a_unit(self):
        self.login(self.hoa)
        self.client.get(self.url())  # warm caches (content types, sessions)
        counts = []
        for unit in (self.hanoi, self.xa_danphuong, self.lienminh):
            with CaptureQueriesContext(connection) as ctx:
                response = self.client.get(f"/campaigns/{self.campaign.slug}/members/?unit={unit.pk}")
            self.assertEqual(response.status_code, 200)
            counts.append(len(ctx.captured_queries))
        self.assertEqual(len(set(counts)), 1, counts)

    def test_the_excel_report_of_the_new_province_holds_the_whole_campaign(self):
        self.login(self.hoa)
        response = self.client.get(self.url(self.hanoi, "report.xlsx"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("bao-cao-", response["Content-Disposition"])
        wb = load_workbook(io.BytesIO(response.content))
        rows = list(wb.worksheets[0].iter_rows(values_only=True))
        total = next(r for r in rows if r[1] == "Tổng số")
        self.assertEqual(tuple(total[2:4]), (10, 4))
        self.assertTrue(any(r[0] and "4/10" in str(r[0]) for r in rows))
        levels = {ws.title: [r for r in ws.iter_rows(values_only=True) if isinstance(r[0], int)] for ws in wb}
        district = levels["Huyện (trước 2025)"]
        self.assertEqual([(r[1], r[3], r[4]) for r in district], [("Huyện Đan Phượng", 10, 4)])

    def test_the_excel_report_of_the_new_commune_lists_its_former_commune_and_school(self):
        content = self.client_report(self.xa_danphuong, "xlsx")
        wb = load_workbook(io.BytesIO(content))
        rows = list(wb.worksheets[0].iter_rows(values_only=True))
        self.assertEqual(tuple(next(r for r in rows if r[1] == "Tổng số")[2:4]), (5, 2))
        by_sheet = {ws.title: [r[1] for r in ws.iter_rows(values_only=True) if isinstance(r[0], int)] for ws in wb}
        self.assertEqual(by_sheet["Xã, phường"], ["Xã Thượng Mỗ"])
        self.assertEqual(by_sheet["Cơ quan, tổ chức"], ["Trường Tiểu học Thượng Mỗ"])

    def test_the_pdf_report_and_the_evaluation_sheet_open_for_the_new_province(self):
        content = self.client_report(self.hanoi, "pdf")
        self.assertTrue(content.startswith(b"%PDF"))
        self.login(self.hoa)
        response = self.client.get(self.url(self.xa_danphuong, "evaluation.xlsx"))
        self.assertEqual(response.status_code, 200)
        ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
        names = {r[1] for r in ws.iter_rows(values_only=True) if isinstance(r[0], int)}
        self.assertEqual(names, {p.full_name for p in self.people[:5]})

    def test_the_report_command_takes_the_new_province(self):
        out = f"{self.tmp_dir()}/hn.xlsx"
        call_command(
            "report", self.campaign.slug, "--unit", "01", "--format", "xlsx", "--out", out, stdout=io.StringIO()
        )
        with open(out, "rb") as f:
            rows = list(load_workbook(f).worksheets[0].iter_rows(values_only=True))
        self.assertEqual(tuple(next(r for r in rows if r[1] == "Tổng số")[2:4]), (10, 4))

    def client_report(self, unit, fmt):
        self.login(self.hoa)
        response = self.client.get(self.url(unit, f"report.{fmt}"))
        self.assertEqual(response.status_code, 200)
        return response.content

    def tmp_dir(self):
        import tempfile

        path = tempfile.mkdtemp(prefix="hvs-report-")
        self.addCleanup(__import__("shutil").rmtree, path, True)
        return path
