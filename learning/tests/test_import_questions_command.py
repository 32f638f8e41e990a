from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.test import TestCase
from django.utils import translation

from learning.models import Question, QuestionBank

MOODLE = Path(__file__).parent / "fixtures" / "moodle"


class ImportQuestionsCommandTests(TestCase):
    def setUp(self):
        translation.activate("en")
        self.addCleanup(translation.deactivate)

    def run_command(self, path, *args):
        out, err = StringIO(), StringIO()
        code = 0
        try:
            call_command("import_questions", str(path), *args, stdout=out, stderr=err)
        except SystemExit as exc:
            code = exc.code
        return code, out.getvalue(), err.getvalue()

    def test_it_creates_the_bank_and_ends_with_the_counts(self):
        code, out, _err = self.run_command(MOODLE / "gift_examples.txt", "--bank", "Ví dụ GIFT")
        self.assertEqual(code, 0)
        self.assertEqual(out.strip().splitlines()[-1], "imported 43, rejected 0")
        bank = QuestionBank.objects.get(name="Ví dụ GIFT")
        self.assertEqual(Question.objects.filter(bank=bank).count(), 43)

    def test_importing_the_same_file_again_updates_instead_of_duplicating(self):
        self.run_command(MOODLE / "xml_nested_categories.xml", "--bank", "Moodle")
        code, out, _err = self.run_command(MOODLE / "xml_nested_categories.xml", "--bank", "Moodle")
        self.assertEqual(code, 0)
        self.assertIn("0 new, 0 updated, 5 unchanged", out)
        self.assertEqual(Question.objects.count(), 5)

    def test_a_broken_file_is_rejected_whole_with_line_reasons_and_a_non_zero_exit(self):
        code, out, err = self.run_command(MOODLE / "aiken_errors.txt", "--bank", "Hỏng")
        self.assertEqual(code, 1)
        self.assertEqual(out.strip().splitlines()[-1], "imported 0, rejected 4")
        self.assertIn("line 3", err)
        self.assertIn("line 18", err)
        self.assertFalse(QuestionBank.objects.exists())
        self.assertFalse(Question.objects.exists())

    def test_a_dry_run_checks_the_file_and_saves_nothing(self):
        code, out, _err = self.run_command(MOODLE / "xml_export_samples.xml", "--bank", "Thử", "--dry-run")
        self.assertEqual(code, 0)
        self.assertIn("nothing was saved", out)
        self.assertEqual(out.strip().splitlines()[-1], "imported 5, rejected 0")
        self.assertFalse(QuestionBank.objects.exists())

    def test_the_format_comes_from_the_content_even_under_a_misleading_name(self):
        misnamed = Path(self.tmp()) / "questions.gift"
        misnamed.write_bytes((MOODLE / "xml_html_chars_in_idnumbers.xml").read_bytes())
        code, out, _err = self.run_command(misnamed, "--bank", "Misnamed")
        self.assertEqual(code, 0)
        self.assertIn("format moodle-xml", out)

    def tmp(self) -> str:
        import tempfile

        directory = tempfile.mkdtemp()
        self.addCleanup(__import__("shutil").rmtree, directory)
        return directory
