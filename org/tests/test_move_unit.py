from django.core.exceptions import ValidationError
from django.utils import translation

from accounts import access
from audit.models import AuditEvent
from hocvuso.testing import BaseTestCase
from org.actions import create_unit, deactivate_unit, move_unit
from org.models import Unit, UnitKind, UnitMove


class MoveUnitTests(BaseTestCase):
    """Messages checked in English; the pages' tests check the Vietnamese ones."""

    def setUp(self):
        self.enterContext(translation.override("en"))

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        team = UnitKind.objects.get(slug="phong-ban")
        cls.team = create_unit(kind=team, code="TCM-1", name="Tổ chuyên môn 1", parent=cls.school)
        cls.subteam = create_unit(kind=team, code="TCM-1A", name="Nhóm 1A", parent=cls.team)

    def test_the_whole_subtree_follows_with_new_paths_and_depths(self):
        cell = create_unit(kind=UnitKind.objects.get(slug="dang-bo"), code="DB-OD", name="Đảng bộ", parent=self.odien)
        move_unit(unit=self.school, new_parent=cell, actor=self.hoa)
        for unit in (self.school, self.team, self.subteam):
            unit.refresh_from_db()
        self.assertEqual(self.school.parent, cell)
        self.assertEqual(self.school.path, cell.path + Unit.segment(self.school.pk))
        self.assertEqual(self.team.path, self.school.path + Unit.segment(self.team.pk))
        self.assertEqual(self.subteam.path, self.team.path + Unit.segment(self.subteam.pk))
        self.assertEqual((self.school.depth, self.team.depth, self.subteam.depth), (3, 4, 5))
        # Nothing else changed.
        self.cell.refresh_from_db()
        self.assertEqual(self.cell.path, self.lienminh.path + Unit.segment(self.cell.pk))

    def test_people_follow_their_unit_into_the_new_scope(self):
        move_unit(unit=self.school, new_parent=self.odien, actor=self.hoa)
        self.assertNotIn(self.p_mai, access.people(self.minh))
        odien_admin = self.make_user("odien_admin", "commune_admin", self.odien)
        self.assertIn(self.p_mai, access.people(odien_admin))

    def test_the_move_is_kept_as_history_and_audited(self):
        move_unit(unit=self.school, new_parent=self.odien, actor=self.hoa)
        move = UnitMove.objects.get(unit=self.school)
        self.assertEqual((move.from_parent, move.to_parent, move.moved_by), (self.lienminh, self.odien, self.hoa))
        event = AuditEvent.objects.get(action="unit.move")
        self.school.refresh_from_db()
        self.assertEqual(event.unit_path, self.school.path)
        self.assertEqual(event.changes["parent"], ["09787", "09817"])
        self.assertEqual(event.changes["units_moved"], 3)

    def test_the_returned_unit_carries_its_new_path(self):
        unit = move_unit(unit=self.school, new_parent=self.odien, actor=self.hoa)
        self.assertEqual(unit.path, Unit.objects.get(pk=self.school.pk).path)
        self.assertEqual(unit.depth, 2)

    def test_a_subtree_of_any_size_moves_in_a_fixed_number_of_queries(self):
        # Two of them re-read the paths and successions for the heir paths.
        with self.assertNumQueries(8):
            move_unit(unit=self.lienminh_pt, new_parent=self.hanoi, actor=self.root)
        with self.assertNumQueries(8):
            move_unit(unit=self.lienminh, new_parent=self.phutho, actor=self.root)

    def test_it_refuses_to_move_a_unit_into_its_own_subtree(self):
        for parent in (self.school, self.team, self.subteam):
            with self.subTest(parent=parent.code), self.assertRaises(ValidationError) as caught:
                move_unit(unit=self.school, new_parent=parent, actor=self.hoa)
            self.assertIn("under itself", caught.exception.message_dict["parent"][0])

    def test_it_refuses_a_former_parent(self):
        deactivate_unit(unit=self.subteam, actor=self.hoa)
        with self.assertRaises(ValidationError) as caught:
            move_unit(unit=self.cell, new_parent=self.subteam, actor=self.hoa)
        self.assertIn("former unit", caught.exception.message_dict["parent"][0])

    def test_it_refuses_to_put_a_commune_under_an_organisation(self):
        with self.assertRaises(ValidationError) as caught:
            move_unit(unit=self.odien, new_parent=self.school, actor=self.root)
        self.assertIn("directly in a province", caught.exception.message_dict["parent"][0])

    def test_it_refuses_a_move_to_where_the_unit_already_is(self):
        with self.assertRaises(ValidationError):
            move_unit(unit=self.school, new_parent=self.lienminh, actor=self.hoa)
        self.assertFalse(UnitMove.objects.exists())
