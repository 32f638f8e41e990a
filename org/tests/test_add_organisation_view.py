from audit.models import AuditEvent
from hocvuso.testing import BaseTestCase
from org.models import Unit, UnitKind


class AddOrganisationViewTests(BaseTestCase):
    def url(self, unit):
        return f"/units/{unit.pk}/add/"

    def data(self, **overrides):
        kind = UnitKind.objects.get(slug="truong-mam-non")
        return {"kind": kind.pk, "name": "Trường Mầm non Liên Minh", "code": "MN-LM", **overrides}

    def test_the_form_offers_only_organisation_types(self):
        self.login(self.minh)
        response = self.client.get(self.url(self.lienminh))
        self.assertEqual(response.status_code, 200)
        kinds = set(response.context["form"].fields["kind"].queryset.values_list("category", flat=True))
        self.assertEqual(kinds, {"organisation"})
        self.assertContains(response, '<label for="id_name">')

    def test_a_commune_admin_adds_an_organisation_to_the_commune(self):
        self.login(self.minh)
        response = self.client.post(self.url(self.lienminh), self.data())
        unit = Unit.objects.get(code="MN-LM")
        self.assertRedirects(response, f"/units/{unit.pk}/")
        self.assertEqual((unit.parent, unit.name), (self.lienminh, "Trường Mầm non Liên Minh"))
        self.assertTrue(AuditEvent.objects.filter(action="unit.create", actor=self.minh).exists())

    def test_bad_input_is_shown_next_to_the_field(self):
        self.login(self.minh)
        response = self.client.post(self.url(self.lienminh), self.data(code="TH-LM"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].errors["code"], ["Đã có đơn vị khác mang mã “TH-LM”."])
        self.assertFalse(Unit.objects.filter(name="Trường Mầm non Liên Minh").exists())

    def test_a_unit_outside_the_scope_is_not_found(self):
        self.login(self.minh)
        self.assertEqual(self.client.get(self.url(self.odien)).status_code, 404)
        self.assertEqual(self.client.post(self.url(self.odien), self.data()).status_code, 404)
        self.assertFalse(Unit.objects.filter(code="MN-LM").exists())

    def test_a_former_unit_takes_no_new_organisations(self):
        Unit.objects.filter(pk=self.cell.pk).update(is_active=False)
        self.login(self.minh)
        self.assertEqual(self.client.get(self.url(self.cell)).status_code, 404)

    def test_an_instructor_may_not_add(self):
        self.login(self.tuan)
        self.assertEqual(self.client.get(self.url(self.lienminh)).status_code, 403)
