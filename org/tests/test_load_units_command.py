import datetime as dt
from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase
from vietnam_provinces import _ward_conversion_2025 as ward_conversion
from vietnam_provinces.legacy import Ward as LegacyWard

from audit.models import AuditEvent
from org.actions import create_unit
from org.mapload import load_units
from org.models import Unit, UnitKind, UnitSuccession


def run(*args) -> str:
    out = StringIO()
    call_command("load_units", *args, stdout=out)
    return out.getvalue()


class LoadOneProvinceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.first_output = run("--province", "01")

    def test_it_reports_what_it_created(self):
        self.assertIn("Created 1 provinces, 126 communes, 1 former provinces, 30 former districts", self.first_output)

    def test_hanoi_holds_its_new_communes(self):
        hanoi = Unit.objects.get(code="01")
        self.assertEqual(hanoi.name, "Thành phố Hà Nội")
        self.assertEqual(hanoi.kind.slug, "thanh-pho-trung-uong")
        self.assertEqual(hanoi.official_code, "01")
        self.assertTrue(hanoi.is_active)
        names = dict(hanoi.children.values_list("code", "name"))
        self.assertEqual(names["09784"], "Xã Đan Phượng")
        self.assertEqual(names["09817"], "Xã Ô Diên")
        self.assertEqual(names["09787"], "Xã Liên Minh")
        self.assertEqual(hanoi.children.count(), 126)

    def test_paths_and_depths_chain_from_the_parent(self):
        hanoi = Unit.objects.get(code="01")
        lienminh = Unit.objects.get(code="09787")
        self.assertEqual(hanoi.path, "/" + Unit.segment(hanoi.pk))
        self.assertEqual(lienminh.path, hanoi.path + Unit.segment(lienminh.pk))
        self.assertEqual((hanoi.depth, lienminh.depth), (0, 1))
        self.assertEqual(lienminh.search_name, "xa lien minh")
        self.assertFalse(Unit.objects.filter(path__startswith="~").exists())

    def test_only_the_chosen_province_is_loaded(self):
        self.assertFalse(Unit.objects.filter(code="25").exists())
        self.assertEqual(Unit.objects.filter(is_active=True, parent=None).count(), 1)

    def test_former_units_are_inactive_history_under_their_old_parents(self):
        hongha = Unit.objects.select_related("parent__parent", "kind").get(code="old:09796")
        self.assertEqual(hongha.name, "Xã Hồng Hà")
        self.assertEqual(hongha.official_code, "09796")
        self.assertFalse(hongha.is_active)
        self.assertEqual(hongha.ended_on, dt.date(2025, 7, 1))
        self.assertEqual(hongha.parent.code, "old:273")
        self.assertEqual(hongha.parent.name, "Huyện Đan Phượng")
        self.assertEqual(hongha.parent.kind.category, UnitKind.Category.DISTRICT)
        self.assertEqual(hongha.parent.parent.code, "old:01")
        self.assertEqual(hongha.depth, 2)

    def test_a_split_commune_points_partially_at_each_new_commune(self):
        expected = {f"{w.code:05d}" for w in ward_conversion.OLD_TO_NEW[9796].new_wards}
        links = UnitSuccession.objects.filter(predecessor__code="old:09796")
        self.assertEqual(set(links.values_list("successor__code", flat=True)), expected)
        self.assertEqual(len(expected), 4)
        self.assertTrue(all(link.is_partial for link in links))
        self.assertTrue(all(link.effective_on == dt.date(2025, 7, 1) for link in links))

    def test_a_wholly_merged_commune_has_one_full_successor(self):
        link = UnitSuccession.objects.get(predecessor__code="old:00004")
        self.assertEqual(link.successor.name, "Phường Ba Đình")
        self.assertFalse(link.is_partial)

    def test_the_old_province_leads_to_the_new_one(self):
        link = UnitSuccession.objects.get(predecessor__code="old:01")
        self.assertEqual(link.successor.code, "01")
        self.assertFalse(link.is_partial)

    def test_an_old_district_leads_to_every_commune_its_communes_went_to(self):
        expected = {
            f"{new.code:05d}"
            for old in LegacyWard.iter_by_district(273)
            for new in ward_conversion.OLD_TO_NEW[old.code.value].new_wards
        }
        got = set(UnitSuccession.objects.filter(predecessor__code="old:273").values_list("successor__code", flat=True))
        self.assertEqual(got, expected)
        self.assertIn("09784", got)

    def test_a_second_run_changes_nothing_and_says_so(self):
        units, links = Unit.objects.count(), UnitSuccession.objects.count()
        output = run("--province", "01")
        self.assertIn("Units already up to date: 1 provinces, 126 communes, 1 former provinces", output)
        self.assertEqual((Unit.objects.count(), UnitSuccession.objects.count()), (units, links))

    def test_a_renamed_unit_gets_its_official_name_back(self):
        Unit.objects.filter(code="09787").update(name="Xa Lien Minh (sai)", search_name="xa lien minh (sai)")
        report = load_units(["01"])
        self.assertEqual(report.updated, 1)
        self.assertEqual(Unit.objects.get(code="09787").name, "Xã Liên Minh")
        self.assertEqual(Unit.objects.get(code="09787").search_name, "xa lien minh")

    def test_loading_records_one_audit_event(self):
        event = AuditEvent.objects.get(action="unit.load_map")
        self.assertEqual(event.actor_name, "system")
        self.assertEqual(event.changes["created"]["communes"], 126)

    def test_loading_a_second_province_adds_it_beside_the_first(self):
        output = run("--province", "25")
        self.assertIn("Created 1 provinces", output)
        self.assertEqual(Unit.objects.filter(is_active=True, parent=None).count(), 2)
        self.assertEqual(Unit.objects.get(code="08227").parent.code, "25")


class LoadOverExistingUnitsTests(TestCase):
    def test_units_created_by_hand_with_official_codes_are_reused(self):
        kinds = {k.slug: k for k in UnitKind.objects.all()}
        hanoi = create_unit(kind=kinds["thanh-pho-trung-uong"], code="01", name="Thành phố Hà Nội")
        lienminh = create_unit(kind=kinds["xa"], code="09787", name="Xã Liên Minh", parent=hanoi)
        school = create_unit(kind=kinds["truong-tieu-hoc"], code="TH-LM", name="Trường Tiểu học", parent=lienminh)
        report = load_units(["01"])
        self.assertEqual(report.present["provinces"], 1)
        self.assertEqual(report.present["communes"], 1)
        self.assertEqual(report.created["communes"], 125)
        lienminh.refresh_from_db()
        self.assertEqual(lienminh.official_code, "09787")
        self.assertEqual(Unit.objects.get(code="TH-LM").path, school.path)
        self.assertEqual(Unit.objects.filter(code="09787").count(), 1)
        # New communes hang under the existing province.
        self.assertEqual(Unit.objects.get(code="09784").parent_id, hanoi.pk)

    def test_an_organisation_holding_a_map_code_stops_the_load_with_a_clear_error(self):
        kinds = {k.slug: k for k in UnitKind.objects.all()}
        create_unit(kind=kinds["co-quan"], code="09787", name="Cơ quan lạ")
        with self.assertRaisesMessage(CommandError, 'Code "09787" (Xã Liên Minh) is already used by an organisation'):
            run("--province", "01")
        self.assertEqual(Unit.objects.count(), 1)

    def test_an_unknown_province_code_is_refused(self):
        with self.assertRaisesMessage(CommandError, 'Unknown province code "99"'):
            run("--province", "99")
        self.assertFalse(Unit.objects.exists())


class LoadWholeMapTests(TestCase):
    """The one test that loads the whole country (a few seconds)."""

    def test_the_whole_map_has_34_provinces_and_3321_communes_plus_the_old_map(self):
        output = run()
        active = Unit.objects.filter(is_active=True)
        inactive = Unit.objects.filter(is_active=False)
        C = UnitKind.Category
        self.assertEqual(active.filter(kind__category=C.PROVINCE).count(), 34)
        self.assertEqual(active.filter(kind__category=C.COMMUNE).count(), 3321)
        self.assertEqual(inactive.filter(kind__category=C.PROVINCE).count(), 63)
        self.assertEqual(inactive.filter(kind__category=C.DISTRICT).count(), 696)
        self.assertEqual(inactive.filter(kind__category=C.COMMUNE).count(), 10051)
        self.assertIn("Created 34 provinces, 3321 communes, 63 former provinces, 696 former districts", output)
        # Tiền Giang went partly into Tây Ninh and partly into Đồng Tháp.
        split = UnitSuccession.objects.filter(predecessor__code="old:82")
        self.assertEqual(set(split.values_list("successor__code", "is_partial")), {("80", True), ("82", True)})
        # Island districts had no communes; they became special zones of the same name.
        self.assertEqual(
            list(UnitSuccession.objects.filter(predecessor__code="old:755").values_list("successor__name", flat=True)),
            ["Đặc khu Côn Đảo"],
        )
        self.assertIn("Units already up to date: 34 provinces, 3321 communes", run())
