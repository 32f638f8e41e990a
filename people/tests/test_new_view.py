from django.urls import reverse

from audit.models import AuditEvent
from hocvuso.testing import BaseTestCase
from people.models import Membership, Person

URL = reverse("people:new")


class PersonNewViewTests(BaseTestCase):
    def test_the_unit_choices_are_the_active_units_the_user_manages(self):
        self.login(self.lan)
        response = self.client.get(URL)
        choices = [value for value, _ in response.context["form"].fields["unit"].widget.choices if value]
        self.assertEqual(choices, [self.school.pk])

    def test_the_unit_page_can_preselect_the_unit(self):
        self.login(self.minh)
        response = self.client.get(URL, {"unit": self.cell.pk})
        self.assertContains(response, f'<option value="{self.cell.pk}" selected>', html=False)

    def test_a_unit_outside_the_scope_cannot_be_preselected(self):
        self.login(self.minh)
        self.assertEqual(self.client.get(URL, {"unit": self.odien.pk}).status_code, 404)

    def test_it_adds_the_person_to_the_unit_and_records_it(self):
        self.login(self.minh)
        response = self.client.post(
            URL,
            {
                "full_name": "Phạm Văn Hùng",
                "unit": self.cell.pk,
                "group": self.groups["dang-vien"].pk,
                "position": "Đảng viên",
                "gender": "male",
                "birth_date": "1990-05-01",
                "cccd": "001090012345",
                "phone": "0987654321",
                "email": "",
            },
        )
        person = Person.objects.get(full_name="Phạm Văn Hùng")
        self.assertRedirects(response, reverse("people:detail", args=[person.pk]))
        membership = Membership.objects.get(person=person)
        self.assertEqual((membership.unit, membership.group), (self.cell, self.groups["dang-vien"]))
        self.assertEqual(AuditEvent.objects.get().action, "person.create")

    def test_a_unit_outside_the_scope_is_refused_as_a_field_error(self):
        self.login(self.minh)
        response = self.client.post(URL, {"full_name": "Phạm Văn Hùng", "unit": self.odien.pk})
        self.assertEqual(list(response.context["form"].errors), ["unit"])
        self.assertFalse(Person.objects.filter(full_name="Phạm Văn Hùng").exists())

    def test_every_bad_field_is_reported(self):
        self.login(self.minh)
        response = self.client.post(URL, {"full_name": "", "unit": self.cell.pk, "cccd": "123", "phone": "12"})
        self.assertEqual(set(response.context["form"].errors), {"full_name", "cccd", "phone"})

    def test_viewers_may_not_add_people(self):
        self.login(self.tuan)
        self.assertEqual(self.client.get(URL).status_code, 403)
