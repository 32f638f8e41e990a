from django.urls import reverse

from hocvuso.testing import BaseTestCase
from people.actions import move_person


class PersonDetailViewTests(BaseTestCase):
    def url(self, person):
        return reverse("people:detail", args=[person.pk])

    def test_it_shows_details_current_units_and_history(self):
        move_person(person=self.p_odien, from_unit=self.odien, to_unit=self.lienminh, actor=self.hoa)
        self.login(self.hoa)
        response = self.client.get(self.url(self.p_odien))
        self.assertContains(response, "<h1>Lê Văn Đức</h1>", html=True)
        self.assertContains(response, "Xã Liên Minh, Thành phố Hà Nội")
        self.assertContains(response, "Xã Ô Diên, Thành phố Hà Nội")
        self.assertContains(response, reverse("people:edit", args=[self.p_odien.pk]))

    def test_the_phone_is_shown_as_people_write_it_and_dialled_in_full(self):
        self.p_mai.phone = "+84966581130"
        self.p_mai.save(update_fields=["phone"])
        self.login(self.lan)
        response = self.client.get(self.url(self.p_mai))
        self.assertContains(response, '<a href="tel:+84966581130">0966 581 130</a>', html=True)

    def test_viewers_see_a_masked_cccd_and_no_edit_links(self):
        self.login(self.tuan)
        response = self.client.get(self.url(self.p_mai))
        self.assertContains(response, "0011******45")
        self.assertNotContains(response, "001185012345")
        self.assertNotContains(response, reverse("people:edit", args=[self.p_mai.pk]))

    def test_a_person_outside_the_scope_is_missing(self):
        self.login(self.minh)
        self.assertEqual(self.client.get(self.url(self.p_odien)).status_code, 404)
        self.assertEqual(self.client.get(self.url(self.p_gialai)).status_code, 404)
        self.assertEqual(self.client.get("/people/999999/").status_code, 404)

    def test_learners_see_their_own_record(self):
        self.login(self.mai)
        self.assertEqual(self.client.get(self.url(self.p_mai)).status_code, 200)
        self.assertEqual(self.client.get(self.url(self.p_huyen)).status_code, 404)
