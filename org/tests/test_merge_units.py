import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from audit.models import AuditEvent
from hocvuso.testing import BaseTestCase
from org.actions import create_unit, merge_units
from org.models import Unit, UnitKind, UnitMove, UnitSuccession
from org.resolve import UnitResolver
from people.actions import create_person
from people.models import Membership


class MergeUnitsTests(BaseTestCase):
    """Messages checked in English; the pages' tests check the Vietnamese ones."""

    def setUp(self):
        self.enterContext(translation.override("en"))

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        kinds = {k.slug: k for k in UnitKind.objects.all()}
        cls.school2 = create_unit(
            kind=kinds["truong-tieu-hoc"], code="TH-LM-2", name="Trường Tiểu học Liên Minh 2", parent=cls.lienminh
        )
        cls.team2 = create_unit(kind=kinds["phong-ban"], code="TCM-2", name="Tổ chuyên môn 2", parent=cls.school2)
        cls.p_hung = create_person(
            full_name="Phạm Văn Hùng", unit=cls.school2, group=cls.groups["giao-vien"], position="Hiệu phó"
        )
        # Mai teaches at both schools.
        Membership.objects.create(person=cls.p_mai, unit=cls.school2, position="Giáo viên", is_primary=False)

    def merge(self):
        return merge_units(source=self.school2, target=self.school, actor=self.lan)

    def test_sub_units_move_to_the_target_with_their_paths(self):
        self.merge()
        self.team2.refresh_from_db()
        self.assertEqual(self.team2.parent, self.school)
        self.assertEqual(self.team2.path, self.school.path + Unit.segment(self.team2.pk))
        self.assertEqual(self.team2.depth, 3)
        move = UnitMove.objects.get(unit=self.team2)
        self.assertEqual((move.from_parent, move.to_parent, move.moved_by), (self.school2, self.school, self.lan))

    def test_members_move_and_their_old_memberships_end_today(self):
        self.merge()
        today = timezone.localdate()
        old = Membership.objects.get(person=self.p_hung, unit=self.school2)
        self.assertEqual(old.ended_on, today)
        new = Membership.objects.get(person=self.p_hung, unit=self.school, ended_on__isnull=True)
        self.assertEqual(
            (new.position, new.group, new.started_on, new.is_primary),
            ("Hiệu phó", self.groups["giao-vien"], today, True),
        )

    def test_someone_already_in_the_target_is_not_given_a_second_membership(self):
        self.merge()
        self.assertEqual(Membership.objects.filter(person=self.p_mai, unit=self.school).count(), 1)
        self.assertEqual(Membership.objects.get(person=self.p_mai, unit=self.school2).ended_on, timezone.localdate())

    def test_the_source_becomes_history_succeeded_by_the_target(self):
        self.merge()
        self.school2.refresh_from_db()
        self.assertFalse(self.school2.is_active)
        self.assertEqual(self.school2.ended_on, timezone.localdate())
        link = UnitSuccession.objects.get(predecessor=self.school2)
        self.assertEqual((link.successor, link.is_partial), (self.school, False))
        # Rosters that still use the old code land in the merged school.
        self.assertEqual(UnitResolver().resolve("TH-LM-2").unit.code, "TH-LM")

    def test_the_merge_is_audited_on_the_source(self):
        self.merge()
        event = AuditEvent.objects.get(action="unit.merge")
        self.assertEqual(
            (event.target_id, event.unit_path, event.actor), (str(self.school2.pk), self.school2.path, self.lan)
        )
        self.assertEqual(event.changes["merged_into"], [None, "TH-LM"])
        self.assertEqual(event.changes["memberships_moved"], 2)

    def test_nothing_is_deleted(self):
        units, memberships = Unit.objects.count(), Membership.objects.count()
        self.merge()
        self.assertEqual(Unit.objects.count(), units)
        self.assertEqual(Membership.objects.count(), memberships + 1)  # Hùng's new one; Mai already there

    def test_it_refuses_impossible_merges(self):
        cases = [
            (self.school, self.school, "into itself"),
            (self.odien, self.school, "same level"),
            (self.school2, self.team2, "own sub-units"),
        ]
        for source, target, text in cases:
            with self.subTest(text), self.assertRaises(ValidationError) as caught:
                merge_units(source=source, target=target, actor=self.hoa)
            self.assertIn(text, caught.exception.message_dict["target"][0])
        self.assertFalse(UnitSuccession.objects.exists())

    def test_it_refuses_a_former_target(self):
        Unit.objects.filter(pk=self.cell.pk).update(is_active=False, ended_on=dt.date(2025, 1, 1))
        self.cell.refresh_from_db()
        with self.assertRaises(ValidationError):
            merge_units(source=self.school2, target=self.cell, actor=self.hoa)
