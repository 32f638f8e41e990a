import datetime as dt
from decimal import Decimal

from campaigns import actions
from campaigns.models import CampaignMember
from campaigns.tests.helpers import PopulationMixin, at
from hocvuso.testing import BaseTestCase
from reports.selectors import campaign_figures, levels_below, not_taking_part, units_furthest_behind


def direct_counts(campaign, path_prefix=""):
    """Counts straight from the member rows, the reference every figure must equal."""
    members = CampaignMember.objects.filter(
        campaign=campaign, removed_at__isnull=True, rule__isnull=False, unit_path__startswith=path_prefix
    )
    return (
        members.count(),
        members.filter(started_at__isnull=False).count(),
        members.filter(completed_at__isnull=False).count(),
    )


class FiguresTests(PopulationMixin, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_people()

    def setUp(self):
        self.campaign = self.make_campaign()
        day = at(dt.date(2025, 4, 1))
        self.members = {m.person_id: m for m in CampaignMember.objects.filter(campaign=self.campaign)}
        # 3 of 5 teachers started, 1 completed; 2 of 4 party members started; 1 of 4 Ô Diên officials.
        for p in self.teachers[:3] + self.party[:2] + self.od_officials[:1]:
            actions.record_progress(member=self.members[p.pk], started_at=day)
        actions.record_progress(member=self.members[self.teachers[0].pk], completed_at=day)

    def test_the_campaign_view_rolls_up_to_its_units(self):
        f = campaign_figures(self.campaign)
        self.assertEqual((f.total.members, f.total.participating, f.total.completed), (15, 6, 1))
        self.assertEqual(f.total.participation_rate, Decimal("40.00"))
        by_unit = {line.label: (line.members, line.participating) for line in f.children}
        self.assertEqual(by_unit, {"Xã Liên Minh": (11, 5), "Xã Ô Diên": (4, 1)})
        self.assertEqual((f.total.members, f.total.participating, f.total.completed), direct_counts(self.campaign))

    def test_a_commune_sees_its_organisations_and_its_own_staff(self):
        f = campaign_figures(self.campaign, self.lienminh)
        rows = {(line.label, line.is_direct): (line.members, line.participating) for line in f.children}
        self.assertEqual(
            rows,
            {
                ("Xã Liên Minh", True): (2, 0),
                ("Trường Tiểu học Liên Minh", False): (5, 3),
                ("Chi bộ thôn 1", False): (4, 2),
            },
        )
        self.assertEqual(f.children[0].is_direct, True)  # the commune's own staff come first
        self.assertEqual(
            (f.total.members, f.total.participating, f.total.completed),
            direct_counts(self.campaign, self.lienminh.path),
        )

    def test_segments_and_groups_add_up_to_the_total(self):
        f = campaign_figures(self.campaign, self.hanoi)
        self.assertEqual(
            [(line.label, line.members, line.participating) for line in f.by_rule],
            [("Cán bộ, công chức", 6, 1), ("Giáo viên", 5, 3), ("Đảng viên", 4, 2)],
        )
        self.assertEqual(sum(line.members for line in f.by_group), f.total.members)
        self.assertEqual(f.matrix[self.lienminh.path][self.r_teachers.pk].participating, 3)

    def test_a_province_sees_the_same_total_as_the_campaign(self):
        a, b = campaign_figures(self.campaign, self.hanoi).total, campaign_figures(self.campaign).total
        self.assertEqual((a.members, a.participating, a.completed), (b.members, b.participating, b.completed))

    def test_levels_below_list_every_unit_once_per_level(self):
        levels = levels_below(self.campaign, self.hanoi)
        self.assertEqual(
            [[line.label for line in level.lines] for level in levels],
            [["Xã Liên Minh", "Xã Ô Diên"], ["Chi bộ thôn 1", "Trường Tiểu học Liên Minh"]],
        )
        self.assertEqual(sum(line.members for line in levels[0].lines), 15)
        # The commune's own staff are counted at the commune level only.
        self.assertEqual(sum(line.members for line in levels[1].lines), 9)

    def test_moving_a_learner_moves_their_figures_at_every_level(self):
        member = self.members[self.teachers[1].pk]  # started, at the school in Liên Minh
        actions.move_member(member=member, to_unit=self.odien, reason="Chuyển công tác")
        self.assertTrue(actions.tallies_match_members(self.campaign))
        f = campaign_figures(self.campaign)
        self.assertEqual(
            {line.label: (line.members, line.participating) for line in f.children},
            {"Xã Liên Minh": (10, 4), "Xã Ô Diên": (5, 2)},
        )
        self.assertEqual((f.total.members, f.total.participating), (15, 6))
        school = campaign_figures(self.campaign, self.school)
        self.assertEqual((school.total.members, school.total.participating), (4, 2))
        for unit in (self.lienminh, self.odien, self.school):
            t = campaign_figures(self.campaign, unit).total
            self.assertEqual((t.members, t.participating, t.completed), direct_counts(self.campaign, unit.path))

    def test_people_outside_the_target_are_reported_apart(self):
        actions.add_participant(campaign=self.campaign, person=self.p_phutho, unit=self.lienminh)
        member = CampaignMember.objects.get(campaign=self.campaign, person=self.p_phutho)
        actions.record_progress(member=member, started_at=at(dt.date(2025, 4, 2)))
        f = campaign_figures(self.campaign, self.lienminh)
        self.assertEqual((f.total.members, f.total.participating), (11, 5))
        self.assertEqual((f.outside.members, f.outside.participating), (1, 1))

    def test_the_follow_up_list_holds_exactly_the_people_not_taking_part(self):
        pending = list(not_taking_part(self.campaign, self.lienminh))
        f = campaign_figures(self.campaign, self.lienminh)
        self.assertEqual(len(pending), f.total.not_participating)
        self.assertNotIn(self.teachers[0].pk, {p["person_id"] for p in pending})

    def test_the_units_furthest_behind_come_first(self):
        behind = units_furthest_behind(self.campaign, None)
        self.assertEqual(behind[0].label, "Xã Liên Minh")  # its own 2 officials: 0%
        self.assertEqual(behind[0].participation_rate, Decimal("0.00"))

    def test_a_dashboard_reads_its_figures_in_one_query(self):
        # Former units reached through heir paths (none here), then the figures:
        # tallies, unit names, rules, group names.
        with self.assertNumQueries(5):
            campaign_figures(self.campaign, self.lienminh)
