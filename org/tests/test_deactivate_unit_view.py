import datetime as dt

from hocvuso.testing import BaseTestCase
from org.actions import create_unit
from org.models import UnitKind


class DeactivateUnitViewTests(BaseTestCase):
    def url(self, unit):
        return f"/units/{unit.pk}/deactivate/"

    def test_an_empty_unit_is_deactivated_on_the_given_date(self):
        thon = create_unit(kind=UnitKind.objects.get(slug="thon"), code="THON-9", name="Thôn 9", parent=self.lienminh)
        self.login(self.minh)
        response = self.client.post(self.url(thon), {"ended_on": "2026-01-31"})
        self.assertRedirects(response, f"/units/{thon.pk}/")
        thon.refresh_from_db()
        self.assertEqual((thon.is_active, thon.ended_on), (False, dt.date(2026, 1, 31)))
        self.assertEqual(self.client.get(self.url(thon)).status_code, 404)

    def test_the_form_speaks_of_a_unit_that_stops_operating(self):
        # A unit "ngừng hoạt động"; a user account is "vô hiệu hoá" and a membership ends on a "ngày rời".
        self.login(self.minh)
        response = self.client.get(self.url(self.school))
        self.assertContains(response, '<label for="id_ended_on">Ngày ngừng hoạt động</label>', html=True)
        self.assertContains(response, '<button type="submit">Ngừng hoạt động</button>', html=True)

    def test_a_unit_with_members_is_refused_with_the_reason(self):
        self.login(self.minh)
        response = self.client.post(self.url(self.school), {})
        self.assertEqual(response.status_code, 200)
        self.assertIn("1 thành viên", response.context["form"].non_field_errors()[0])
        self.school.refresh_from_db()
        self.assertTrue(self.school.is_active)
