from django.test import TestCase
from vietnam_provinces import _ward_conversion_2025 as ward_conversion

from org.actions import create_unit
from org.mapload import load_units
from org.models import Unit, UnitKind
from org.resolve import Resolution, UnitRef, UnitResolver


class ResolverTests(TestCase):
    """Hà Nội (01) and Phú Thọ (25) loaded from the package, plus a few organisations."""

    @classmethod
    def setUpTestData(cls):
        load_units(["01", "25"])
        kinds = {k.slug: k for k in UnitKind.objects.all()}
        cls.hanoi = Unit.objects.get(code="01")
        cls.phutho = Unit.objects.get(code="25")
        cls.lienminh = Unit.objects.get(code="09787")
        cls.lienminh_pt = Unit.objects.get(code="08227")
        cls.school = create_unit(
            kind=kinds["truong-tieu-hoc"], code="TH-LM", name="Trường Tiểu học Liên Minh", parent=cls.lienminh
        )
        cls.school_pt = create_unit(
            kind=kinds["truong-tieu-hoc"], code="TH-LM-PT", name="Trường Tiểu học Liên Minh", parent=cls.lienminh_pt
        )

    def resolve(self, text, root=None) -> Resolution:
        return UnitResolver(root=root).resolve(text)

    def assertResolvedTo(self, result: Resolution, code: str):
        self.assertIsNone(result.error, result.message)
        self.assertEqual(result.unit.code, code)
        self.assertEqual(result.candidates, ())

    # --- codes -------------------------------------------------------------

    def test_a_commune_code_resolves(self):
        result = self.resolve("09784")
        self.assertResolvedTo(result, "09784")
        self.assertEqual(result.unit.name, "Xã Đan Phượng")
        self.assertEqual(result.unit.label, "Xã Đan Phượng, Thành phố Hà Nội")
        self.assertTrue(result.unit.is_active)

    def test_a_code_that_lost_its_leading_zero_in_a_spreadsheet_still_resolves(self):
        self.assertResolvedTo(self.resolve("9784"), "09784")
        self.assertResolvedTo(self.resolve("1"), "01")

    def test_a_province_code_resolves(self):
        self.assertResolvedTo(self.resolve("01"), "01")

    def test_an_old_province_code_resolves_through_succession(self):
        # Vĩnh Phúc (26) and Hòa Bình (17) went wholly into Phú Thọ.
        result = self.resolve("26")
        self.assertResolvedTo(result, "25")
        self.assertEqual(result.message, 'Old province "Tỉnh Vĩnh Phúc" is now Tỉnh Phú Thọ.')
        self.assertResolvedTo(self.resolve("old:17"), "25")

    def test_an_old_commune_code_wholly_merged_resolves_to_its_successor(self):
        self.assertResolvedTo(self.resolve("00013"), "00004")  # Phường Quán Thánh -> Phường Ba Đình
        self.assertResolvedTo(self.resolve("old:00013"), "00004")

    def test_an_old_commune_partly_merged_into_its_only_recorded_successor_resolves_to_it(self):
        result = self.resolve("00556")  # Xã Đặng Xá: only part of it went into Xã Phù Đổng, the rest is not on record
        self.assertResolvedTo(result, "00541")
        self.assertIn("is now (in part) Xã Phù Đổng, Thành phố Hà Nội", result.message)

    def test_an_old_district_code_resolves_to_a_split_among_its_new_communes(self):
        result = self.resolve("273")
        self.assertEqual(result.error, "split")
        self.assertIsNone(result.unit)
        self.assertIn("09784", {c.code for c in result.candidates})
        self.assertTrue(result.message.startswith('Old district "Huyện Đan Phượng" (Thành phố Hà Nội) was split'))
        self.assertEqual(self.resolve("old:273").candidates, result.candidates)

    def test_an_organisation_code_resolves_whatever_its_case(self):
        self.assertResolvedTo(self.resolve("TH-LM"), "TH-LM")
        self.assertResolvedTo(self.resolve("th-lm"), "TH-LM")

    def test_a_code_followed_by_a_name_resolves_by_the_code(self):
        self.assertResolvedTo(self.resolve("09787 - Xã Liên Minh"), "09787")
        self.assertResolvedTo(self.resolve("TH-LM, Trường Tiểu học Liên Minh"), "TH-LM")

    def test_an_unknown_code_is_reported(self):
        result = self.resolve("99999")
        self.assertEqual(result.error, "unknown_unit")
        self.assertEqual(result.message, 'Unknown unit code "99999".')

    # --- names -------------------------------------------------------------

    def test_a_name_with_its_type_resolves(self):
        self.assertResolvedTo(self.resolve("Xã Ô Diên"), "09817")

    def test_case_accents_and_a_missing_type_do_not_matter(self):
        self.assertResolvedTo(self.resolve("o dien"), "09817")
        self.assertResolvedTo(self.resolve("XÃ Ô DIÊN"), "09817")
        self.assertResolvedTo(self.resolve("Xã  Ô  Diên "), "09817")

    def test_province_names_resolve_with_abbreviated_or_missing_types(self):
        for text in ("TP Hà Nội", "TP. Hà Nội", "Thành phố Hà Nội", "Hà Nội", "ha noi"):
            self.assertResolvedTo(self.resolve(text), "01")
        self.assertResolvedTo(self.resolve("tỉnh Phú Thọ"), "25")

    def test_the_same_commune_name_in_two_provinces_is_ambiguous_without_context(self):
        result = self.resolve("Xã Liên Minh")
        self.assertEqual(result.error, "ambiguous")
        self.assertIsNone(result.unit)
        self.assertEqual({c.code for c in result.candidates}, {"09787", "08227"})
        self.assertEqual(
            {c.label for c in result.candidates}, {"Xã Liên Minh, Thành phố Hà Nội", "Xã Liên Minh, Tỉnh Phú Thọ"}
        )
        self.assertIn("Add the province", result.message)

    def test_province_context_settles_the_ambiguity(self):
        self.assertResolvedTo(self.resolve("Xã Liên Minh, Hà Nội"), "09787")
        self.assertResolvedTo(self.resolve("Xã Liên Minh, Thành phố Hà Nội"), "09787")
        self.assertResolvedTo(self.resolve("Liên Minh - Phú Thọ"), "08227")
        self.assertResolvedTo(self.resolve("xã Liên Minh (tỉnh Phú Thọ)"), "08227")

    def test_a_split_old_commune_returns_its_successors_and_never_guesses(self):
        result = self.resolve("xã Hồng Hà, huyện Đan Phượng")
        expected = {f"{w.code:05d}" for w in ward_conversion.OLD_TO_NEW[9796].new_wards}
        self.assertEqual(len(expected), 4)
        self.assertEqual(result.error, "split")
        self.assertIsNone(result.unit)
        self.assertEqual({c.code for c in result.candidates}, expected)
        self.assertTrue(all(c.is_active for c in result.candidates))
        self.assertTrue(
            result.message.startswith(
                'Old commune "Xã Hồng Hà" (Huyện Đan Phượng) was split among 4 new communes: choose one of '
            ),
            result.message,
        )
        self.assertIn("Xã Ô Diên", result.message)

    def test_a_current_unit_with_the_same_name_does_not_hide_the_old_one_named_with_its_district(self):
        # Phường Hồng Hà exists today in Hà Nội; "xã ... huyện Đan Phượng" is the old commune.
        self.assertResolvedTo(self.resolve("Hồng Hà"), self.resolve("Phường Hồng Hà").unit.code)
        self.assertEqual(self.resolve("Hồng Hà, Đan Phượng").error, "split")

    def test_an_old_township_resolves_to_the_commune_that_absorbed_it(self):
        result = self.resolve("Thị trấn Phùng")
        self.assertResolvedTo(result, "09784")
        self.assertEqual(
            result.message, 'Old commune "Thị trấn Phùng" (Huyện Đan Phượng) is now Xã Đan Phượng, Thành phố Hà Nội.'
        )

    def test_a_new_commune_named_with_its_old_district_resolves(self):
        self.assertResolvedTo(self.resolve("Xã Liên Minh, huyện Đan Phượng"), "09787")

    def test_a_commune_written_with_the_wrong_type_still_resolves(self):
        self.assertResolvedTo(self.resolve("phường Ô Diên"), "09817")

    def test_context_that_matches_nothing_is_reported_with_the_places_that_exist(self):
        result = self.resolve("Xã Ô Diên, Phú Thọ")
        self.assertEqual(result.error, "unknown_unit")
        self.assertIn("Xã Ô Diên, Thành phố Hà Nội", result.message)

    def test_an_unknown_name_is_reported(self):
        result = self.resolve("Xã Không Có")
        self.assertEqual(result.error, "unknown_unit")
        self.assertEqual(result.message, 'No unit matches "Xã Không Có".')
        self.assertEqual(self.resolve("  ").error, "unknown_unit")

    def test_an_organisation_resolves_by_name_with_commune_or_province_context(self):
        self.assertEqual(self.resolve("Trường Tiểu học Liên Minh").error, "ambiguous")
        self.assertResolvedTo(self.resolve("Trường Tiểu học Liên Minh, Hà Nội"), "TH-LM")
        self.assertResolvedTo(self.resolve("truong tieu hoc lien minh - phu tho"), "TH-LM-PT")
        result = self.resolve("Trường Tiểu học Liên Minh, Xã Liên Minh, Thành phố Hà Nội")
        self.assertEqual(result.unit.label, "Trường Tiểu học Liên Minh, Xã Liên Minh, Thành phố Hà Nội")

    # --- scope -------------------------------------------------------------

    def test_inside_a_root_the_local_unit_wins_over_namesakes_elsewhere(self):
        self.assertResolvedTo(self.resolve("Xã Liên Minh", root=self.hanoi), "09787")
        self.assertResolvedTo(self.resolve("Trường Tiểu học Liên Minh", root=self.phutho), "TH-LM-PT")

    def test_a_unit_outside_the_root_is_reported_as_outside(self):
        result = self.resolve("Xã Ô Diên", root=self.phutho)
        self.assertEqual(result.error, "outside_scope")
        self.assertIsNone(result.unit)
        self.assertEqual(result.message, "Xã Ô Diên, Thành phố Hà Nội is outside Tỉnh Phú Thọ.")
        self.assertEqual(self.resolve("01", root=self.lienminh).error, "outside_scope")

    def test_organisations_outside_the_root_are_unknown(self):
        self.assertEqual(self.resolve("TH-LM", root=self.phutho).error, "unknown_unit")

    def test_a_split_inside_a_commune_root_offers_only_the_candidates_inside(self):
        result = self.resolve("xã Hồng Hà, huyện Đan Phượng", root=self.lienminh)
        # Liên Minh took one part of old Hồng Hà: still a split, never a guess.
        self.assertEqual(result.error, "split")
        self.assertEqual([c.code for c in result.candidates], ["09787"])
        self.assertIn("split among 4 new communes, 1 of them within Xã Liên Minh", result.message)

    def test_get_returns_units_inside_the_root_only(self):
        resolver = UnitResolver(root=self.hanoi)
        ref = resolver.get("09787")
        self.assertIsInstance(ref, UnitRef)
        self.assertEqual((ref.id, ref.name, ref.path), (self.lienminh.pk, "Xã Liên Minh", self.lienminh.path))
        self.assertIsNone(resolver.get("08227"))
        self.assertIsNone(resolver.get("nope"))
        self.assertEqual(UnitResolver().get("08227").label, "Xã Liên Minh, Tỉnh Phú Thọ")

    # --- cost --------------------------------------------------------------

    def test_the_map_is_read_once_and_answers_come_from_memory(self):
        resolver = UnitResolver(root=self.hanoi)
        with self.assertNumQueries(2):
            for _ in range(3):
                resolver.resolve("Xã Liên Minh")
                resolver.resolve("xã Hồng Hà, huyện Đan Phượng")
                resolver.resolve("TH-LM")
                resolver.resolve("9784")
                resolver.get("01")

    def test_identical_texts_share_one_answer(self):
        resolver = UnitResolver()
        self.assertIs(resolver.resolve("Xã Ô Diên"), resolver.resolve("xa o dien"))
