import datetime as dt

from django.core.exceptions import ValidationError

from campaigns import actions
from campaigns.models import CampaignMember, MemberMove, PopulationChange
from campaigns.tests.helpers import PopulationMixin, at
from hocvuso.testing import BaseTestCase
from people.actions import create_person, move_person
from reports.selectors import campaign_figures


class RefreshPopulationTests(PopulationMixin, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_people()

    def setUp(self):
        self.campaign = self.make_campaign()
        mai = CampaignMember.objects.get(campaign=self.campaign, person=self.p_mai)
        actions.record_progress(member=mai, started_at=at(dt.date(2025, 4, 1)))

    def test_the_denominator_does_not_change_until_someone_refreshes(self):
        create_person(full_name="Giáo Viên Mới", unit=self.school, group=self.groups["giao-vien"])
        self.assertEqual(campaign_figures(self.campaign).total.members, 15)
        plan = actions.RefreshPlan(self.campaign)
        self.assertEqual((len(plan.added), len(plan.removed), len(plan.moved)), (1, 0, 0))
        change = actions.refresh_population(campaign=self.campaign, reason="Tuyển thêm giáo viên", actor=self.hoa)
        self.assertEqual((change.total_before, change.total_after, change.added), (15, 16, 1))
        self.assertEqual(campaign_figures(self.campaign).total.members, 16)
        self.assertTrue(actions.tallies_match_members(self.campaign))

    def test_a_refresh_needs_a_reason_that_reports_can_show(self):
        with self.assertRaises(ValidationError):
            actions.refresh_population(campaign=self.campaign, reason="  ", actor=self.hoa)
        self.assertEqual(PopulationChange.objects.filter(kind="refresh").count(), 0)

    def test_people_who_leave_keep_their_history_and_people_who_move_keep_their_progress(self):
        # Mai (started) moves from the school to Ô Diên; a party member leaves the cell for Gia Lai.
        from people.models import Membership

        move_person(
            person=self.p_mai, from_unit=self.school, to_unit=self.odien, actor=self.root, on=dt.date(2025, 5, 1)
        )
        leaving = self.party[1]
        move_person(
            person=leaving, from_unit=self.cell, to_unit=self.pleiku_ward, actor=self.root, on=dt.date(2025, 5, 1)
        )
        Membership.objects.filter(person=leaving, ended_on__isnull=True).update(group=self.groups["nguoi-dan"])
        change = actions.refresh_population(campaign=self.campaign, reason="Điều động, chuyển công tác")
        self.assertEqual((change.added, change.removed, change.moved), (0, 1, 1))
        mai = CampaignMember.objects.get(campaign=self.campaign, person=self.p_mai)
        self.assertEqual((mai.unit, mai.started_at is not None), (self.odien, True))
        self.assertTrue(MemberMove.objects.filter(member=mai, from_unit=self.school, to_unit=self.odien).exists())
        gone = CampaignMember.objects.get(campaign=self.campaign, person=leaving)
        self.assertIsNotNone(gone.removed_at)
        od = campaign_figures(self.campaign, self.odien).total
        self.assertEqual((od.members, od.participating), (5, 1))
        self.assertEqual(campaign_figures(self.campaign).total.members, 14)
        self.assertTrue(actions.tallies_match_members(self.campaign))

    def test_following_a_move_in_the_registry_carries_progress_without_a_refresh(self):
        move_person(person=self.p_mai, from_unit=self.school, to_unit=self.odien, actor=self.root)
        self.assertEqual(actions.follow_person_move(person=self.p_mai, from_unit=self.school, to_unit=self.odien), 1)
        for unit, expected in ((self.school, (4, 0)), (self.odien, (5, 1)), (self.lienminh, (10, 0))):
            t = campaign_figures(self.campaign, unit).total
            self.assertEqual((t.members, t.participating), expected, unit)
        self.assertTrue(actions.tallies_match_members(self.campaign))

    def test_a_move_in_the_registry_reaches_open_campaigns_once_it_commits(self):
        with self.captureOnCommitCallbacks(execute=True):
            move_person(person=self.p_mai, from_unit=self.school, to_unit=self.odien, actor=self.root)
        mai = CampaignMember.objects.get(campaign=self.campaign, person=self.p_mai, removed_at__isnull=True)
        self.assertEqual(mai.unit_id, self.odien.pk)
        self.assertTrue(MemberMove.objects.filter(member=mai, from_unit=self.school, to_unit=self.odien).exists())
        self.assertEqual(campaign_figures(self.campaign, self.odien).total.participating, 1)
        self.assertTrue(actions.tallies_match_members(self.campaign))

    def test_the_refresh_page_explains_the_change_before_it_is_made(self):
        create_person(full_name="Giáo Viên Mới", unit=self.school, group=self.groups["giao-vien"])
        self.login(self.hoa)
        url = f"/campaigns/{self.campaign.slug}/refresh/"
        response = self.client.get(url)
        self.assertContains(response, "Thêm vào đối tượng")
        response = self.client.post(url, {"reason": "Tuyển thêm giáo viên"}, follow=True)
        self.assertContains(response, "15 → 16")
        self.assertContains(response, "Tuyển thêm giáo viên")
