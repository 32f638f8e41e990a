import datetime as dt
import io
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from campaigns import actions
from campaigns.exports import awards_xlsx
from campaigns.models import Award, CampaignMember, Entry
from campaigns.tests.helpers import PopulationMixin
from hocvuso.testing import BaseTestCase
from reports.selectors import individual_leaderboard, unit_leaderboard


class ContestTests(PopulationMixin, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_people()
        cls.campaign = cls.make_campaign()
        today = timezone.localdate()
        cls.contest = actions.create_contest(
            campaign=cls.campaign,
            name="Cuộc đua luyện AI",
            slug="",
            starts_on=today - dt.timedelta(days=5),
            ends_on=today + dt.timedelta(days=5),
            points_per_entry=5,
            points_per_attendance=1,
            judges=[cls.hoa, cls.minh],
            criteria=[("Sáng tạo", 10), ("Hiệu quả", 10)],
        )

    def member(self, person):
        return CampaignMember.objects.get(campaign=self.campaign, person=person)

    def enter(self, person, title="Bài giảng AI"):
        return actions.submit_entry(
            contest=self.contest,
            member=self.member(person),
            kind=Entry.Kind.LESSON,
            title=title,
            url="https://example.org/bai",
        )

    def test_points_count_entries_and_attendance(self):
        self.enter(self.p_mai)
        self.enter(self.p_mai, "Bộ câu lệnh")
        self.enter(self.p_odien)
        actions.recompute_scores(contest=self.contest)
        board = individual_leaderboard(self.contest)
        self.assertEqual(
            [(r["member__person__full_name"], r["points"], r["rank"]) for r in board],
            [("Nguyễn Thị Mai", 10, 1), ("Lê Văn Đức", 5, 2)],
        )

    def test_units_are_ranked_by_points_per_member_so_small_units_compete_fairly(self):
        # Ô Diên: 4 people, one entry (5 points) = 1.25 per member.
        # Liên Minh: 11 people, two entries (10 points) = 0.91 per member, though more points in all.
        self.enter(self.p_odien)
        self.enter(self.p_mai)
        self.enter(self.p_huyen)
        actions.recompute_scores(contest=self.contest)
        board = unit_leaderboard(self.contest, None)
        self.assertEqual(
            [(s.label, s.points, s.members) for s in board], [("Xã Ô Diên", 5, 4), ("Xã Liên Minh", 10, 11)]
        )
        self.assertEqual(board[0].average_points, Decimal("1.25"))
        self.assertEqual(board[0].participation_rate, Decimal("25.00"))

    def test_entries_are_accepted_only_during_the_contest(self):
        self.contest.ends_on = timezone.localdate() - dt.timedelta(days=1)
        self.contest.save()
        with self.assertRaises(ValidationError):
            self.enter(self.p_mai)

    def test_the_jury_score_is_the_average_of_the_jurors_totals(self):
        entry = self.enter(self.p_mai)
        c1, c2 = self.contest.criteria.all()
        actions.score_entry(entry=entry, judge=self.hoa, points={c1.pk: 9, c2.pk: 8})
        actions.score_entry(entry=entry, judge=self.minh, points={c1.pk: 6, c2.pk: 6})
        entry.refresh_from_db()
        self.assertEqual(entry.jury_score, Decimal("14.50"))
        with self.assertRaises(ValidationError):
            actions.score_entry(entry=entry, judge=self.lan, points={c1.pk: 9, c2.pk: 8})  # not a juror
        with self.assertRaises(ValidationError):
            actions.score_entry(entry=entry, judge=self.hoa, points={c1.pk: 11, c2.pk: 8})  # over the most

    def test_the_award_list_is_exported_for_the_decision(self):
        entry = self.enter(self.p_mai)
        actions.add_award(
            contest=self.contest,
            category=Award.Category.INDIVIDUAL,
            prize="Giải Nhất",
            member=self.member(self.p_mai),
            entry=entry,
            reason="Bài giảng AI",
        )
        actions.add_award(
            contest=self.contest, category=Award.Category.COLLECTIVE, prize="Tập thể xuất sắc", unit=self.school
        )
        with self.assertRaises(ValidationError):
            actions.add_award(contest=self.contest, category=Award.Category.COLLECTIVE, prize="Lại", unit=self.school)
        with self.assertRaises(ValidationError):
            actions.add_award(
                contest=self.contest, category=Award.Category.COLLECTIVE, prize="Ngoài", unit=self.pleiku_ward
            )
        wb = load_workbook(io.BytesIO(awards_xlsx(self.contest)))
        collectives, individuals = wb.worksheets
        self.assertEqual(collectives.title, "Tập thể")
        self.assertIn(
            (1, "Trường Tiểu học Liên Minh", "Xã Liên Minh", "Tập thể xuất sắc", None),
            list(collectives.iter_rows(values_only=True)),
        )
        self.assertIn(
            (1, "Nguyễn Thị Mai", "Trường Tiểu học Liên Minh", "Giải Nhất", "Bài giảng AI"),
            list(individuals.iter_rows(values_only=True)),
        )

    def test_the_contest_page_ranks_people_and_units(self):
        self.enter(self.p_mai)
        actions.recompute_scores(contest=self.contest)
        self.login(self.hoa)
        response = self.client.get(f"/campaigns/{self.campaign.slug}/contests/{self.contest.slug}/")
        self.assertContains(response, "Nguyễn Thị Mai")
        self.assertContains(response, "Xã Liên Minh")
        response = self.client.get(f"/campaigns/{self.campaign.slug}/contests/{self.contest.slug}/awards.xlsx")
        self.assertEqual(response.status_code, 200)

    def test_a_learner_submits_an_entry_from_their_own_account(self):
        self.login(self.mai)
        url = f"/campaigns/{self.campaign.slug}/contests/{self.contest.slug}/enter/"
        response = self.client.post(
            url, {"kind": "prompt", "title": "Câu lệnh soạn giáo án", "text": "Hãy..."}, follow=True
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(Entry.objects.filter(member__person=self.p_mai, title="Câu lệnh soạn giáo án").exists())
        self.login(self.pleiku)  # not counted by the campaign
        self.assertEqual(self.client.get(url).status_code, 404)
