from hocvuso.testing import BaseTestCase
from org.models import Unit


class SearchViewTests(BaseTestCase):
    def test_it_finds_units_by_name_without_accents_inside_the_scope(self):
        self.login(self.hoa)
        response = self.client.get("/units/search", {"q": "lien minh"})
        self.assertEqual([r["code"] for r in response.context["rows"]], ["09787", "TH-LM"])
        self.assertContains(response, "Xã Liên Minh, Thành phố Hà Nội")
        self.assertContains(response, f'href="/units/{self.school.pk}/"')
        self.assertNotContains(response, "Tỉnh Phú Thọ")

    def test_it_finds_a_unit_by_code(self):
        self.login(self.minh)
        response = self.client.get("/units/search", {"q": "CB-LM-1"})
        self.assertEqual([r["code"] for r in response.context["rows"]], ["CB-LM-1"])

    def test_former_units_are_found_only_on_request(self):
        Unit.objects.filter(pk=self.cell.pk).update(is_active=False)
        self.login(self.minh)
        self.assertEqual(self.client.get("/units/search", {"q": "chi bo"}).context["rows"], [])
        response = self.client.get("/units/search", {"q": "chi bo", "former": "1"})
        self.assertEqual([r["code"] for r in response.context["rows"]], ["CB-LM-1"])
        self.assertContains(response, '<span class="badge inactive">')

    def test_an_empty_search_shows_a_hint(self):
        self.login(self.minh)
        response = self.client.get("/units/search")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["rows"], [])

    def test_a_learner_cannot_search(self):
        self.login(self.mai)
        self.assertEqual(self.client.get("/units/search", {"q": "lien"}).status_code, 403)
