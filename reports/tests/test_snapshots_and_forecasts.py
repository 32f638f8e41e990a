import datetime as dt

from django.utils import timezone

from campaigns import actions
from campaigns.models import CampaignMember, Target
from campaigns.tests.helpers import PopulationMixin, at
from hocvuso.testing import BaseTestCase
from reports.actions import backfill_snapshots, take_snapshot
from reports.models import DailySnapshot
from reports.selectors import target_progress, trend


class SnapshotTests(PopulationMixin, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_people()

    def setUp(self):
        self.campaign = self.make_campaign()
        self.members = {m.person_id: m for m in CampaignMember.objects.filter(campaign=self.campaign)}

    def start(self, person, day):
        actions.record_progress(member=self.members[person.pk], started_at=at(day))

    def test_a_snapshot_records_every_administrative_unit_and_the_campaign(self):
        self.start(self.p_mai, dt.date(2025, 4, 1))
        take_snapshot(campaign=self.campaign, day=dt.date(2025, 4, 1))
        rows = {r.unit_id: (r.members, r.started) for r in DailySnapshot.objects.filter(campaign=self.campaign)}
        self.assertEqual(
            rows, {None: (15, 1), self.hanoi.pk: (15, 1), self.lienminh.pk: (11, 1), self.odien.pk: (4, 0)}
        )  # organisations get their trend from their members

    def test_taking_a_snapshot_twice_the_same_day_replaces_it(self):
        take_snapshot(campaign=self.campaign, day=dt.date(2025, 4, 1))
        self.start(self.p_mai, dt.date(2025, 4, 1))
        take_snapshot(campaign=self.campaign, day=dt.date(2025, 4, 1))
        self.assertEqual(DailySnapshot.objects.get(campaign=self.campaign, unit=None).started, 1)

    def test_a_backfill_rebuilds_the_trend_day_by_day_from_the_timestamps(self):
        self.start(self.p_mai, dt.date(2025, 3, 25))
        self.start(self.p_huyen, dt.date(2025, 3, 27))
        self.start(self.p_odien, dt.date(2025, 3, 27))
        backfill_snapshots(campaign=self.campaign, first=dt.date(2025, 3, 24), last=dt.date(2025, 3, 28))
        points = [(p.day.day, p.participating) for p in trend(self.campaign, None)]
        self.assertEqual(points, [(24, 0), (25, 1), (26, 1), (27, 3), (28, 3)])
        liem_minh = [p.participating for p in trend(self.campaign, self.lienminh)]
        self.assertEqual(liem_minh, [0, 1, 1, 2, 2])

    def test_an_organisation_trend_comes_from_its_members(self):
        self.campaign.ends_on = dt.date(2025, 3, 27)
        self.start(self.p_mai, dt.date(2025, 3, 25))
        self.assertEqual([p.participating for p in trend(self.campaign, self.school)], [0, 1, 1, 1])


class ForecastTests(PopulationMixin, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_people()

    def setUp(self):
        today = timezone.localdate()
        self.today = today
        self.campaign = self.make_campaign(name="Đang chạy")
        self.campaign.starts_on = today - dt.timedelta(days=30)
        self.campaign.ends_on = today + dt.timedelta(days=60)
        self.campaign.save()
        self.members = list(CampaignMember.objects.filter(campaign=self.campaign).order_by("pk"))

    def test_the_forecast_extrapolates_the_pace_of_the_last_two_weeks(self):
        # 7 of 15 started in the last 14 days: half a person a day; 95% needs 15, so 8 more: 16 days.
        for m in self.members[:7]:
            actions.record_progress(member=m, started_at=timezone.now() - dt.timedelta(days=3))
        actions.add_target(
            campaign=self.campaign,
            measure=Target.Measure.PARTICIPATION,
            percent=95,
            deadline=self.today + dt.timedelta(days=20),
        )
        (t,) = target_progress(self.campaign, None, today=self.today)
        self.assertEqual((t.achieved, t.needed, t.remaining), (7, 15, 8))
        self.assertEqual(t.forecast, self.today + dt.timedelta(days=16))
        self.assertTrue(t.on_track)

    def test_a_target_behind_its_deadline_is_flagged(self):
        actions.record_progress(member=self.members[0], started_at=timezone.now() - dt.timedelta(days=1))
        actions.add_target(
            campaign=self.campaign,
            measure=Target.Measure.PARTICIPATION,
            percent=95,
            deadline=self.today + dt.timedelta(days=5),
        )
        (t,) = target_progress(self.campaign, None, today=self.today)
        self.assertFalse(t.on_track)
        self.assertGreater(t.forecast, t.target.deadline)

    def test_targets_of_one_segment_count_only_that_segment(self):
        for m in self.members:
            if m.rule_id == self.r_teachers.pk:
                actions.record_progress(member=m, completed_at=timezone.now())
        actions.add_target(
            campaign=self.campaign,
            measure=Target.Measure.COMPLETION,
            percent=100,
            deadline=self.today,
            rule=self.r_teachers,
        )
        (t,) = target_progress(self.campaign, self.lienminh, today=self.today)
        self.assertEqual((t.achieved, t.members, t.met), (5, 5, True))
