"""Granting roles on former units: the refusal speaks of the scope the way ``access.can_grant`` decides it."""

from accounts import actions
from accounts.models import Role, RoleGrant
from hocvuso.testing import BaseTestCase
from org.mapload import load_units
from org.models import Unit


class GrantOnFormerUnitsTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        load_units(["01"])
        cls.thuong_mo = Unit.objects.get(code="old:09814")  # went wholly into today's xã Đan Phượng
        cls.old_district = Unit.objects.get(code="old:273")
        cls.dp_admin = cls.make_user("dp_admin", Role.COMMUNE_ADMIN, Unit.objects.get(code="09784"))

    def grant(self, actor, role, unit):
        return actions.grant_role(actor=actor, user=self.tuan, role=role, unit=unit)

    def test_it_says_the_role_ranks_too_high_on_a_former_commune_inside_the_scope_by_its_heir(self):
        with self.assertRaisesMessage(actions.ActionRefused, "cao hơn vai trò của bạn"):
            self.grant(self.dp_admin, Role.PROVINCE_ADMIN, self.thuong_mo)

    def test_it_says_the_unit_is_out_of_reach_when_the_heir_is_outside_the_scope(self):
        with self.assertRaisesMessage(actions.ActionRefused, "Bạn không thể cấp vai trò tại Huyện Đan Phượng"):
            self.grant(self.dp_admin, Role.PROVINCE_ADMIN, self.old_district)

    def test_a_role_within_rank_on_a_former_unit_points_to_its_successor(self):
        with self.assertRaisesMessage(actions.ActionRefused, "Xã Thượng Mỗ không còn tồn tại"):
            self.grant(self.dp_admin, Role.INSTRUCTOR, self.thuong_mo)
        self.assertFalse(RoleGrant.objects.filter(user=self.tuan, unit=self.thuong_mo).exists())
