from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from hocvuso.testing import BaseTestCase
from people.actions import move_person
from people.models import Membership


class MovePersonTests(BaseTestCase):
    def test_it_ends_the_old_membership_and_opens_a_new_one_with_the_same_group_and_position(self):
        Membership.objects.filter(person=self.p_odien).update(position="Chuyên viên")
        new = move_person(person=self.p_odien, from_unit=self.odien, to_unit=self.lienminh, actor=self.hoa)
        old = Membership.objects.get(person=self.p_odien, unit=self.odien)
        today = timezone.localdate()
        self.assertEqual((old.ended_on, old.is_primary), (today, False))
        self.assertEqual(
            (new.unit, new.group, new.position, new.is_primary, new.started_on, new.ended_on),
            (self.lienminh, self.groups["cong-chuc"], "Chuyên viên", True, today, None),
        )
        event = AuditEvent.objects.get()
        self.assertEqual((event.action, event.unit_path), ("person.move", self.lienminh.path))
        self.assertEqual(event.changes, {"unit": ["09817", "09787"], "on": [None, today.isoformat()]})

    def test_a_person_can_move_back_later(self):
        move_person(person=self.p_odien, from_unit=self.odien, to_unit=self.lienminh, actor=self.hoa)
        move_person(person=self.p_odien, from_unit=self.lienminh, to_unit=self.odien, actor=self.hoa)
        self.assertEqual(Membership.objects.filter(person=self.p_odien).count(), 3)
        self.assertEqual(
            list(Membership.objects.filter(person=self.p_odien, ended_on__isnull=True).values_list("unit", flat=True)),
            [self.odien.pk],
        )

    def test_it_refuses_to_move_someone_from_a_unit_they_are_not_in(self):
        with self.assertRaises(ValidationError) as caught:
            move_person(person=self.p_odien, from_unit=self.school, to_unit=self.lienminh, actor=self.hoa)
        self.assertEqual(list(caught.exception.message_dict), ["from_unit"])

    def test_it_refuses_to_move_someone_into_a_unit_they_are_already_in(self):
        with self.assertRaises(ValidationError) as caught:
            move_person(person=self.p_odien, from_unit=self.odien, to_unit=self.odien, actor=self.hoa)
        self.assertEqual(list(caught.exception.message_dict), ["to_unit"])
        self.assertFalse(AuditEvent.objects.exists())
