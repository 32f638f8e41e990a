"""The demo campaigns hold exactly the figures the news reports give, and every view of them agrees."""

import io
from decimal import Decimal

from django.test import TestCase
from openpyxl import load_workbook

from campaigns import actions
from campaigns.demo import DP_SLUG, GL_SLUG, LM_SLUG, seed_demo_campaigns
from campaigns.models import Award, Campaign, CampaignMember, ClassSession
from demo import facts
from learning.models import Course, CourseProgress, Lesson, LessonProgress, Module
from org.mapload import load_units
from org.models import Unit
from reports.actions import render_report
from reports.numbers import vn_percent, vn_ratio
from reports.selectors import campaign_figures, members_of_unit_taking_part


def make_course(key, title, lessons=3):
    course = Course.objects.create(
        key=key, iri=f"https://hocvuso.test/{key}", title=title, status="published", lesson_count=lessons
    )
    module = Module.objects.create(course=course, key="m", iri=f"https://hocvuso.test/{key}/m", title="M")
    for n in range(lessons):
        Lesson.objects.create(
            module=module,
            course=course,
            key=f"l{n}",
            iri=f"https://hocvuso.test/{key}/l{n}",
            title=f"Bài {n + 1}",
            seq=n,
        )
    return course


class DemoCampaignTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        from demo.actions import seed_demo

        load_units([facts.HANOI, facts.PHUTHO, facts.GIALAI, facts.NINHBINH])
        for key, title in (
            ("an-toan-thong-tin-can-bo", "An toàn thông tin"),
            ("powerpoint-can-bo", "Soạn bài trình chiếu"),
            ("ai-co-ban-can-bo", "Trí tuệ nhân tạo cơ bản"),
            ("ky-nang-so-co-ban", "Kỹ năng số cơ bản"),
        ):
            make_course(key, title)
        seed_demo()
        cls.report = seed_demo_campaigns()
        cls.dp = Campaign.objects.get(slug=DP_SLUG)
        cls.gl = Campaign.objects.get(slug=GL_SLUG)
        cls.lm = Campaign.objects.get(slug=LM_SLUG)

    def test_dan_phuong_shows_the_reported_figures(self):
        f = campaign_figures(self.dp)
        self.assertEqual(
            (vn_ratio(f.total.participating, f.total.members), vn_percent(f.total.participation_rate)),
            ("2.751/2.896", "94,99%"),
        )
        self.assertEqual(
            [(line.participating, line.members, vn_percent(line.participation_rate)) for line in f.by_rule],
            [(376, 418, "89,95%"), (294, 351, "83,76%"), (2081, 2127, "97,84%")],
        )
        self.assertEqual(f.outside.participating, 192)
        clan = Unit.objects.get(code=facts.DP_CLAN)
        self.assertEqual(members_of_unit_taking_part(self.dp, clan), (200, 200))

    def test_dan_phuong_figures_equal_a_count_over_the_learning_records(self):
        course = Course.objects.get(key="ai-co-ban-can-bo")
        members = CampaignMember.objects.filter(campaign=self.dp, rule__isnull=False)
        started = (
            LessonProgress.objects.filter(course=course, person__in=members.values("person"))
            .values("person")
            .distinct()
            .count()
        )
        completed = CourseProgress.objects.filter(
            course=course, completed_at__isnull=False, person__in=members.values("person")
        ).count()
        f = campaign_figures(self.dp)
        self.assertEqual((started, completed), (f.total.participating, f.total.completed))
        self.assertTrue(actions.tallies_match_members(self.dp))

    def test_dan_phuong_reports_and_dashboard_agree(self):
        content, _as_of = render_report(campaign=self.dp, unit=None, fmt="xlsx")
        summary = load_workbook(io.BytesIO(content)).worksheets[0]
        rows = list(summary.iter_rows(values_only=True))
        self.assertTrue(any(r[0] and "2.751/2.896" in str(r[0]) and "94,99%" in str(r[0]) for r in rows))
        total = next(r for r in rows if r[1] == "Tổng số")
        self.assertEqual(tuple(total[2:5]), (2896, 2751, 94.99))
        from accounts.models import User

        self.client.force_login(User.objects.get(username="admin"))
        page = self.client.get(f"/reports/{DP_SLUG}/").content.decode()
        self.assertIn("2.751/2.896", page)
        self.assertIn("94,99%", page)
        self.assertIn("89,95%", page)

    def test_the_hanoi_administrator_sees_the_old_dan_phuong_campaign_with_the_figures_admin_sees(self):
        from accounts.models import User
        from campaigns.selectors import can_see_whole, visible_campaigns

        hanoi, admin = User.objects.get(username="hanoi"), User.objects.get(username="admin")
        self.assertIn(self.dp, visible_campaigns(hanoi))
        self.assertTrue(can_see_whole(hanoi, self.dp))
        pages = {}
        for user in (admin, hanoi):
            self.client.force_login(user)
            response = self.client.get(f"/reports/{DP_SLUG}/")
            self.assertEqual(response.status_code, 200)
            self.assertIsNone(response.context["unit"])
            pages[user.username] = response.context["figures"]
            self.assertContains(response, "2.751/2.896")
            self.assertEqual(self.client.get(f"/campaigns/{DP_SLUG}/").status_code, 200)
        self.assertEqual(pages["hanoi"].total, pages["admin"].total)
        self.assertEqual(pages["hanoi"].by_rule, pages["admin"].by_rule)

    def test_today_s_ha_noi_dashboard_of_the_old_dan_phuong_campaign_shows_the_whole_race(self):
        from accounts.models import User
        from reports.selectors import unit_leaderboard

        hanoi_unit = Unit.objects.get(code=facts.HANOI)
        whole = campaign_figures(self.dp)
        for username in ("admin", "hanoi"):
            self.client.force_login(User.objects.get(username=username))
            response = self.client.get(f"/reports/{DP_SLUG}/?unit={hanoi_unit.pk}")
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "2.751/2.896")
            figures = response.context["figures"]
            counts = ("members", "enrolled", "started", "completed", "participating")
            self.assertEqual([getattr(figures.total, c) for c in counts], [getattr(whole.total, c) for c in counts])
            self.assertEqual(figures.by_rule, whole.by_rule)
            self.assertEqual(figures.outside, whole.outside)
            self.assertEqual([c.code for c in figures.children], [c.code for c in whole.children])
            for fmt in ("xlsx", "pdf"):
                self.assertEqual(
                    self.client.get(f"/reports/{DP_SLUG}/report.{fmt}?unit={hanoi_unit.pk}").status_code, 200
                )
        contest = self.dp.contests.get()
        self.assertEqual(
            [(s.code, s.members) for s in unit_leaderboard(contest, hanoi_unit) if s.code == "old:273"],
            [("old:273", 2896)],
        )

    def test_today_s_xa_dan_phuong_dashboard_shows_the_former_communes_merged_wholly_into_it(self):
        from accounts.models import User

        xa = Unit.objects.get(code=facts.XA_DANPHUONG)
        merged = Unit.objects.filter(code__startswith="old:", parent__code=facts.OLD_DANPHUONG, heir_path=xa.path)
        self.assertTrue(merged)
        self.client.force_login(User.objects.get(username="hanoi"))
        response = self.client.get(f"/reports/{DP_SLUG}/?unit={xa.pk}")
        self.assertEqual(response.status_code, 200)
        figures = response.context["figures"]
        self.assertEqual(sorted(c.code for c in figures.children), sorted(u.code for u in merged))
        for line in figures.children:
            own = campaign_figures(self.dp, Unit.objects.get(code=line.code)).total
            self.assertEqual((line.members, line.participating), (own.members, own.participating), line.label)
        self.assertEqual(figures.total.members, sum(c.members for c in figures.children))
        self.assertLess(figures.total.members, 2896)

    def test_other_provinces_and_the_new_commune_do_not_see_the_old_district_campaign(self):
        from accounts.models import User
        from campaigns.selectors import visible_campaigns

        for username in ("gialai", "lienminh"):
            self.assertNotIn(self.dp, visible_campaigns(User.objects.get(username=username)))
            self.client.force_login(User.objects.get(username=username))
            self.assertEqual(self.client.get(f"/reports/{DP_SLUG}/").status_code, 404)

    def test_dan_phuong_awarded_20_collectives_and_23_individuals_first_prize_to_a_hong_ha_preschool_teacher(self):
        contest = self.dp.contests.get()
        awards = contest.awards.all()
        self.assertEqual(awards.filter(category=Award.Category.COLLECTIVE).count(), 20)
        self.assertEqual(awards.filter(category=Award.Category.INDIVIDUAL).count(), 23)
        first = awards.get(category=Award.Category.INDIVIDUAL, rank=1)
        self.assertEqual(first.prize, "Giải Nhất")
        hong_ha = facts.dp_school_code("truong-mam-non", "09796")
        self.assertTrue(first.member.person.memberships.filter(unit__code=hong_ha, position="Giáo viên").exists())

    def test_gia_lai_runs_11_classes_of_2_to_3_communes_and_30_to_40_learners(self):
        f = campaign_figures(self.gl)
        self.assertEqual((f.total.members, f.total.participating, f.total.completed), (400, 400, 200))
        classes = list(self.gl.classes.all())
        self.assertEqual(len(classes), 11)
        for klass in classes:
            self.assertIn(klass.units.count(), (2, 3), klass.name)
            self.assertTrue(30 <= klass.enrolments.filter(left_at__isnull=True).count() <= 40, klass.name)
        completers = CampaignMember.objects.filter(campaign=self.gl, completed_at__isnull=False)
        communes = {
            next(
                c
                for c in Unit.objects.filter(code__in=[code for code, _ in facts.gialai_communes()])
                if m.unit_path.startswith(c.path)
            ).pk
            for m in completers
        }
        self.assertEqual(len(communes), 12)
        sessions = list(ClassSession.objects.filter(klass__campaign=self.gl).prefetch_related("instructors"))
        self.assertEqual(len({s.venue_id for s in sessions}), 11)
        for a in sessions:
            for b in sessions:
                if a.pk < b.pk and a.starts_at < b.ends_at and b.starts_at < a.ends_at:
                    self.assertNotEqual(a.venue_id, b.venue_id)
                    self.assertFalse({u.pk for u in a.instructors.all()} & {u.pk for u in b.instructors.all()})

    def test_lien_minh_registers_every_party_member(self):
        f = campaign_figures(self.lm)
        self.assertEqual((f.total.members, f.total.participating), (936, 936))
        self.assertEqual(f.total.participation_rate, Decimal("100.00"))
        self.assertEqual(len(f.children), 1)

    def test_seeding_again_changes_nothing(self):
        again = seed_demo_campaigns()
        self.assertTrue(all("already present" in line for line in again))
