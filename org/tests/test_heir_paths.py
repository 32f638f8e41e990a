from hocvuso.testing import BaseTestCase
from org.actions import create_unit, merge_units, refresh_heir_paths
from org.mapload import load_units
from org.models import Unit, UnitKind, UnitSuccession


class HeirPathsAfterLoadingHanoiTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        load_units(["01"])
        cls.danphuong = Unit.objects.get(code="09784")

    def heir(self, code: str) -> str:
        return Unit.objects.get(code=code).heir_path

    def test_the_old_province_belongs_to_the_new_hanoi(self):
        self.assertEqual(self.heir("old:01"), self.hanoi.path)

    def test_an_old_district_split_over_three_communes_belongs_to_hanoi(self):
        self.assertEqual(self.heir("old:273"), self.hanoi.path)

    def test_an_old_commune_wholly_merged_into_dan_phuong_belongs_to_dan_phuong(self):
        # Xã Đồng Tháp (09814) went wholly into the new xã Đan Phượng.
        self.assertEqual(
            list(
                UnitSuccession.objects.filter(predecessor__code="old:09814").values_list("successor__code", flat=True)
            ),
            ["09784"],
        )
        self.assertEqual(self.heir("old:09814"), self.danphuong.path)

    def test_current_units_have_no_heir_path(self):
        self.assertFalse(Unit.objects.filter(is_active=True).exclude(heir_path="").exists())

    def test_every_former_unit_of_hanoi_has_one(self):
        self.assertFalse(Unit.objects.filter(code__startswith="old:", heir_path="").exists())

    def test_a_unit_created_under_a_former_one_inherits_its_heir_path(self):
        agency = create_unit(
            kind=UnitKind.objects.get(slug="co-quan"), code="DP-UBND", name="UBND huyện", parent=self.old("old:273")
        )
        self.assertEqual(agency.heir_path, self.hanoi.path)
        self.assertEqual(Unit.objects.get(pk=agency.pk).heir_path, self.hanoi.path)

    def test_a_refresh_fixes_rows_written_behind_its_back_and_only_those(self):
        Unit.objects.filter(code="old:273").update(heir_path="")
        Unit.objects.filter(code="09787").update(heir_path=self.hanoi.path)
        with self.assertNumQueries(3):  # paths, successions, one UPDATE for the two rows
            self.assertEqual(refresh_heir_paths(), 2)
        self.assertEqual(self.heir("old:273"), self.hanoi.path)
        self.assertEqual(self.heir("09787"), "")
        with self.assertNumQueries(2):
            self.assertEqual(refresh_heir_paths(), 0)

    def old(self, code: str) -> Unit:
        return Unit.objects.get(code=code)


class HeirPathsOfMergedUnitsTests(BaseTestCase):
    def test_a_merged_unit_belongs_to_the_unit_it_went_into(self):
        merge_units(source=self.odien, target=self.lienminh, actor=self.root)
        self.assertEqual(Unit.objects.get(pk=self.odien.pk).heir_path, self.lienminh.path)
        self.assertEqual(Unit.objects.get(pk=self.lienminh.pk).heir_path, "")

    def test_successors_in_two_provinces_leave_no_heir(self):
        former = create_unit(kind=self.kinds["xa"], code="old:99999", name="Xã Cũ", is_active=False)
        UnitSuccession.objects.create(predecessor=former, successor=self.lienminh, effective_on="2025-07-01")
        UnitSuccession.objects.create(predecessor=former, successor=self.lienminh_pt, effective_on="2025-07-01")
        refresh_heir_paths()
        self.assertEqual(Unit.objects.get(pk=former.pk).heir_path, "")
