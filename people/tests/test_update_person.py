import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from hocvuso.testing import BaseTestCase
from people.actions import update_person


class UpdatePersonTests(BaseTestCase):
    def test_it_saves_the_changes_and_records_them_with_a_diff(self):
        update_person(person=self.p_mai, actor=self.lan, full_name="Nguyễn Thị  Mai Anh", phone="0912 345 678")
        self.p_mai.refresh_from_db()
        self.assertEqual(self.p_mai.full_name, "Nguyễn Thị Mai Anh")
        self.assertEqual(self.p_mai.given_name, "Anh")
        self.assertEqual(self.p_mai.sort_name, "Anh Nguyễn Thị Mai")
        self.assertEqual(self.p_mai.search_name, "nguyen thi mai anh")
        event = AuditEvent.objects.get()
        self.assertEqual((event.action, event.actor, event.target_id), ("person.update", self.lan, str(self.p_mai.pk)))
        self.assertEqual(event.unit_path, self.school.path)
        self.assertEqual(
            event.changes,
            {"full_name": ["Nguyễn Thị Mai", "Nguyễn Thị Mai Anh"], "phone": ["", "+84912345678"]},
        )

    def test_it_writes_only_the_changed_columns(self):
        with CaptureQueriesContext(connection) as queries:
            update_person(person=self.p_mai, actor=self.lan, email="mai@example.vn")
        updates = [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]
        self.assertEqual(len(updates), 1)
        set_clause = updates[0].split(" SET ")[1].split(" WHERE ")[0]
        self.assertEqual(re.findall(r'"(\w+)" =', set_clause), ["email", "updated_at"])

    def test_unchanged_values_write_nothing_and_record_nothing(self):
        with CaptureQueriesContext(connection) as queries:
            update_person(
                person=self.p_mai,
                actor=self.lan,
                full_name="Nguyễn Thị Mai",
                cccd="001 185 012 345",
                birth_date=dt.date(1985, 4, 12),
            )
        self.assertFalse([q for q in queries if q["sql"].startswith(("UPDATE", "INSERT"))])
        self.assertFalse(AuditEvent.objects.exists())

    def test_it_refuses_a_cccd_that_disagrees_with_the_birth_date(self):
        with self.assertRaises(ValidationError) as caught:
            update_person(person=self.p_mai, actor=self.lan, birth_date=dt.date(1990, 4, 12))
        self.assertEqual(list(caught.exception.message_dict), ["birth_date"])
        self.p_mai.refresh_from_db()
        self.assertEqual(self.p_mai.birth_date, dt.date(1985, 4, 12))

    def test_it_can_clear_the_cccd(self):
        update_person(person=self.p_mai, actor=self.lan, cccd="")
        self.p_mai.refresh_from_db()
        self.assertIsNone(self.p_mai.cccd)
        self.assertEqual(AuditEvent.objects.get().changes, {"cccd": ["001185012345", None]})

    def test_it_refuses_fields_that_are_not_details(self):
        with self.assertRaises(TypeError):
            update_person(person=self.p_mai, actor=self.lan, sort_name="A")
