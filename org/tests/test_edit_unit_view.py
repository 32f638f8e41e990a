from hocvuso.testing import BaseTestCase
from org.models import UnitKind


class EditUnitViewTests(BaseTestCase):
    def url(self, unit):
        return f"/units/{unit.pk}/edit/"

    def test_a_manager_renames_an_organisation_below_their_root(self):
        self.login(self.minh)
        kind = UnitKind.objects.get(slug="truong-lien-cap")
        response = self.client.post(
            self.url(self.school), {"kind": kind.pk, "name": "Trường Liên cấp LM", "code": "LC"}
        )
        self.assertRedirects(response, f"/units/{self.school.pk}/")
        self.school.refresh_from_db()
        self.assertEqual((self.school.name, self.school.code, self.school.kind), ("Trường Liên cấp LM", "LC", kind))

    def test_the_type_list_keeps_the_unit_at_its_level(self):
        self.login(self.minh)
        form = self.client.get(self.url(self.school)).context["form"]
        self.assertEqual(set(form.fields["kind"].queryset.values_list("category", flat=True)), {"organisation"})

    def test_a_province_admin_renames_a_commune_but_its_code_stays(self):
        self.login(self.hoa)
        kind = self.lienminh.kind
        response = self.client.post(self.url(self.lienminh), {"kind": kind.pk, "name": "Xã Liên Minh", "code": "X"})
        self.assertRedirects(response, f"/units/{self.lienminh.pk}/")
        self.lienminh.refresh_from_db()
        self.assertEqual(self.lienminh.code, "09787")

    def test_a_commune_admin_cannot_edit_their_own_commune(self):
        self.login(self.minh)
        self.assertEqual(self.client.get(self.url(self.lienminh)).status_code, 404)

    def test_an_organisation_manager_cannot_edit_their_own_school(self):
        self.login(self.lan)
        self.assertEqual(self.client.get(self.url(self.school)).status_code, 404)

    def test_an_empty_name_is_refused(self):
        self.login(self.minh)
        response = self.client.post(self.url(self.school), {"kind": self.school.kind.pk, "name": " ", "code": "TH-LM"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("name", response.context["form"].errors)
