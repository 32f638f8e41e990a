from audit.models import AuditEvent
from hocvuso.testing import BaseTestCase
from org.models import Unit, UnitMove


class MoveUnitViewTests(BaseTestCase):
    def url(self, unit):
        return f"/units/{unit.pk}/move/"

    def test_the_form_suggests_units_in_reach_outside_the_subtree(self):
        self.login(self.minh)
        response = self.client.get(self.url(self.cell))
        self.assertEqual({s["code"] for s in response.context["suggestions"]}, {"09787", "TH-LM"})
        self.assertContains(response, '<datalist id="unit-choices">')
        self.assertContains(response, 'list="unit-choices"')

    def test_a_commune_admin_moves_a_party_cell_under_the_school(self):
        self.login(self.minh)
        response = self.client.post(self.url(self.cell), {"new_parent": "th-lm"})
        self.assertRedirects(response, f"/units/{self.cell.pk}/")
        self.cell.refresh_from_db()
        self.assertEqual(self.cell.parent, self.school)
        self.assertEqual(self.cell.path, self.school.path + Unit.segment(self.cell.pk))
        self.assertEqual(UnitMove.objects.get(unit=self.cell).moved_by, self.minh)
        self.assertTrue(AuditEvent.objects.filter(action="unit.move", actor=self.minh).exists())

    def test_a_commune_admin_cannot_move_their_commune(self):
        self.login(self.minh)
        self.assertEqual(self.client.get(self.url(self.lienminh)).status_code, 404)
        self.assertEqual(self.client.post(self.url(self.lienminh), {"new_parent": "TH-LM"}).status_code, 404)

    def test_a_parent_outside_the_scope_is_an_unknown_code(self):
        self.login(self.minh)
        response = self.client.post(self.url(self.cell), {"new_parent": "09817"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors["new_parent"],
            ["Không có đơn vị hiện hành nào trong phạm vi của bạn mang mã “09817”."],
        )

    def test_moving_into_its_own_subtree_is_refused_on_the_field(self):
        self.login(self.hoa)
        response = self.client.post(self.url(self.lienminh), {"new_parent": "TH-LM"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("vào chính nó", response.context["form"].errors["new_parent"][0])
        self.lienminh.refresh_from_db()
        self.assertEqual(self.lienminh.parent, self.hanoi)

    def test_a_unit_outside_the_scope_is_not_found(self):
        self.login(self.minh)
        self.assertEqual(self.client.get(self.url(self.lienminh_pt)).status_code, 404)
