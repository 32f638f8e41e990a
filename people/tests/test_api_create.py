from audit.models import AuditEvent
from hocvuso.testing import BaseTestCase
from people.models import Membership, Person
from people.tests.helpers import ApiMixin


class ApiCreatePersonTests(ApiMixin, BaseTestCase):
    def payload(self, **changes):
        data = {
            "full_name": "Phạm Văn Hùng",
            "unit_id": self.cell.pk,
            "group": "dang-vien",
            "position": "Đảng viên",
            "gender": "male",
            "birth_date": "1990-05-01",
            "cccd": "001090012345",
            "phone": "0987 654 321",
        }
        return {**data, **changes}

    def test_it_creates_the_person_in_the_unit(self):
        response = self.api("post", "", self.minh, data=self.payload())
        self.assertEqual(response.status_code, 201)
        body = response.json()
        person = Person.objects.get(pk=body["id"])
        self.assertEqual(
            (person.full_name, person.phone, person.cccd), ("Phạm Văn Hùng", "+84987654321", "001090012345")
        )
        membership = Membership.objects.get(person=person)
        self.assertEqual((membership.unit, membership.group.slug), (self.cell, "dang-vien"))
        self.assertEqual(AuditEvent.objects.get().actor, self.minh)

    def test_invalid_details_are_reported_by_field(self):
        response = self.api("post", "", self.minh, data=self.payload(cccd="001885012345", phone="12"))
        self.assertEqual(response.status_code, 422)
        locs = {tuple(item["loc"]): item["type"] for item in response.json()["detail"]}
        self.assertEqual(
            locs, {("body", "payload", "cccd"): "bad_century", ("body", "payload", "phone"): "wrong_length"}
        )
        self.assertFalse(Person.objects.filter(full_name="Phạm Văn Hùng").exists())

    def test_a_unit_outside_the_manage_scope_is_missing(self):
        self.assertEqual(self.api("post", "", self.minh, data=self.payload(unit_id=self.odien.pk)).status_code, 404)
        self.assertEqual(self.api("post", "", self.tuan, data=self.payload()).status_code, 404)
        self.assertFalse(Person.objects.filter(full_name="Phạm Văn Hùng").exists())

    def test_an_unknown_group_is_reported(self):
        response = self.api("post", "", self.minh, data=self.payload(group="khong-co"))
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["detail"][0]["loc"], ["body", "payload", "group"])

    def test_unknown_fields_are_refused(self):
        response = self.api("post", "", self.minh, data=self.payload(sort_name="A"))
        self.assertEqual(response.status_code, 422)
