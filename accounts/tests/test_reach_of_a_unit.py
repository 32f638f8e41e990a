"""``access.reach(unit)``: a unit's reach as a scope, for narrowing reports to a unit as grants narrow them to users."""

from accounts import access
from accounts.models import Role
from hocvuso.testing import BaseTestCase
from org.mapload import load_units
from org.models import Unit


class ReachOfAUnitTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        load_units(["01"])
        cls.xa_danphuong = Unit.objects.get(code="09784")
        cls.thuong_mo = Unit.objects.get(code="old:09814")  # went wholly into xã Đan Phượng
        cls.old_district = Unit.objects.get(code="old:273")

    def test_it_reaches_what_a_grant_on_the_unit_reaches(self):
        reach = access.reach(self.xa_danphuong)
        self.assertTrue(reach.covers_unit(self.thuong_mo))
        self.assertFalse(reach.covers_unit(self.old_district))
        self.assertEqual(
            set(Unit.objects.filter(reach.unit_q("path")).values_list("pk", flat=True)),
            set(
                Unit.objects.filter(
                    access.scope(self.make_user("x", Role.COMMUNE_ADMIN, self.xa_danphuong)).unit_q("path")
                ).values_list("pk", flat=True)
            ),
        )

    def test_its_heir_half_joined_to_the_path_half_is_the_whole_test(self):
        reach = access.reach(self.xa_danphuong)
        by_heir = set(Unit.objects.filter(reach.heir_q("heir_path")).values_list("pk", flat=True))
        self.assertIn(self.thuong_mo.pk, by_heir)
        self.assertNotIn(self.xa_danphuong.pk, by_heir)
        both = Unit.objects.filter(reach.unit_q("path", heirs=False) | reach.heir_q("heir_path"))
        self.assertEqual(
            set(both.values_list("pk", flat=True)),
            set(Unit.objects.filter(reach.unit_q("path")).values_list("pk", flat=True)),
        )
