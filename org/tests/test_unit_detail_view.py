from accounts.models import Role, RoleGrant
from hocvuso.testing import BaseTestCase
from org.actions import create_unit, merge_units
from org.models import Unit, UnitKind


class UnitDetailViewTests(BaseTestCase):
    def url(self, unit):
        return f"/units/{unit.pk}/"

    def test_the_page_shows_breadcrumbs_facts_and_children_with_counts(self):
        self.login(self.hoa)
        response = self.client.get(self.url(self.lienminh))
        self.assertEqual(response.status_code, 200)
        self.assertEqual([c["code"] for c in response.context["crumbs"]], ["01"])
        self.assertContains(response, f'<li><a href="/units/{self.hanoi.pk}/">Thành phố Hà Nội</a></li>', html=True)
        self.assertContains(response, "<h1>Xã Liên Minh</h1>", html=True)
        self.assertContains(response, "09787")
        rows = {r["code"]: (r["sub_units"], r["people"]) for r in response.context["children"]}
        self.assertEqual(rows, {"TH-LM": (0, 1), "CB-LM-1": (0, 1)})

    def test_it_links_to_the_people_of_the_unit(self):
        self.login(self.hoa)
        response = self.client.get(self.url(self.lienminh))
        self.assertContains(response, f'href="/people/?unit={self.lienminh.pk}"')
        self.assertContains(response, f'href="/people/?unit={self.school.pk}"')

    def test_a_unit_outside_the_scope_is_not_found(self):
        self.login(self.minh)
        self.assertEqual(self.client.get(self.url(self.odien)).status_code, 404)
        self.assertEqual(self.client.get(self.url(self.hanoi)).status_code, 404)
        self.assertEqual(self.client.get("/units/999999/").status_code, 404)

    def test_breadcrumbs_above_the_scope_are_shown_but_not_linked(self):
        self.login(self.minh)
        response = self.client.get(self.url(self.school))
        self.assertContains(response, "<li>Thành phố Hà Nội</li>", html=True)
        self.assertContains(response, f'<a href="/units/{self.lienminh.pk}/">Xã Liên Minh</a>', html=True)

    def test_a_commune_admin_may_add_inside_the_commune_but_not_change_it(self):
        self.login(self.minh)
        response = self.client.get(self.url(self.lienminh))
        self.assertTrue(response.context["can_add"])
        self.assertFalse(response.context["can_change"])
        self.assertContains(response, f'href="/units/{self.lienminh.pk}/add/"')
        self.assertNotContains(response, f'href="/units/{self.lienminh.pk}/move/"')
        response = self.client.get(self.url(self.school))
        self.assertTrue(response.context["can_change"])
        for action in ("edit", "move", "merge", "deactivate"):
            self.assertContains(response, f'href="/units/{self.school.pk}/{action}/"')

    def test_an_instructor_sees_no_management_buttons(self):
        self.login(self.tuan)
        response = self.client.get(self.url(self.school))
        self.assertFalse(response.context["can_add"])
        self.assertNotContains(response, "/add/")

    def test_former_sub_units_show_on_request_with_a_badge(self):
        Unit.objects.filter(pk=self.cell.pk).update(is_active=False)
        self.login(self.minh)
        response = self.client.get(self.url(self.lienminh))
        self.assertEqual([r["code"] for r in response.context["children"]], ["TH-LM"])
        response = self.client.get(self.url(self.lienminh) + "?former=1")
        self.assertEqual([r["code"] for r in response.context["children"]], ["TH-LM", "CB-LM-1"])
        self.assertContains(response, '<span class="badge inactive">')

    def test_a_merged_unit_shows_where_it_went_and_the_target_where_it_came_from(self):
        kind = UnitKind.objects.get(slug="truong-tieu-hoc")
        other = create_unit(kind=kind, code="TH-LM-2", name="Trường Tiểu học số 2", parent=self.lienminh)
        merge_units(source=other, target=self.school, actor=self.minh)
        self.login(self.minh)
        response = self.client.get(self.url(other))
        self.assertEqual([s["code"] for s in response.context["successors"]], ["TH-LM"])
        self.assertContains(response, f'<a href="/units/{self.school.pk}/">')
        self.assertNotContains(response, f'href="/units/{other.pk}/move/"')
        response = self.client.get(self.url(self.school))
        self.assertEqual([p["code"] for p in response.context["predecessors"]], ["TH-LM-2"])

    def test_predecessors_outside_the_scope_are_named_without_a_link(self):
        old = create_unit(kind=UnitKind.objects.get(slug="xa"), code="old:09796", name="Xã Hồng Hà", is_active=False)
        old.successors.add(self.lienminh, through_defaults={"effective_on": "2025-07-01", "is_partial": True})
        self.login(self.minh)
        response = self.client.get(self.url(self.lienminh))
        self.assertContains(response, "<li>Xã Hồng Hà (một phần)</li>", html=True)

    def test_moves_are_listed(self):
        from org.actions import move_unit

        move_unit(unit=self.cell, new_parent=self.school, actor=self.minh)
        self.login(self.minh)
        response = self.client.get(self.url(self.cell))
        self.assertEqual(len(response.context["moves"]), 1)
        self.assertContains(response, "từ Xã Liên Minh sang Trường Tiểu học Liên Minh (do minh thực hiện)")

    def test_the_query_count_does_not_grow_with_the_children(self):
        self.login(self.hoa)
        self.client.get(self.url(self.lienminh))
        with self.assertNumQueries(11) as first:
            self.client.get(self.url(self.lienminh))
        kind = UnitKind.objects.get(slug="thon")
        for i in range(15):
            thon = create_unit(kind=kind, code=f"THON-{i}", name=f"Thôn {i}", parent=self.lienminh)
            create_unit(kind=kind, code=f"XOM-{i}", name=f"Xóm {i}", parent=thon)
        RoleGrant.objects.create(user=self.hoa, role=Role.COMMUNE_ADMIN, unit=self.lienminh)
        with self.assertNumQueries(len(first.captured_queries)):
            response = self.client.get(self.url(self.lienminh))
        self.assertEqual(len(response.context["children"]), 17)
