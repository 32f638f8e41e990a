from hocvuso.testing import BaseTestCase
from org.actions import create_unit
from org.models import UnitKind, UnitSuccession
from people.models import Membership


class MergeUnitViewTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.cell2 = create_unit(
            kind=UnitKind.objects.get(slug="chi-bo"), code="CB-LM-2", name="Chi bộ thôn 2", parent=cls.lienminh
        )
        Membership.objects.create(person=cls.p_odien, unit=cls.cell2)

    def url(self, unit):
        return f"/units/{unit.pk}/merge/"

    def test_the_form_suggests_units_of_the_same_level(self):
        self.login(self.minh)
        response = self.client.get(self.url(self.cell2))
        self.assertEqual({s["code"] for s in response.context["suggestions"]}, {"TH-LM", "CB-LM-1"})

    def test_merging_needs_a_confirmation(self):
        self.login(self.minh)
        response = self.client.post(self.url(self.cell2), {"target": "CB-LM-1"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("confirm", response.context["form"].errors)
        self.assertFalse(UnitSuccession.objects.exists())

    def test_a_commune_admin_merges_two_party_cells(self):
        self.login(self.minh)
        response = self.client.post(self.url(self.cell2), {"target": "CB-LM-1", "confirm": "on"})
        self.assertRedirects(response, f"/units/{self.cell.pk}/")
        self.cell2.refresh_from_db()
        self.assertFalse(self.cell2.is_active)
        self.assertTrue(Membership.objects.filter(person=self.p_odien, unit=self.cell, ended_on=None).exists())

    def test_a_merge_across_levels_is_refused_on_the_field(self):
        self.login(self.hoa)
        response = self.client.post(self.url(self.cell2), {"target": "09817", "confirm": "on"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].errors["target"], ["Chỉ sáp nhập được các đơn vị cùng cấp."])

    def test_a_scope_root_cannot_be_merged_away(self):
        self.login(self.minh)
        self.assertEqual(self.client.get(self.url(self.lienminh)).status_code, 404)
