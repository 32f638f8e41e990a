from django.http import Http404

from accounts import access
from hocvuso.testing import BaseTestCase


class ScopeTests(BaseTestCase):
    def test_a_commune_admin_sees_only_units_of_the_commune(self):
        codes = set(access.units(self.minh).values_list("code", flat=True))
        self.assertEqual(codes, {"09787", "TH-LM", "CB-LM-1"})

    def test_a_province_admin_sees_the_whole_province_and_nothing_else(self):
        codes = set(access.units(self.hoa).values_list("code", flat=True))
        self.assertEqual(codes, {"01", "09787", "09817", "TH-LM", "CB-LM-1"})

    def test_a_system_admin_sees_everything(self):
        self.assertEqual(access.units(self.root).count(), 9)

    def test_people_outside_the_commune_are_missing_for_its_admin(self):
        names = set(access.people(self.minh).values_list("full_name", flat=True))
        self.assertEqual(names, {"Nguyễn Thị Mai", "Trần Thị Huyền"})
        with self.assertRaises(Http404):
            access.get_person(self.minh, self.p_odien.pk)

    def test_the_other_lien_minh_is_not_in_scope_of_the_hanoi_one(self):
        with self.assertRaises(Http404):
            access.get_unit(self.minh, pk=self.lienminh_pt.pk)

    def test_a_learner_sees_only_themself(self):
        self.assertEqual(list(access.people(self.mai)), [self.p_mai])
        self.assertFalse(access.units(self.mai).exists())

    def test_an_instructor_can_view_but_not_manage(self):
        self.assertTrue(access.has_perm(self.tuan, access.Perm.VIEW))
        self.assertFalse(access.has_perm(self.tuan, access.Perm.MANAGE_PEOPLE))
