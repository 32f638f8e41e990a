import datetime as dt

from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from hocvuso.testing import BaseTestCase
from people.actions import create_person
from people.models import Membership, Person


class CreatePersonTests(BaseTestCase):
    def test_it_stores_clean_values_and_derived_name_columns(self):
        person = create_person(
            full_name="NGUYỄN  Thị Huyền",
            unit=self.school,
            group=self.groups["giao-vien"],
            position=" Giáo viên  chủ nhiệm ",
            gender="female",
            birth_date=dt.date(2001, 3, 4),
            cccd="001301012345",
            phone="0912 345 678",
        )
        person.refresh_from_db()
        self.assertEqual(person.full_name, "NGUYỄN Thị Huyền")
        self.assertEqual(person.given_name, "Huyền")
        self.assertEqual(person.sort_name, "Huyền NGUYỄN Thị")
        self.assertEqual(person.search_name, "nguyen thi huyen")
        self.assertEqual(person.phone, "+84912345678")
        membership = Membership.objects.get(person=person)
        self.assertEqual(
            (membership.unit, membership.group, membership.position, membership.is_primary, membership.ended_on),
            (self.school, self.groups["giao-vien"], "Giáo viên chủ nhiệm", True, None),
        )

    def test_it_refuses_an_invalid_cccd_and_writes_nothing(self):
        before = Person.objects.count()
        with self.assertRaises(ValidationError) as caught:
            create_person(full_name="Lê Văn Tám", unit=self.school, cccd="001885012345", actor=self.minh)
        self.assertEqual(list(caught.exception.message_dict), ["cccd"])
        self.assertEqual(Person.objects.count(), before)
        self.assertFalse(AuditEvent.objects.exists())

    def test_it_refuses_a_position_that_is_too_long(self):
        with self.assertRaises(ValidationError) as caught:
            create_person(full_name="Lê Văn Tám", unit=self.school, position="x" * 201)
        self.assertEqual(list(caught.exception.message_dict), ["position"])

    def test_it_records_who_created_the_person(self):
        person = create_person(
            full_name="Lê Văn Tám", unit=self.school, group=self.groups["giao-vien"], phone="0912345678", actor=self.lan
        )
        event = AuditEvent.objects.get()
        self.assertEqual((event.action, event.target_id, event.actor), ("person.create", str(person.pk), self.lan))
        self.assertEqual(event.unit_path, self.school.path)
        self.assertEqual(
            event.changes,
            {
                "full_name": [None, "Lê Văn Tám"],
                "phone": [None, "+84912345678"],
                "unit": [None, "TH-LM"],
                "group": [None, "giao-vien"],
            },
        )
