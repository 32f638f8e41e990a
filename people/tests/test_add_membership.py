from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from hocvuso.testing import BaseTestCase
from people.actions import add_membership
from people.models import Membership


class AddMembershipTests(BaseTestCase):
    def test_a_person_can_belong_to_a_second_unit(self):
        membership = add_membership(
            person=self.p_mai, unit=self.cell, group=self.groups["dang-vien"], position=" Bí thư ", actor=self.minh
        )
        self.assertEqual(
            (membership.unit, membership.group, membership.position, membership.is_primary, membership.started_on),
            (self.cell, self.groups["dang-vien"], "Bí thư", False, timezone.localdate()),
        )
        self.assertEqual(Membership.objects.filter(person=self.p_mai, ended_on__isnull=True).count(), 2)
        event = AuditEvent.objects.get()
        self.assertEqual((event.action, event.unit_path), ("person.membership.add", self.cell.path))
        self.assertEqual(event.changes["unit"], [None, "CB-LM-1"])
        self.assertEqual(event.changes["group"], [None, "dang-vien"])

    def test_it_refuses_a_second_current_membership_of_the_same_unit(self):
        with self.assertRaises(ValidationError) as caught:
            add_membership(person=self.p_mai, unit=self.school, group=None, position="", actor=self.minh)
        self.assertEqual(list(caught.exception.message_dict), ["unit"])

    def test_the_first_current_membership_becomes_primary(self):
        Membership.objects.filter(person=self.p_mai).update(ended_on=timezone.localdate(), is_primary=False)
        membership = add_membership(person=self.p_mai, unit=self.cell, group=None, position="", actor=self.minh)
        self.assertTrue(membership.is_primary)
