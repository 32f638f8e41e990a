from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.test import TestCase
from django.utils import translation

from learning.models import Question, QuestionBank, QuestionCategory

FORMATS = Path(__file__).parent / "fixtures" / "formats"


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
        code, out, _err = self.run_command(FORMATS / "gift_every_feature.txt", "--bank", "Ví dụ GIFT")
        self.assertEqual(code, 0)
        self.assertIn("30 new, 0 updated, 0 unchanged", out)
        self.assertEqual(out.strip().splitlines()[-1], "imported 30, rejected 0")
        bank = QuestionBank.objects.get(name="Ví dụ GIFT")
        self.assertEqual(Question.objects.filter(bank=bank).count(), 30)

    def test_importing_the_same_file_again_updates_instead_of_duplicating(self):
        self.run_command(FORMATS / "xml_nested_categories.xml", "--bank", "Kỹ năng số")
        code, out, _err = self.run_command(FORMATS / "xml_nested_categories.xml", "--bank", "Kỹ năng số")
        self.assertEqual(code, 0)
        self.assertIn("0 new, 0 updated, 5 unchanged", out)
        self.assertEqual(Question.objects.count(), 5)
        self.assertEqual(
            dict(QuestionCategory.objects.values_list("path", "info")),
            {
                "Kỹ năng số": "Kiến thức chung cho mọi người dân",
                "Kỹ năng số/An toàn trên mạng": "Giữ **tài khoản** và tiền của bạn an toàn",
                "Kỹ năng số/An toàn trên mạng/Lừa đảo": "<p>Nhận biết <b>lừa đảo</b> qua tin nhắn và cuộc gọi</p>",
                "Kỹ năng số/Dịch vụ công": "Làm thủ tục hành chính trên mạng",
            },
        )

    def test_a_broken_file_is_rejected_whole_with_line_reasons_and_a_non_zero_exit(self):
        code, out, err = self.run_command(FORMATS / "aiken_errors.txt", "--bank", "Hỏng")
        self.assertEqual(code, 1)
        self.assertEqual(out.strip().splitlines()[-1], "imported 0, rejected 6")
        for line in (8, 13, 16, 18, 19, 27):
            self.assertIn(f"line {line}", err)
        self.assertIn("rejected: 6 problem(s); nothing was imported", err)
        self.assertFalse(QuestionBank.objects.exists())
        self.assertFalse(Question.objects.exists())

    def test_invalid_weights_reject_the_whole_file_even_its_valid_question(self):
        code, out, err = self.run_command(FORMATS / "xml_invalid_grades.xml", "--bank", "Trọng số")
        self.assertEqual(code, 1)
        self.assertEqual(out.strip().splitlines()[-1], "imported 0, rejected 4")
        self.assertIn("line 4, question “Trọng số <b>không đủ</b> 100 %: dấu hiệu lừa đảo”", err)
        self.assertIn("line 41, question “Trọng số vượt 100 %”", err)
        self.assertIn("line 67, question “Trọng số không phải số”", err)
        self.assertFalse(QuestionBank.objects.exists())
        self.assertFalse(Question.objects.exists())

    def test_a_dry_run_checks_the_file_and_saves_nothing(self):
        code, out, _err = self.run_command(FORMATS / "xml_every_type.xml", "--bank", "Thử", "--dry-run")
        self.assertEqual(code, 0)
        self.assertIn("nothing was saved", out)
        self.assertEqual(out.strip().splitlines()[-1], "imported 8, rejected 0")
        self.assertFalse(QuestionBank.objects.exists())

    def test_the_format_comes_from_the_content_even_under_a_misleading_name(self):
        misnamed = Path(self.tmp()) / "questions.gift"
        misnamed.write_bytes((FORMATS / "xml_html_chars.xml").read_bytes())
        code, out, _err = self.run_command(misnamed, "--bank", "Misnamed")
        self.assertEqual(code, 0)
        self.assertIn("format moodle-xml", out)
        self.assertEqual(
            set(Question.objects.values_list("key", flat=True)), {"OTP & mật khẩu <bí mật>", "\"a\" > 'b'"}
        )

    def tmp(self) -> str:
        import tempfile

        directory = tempfile.mkdtemp()
        self.addCleanup(__import__("shutil").rmtree, directory)
        return directory
