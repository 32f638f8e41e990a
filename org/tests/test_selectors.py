from accounts import access
from accounts.models import Role, RoleGrant
from hocvuso.testing import BaseTestCase
from org import selectors
from org.actions import create_unit, merge_units
from org.models import Unit, UnitKind
from people.models import Membership


class ChildrenTests(BaseTestCase):
    def test_children_carry_counts_of_current_sub_units_and_distinct_people(self):
        # Huyền is in the party cell and also teaches at the school: counted once for Liên Minh.
        Membership.objects.create(person=self.p_huyen, unit=self.school)
        with self.assertNumQueries(3):
            rows = selectors.children(self.hanoi)
        by_code = {r["code"]: r for r in rows}
        self.assertEqual(set(by_code), {"09787", "09817"})
        self.assertEqual((by_code["09787"]["sub_units"], by_code["09787"]["people"]), (2, 2))
        self.assertEqual((by_code["09817"]["sub_units"], by_code["09817"]["people"]), (0, 1))
        self.assertEqual(by_code["09787"]["kind__slug"], "xa")

    def test_ended_memberships_and_former_units_are_not_counted(self):
        Membership.objects.filter(person=self.p_mai).update(ended_on="2026-01-01")
        Unit.objects.filter(pk=self.cell.pk).update(is_active=False)
        row = {r["code"]: r for r in selectors.children(self.hanoi)}["09787"]
        self.assertEqual((row["sub_units"], row["people"]), (1, 1))

    def test_former_children_show_only_on_request(self):
        Unit.objects.filter(pk=self.cell.pk).update(is_active=False)
        self.assertEqual([r["code"] for r in selectors.children(self.lienminh)], ["TH-LM"])
        rows = selectors.children(self.lienminh, include_inactive=True)
        self.assertEqual([(r["code"], r["is_active"]) for r in rows], [("TH-LM", True), ("CB-LM-1", False)])

    def test_the_query_count_does_not_grow_with_the_number_of_children(self):
        kind = UnitKind.objects.get(slug="thon")
        for i in range(20):
            create_unit(kind=kind, code=f"THON-{i}", name=f"Thôn {i}", parent=self.lienminh)
        with self.assertNumQueries(3):
            self.assertEqual(len(selectors.children(self.lienminh)), 22)

    def test_children_sort_the_vietnamese_way(self):
        kind = UnitKind.objects.get(slug="thon")
        for name in ("Thôn Đông", "Thôn Dương", "Thôn Ea"):
            create_unit(kind=kind, code=name.replace(" ", "-"), name=name, parent=self.odien)
        self.assertEqual([r["name"] for r in selectors.children(self.odien)], ["Thôn Dương", "Thôn Đông", "Thôn Ea"])


class ScopeRootsTests(BaseTestCase):
    def test_a_province_admin_starts_from_the_province(self):
        rows = selectors.scope_roots(access.scope(self.hoa))
        self.assertEqual([(r["code"], r["sub_units"], r["people"]) for r in rows], [("01", 4, 3)])

    def test_a_system_admin_starts_from_every_province(self):
        with self.assertNumQueries(4):  # the grants, the roots, and one count query each
            rows = selectors.scope_roots(access.scope(self.root))
        self.assertEqual({r["code"]: r["people"] for r in rows}, {"01": 3, "25": 1, "52": 1})

    def test_roots_at_different_depths_cost_two_queries_per_depth(self):
        RoleGrant.objects.create(user=self.lan, role=Role.ORG_MANAGER, unit=self.odien)
        scope = access.scope(self.lan)
        with self.assertNumQueries(5):
            rows = selectors.scope_roots(scope)
        self.assertEqual({r["code"]: r["people"] for r in rows}, {"TH-LM": 1, "09817": 1})


class AncestorsLabelsSearchTests(BaseTestCase):
    def test_ancestors_come_from_the_path_in_one_query(self):
        with self.assertNumQueries(1):
            rows = selectors.ancestors(self.school)
        self.assertEqual([r["code"] for r in rows], ["01", "09787"])
        self.assertEqual(selectors.ancestors(self.hanoi), [])

    def test_labels_name_the_administrative_units_above(self):
        rows = selectors.labelled([self.school, self.lienminh_pt, self.hanoi])
        self.assertEqual(
            [r["label"] for r in rows],
            [
                "Trường Tiểu học Liên Minh, Xã Liên Minh, Thành phố Hà Nội",
                "Xã Liên Minh, Tỉnh Phú Thọ",
                "Thành phố Hà Nội",
            ],
        )

    def test_search_finds_names_without_accents_inside_the_scope_only(self):
        rows = selectors.search(access.scope(self.hoa), "lien minh")
        self.assertEqual([r["code"] for r in rows], ["09787", "TH-LM"])
        self.assertEqual(rows[0]["label"], "Xã Liên Minh, Thành phố Hà Nội")
        everywhere = selectors.search(access.scope(self.root), "Liên Minh")
        self.assertEqual({r["code"] for r in everywhere}, {"09787", "08227", "TH-LM"})

    def test_search_finds_a_unit_by_its_code(self):
        self.assertEqual([r["code"] for r in selectors.search(access.scope(self.hoa), "cb-lm-1")], ["CB-LM-1"])

    def test_search_with_nothing_to_search_returns_nothing(self):
        self.assertEqual(selectors.search(access.scope(self.hoa), "  "), [])
        self.assertEqual(selectors.search(access.scope(self.mai), "Liên"), [])

    def test_succession_lists_both_sides(self):
        kind = UnitKind.objects.get(slug="truong-tieu-hoc")
        other = create_unit(kind=kind, code="TH-LM-2", name="Trường Tiểu học Liên Minh 2", parent=self.lienminh)
        merge_units(source=other, target=self.school, actor=self.hoa)
        before = selectors.succession(self.school)
        self.assertEqual([r["code"] for r in before["predecessors"]], ["TH-LM-2"])
        self.assertEqual(before["successors"], [])
        after = selectors.succession(other)
        self.assertEqual(after["successors"][0]["label"], "Trường Tiểu học Liên Minh, Xã Liên Minh, Thành phố Hà Nội")
        self.assertFalse(after["successors"][0]["partial"])
