from accounts.models import Role, RoleGrant
from hocvuso.testing import BaseTestCase
from org.actions import create_unit
from org.models import UnitKind


class TreeViewTests(BaseTestCase):
    url = "/units/"

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])

    def test_a_learner_without_view_rights_is_refused(self):
        self.login(self.mai)
        self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_a_province_admin_starts_at_the_province_with_counts(self):
        self.login(self.hoa)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual([(r["code"], r["sub_units"], r["people"]) for r in response.context["roots"]], [("01", 4, 3)])
        self.assertContains(response, f'href="/units/{self.hanoi.pk}/"')
        self.assertContains(response, f'href="/people/?unit={self.hanoi.pk}"')
        self.assertNotContains(response, "Tỉnh Phú Thọ")

    def test_a_commune_admin_starts_at_the_commune(self):
        self.login(self.minh)
        response = self.client.get(self.url)
        self.assertEqual([r["code"] for r in response.context["roots"]], ["09787"])

    def test_a_system_admin_sees_every_province_and_former_ones_on_request(self):
        create_unit(kind=UnitKind.objects.get(slug="tinh"), code="old:35", name="Tỉnh Hà Nam", is_active=False)
        self.login(self.root)
        codes = [r["code"] for r in self.client.get(self.url).context["roots"]]
        self.assertEqual(set(codes), {"01", "25", "52"})
        response = self.client.get(self.url + "?former=1")
        self.assertIn("old:35", [r["code"] for r in response.context["roots"]])
        self.assertContains(response, "Ẩn đơn vị cũ")

    def test_it_has_a_search_box(self):
        self.login(self.hoa)
        response = self.client.get(self.url)
        self.assertContains(response, 'action="/units/search"')
        self.assertContains(response, '<label for="unit-q">')

    def test_the_page_costs_the_same_number_of_queries_for_more_roots(self):
        self.login(self.lan)
        self.client.get(self.url)  # warm up the session
        with self.assertNumQueries(6) as first:
            self.client.get(self.url)
        for unit in (self.odien, self.cell, self.lienminh_pt):
            RoleGrant.objects.create(user=self.lan, role=Role.ORG_MANAGER, unit=unit)
        with self.assertNumQueries(len(first.captured_queries) + 2):  # one more depth among the roots
            response = self.client.get(self.url)
        self.assertEqual(len(response.context["roots"]), 4)

    def test_it_is_in_vietnamese_by_default(self):
        self.login(self.hoa)
        self.assertContains(self.client.get(self.url), "Tìm đơn vị")
