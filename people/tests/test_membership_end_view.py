from django.urls import reverse
from django.utils import timezone

from hocvuso.testing import BaseTestCase
from people.actions import add_membership
from people.models import Membership


class MembershipEndViewTests(BaseTestCase):
    def setUp(self):
        self.cell_membership = add_membership(
            person=self.p_mai, unit=self.cell, group=self.groups["dang-vien"], position="", actor=None
        )
        self.school_membership = Membership.objects.get(person=self.p_mai, unit=self.school)

    def url(self, membership):
        return reverse("people:membership_end", args=[membership.person_id, membership.pk])

    def test_it_ends_the_membership_today_by_default(self):
        self.login(self.minh)
        response = self.client.post(self.url(self.cell_membership), {"ended_on": ""})
        self.assertRedirects(response, reverse("people:detail", args=[self.p_mai.pk]))
        self.cell_membership.refresh_from_db()
        self.assertEqual(self.cell_membership.ended_on, timezone.localdate())

    def test_the_form_asks_for_the_day_the_person_left(self):
        self.login(self.minh)
        response = self.client.get(self.url(self.cell_membership))
        self.assertContains(response, "Ngày rời")
        self.assertNotContains(response, "Ngày ngừng hoạt động")

    def test_the_last_current_membership_cannot_be_ended(self):
        self.login(self.minh)
        self.client.post(self.url(self.cell_membership), {})
        response = self.client.post(self.url(self.school_membership), {})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].non_field_errors())
        self.school_membership.refresh_from_db()
        self.assertIsNone(self.school_membership.ended_on)

    def test_a_membership_in_a_unit_outside_the_manage_scope_is_missing(self):
        # Lan manages the school, not the party cell Mai also belongs to.
        self.login(self.lan)
        self.assertEqual(self.client.post(self.url(self.cell_membership), {}).status_code, 404)
        self.cell_membership.refresh_from_db()
        self.assertIsNone(self.cell_membership.ended_on)

    def test_another_person_s_membership_id_is_missing(self):
        self.login(self.minh)
        other = Membership.objects.get(person=self.p_huyen)
        url = reverse("people:membership_end", args=[self.p_mai.pk, other.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
