from django.urls import reverse

from accounts import access
from accounts.access import Perm
from accounts.models import Role
from hocvuso.testing import BaseTestCase
from org.mapload import load_units
from org.models import Unit
from people.actions import create_person


class ScopeOfFormerUnitsTests(BaseTestCase):
    """A grant reaches the former units whose successors all lie inside it."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        load_units(["01"])
        cls.old_district = Unit.objects.get(code="old:273")
        cls.old_dongthap = Unit.objects.get(code="old:09814")  # old commune 09814 went wholly into xã Đan Phượng
        cls.danphuong = Unit.objects.get(code="09784")
        cls.p_former = create_person(full_name="Nguyễn Văn Cũ", unit=cls.old_district, group=cls.groups["cong-chuc"])
        cls.dp_admin = cls.make_user("dp_admin", Role.COMMUNE_ADMIN, cls.danphuong)

    def codes(self, user) -> set[str]:
        return set(access.units(user).filter(code__startswith="old:").values_list("code", flat=True))

    def test_the_hanoi_administrator_sees_the_old_province_district_and_communes(self):
        codes = self.codes(self.hoa)
        self.assertTrue({"old:01", "old:273", "old:09814", "old:09796"} <= codes)
        self.assertEqual(codes, set(Unit.objects.filter(code__startswith="old:").values_list("code", flat=True)))

    def test_the_hanoi_administrator_sees_someone_known_only_in_a_former_unit(self):
        self.assertIn(self.p_former, access.people(self.hoa))
        self.assertEqual(access.get_person(self.hoa, self.p_former.pk), self.p_former)

    def test_the_dan_phuong_administrator_sees_the_communes_merged_into_it_but_not_the_district(self):
        codes = self.codes(self.dp_admin)
        self.assertIn("old:09814", codes)
        self.assertTrue(codes)
        self.assertNotIn("old:273", codes)
        self.assertNotIn("old:01", codes)
        for code in codes:
            self.assertTrue(Unit.objects.get(code=code).heir_path.startswith(self.danphuong.path), code)
        self.assertNotIn(self.p_former, access.people(self.dp_admin))

    def test_a_gia_lai_administrator_sees_none_of_them(self):
        self.assertEqual(self.codes(self.pleiku), set())
        self.assertNotIn(self.p_former, access.people(self.pleiku))

    def test_covers_unit_agrees_with_the_query(self):
        hoa, dp = access.scope(self.hoa), access.scope(self.dp_admin)
        self.assertTrue(hoa.covers_unit(self.old_district))
        self.assertFalse(dp.covers_unit(self.old_district))
        self.assertTrue(dp.covers_unit({"path": self.old_dongthap.path, "heir_path": self.old_dongthap.heir_path}))
        self.assertFalse(dp.covers_path(self.old_dongthap.path))

    def test_the_audit_trail_keeps_to_plain_paths(self):
        q = access.scope(self.hoa, Perm.AUDIT).unit_q("unit_path")
        self.assertNotIn("heir", str(q))

    def test_pages_of_former_units_are_404_outside_and_open_inside(self):
        url = reverse("org:detail", args=[self.old_district.pk])
        self.login(self.hoa)
        self.assertEqual(self.client.get(url).status_code, 200)
        self.login(self.dp_admin)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.login(self.pleiku)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.get(reverse("people:detail", args=[self.p_former.pk])).status_code, 404)
        self.login(self.hoa)
        self.assertEqual(self.client.get(reverse("people:detail", args=[self.p_former.pk])).status_code, 200)
