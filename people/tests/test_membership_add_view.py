from django.urls import reverse

from hocvuso.testing import BaseTestCase
from people.models import Membership


class MembershipAddViewTests(BaseTestCase):
    def url(self, person):
        return reverse("people:membership_add", args=[person.pk])

    def test_it_adds_a_membership(self):
        self.login(self.minh)
        response = self.client.post(
            self.url(self.p_mai), {"unit": self.cell.pk, "group": self.groups["dang-vien"].pk, "position": "Bí thư"}
        )
        self.assertRedirects(response, reverse("people:detail", args=[self.p_mai.pk]))
        membership = Membership.objects.get(person=self.p_mai, unit=self.cell)
        self.assertEqual((membership.position, membership.is_primary), ("Bí thư", False))

    def test_a_second_current_membership_of_a_unit_is_reported_on_the_unit(self):
        self.login(self.minh)
        response = self.client.post(self.url(self.p_mai), {"unit": self.school.pk})
        self.assertEqual(list(response.context["form"].errors), ["unit"])

    def test_units_outside_the_scope_are_not_offered_and_refused(self):
        self.login(self.lan)
        response = self.client.post(self.url(self.p_mai), {"unit": self.cell.pk})
        self.assertEqual(list(response.context["form"].errors), ["unit"])
        self.assertFalse(Membership.objects.filter(person=self.p_mai, unit=self.cell).exists())

    def test_a_person_outside_the_scope_is_missing(self):
        self.login(self.lan)
        self.assertEqual(self.client.get(self.url(self.p_huyen)).status_code, 404)
