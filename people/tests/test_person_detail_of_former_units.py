"""A person counted only in a former unit is managed by whoever holds its history, on the detail page as in lists."""

from accounts import access
from accounts.access import Perm
from hocvuso.testing import BaseTestCase
from people.actions import create_person
from people.selectors import person_detail


class PersonDetailOfFormerUnitsTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        thuong_mo = cls.load_dan_phuong_history()
        cls.person = create_person(
            full_name="Nguyễn Văn Cũ", unit=thuong_mo, group=cls.groups["cong-chuc"], cccd="001085012345"
        )

    def test_the_commune_that_took_the_former_commune_over_manages_its_membership(self):
        self.assertIn(self.person, access.people(self.dp_admin, Perm.MANAGE_PEOPLE))
        detail = person_detail(self.dp_admin, self.person.pk)
        self.assertTrue(detail.can_manage)
        self.assertEqual([m["can_manage"] for m in detail.current_memberships], [True])
        self.assertEqual(detail.cccd_display, "001085012345")

    def test_an_administrator_without_that_history_sees_nothing(self):
        self.assertNotIn(self.person, access.people(self.minh))

    def test_the_detail_page_offers_to_move_and_end_the_membership(self):
        self.login(self.dp_admin)
        response = self.client.get(f"/people/{self.person.pk}/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "001085012345")
        membership = self.person.memberships.get()
        self.assertContains(response, f"/people/{self.person.pk}/memberships/{membership.pk}/end/")
        self.assertEqual(self.client.get(f"/people/{self.person.pk}/move/").status_code, 200)
