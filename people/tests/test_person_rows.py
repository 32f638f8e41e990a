import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.models import Role, RoleGrant
from hocvuso.testing import BaseTestCase
from org.actions import create_unit
from people.actions import add_membership, create_person, end_membership, update_person
from people.models import Membership
from people.selectors import mask_cccd, person_rows
from people.tests.helpers import add_people, many_names


def names(rows) -> list[str]:
    return [row["full_name"] for row in rows]


class PersonRowsSearchTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.p_nguyen_huyen = create_person(
            full_name="Nguyễn Thị Huyền",
            unit=cls.lienminh,
            gender="female",
            birth_date=dt.date(2001, 3, 4),
            cccd="001301012345",
            phone="0912345678",
        )

    def test_a_search_without_accents_finds_the_accented_name(self):
        self.assertEqual(names(person_rows(self.minh, q="nguyen thi huyen")), ["Nguyễn Thị Huyền"])

    def test_a_search_in_capitals_finds_the_name(self):
        self.assertEqual(names(person_rows(self.minh, q="NGUYỄN THỊ HUYỀN")), ["Nguyễn Thị Huyền"])

    def test_a_search_for_d_finds_names_with_đ(self):
        found = names(person_rows(self.root, q="d"))
        self.assertIn("Lê Văn Đức", found)
        self.assertIn("Đỗ Văn Sơn", found)
        self.assertEqual(names(person_rows(self.root, q="van duc")), ["Lê Văn Đức"])

    def test_a_search_matches_part_of_a_name(self):
        self.assertEqual(names(person_rows(self.minh, q="huyen")), ["Nguyễn Thị Huyền", "Trần Thị Huyền"])

    def test_a_search_finds_a_person_by_exact_cccd(self):
        self.assertEqual(names(person_rows(self.minh, q="001301012345")), ["Nguyễn Thị Huyền"])
        self.assertEqual(names(person_rows(self.minh, q="00130101234")), [])

    def test_a_search_finds_a_person_by_phone_written_any_usual_way(self):
        for q in ("0912345678", "0912 345 678", "+84 912.345.678"):
            with self.subTest(q=q):
                self.assertEqual(names(person_rows(self.minh, q=q)), ["Nguyễn Thị Huyền"])

    def test_a_search_stays_within_the_scope(self):
        self.assertEqual(names(person_rows(self.minh, q="duc")), [])
        self.assertEqual(names(person_rows(self.pleiku, q="huyen")), [])


class PersonRowsOrderTests(BaseTestCase):
    def test_people_sort_by_given_name_then_family_and_middle_names_the_vietnamese_way(self):
        unit = create_unit(kind=self.kinds["co-quan"], code="CQ-1", name="Cơ quan 1", parent=self.lienminh)
        add_people(unit, ["Trần Văn Ánh", "Lê Thị Anh", "Nguyễn Văn Bình", "Phạm Thị Đào", "Hoàng Văn Dũng"])
        self.assertEqual(
            names(person_rows(self.minh, unit=unit)),
            ["Lê Thị Anh", "Trần Văn Ánh", "Nguyễn Văn Bình", "Hoàng Văn Dũng", "Phạm Thị Đào"],
        )

    def test_tones_order_names_that_differ_only_by_tone(self):
        unit = create_unit(kind=self.kinds["co-quan"], code="CQ-1", name="Cơ quan 1", parent=self.lienminh)
        add_people(unit, ["Lê Thị Ánh", "Lê Thị Anh", "Lê Thị Ảnh", "Lê Thị Ạnh", "Lê Thị Ãnh", "Lê Thị Ành"])
        self.assertEqual(
            names(person_rows(self.minh, unit=unit)),
            ["Lê Thị Anh", "Lê Thị Ành", "Lê Thị Ảnh", "Lê Thị Ãnh", "Lê Thị Ánh", "Lê Thị Ạnh"],
        )

    def test_namesakes_are_ordered_by_birth_date(self):
        unit = create_unit(kind=self.kinds["co-quan"], code="CQ-1", name="Cơ quan 1", parent=self.lienminh)
        young = create_person(full_name="Lê Văn An", unit=unit, birth_date=dt.date(2000, 1, 1))
        old = create_person(full_name="Lê Văn An", unit=unit, birth_date=dt.date(1960, 1, 1))
        self.assertEqual([row["id"] for row in person_rows(self.minh, unit=unit)], [old.pk, young.pk])


class PersonRowsFilterTests(BaseTestCase):
    def test_a_unit_includes_its_subunits(self):
        self.assertEqual(names(person_rows(self.hoa, unit=self.lienminh)), ["Trần Thị Huyền", "Nguyễn Thị Mai"])

    def test_a_unit_without_subunits_holds_only_its_direct_members(self):
        self.assertEqual(names(person_rows(self.hoa, unit=self.lienminh, include_subunits=False)), [])
        self.assertEqual(names(person_rows(self.hoa, unit=self.school, include_subunits=False)), ["Nguyễn Thị Mai"])

    def test_a_person_in_several_units_of_the_subtree_appears_once(self):
        add_membership(person=self.p_mai, unit=self.cell, group=self.groups["dang-vien"], position="", actor=self.minh)
        self.assertEqual(names(person_rows(self.hoa, unit=self.lienminh)), ["Trần Thị Huyền", "Nguyễn Thị Mai"])
        self.assertEqual(names(person_rows(self.hoa)).count("Nguyễn Thị Mai"), 1)

    def test_a_group_keeps_people_with_a_current_membership_in_it(self):
        self.assertEqual(
            names(person_rows(self.root, group=self.groups["dang-vien"])), ["Trần Thị Huyền", "Đỗ Văn Sơn"]
        )
        self.assertEqual(names(person_rows(self.hoa, group=self.groups["dang-vien"])), ["Trần Thị Huyền"])

    def test_unit_and_group_together_mean_that_group_in_that_unit(self):
        add_membership(person=self.p_mai, unit=self.odien, group=self.groups["dang-vien"], position="", actor=self.hoa)
        rows = person_rows(self.hoa, unit=self.lienminh, group=self.groups["dang-vien"])
        self.assertEqual(names(rows), ["Trần Thị Huyền"])

    def test_ended_memberships_do_not_count(self):
        add_membership(person=self.p_odien, unit=self.school, group=None, position="", actor=self.hoa)
        self.assertIn("Lê Văn Đức", names(person_rows(self.hoa, unit=self.lienminh)))
        end_membership(membership=Membership.objects.get(person=self.p_odien, unit=self.school), actor=self.hoa)
        self.assertNotIn("Lê Văn Đức", names(person_rows(self.hoa, unit=self.lienminh)))


class PersonRowsColumnsTests(BaseTestCase):
    def test_a_row_holds_the_primary_unit_and_the_groups_of_current_memberships(self):
        update_person(person=self.p_mai, actor=self.lan, phone="0912345678")
        add_membership(person=self.p_mai, unit=self.cell, group=self.groups["dang-vien"], position="", actor=self.minh)
        row = person_rows(self.minh, q="mai").get()
        self.assertEqual(
            row,
            {
                "id": self.p_mai.pk,
                "full_name": "Nguyễn Thị Mai",
                "gender": "female",
                "birth_date": dt.date(1985, 4, 12),
                "cccd_display": "001185012345",
                "phone": "+84912345678",
                "unit_id": self.school.pk,
                "unit_name": "Trường Tiểu học Liên Minh",
                "groups": ["Đảng viên", "Giáo viên"],
            },
        )

    def test_group_names_follow_the_language(self):
        with translation.override("en"):
            self.assertEqual(person_rows(self.minh, q="mai").get()["groups"], ["Teacher"])

    def test_the_cccd_is_masked_for_those_who_may_only_view(self):
        self.assertEqual(person_rows(self.tuan, q="mai").get()["cccd_display"], "0011******45")
        self.assertEqual(mask_cccd("001185012345"), "0011******45")

    def test_the_cccd_is_shown_in_full_only_where_the_user_may_manage(self):
        # Instructor in the whole commune, manager of the school only.
        RoleGrant.objects.create(user=self.tuan, role=Role.ORG_MANAGER, unit=self.school)
        update_person(person=self.p_huyen, actor=self.minh, cccd="001190012345", birth_date=dt.date(1990, 1, 1))
        rows = {row["full_name"]: row["cccd_display"] for row in person_rows(self.tuan)}
        self.assertEqual(rows, {"Nguyễn Thị Mai": "001185012345", "Trần Thị Huyền": "0011******45"})

    def test_people_without_a_cccd_show_none_either_way(self):
        self.assertIsNone(person_rows(self.tuan, q="huyen").get()["cccd_display"])
        self.assertIsNone(person_rows(self.minh, q="huyen").get()["cccd_display"])


class PersonRowsQueryCountTests(BaseTestCase):
    def count_queries(self, people: int) -> int:
        unit = create_unit(kind=self.kinds["co-quan"], code=f"CQ-{people}", name="Cơ quan", parent=self.lienminh)
        for person in add_people(unit, many_names(people)):
            add_membership(person=person, unit=self.cell, group=self.groups["dang-vien"], position="", actor=None)
        self.minh._hocvuso_grants = None
        with CaptureQueriesContext(connection) as queries:
            rows = list(person_rows(self.minh, unit=unit))
        self.assertEqual(len(rows), people)
        self.assertTrue(all(row["groups"] == ["Đảng viên"] for row in rows))
        return len(queries)

    def test_rows_and_their_groups_cost_the_same_number_of_queries_for_5_or_30_people(self):
        # Grants, the rows, the group names of all rows.
        self.assertEqual(self.count_queries(5), 3)
        self.assertEqual(self.count_queries(30), 3)
