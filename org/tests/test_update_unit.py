from django.core.exceptions import ValidationError
from django.utils import translation

from audit.models import AuditEvent
from hocvuso.testing import BaseTestCase
from org.actions import update_unit
from org.models import UnitKind


class UpdateUnitTests(BaseTestCase):
    """Messages checked in English; the pages' tests check the Vietnamese ones."""

    def setUp(self):
        self.enterContext(translation.override("en"))

    def test_it_renames_recodes_and_reclassifies_an_organisation_with_one_audit_event(self):
        kind = UnitKind.objects.get(slug="truong-lien-cap")
        update_unit(unit=self.school, actor=self.lan, name="Trường Liên cấp Liên Minh", code="LC-LM", kind=kind)
        self.school.refresh_from_db()
        self.assertEqual(
            (self.school.name, self.school.search_name, self.school.code, self.school.kind.slug),
            ("Trường Liên cấp Liên Minh", "truong lien cap lien minh", "LC-LM", "truong-lien-cap"),
        )
        event = AuditEvent.objects.get(action="unit.update")
        self.assertEqual(event.unit_path, self.school.path)
        self.assertEqual(event.changes["code"], ["TH-LM", "LC-LM"])
        self.assertEqual(event.changes["kind"], ["truong-tieu-hoc", "truong-lien-cap"])

    def test_nothing_is_written_when_nothing_changes(self):
        update_unit(unit=self.school, actor=self.lan, name="Trường Tiểu học Liên Minh", code="TH-LM")
        self.assertFalse(AuditEvent.objects.filter(action="unit.update").exists())

    def test_an_administrative_unit_keeps_its_official_code(self):
        with self.assertRaises(ValidationError) as caught:
            update_unit(unit=self.lienminh, actor=self.hoa, code="LM")
        self.assertEqual(
            caught.exception.message_dict["code"], ["The code of an official administrative unit cannot be changed."]
        )
        update_unit(unit=self.lienminh, actor=self.hoa, name="Xã Liên Minh mới")
        self.lienminh.refresh_from_db()
        self.assertEqual(self.lienminh.name, "Xã Liên Minh mới")

    def test_a_unit_keeps_its_level(self):
        with self.assertRaises(ValidationError) as caught:
            update_unit(unit=self.school, actor=self.lan, kind=UnitKind.objects.get(slug="xa"))
        self.assertIn("kind", caught.exception.message_dict)

    def test_a_code_taken_by_another_unit_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            update_unit(unit=self.school, actor=self.lan, code="CB-LM-1")
        self.assertIn("CB-LM-1", caught.exception.message_dict["code"][0])
