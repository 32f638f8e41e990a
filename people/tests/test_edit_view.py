from django.urls import reverse

from audit.models import AuditEvent
from hocvuso.testing import BaseTestCase


class PersonEditViewTests(BaseTestCase):
    def url(self, person):
        return reverse("people:edit", args=[person.pk])

    def form_data(self, **changes):
        data = {
            "full_name": "Nguyễn Thị Mai",
            "gender": "female",
            "birth_date": "1985-04-12",
            "cccd": "001185012345",
            "phone": "",
            "email": "",
        }
        return {**data, **changes}

    def test_the_form_starts_with_the_current_details(self):
        self.login(self.lan)
        response = self.client.get(self.url(self.p_mai))
        self.assertContains(response, 'value="001185012345"')
        self.assertContains(response, 'value="1985-04-12"')

    def test_the_phone_is_shown_as_people_write_it_and_saving_it_unchanged_changes_nothing(self):
        self.p_mai.phone = "+84966581130"
        self.p_mai.save(update_fields=["phone"])
        self.login(self.lan)
        response = self.client.get(self.url(self.p_mai))
        self.assertContains(response, 'value="0966 581 130"')
        self.assertNotContains(response, "+84966581130")

        response = self.client.post(self.url(self.p_mai), self.form_data(phone="0966 581 130"))
        self.assertRedirects(response, reverse("people:detail", args=[self.p_mai.pk]))
        self.p_mai.refresh_from_db()
        self.assertEqual(self.p_mai.phone, "+84966581130")
        self.assertFalse(AuditEvent.objects.filter(changes__has_key="phone").exists())

    def test_labels_have_no_trailing_colon(self):
        self.login(self.lan)
        response = self.client.get(self.url(self.p_mai))
        self.assertContains(response, '<label for="id_phone">Điện thoại</label>', html=True)

    def test_saving_changes_writes_an_audit_event_and_goes_back_to_the_person(self):
        self.login(self.lan)
        response = self.client.post(self.url(self.p_mai), self.form_data(phone="0912 345 678", birth_date="12/04/1985"))
        self.assertRedirects(response, reverse("people:detail", args=[self.p_mai.pk]))
        self.p_mai.refresh_from_db()
        self.assertEqual(self.p_mai.phone, "+84912345678")
        event = AuditEvent.objects.get()
        self.assertEqual(
            (event.action, event.actor, event.changes), ("person.update", self.lan, {"phone": ["", "+84912345678"]})
        )

    def test_an_invalid_cccd_is_reported_on_the_cccd_field_with_the_reason(self):
        self.login(self.lan)
        self.client.cookies["django_language"] = "en"
        response = self.client.post(self.url(self.p_mai), self.form_data(cccd="001885012345"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors,
            {"cccd": ["Digit 4 of the CCCD number (8) stands for a century nobody alive was born in."]},
        )
        self.assertContains(response, 'aria-invalid="true"')
        self.assertFalse(AuditEvent.objects.exists())

    def test_a_cccd_of_another_year_is_reported_in_vietnamese(self):
        self.login(self.lan)
        response = self.client.post(self.url(self.p_mai), self.form_data(cccd="001190012345"))
        self.assertEqual(list(response.context["form"].errors), ["cccd"])
        self.assertContains(response, "1990")
        self.assertContains(response, "1985")

    def test_viewers_cannot_edit(self):
        self.login(self.tuan)
        self.assertEqual(self.client.get(self.url(self.p_mai)).status_code, 404)
        self.assertEqual(self.client.post(self.url(self.p_mai), self.form_data(full_name="X Y")).status_code, 404)

    def test_a_person_outside_the_scope_is_missing(self):
        self.login(self.lan)
        self.assertEqual(self.client.get(self.url(self.p_huyen)).status_code, 404)
        self.login(self.pleiku)
        self.assertEqual(self.client.post(self.url(self.p_mai), self.form_data()).status_code, 404)
