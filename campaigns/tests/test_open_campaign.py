import datetime as dt

from django.core.exceptions import ValidationError

from campaigns import actions
from campaigns.models import CampaignMember, MemberTally, PopulationChange
from campaigns.tests.helpers import PopulationMixin
from hocvuso.testing import BaseTestCase


class OpenCampaignTests(PopulationMixin, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_people()

    def test_it_freezes_the_people_the_rules_select_in_the_units_in_scope(self):
        campaign = self.make_campaign()
        members = CampaignMember.objects.filter(campaign=campaign)
        # 5 teachers + 4 party members + 2 + 4 officials; Gia Lai and Phú Thọ people are outside.
        self.assertEqual(members.count(), 15)
        self.assertFalse(members.filter(person=self.p_gialai).exists())
        mai = members.get(person=self.p_mai)
        self.assertEqual((mai.unit, mai.unit_path, mai.rule), (self.school, self.school.path, self.r_teachers))
        change = PopulationChange.objects.get(campaign=campaign)
        self.assertEqual((change.kind, change.total_after, change.added), ("open", 15, 15))

    def test_the_tallies_count_the_frozen_members(self):
        campaign = self.make_campaign()
        self.assertTrue(actions.tallies_match_members(campaign))
        self.assertEqual(sum(MemberTally.objects.filter(campaign=campaign).values_list("members", flat=True)), 15)

    def test_the_first_matching_rule_places_a_person_once(self):
        # Mai is also a party member of the cell; the teachers' rule comes first.
        from people.actions import add_membership

        add_membership(person=self.p_mai, unit=self.cell, group=self.groups["dang-vien"], position="", actor=self.root)
        campaign = self.make_campaign()
        mai = CampaignMember.objects.get(campaign=campaign, person=self.p_mai)
        self.assertEqual(mai.rule, self.r_teachers)
        self.assertEqual(CampaignMember.objects.filter(campaign=campaign).count(), 15)

    def test_a_population_date_reads_the_memberships_of_that_day(self):
        from people.models import Membership

        Membership.objects.filter(person=self.p_odien).update(
            started_on=dt.date(2020, 1, 1), ended_on=dt.date(2025, 6, 30)
        )
        campaign = self.make_campaign(population_on=dt.date(2025, 3, 24))
        self.assertTrue(CampaignMember.objects.filter(campaign=campaign, person=self.p_odien).exists())
        later = self.make_campaign(name="Sau sáp nhập", population_on=dt.date(2025, 7, 1))
        self.assertFalse(CampaignMember.objects.filter(campaign=later, person=self.p_odien).exists())

    def test_it_refuses_to_open_twice_or_to_change_rules_once_open(self):
        campaign = self.make_campaign()
        with self.assertRaises(ValidationError):
            actions.open_campaign(campaign=campaign)
        with self.assertRaises(ValidationError):
            actions.add_rule(campaign=campaign, label="Khác")

    def test_it_refuses_to_open_a_campaign_whose_rules_select_nobody(self):
        campaign = actions.create_campaign(
            name="Trống",
            organiser=self.gialai,
            starts_on=dt.date(2025, 1, 1),
            ends_on=dt.date(2025, 2, 1),
            units=[self.gialai],
        )
        actions.add_rule(campaign=campaign, label="Giáo viên", groups=[self.groups["giao-vien"]])
        with self.assertRaisesMessage(ValidationError, "không chọn được ai"):
            actions.open_campaign(campaign=campaign)

    def test_units_in_scope_must_be_under_the_organiser(self):
        with self.assertRaisesMessage(ValidationError, "không trực thuộc đơn vị tổ chức"):
            actions.create_campaign(
                name="Sai",
                organiser=self.lienminh,
                starts_on=dt.date(2025, 1, 1),
                ends_on=dt.date(2025, 2, 1),
                units=[self.odien],
            )


class DeleteCampaignTests(PopulationMixin, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_people()

    def test_deleting_a_campaign_removes_its_members_tallies_contests_and_awards(self):
        from campaigns.models import Award, Campaign

        campaign = self.make_campaign()
        contest = actions.create_contest(
            campaign=campaign, name="Thi", slug="thi", starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 2, 1)
        )
        member = CampaignMember.objects.filter(campaign=campaign).first()
        actions.add_award(contest=contest, category=Award.Category.INDIVIDUAL, prize="Giải Nhất", member=member)
        campaign.delete()
        self.assertFalse(Campaign.objects.exists())
        self.assertFalse(CampaignMember.objects.exists())
        self.assertFalse(MemberTally.objects.exists())
        self.assertFalse(Award.objects.exists())
