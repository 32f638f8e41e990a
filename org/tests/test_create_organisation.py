from django.core.exceptions import ValidationError
from django.utils import translation

from audit.models import AuditEvent
from hocvuso.testing import BaseTestCase
from org.actions import create_organisation
from org.models import Unit, UnitKind


class CreateOrganisationTests(BaseTestCase):
    """Messages checked in English; the pages' tests check the Vietnamese ones."""

    def setUp(self):
        self.enterContext(translation.override("en"))

    def kind(self, slug):
        return UnitKind.objects.get(slug=slug)

    def test_it_adds_an_organisation_below_the_parent_and_audits_it(self):
        unit = create_organisation(
            parent=self.lienminh,
            kind=self.kind("truong-mam-non"),
            code=" MN-LM ",
            name="Trường Mầm non  Liên Minh",
            actor=self.minh,
        )
        unit.refresh_from_db()
        self.assertEqual((unit.code, unit.name), ("MN-LM", "Trường Mầm non Liên Minh"))
        self.assertEqual(unit.path, self.lienminh.path + Unit.segment(unit.pk))
        self.assertEqual(unit.depth, 2)
        self.assertEqual(unit.search_name, "truong mam non lien minh")
        event = AuditEvent.objects.get(action="unit.create")
        self.assertEqual((event.actor, event.unit_path), (self.minh, unit.path))

    def test_it_refuses_a_code_already_taken_in_any_case(self):
        with self.assertRaises(ValidationError) as caught:
            create_organisation(
                parent=self.lienminh, kind=self.kind("co-quan"), code="th-lm", name="Cơ quan", actor=self.minh
            )
        self.assertEqual(caught.exception.message_dict["code"], ["Another unit already has the code “th-lm”."])

    def test_it_refuses_codes_reserved_for_the_official_map(self):
        for code in ("12345", "01", "old:273"):
            with self.subTest(code=code), self.assertRaises(ValidationError) as caught:
                create_organisation(
                    parent=self.lienminh, kind=self.kind("co-quan"), code=code, name="Cơ quan", actor=self.minh
                )
            self.assertIn("reserved for the official map", caught.exception.message_dict["code"][0])

    def test_it_reports_every_bad_field_at_once_and_writes_nothing(self):
        before = Unit.objects.count()
        with self.assertRaises(ValidationError) as caught:
            create_organisation(parent=self.lienminh, kind=self.kind("xa"), code="a b", name="  ", actor=self.minh)
        self.assertEqual(set(caught.exception.message_dict), {"kind", "code", "name"})
        self.assertEqual(Unit.objects.count(), before)

    def test_it_refuses_a_former_parent(self):
        Unit.objects.filter(pk=self.odien.pk).update(is_active=False)
        self.odien.refresh_from_db()
        with self.assertRaises(ValidationError) as caught:
            create_organisation(parent=self.odien, kind=self.kind("co-quan"), code="CQ", name="Cơ quan", actor=None)
        self.assertIn("parent", caught.exception.message_dict)
