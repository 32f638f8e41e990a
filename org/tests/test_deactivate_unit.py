import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import translation

from audit.models import AuditEvent
from hocvuso.testing import BaseTestCase
from org.actions import create_unit, deactivate_unit
from org.models import UnitKind


class DeactivateUnitTests(BaseTestCase):
    """Messages checked in English; the pages' tests check the Vietnamese ones."""

    def setUp(self):
        self.enterContext(translation.override("en"))

    def test_an_empty_unit_becomes_former_and_the_change_is_audited(self):
        unit = create_unit(kind=UnitKind.objects.get(slug="thon"), code="THON-9", name="Thôn 9", parent=self.lienminh)
        deactivate_unit(unit=unit, actor=self.minh, ended_on=dt.date(2026, 1, 1))
        unit.refresh_from_db()
        self.assertFalse(unit.is_active)
        self.assertEqual(unit.ended_on, dt.date(2026, 1, 1))
        event = AuditEvent.objects.get(action="unit.deactivate")
        self.assertEqual(event.unit_path, unit.path)

    def test_a_unit_with_current_members_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            deactivate_unit(unit=self.school, actor=self.minh)
        self.assertEqual(
            caught.exception.message_dict["unit"],
            ["“Trường Tiểu học Liên Minh” still has 1 current member: move them or merge the unit instead."],
        )

    def test_a_unit_with_current_sub_units_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            deactivate_unit(unit=self.lienminh, actor=self.hoa)
        self.assertIn("2 current sub-units", caught.exception.message_dict["unit"][0])
