from django.urls import reverse

from hocvuso.testing import BaseTestCase
from people.models import Membership


class MoveViewTests(BaseTestCase):
    def url(self, person):
        return reverse("people:move", args=[person.pk])

    def test_it_moves_the_person_and_keeps_the_history(self):
        self.login(self.hoa)
        response = self.client.post(self.url(self.p_odien), {"from_unit": self.odien.pk, "to_unit": self.lienminh.pk})
        self.assertRedirects(response, reverse("people:detail", args=[self.p_odien.pk]))
        self.assertEqual(
            list(Membership.objects.filter(person=self.p_odien).order_by("id").values_list("unit", "ended_on")),
            [
                (self.odien.pk, Membership.objects.get(person=self.p_odien, unit=self.odien).ended_on),
                (self.lienminh.pk, None),
            ],
        )
        self.assertIsNotNone(Membership.objects.get(person=self.p_odien, unit=self.odien).ended_on)

    def test_the_destination_must_be_within_the_manage_scope(self):
        self.login(self.minh)
        response = self.client.post(self.url(self.p_mai), {"from_unit": self.school.pk, "to_unit": self.odien.pk})
        self.assertEqual(list(response.context["form"].errors), ["to_unit"])

    def test_moving_to_the_same_unit_is_reported_on_the_destination(self):
        self.login(self.minh)
        response = self.client.post(self.url(self.p_mai), {"from_unit": self.school.pk, "to_unit": self.school.pk})
        self.assertEqual(list(response.context["form"].errors), ["to_unit"])

    def test_only_memberships_the_user_manages_can_be_moved_out_of(self):
        self.login(self.lan)
        response = self.client.get(self.url(self.p_mai))
        self.assertEqual([value for value, _ in response.context["form"].fields["from_unit"].choices], [self.school.pk])

    def test_viewers_and_strangers_get_404(self):
        self.login(self.tuan)
        self.assertEqual(self.client.get(self.url(self.p_mai)).status_code, 404)
        self.login(self.pleiku)
        self.assertEqual(self.client.get(self.url(self.p_mai)).status_code, 404)
