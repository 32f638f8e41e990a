import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from hocvuso.testing import BaseTestCase
from people.actions import add_membership, end_membership
from people.models import Membership


class EndMembershipTests(BaseTestCase):
    def setUp(self):
        self.school_membership = Membership.objects.get(person=self.p_mai, unit=self.school)
        self.cell_membership = add_membership(
            person=self.p_mai, unit=self.cell, group=self.groups["dang-vien"], position="", actor=self.minh
        )
        AuditEvent.objects.all().delete()

    def test_it_keeps_the_membership_as_history_and_promotes_another_to_primary(self):
        end_membership(membership=self.school_membership, actor=self.minh)
        self.school_membership.refresh_from_db()
        self.cell_membership.refresh_from_db()
        self.assertEqual(self.school_membership.ended_on, timezone.localdate())
        self.assertFalse(self.school_membership.is_primary)
        self.assertTrue(self.cell_membership.is_primary)
        event = AuditEvent.objects.get()
        self.assertEqual((event.action, event.unit_path), ("person.membership.end", self.school.path))
        self.assertEqual(event.changes, {"unit": ["TH-LM", None], "ended_on": [None, timezone.localdate().isoformat()]})

    def test_it_refuses_to_end_the_last_current_membership(self):
        end_membership(membership=self.cell_membership, actor=self.minh)
        with self.assertRaises(ValidationError):
            end_membership(membership=self.school_membership, actor=self.minh)
        self.school_membership.refresh_from_db()
        self.assertIsNone(self.school_membership.ended_on)

    def test_it_refuses_to_end_a_membership_twice(self):
        end_membership(membership=self.cell_membership, actor=self.minh)
        with self.assertRaises(ValidationError):
            end_membership(membership=self.cell_membership, actor=self.minh)

    def test_it_refuses_an_end_date_before_the_start(self):
        with self.assertRaises(ValidationError) as caught:
            end_membership(
                membership=self.cell_membership, actor=self.minh, ended_on=timezone.localdate() - dt.timedelta(days=1)
            )
        self.assertEqual(list(caught.exception.message_dict), ["ended_on"])

    def test_it_refuses_an_end_date_in_the_future(self):
        with self.assertRaises(ValidationError) as caught:
            end_membership(
                membership=self.cell_membership, actor=self.minh, ended_on=timezone.localdate() + dt.timedelta(days=1)
            )
        self.assertEqual(list(caught.exception.message_dict), ["ended_on"])
