import datetime as dt
import re
from io import StringIO

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.test import TestCase

from accounts.models import RoleGrant, User
from audit.models import AuditEvent
from demo import facts
from demo.sections import all_sections
from demo.tests.fixtures import SeededDemoTestCase, seed
from hocvuso.db import subtree_q
from hocvuso.lib.cccd import validate_cccd
from hocvuso.lib.text import fold, name_sort_key
from org.models import Unit, UnitSuccession
from people.models import Membership, Person

LAST_DAY_BEFORE = dt.date(2025, 6, 30)
REORGANISED_ON = dt.date(2025, 7, 1)


def under(*codes: str, field: str = "unit__path") -> Q:
    q = Q(pk__in=[])
    for path in Unit.objects.filter(code__in=codes).values_list("path", flat=True):
        q |= subtree_q(path, field)
    return q


class SeedDemoTests(SeededDemoTestCase):
    def successors(self, code: str) -> dict[str, bool]:
        return dict(UnitSuccession.objects.filter(predecessor__code=code).values_list("successor__code", "is_partial"))

    def test_it_reports_what_it_wrote(self):
        self.assertIn("Former Đan Phượng district (Hà Nội): 99 organisations", self.seed_output)
        self.assertIn("3,088 people", self.seed_output)  # 2,896 staff and 192 clan members who are not staff
        self.assertIn("Demo data ready", self.seed_output)

    # --- (a) the former Đan Phượng district -----------------------------------

    def test_danphuong_has_2896_staff_418_in_the_district_351_in_communes_2127_in_schools(self):
        ids = {bucket: set(people.values_list("pk", flat=True)) for bucket, people in facts.danphuong_staff().items()}
        self.assertEqual(
            {bucket: len(v) for bucket, v in ids.items()}, {"district": 418, "commune": 351, "school": 2127}
        )
        self.assertEqual(len(ids["district"] | ids["commune"] | ids["school"]), facts.DP_STAFF)
        self.assertEqual(facts.DP_STAFF, 2896)

    def test_every_danphuong_staff_member_was_in_the_old_district_and_is_now_in_a_new_commune(self):
        before = Membership.objects.filter(under(facts.OLD_DANPHUONG), ended_on=LAST_DAY_BEFORE)
        now = Membership.objects.filter(
            under(*facts.DANPHUONG_NEW_COMMUNES), ended_on__isnull=True, started_on=REORGANISED_ON, is_primary=True
        )
        self.assertEqual(before.count(), 2896)
        self.assertEqual(now.count(), 2896)
        self.assertEqual(set(before.values_list("person_id", flat=True)), set(now.values_list("person_id", flat=True)))

    def test_district_agencies_are_history_under_the_old_district_with_successors_in_each_new_commune(self):
        old_district = Unit.objects.get(code=facts.OLD_DANPHUONG)
        agencies = Unit.objects.filter(code__startswith=facts.DP_DISTRICT_PREFIX)
        self.assertEqual(agencies.count(), 16)
        for agency in agencies:
            self.assertFalse(agency.is_active, agency.code)
            self.assertEqual(agency.ended_on, REORGANISED_ON)
            self.assertTrue(agency.path.startswith(old_district.path), agency.code)
        links = UnitSuccession.objects.filter(predecessor__in=agencies)
        self.assertEqual(links.count(), 16 * 3)
        self.assertFalse(
            links.filter(
                Q(successor__is_active=False) | ~under(*facts.DANPHUONG_NEW_COMMUNES, field="successor__path")
            ).exists()
        )
        self.assertEqual(
            set(links.filter(predecessor__code="DP-HUYEN-GDDT").values_list("successor__name", flat=True)),
            {
                "Phòng Văn hóa - Xã hội xã Đan Phượng",
                "Phòng Văn hóa - Xã hội xã Ô Diên",
                "Phòng Văn hóa - Xã hội xã Liên Minh (Hà Nội)",
            },
        )
        self.assertEqual(Unit.objects.get(code="DP-HUYEN-UBND").name, "UBND huyện Đan Phượng")

    def test_old_commune_ubnds_are_succeeded_by_the_ubnd_of_the_commune_they_went_to(self):
        ubnds = Unit.objects.filter(code__startswith=facts.DP_COMMUNE_UBND_PREFIX).select_related("parent")
        self.assertEqual(ubnds.count(), 16)
        for ubnd in ubnds:
            self.assertFalse(ubnd.is_active)
            self.assertEqual(ubnd.parent.code, "old:" + ubnd.code.removeprefix(facts.DP_COMMUNE_UBND_PREFIX))
        self.assertEqual(Unit.objects.get(code="DP-UBND-09784").name, "UBND thị trấn Phùng")
        self.assertEqual(self.successors("DP-UBND-09784"), {"DP-XA-09784-UBND": False})  # Phùng -> Đan Phượng
        self.assertEqual(self.successors("DP-UBND-09805"), {"DP-XA-09817-UBND": False})  # Hạ Mỗ -> Ô Diên
        self.assertEqual(self.successors("DP-UBND-09811"), {"DP-XA-09787-UBND": False})  # Phương Đình -> Liên Minh
        # Hồng Hà was split between Ô Diên and Liên Minh.
        self.assertEqual(self.successors("DP-UBND-09796"), {"DP-XA-09817-UBND": True, "DP-XA-09787-UBND": True})
        self.assertEqual(Unit.objects.get(code="DP-XA-09787-UBND").name, "UBND xã Liên Minh (Hà Nội)")

    def test_48_schools_run_on_under_the_new_commune_and_keep_their_former_commune(self):
        schools = Unit.objects.filter(kind__slug__in=facts.DP_SCHOOL_PREFIXES, code__startswith="DP-")
        self.assertEqual(schools.count(), 48)
        self.assertFalse(schools.filter(is_active=False).exists())
        hong_ha = Unit.objects.select_related("parent", "kind").get(code="DP-TH-09796")
        self.assertEqual((hong_ha.name, hong_ha.kind.slug), ("Trường Tiểu học Hồng Hà", "truong-tieu-hoc"))
        self.assertEqual(hong_ha.parent.code, facts.XA_ODIEN)
        self.assertEqual(Unit.objects.get(code="DP-MN-09784").name, "Trường Mầm non Thị trấn Phùng")
        # Before July 2025 its staff are recorded in the former xã Hồng Hà.
        staff = Membership.objects.filter(unit=hong_ha, ended_on__isnull=True).values("person_id")
        earlier = Membership.objects.filter(person__in=staff, ended_on=LAST_DAY_BEFORE).select_related("unit")
        self.assertEqual({m.unit.code for m in earlier}, {"old:09796"})
        self.assertTrue(all(m.position.endswith(" - Trường Tiểu học Hồng Hà") for m in earlier))
        self.assertEqual(
            set(Membership.objects.filter(unit=hong_ha).values_list("group__slug", flat=True)),
            {"giao-vien", "vien-chuc", "nguoi-lao-dong"},
        )

    def test_the_le_huu_clan_has_200_members_a_few_of_them_also_staff(self):
        clan = Unit.objects.select_related("parent", "kind").get(code=facts.DP_CLAN)
        self.assertEqual((clan.name, clan.kind.slug, clan.parent.code), ("Dòng họ Lê Hữu", "dong-ho", facts.XA_ODIEN))
        members = Membership.objects.filter(unit=clan, ended_on__isnull=True)
        self.assertEqual(members.count(), 200)
        self.assertEqual(set(members.values_list("group__slug", flat=True)), {"nguoi-dan"})
        self.assertFalse(members.exclude(person__full_name__startswith="Lê ").exists())
        staff = members.filter(person__in=facts.danphuong_staff()["commune"] | facts.danphuong_staff()["school"])
        self.assertEqual(staff.count(), facts.DP_CLAN_STAFF)
        # Before and after July 2025 at work, and in the clan.
        counts = Person.objects.filter(pk__in=staff.values("person_id")).annotate(n=Count("memberships"))
        self.assertEqual([p.n for p in counts], [3] * facts.DP_CLAN_STAFF)

    # --- (b) Gia Lai ------------------------------------------------------------

    def test_gialai_has_400_officials_in_23_commune_ubnds_and_a_digital_centre(self):
        gialai = Unit.objects.get(code=facts.GIALAI)
        ubnds = Unit.objects.filter(code__startswith=facts.GL_UBND_PREFIX).select_related("parent", "parent__kind")
        self.assertEqual(ubnds.count(), 23)
        self.assertEqual(len({u.parent_id for u in ubnds}), 23)
        for ubnd in ubnds:
            self.assertEqual((ubnd.parent.parent_id, ubnd.parent.kind.slug), (gialai.pk, "xa"))
            self.assertEqual(ubnd.name, "UBND x" + ubnd.parent.name[1:])
        sizes = Membership.objects.filter(unit__in=ubnds).values("unit").annotate(n=Count("person"))
        self.assertTrue(all(15 <= s["n"] <= 20 for s in sizes))
        officials = Membership.objects.filter(unit__in=ubnds)
        self.assertEqual(officials.count(), 400)
        self.assertEqual(set(officials.values_list("group__slug", flat=True)), {"can-bo", "cong-chuc"})
        centre = Unit.objects.select_related("kind").get(code=facts.GL_CDS)
        self.assertEqual(
            (centre.name, centre.kind.slug, centre.parent_id),
            ("Trung tâm Chuyển đổi số tỉnh Gia Lai", "trung-tam-cds", gialai.pk),
        )
        self.assertEqual(Membership.objects.filter(unit=centre).count(), facts.GL_CDS_STAFF)
        highland = Person.objects.filter(under(facts.GIALAI, field="memberships__unit__path"))
        self.assertTrue(highland.filter(full_name__regex=r"^(Ksor|Siu|Rơ Mah|Rơ Châm|Kpă|Nay) ").exists())

    # --- (c) xã Liên Minh, Phú Thọ -------------------------------------------------

    def test_lienminh_phutho_has_a_party_committee_with_2_committees_30_cells_and_over_900_members(self):
        party = Unit.objects.select_related("parent", "kind").get(code=facts.PT_PARTY)
        self.assertEqual((party.parent.code, party.kind.slug), (facts.XA_LIENMINH_PHUTHO, "dang-bo"))
        committees = Unit.objects.filter(parent=party)
        self.assertEqual(committees.count(), 2)
        self.assertEqual(set(committees.values_list("kind__slug", flat=True)), {"dang-bo"})
        cells = Unit.objects.filter(parent__in=committees)
        self.assertEqual(cells.count(), 30)
        self.assertEqual(set(cells.values_list("kind__slug", flat=True)), {"chi-bo"})
        self.assertEqual(cells.filter(name__startswith="Chi bộ thôn ").count(), 24)
        members = Person.objects.filter(memberships__unit__in=cells, memberships__group__slug="dang-vien").distinct()
        self.assertGreaterEqual(members.count(), 900)
        self.assertGreaterEqual(
            Membership.objects.filter(unit__in=cells).values("unit").annotate(n=Count("pk")).order_by("n").first()["n"],
            20,
        )

    def test_the_two_xa_lien_minh_cannot_be_confused(self):
        phutho = Unit.objects.filter(under(facts.XA_LIENMINH_PHUTHO, field="path"), name__contains="Liên Minh")
        hanoi = Unit.objects.filter(under(facts.XA_LIENMINH_HANOI, field="path"), name__contains="Liên Minh")
        phutho, hanoi = phutho.exclude(code=facts.XA_LIENMINH_PHUTHO), hanoi.exclude(code=facts.XA_LIENMINH_HANOI)
        self.assertEqual(phutho.count(), 3)
        self.assertEqual(hanoi.count(), 6)
        self.assertFalse(phutho.exclude(name__endswith="(Phú Thọ)").exists())
        self.assertFalse(hanoi.exclude(name__endswith="(Hà Nội)").exists())
        self.assertFalse(Unit.objects.filter(code__startswith="PT-").filter(under(facts.HANOI, field="path")).exists())

    # --- (d) phường Phủ Lý ------------------------------------------------------------

    def test_phuly_has_a_learning_centre_for_each_former_ward_with_staff_volunteers_and_citizens(self):
        centres = Unit.objects.filter(code__startswith=facts.PL_CENTRE_PREFIX)
        self.assertEqual(
            set(centres.values_list("name", flat=True)),
            {
                "Trung tâm học tập cộng đồng phường Quang Trung",
                "Trung tâm học tập cộng đồng phường Châu Cầu",
                "Trung tâm học tập cộng đồng phường Liêm Chính",
                "Trung tâm học tập cộng đồng phường Thanh Châu",
            },
        )
        self.assertEqual(
            set(centres.values_list("parent__code", "kind__slug")),
            {(facts.PHUONG_PHULY, "trung-tam-hoc-tap-cong-dong")},
        )
        for centre in centres:
            members = Membership.objects.filter(unit=centre)
            self.assertEqual(members.exclude(group__slug="nguoi-dan").count(), 3)
            self.assertEqual(members.filter(position="Tình nguyện viên").count(), 5)
            self.assertGreaterEqual(members.filter(position="Học viên", group__slug="nguoi-dan").count(), 20)

    # --- people ------------------------------------------------------------------------

    def test_every_cccd_is_valid_and_agrees_with_birth_date_and_gender(self):
        rows = list(Person.objects.values_list("cccd", "birth_date", "gender"))
        self.assertEqual(len(rows), 3088 + 406 + 936 + 124)
        for cccd, birth_date, gender in rows:
            self.assertEqual(validate_cccd(cccd, birth_date=birth_date, gender=gender), cccd)

    def test_phones_are_distinct_vietnamese_mobiles(self):
        phones = list(Person.objects.values_list("phone", flat=True))
        self.assertTrue(all(re.fullmatch(r"\+849\d{8}", p) for p in phones))
        self.assertEqual(len(set(phones)), len(phones))

    def test_names_have_their_derived_fields_and_given_names_that_test_vietnamese_order(self):
        for person in Person.objects.all()[:200]:
            self.assertEqual(person.sort_name, name_sort_key(person.full_name))
            self.assertEqual(person.search_name, fold(person.full_name))
            self.assertEqual(person.given_name, person.full_name.rsplit(" ", 1)[1])
        for initial in "ĐÊƠƯ":
            self.assertTrue(Person.objects.filter(given_name__startswith=initial).exists(), initial)

    def test_the_data_is_the_plan_and_the_plan_is_the_same_every_time(self):
        first, second = all_sections(), all_sections()
        self.assertEqual(first, second)
        planned = {(p.cccd, p.full_name) for section in first for p in section.people}
        self.assertEqual(set(Person.objects.values_list("cccd", "full_name")), planned)

    # --- running again --------------------------------------------------------------------

    def test_a_second_run_changes_nothing_and_says_so(self):
        def snapshot():
            counts = {
                m.__name__: m.objects.count()
                for m in (Unit, UnitSuccession, Person, Membership, User, RoleGrant, AuditEvent)
            }
            counts["last_unit_change"] = Unit.objects.aggregate(Max("updated_at"))["updated_at__max"]
            counts["last_person_change"] = Person.objects.aggregate(Max("updated_at"))["updated_at__max"]
            counts["passwords"] = sorted(User.objects.values_list("password", flat=True))
            return counts

        before = snapshot()
        output = seed()
        self.assertIn("already present", output)
        self.assertIn("Demo data already present; nothing changed.", output)
        self.assertEqual(snapshot(), before)

    def test_a_removed_demo_role_is_given_back(self):
        RoleGrant.objects.filter(user__username="hanoi").delete()
        output = seed()
        self.assertIn("hanoi: role restored, province_admin on 01", output)
        self.assertTrue(RoleGrant.objects.filter(user__username="hanoi", unit__code=facts.HANOI).exists())


class SeedDemoWithoutMapTests(TestCase):
    def test_it_asks_for_load_units_when_the_map_is_missing(self):
        with self.assertRaisesMessage(CommandError, "run hocvuso load_units first"):
            seed()
        self.assertFalse(Person.objects.exists())
        self.assertFalse(User.objects.exists())

    def test_it_names_missing_units_and_writes_nothing_when_the_map_is_partly_loaded(self):
        call_command("load_units", "--province", facts.HANOI, stdout=StringIO())
        with self.assertRaisesMessage(CommandError, "no unit with code 25, 08227, 52"):
            seed()
        self.assertFalse(Unit.objects.filter(code__startswith="DP-").exists())
        self.assertFalse(Person.objects.exists())
        self.assertFalse(Person.objects.filter(Exists(Membership.objects.filter(person=OuterRef("pk")))).exists())
