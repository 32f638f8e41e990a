"""Reading question files written elsewhere (Moodle's own GIFT, XML and Aiken files) and broken ones."""

import io
from pathlib import Path

import openpyxl
from django.test import SimpleTestCase
from django.utils import translation

from learning import formats

FIXTURES = Path(__file__).parent / "fixtures"
MOODLE = FIXTURES / "moodle"


def read(name: str):
    path = MOODLE / name
    return formats.read(path.read_bytes(), path.name)


def by_key(result):
    return {q.key: q for q in result.questions}


class EnglishMessages(SimpleTestCase):
    """Problems are checked in the source language (they are shown translated to users)."""

    def setUp(self):
        translation.activate("en")
        self.addCleanup(translation.deactivate)


class GiftTests(EnglishMessages):
    def test_moodles_gift_examples_import_with_every_question_intact(self):
        result = read("gift_examples.txt")
        self.assertEqual(result.format, "gift")
        self.assertEqual(result.problems, [])
        self.assertEqual(len(result.questions), 43)
        q = by_key(result)
        missing_word = q["grant-is-in-grant-s-tomb"]
        self.assertEqual(missing_word.text, "Grant is _____ in Grant's tomb.")
        self.assertEqual(
            [(c["text"], c["fraction"]) for c in missing_word.data["choices"]],
            [("buried", 0.0), ("entombed", 1.0), ("living", 0.0)],
        )
        pi_range = q["what-is-the-value-of-pi-to-3-decimal-places-2"]
        self.assertEqual(
            pi_range.data["answers"][0] | {},
            {"value": "3.1415", "tolerance": "0.0005", "fraction": 1.0, "feedback": ""},
        )
        two_people = q["what-two-people-are-entombed-in-grant-s-tomb-2"]
        self.assertEqual(two_people.qtype, "multiple")
        self.assertEqual([c["fraction"] for c in two_people.data["choices"]], [-0.5, 0.5, 0.5, -0.5])
        escapes = q["which-answer-equals-5"]
        self.assertEqual([c["text"] for c in escapes.data["choices"]], ["= 2 + 2", "= 2 + 3", "= 2 + 4"])
        control = q["gift-control-characters"]
        right = next(c for c in control.data["choices"] if c["fraction"] == 1)
        self.assertEqual(right["text"], "\\")
        self.assertIn("it is used to escape the control characters", right["feedback"])
        self.assertEqual([c["text"] for c in control.data["choices"][:5]], ["~", "=", "#", "{", "}"])
        self.assertEqual(q["who-s-buried-in-grant-s-tomb-6"].text_format, "markdown")
        capitals = q["match-the-following-countries-with-their-corresponding-capitals"]
        self.assertEqual(capitals.data["pairs"][3], {"left": "India", "right": "New Delhi"})
        weighted = q["jesus-hometown"]
        self.assertEqual([c["fraction"] for c in weighted.data["choices"]], [0.0, 0.25, 0.5, 1.0])
        spelled = q["jesus-hometown-2"]
        self.assertEqual(spelled.qtype, "short")
        self.assertEqual([a["fraction"] for a in spelled.data["answers"]], [1.0, 0.75, 0.25])
        example = q["numerical-example"]
        self.assertEqual(example.data["answers"][1]["fraction"], 0.5)
        self.assertIn("You get 50% credit for being close.", example.data["answers"][1]["feedback"])

    def test_moodles_gift_test_fixture_keeps_feedback_wildcards_distractors_and_general_feedback(self):
        result = read("gift_questions.txt")
        self.assertEqual(result.problems, [])
        q = by_key(result)
        self.assertEqual(q["q8"].qtype, "essay")
        activities = q["moodle-activities"]
        self.assertEqual(activities.text_format, "html")
        self.assertEqual(activities.text, "Match the <b>activity</b> to the description.")
        self.assertEqual(activities.data["pairs"][-1], {"left": "", "right": "Chat"})
        self.assertEqual(activities.data["pairs"][2]["left"], "A bank of record entries which participants can add to.")
        self.assertEqual(q["q5"].data["answers"][0]["value"], "3")
        self.assertEqual(q["q5"].data["answers"][0]["tolerance"], "2")
        self.assertEqual(q["q5"].data["other_feedback"], "Completely wrong")
        self.assertEqual(
            q["shortanswer"].data["answers"][2], {"text": "*", "fraction": 0.0, "feedback": "Completely wrong"}
        )
        tf = q["q1"]
        self.assertFalse(tf.data["correct"])
        self.assertEqual(tf.data["feedback_true"], "42 is the Ultimate Answer.")
        self.assertEqual(tf.data["feedback_false"], "You gave the right answer.")
        self.assertEqual(tf.general_feedback, "This is, of course, a Hitchiker's Guide to the Galaxy reference.")
        self.assertEqual({"2-08-tsl", "2-08-tsl-2"} & set(q), {"2-08-tsl", "2-08-tsl-2"})

    def test_a_broken_gift_file_lists_every_problem_with_its_line(self):
        text = (
            "// a comment\n"
            "::ok::Fine question {=yes ~no}\n"
            "\n"
            "::open::Brace never closed {=yes ~no\n"
            "\n"
            "\n"
            "Just a sentence without answers.\n"
            "\n"
            "::pairs::Match {=a -> b =c d}\n"
            "\n"
            "::num::Number {#abc}\n"
            "\n"
            "::weights::Choose {~%40%a ~%40%b ~c}\n"
        )
        result = formats.read(text.encode(), "broken.gift")
        lines = {p.line: p.message for p in result.problems}
        self.assertEqual(set(lines), {4, 7, 9, 11, 13})
        self.assertIn("not closed", lines[4])
        self.assertIn("description", lines[7])
        self.assertIn("->", lines[9])
        self.assertIn("abc", lines[11])
        self.assertIn("80", lines[13])
        self.assertEqual(result.blocks, 6)


class MoodleXmlTests(EnglishMessages):
    def test_nested_categories_and_their_descriptions_are_kept(self):
        result = read("xml_nested_categories.xml")
        self.assertEqual(result.problems, [])
        self.assertEqual(
            result.categories,
            {
                "Iota": "This is Iota category for test",
                "Iota/Kappa": "This is Kappa category for test",
                "Iota/Kappa/Lambda": "This is Lambda category for test",
                "Iota/Mu": "This is Mu category for test",
            },
        )
        self.assertEqual(
            {q.name: q.category for q in result.questions},
            {
                "Iota Question": "Iota",
                "Kappa Essay Question": "Iota/Kappa",
                "Kappa Question": "Iota/Kappa",
                "Lambda Question": "Iota/Kappa/Lambda",
                "Mu Question": "Iota/Mu",
            },
        )

    def test_moodles_exported_questions_import_intact(self):
        result = read("xml_export_samples.xml")
        self.assertEqual(result.problems, [])
        q = {x.name: x for x in result.questions}
        essay = q["An essay"]
        self.assertEqual(essay.text_format, "moodle")
        self.assertEqual(essay.data["grader_info"], "<p>Grade <b>generously</b>!</p>")
        self.assertEqual(essay.data["response_template"], "<p>Here is something <b>really</b> interesting.</p>")
        matching = q["Matching question"]
        self.assertEqual(matching.data["pairs"][-1], {"left": "", "right": "d"})
        self.assertEqual(matching.data["correct_feedback"], "Well done.")
        self.assertEqual(matching.data["incorrect_feedback"], "Completely wrong!")
        multi = q["Multiple choice question"]
        self.assertEqual(multi.qtype, "multiple")
        self.assertEqual(multi.default_mark, 2.0)
        self.assertFalse(multi.data["shuffle"])
        self.assertEqual([c["fraction"] for c in multi.data["choices"]], [0.0, 1.0, 0.0, 1.0])
        numerical = q["Numerical question"]
        self.assertEqual(
            numerical.data["answers"],
            [
                {"value": "42", "tolerance": "0.001", "fraction": 1.0, "feedback": "Well done!"},
                {"value": "13", "tolerance": "1", "fraction": 0.0, "feedback": "What were you thinking?!"},
            ],
        )
        self.assertEqual(numerical.data["other_feedback"], "Completely wrong.")
        short = q["Short answer question"]
        self.assertEqual([a["text"] for a in short.data["answers"]], ["Beta", "*"])
        self.assertFalse(short.data["case_sensitive"])

    def test_id_numbers_with_html_characters_become_the_question_key(self):
        result = read("xml_html_chars_in_idnumbers.xml")
        self.assertEqual(result.problems, [])
        self.assertEqual(result.questions[0].key, "T & F")

    def test_weights_that_cannot_reach_full_marks_are_rejected_with_the_question_line(self):
        result = read("xml_error_invalid_grades.xml")
        self.assertEqual(len(result.problems), 1)
        problem = result.problems[0]
        self.assertEqual(problem.line, 4)
        self.assertIn("99.66666", problem.message)
        self.assertIn("invalid grades", problem.question)

    def test_malformed_xml_names_the_line(self):
        data = b'<?xml version="1.0"?>\n<quiz>\n<question type="truefalse">\n<name><text>x</name>\n</quiz>\n'
        result = formats.read(data, "x.xml")
        self.assertEqual(result.problems[0].line, 4)
        self.assertIn("not well formed", result.problems[0].message)

    def test_entity_declarations_are_refused(self):
        data = (
            b'<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa">]>\n'
            b'<quiz><question type="essay"><name><text>&a;</text></name></question></quiz>'
        )
        result = formats.read(data, "bomb.xml")
        self.assertIn("DOCTYPE", result.problems[0].message)
        self.assertEqual(result.questions, [])

    def test_unsupported_types_are_named_with_their_line(self):
        data = (
            b'<?xml version="1.0"?>\n<quiz>\n  <question type="cloze">\n    <name><text>Gaps</text></name>\n'
            b"    <questiontext><text>{1:SHORTANSWER:=x}</text></questiontext>\n  </question>\n</quiz>\n"
        )
        result = formats.read(data, "c.xml")
        self.assertEqual(result.problems[0].line, 3)
        self.assertIn("Cloze", result.problems[0].message)

    def test_embedded_files_come_with_the_question(self):
        png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
        data = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n<question type="truefalse">\n'
            "<name><text>Ảnh</text></name>\n"
            '<questiontext format="html"><text><![CDATA[<p><img src="@@PLUGINFILE@@/dot.png" alt="dot"></p>]]>'
            f'</text><file name="dot.png" encoding="base64">{png}</file></questiontext>\n'
            '<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>\n'
            "</question>\n</quiz>\n"
        ).encode()
        result = formats.read(data, "img.xml")
        self.assertEqual(result.problems, [])
        self.assertEqual(result.questions[0].files["dot.png"][:4], b"\x89PNG")


class AikenTests(EnglishMessages):
    def test_moodles_aiken_file_imports(self):
        result = read("aiken_questions.txt")
        self.assertEqual(result.format, "aiken")
        self.assertEqual(result.problems, [])
        first, second = result.questions
        self.assertEqual(first.text, "The Moodle project was started by:")
        self.assertEqual([c["fraction"] for c in first.data["choices"]], [0, 1, 0, 0])
        self.assertEqual(second.text_format, "plain")
        self.assertIn('<html class="cool"> & images', second.text)

    def test_moodles_aiken_error_file_is_rejected_with_the_lines_moodle_reports(self):
        result = read("aiken_errors.txt")
        self.assertEqual([p.line for p in result.problems], [3, 5, 7, 18])
        self.assertIn("at least 2 answers", result.problems[0].message)
        self.assertIn("not started", result.problems[1].message)
        self.assertIn("ANSWER", result.problems[2].message)
        self.assertIn("next question", result.problems[3].message)
        self.assertEqual(len(result.questions), 2)  # read, but the file is rejected as a whole

    def test_an_answer_letter_beyond_the_choices_is_a_problem(self):
        result = formats.read(b"Q?\nA. x\nB. y\nANSWER: D\n", "a.txt")
        self.assertEqual(result.problems[0].line, 4)
        self.assertIn("A–B", result.problems[0].message)


class ExcelTemplateTests(EnglishMessages):
    def _workbook(self, rows) -> bytes:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(
            [
                "Danh mục",
                "Mã câu hỏi",
                "Loại",
                "Câu hỏi",
                "Đáp án 1",
                "Đáp án 2",
                "Đáp án 3",
                "Đáp án đúng",
                "Phản hồi 1",
                "Phản hồi chung",
            ]
        )
        for row in rows:
            ws.append(row)
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()

    def test_a_sheet_filled_in_by_hand_imports_every_type(self):
        data = self._workbook(
            [
                ["An toàn", "q1", "một lựa chọn", "Mật khẩu mạnh?", "123456", "cay-da-mua-lu", None, 2, None, "Dài."],
                ["An toàn", "q2", "nhiều lựa chọn", "Dấu hiệu?", "Gấp", "Link lạ", "Lời chào", "1,2"],
                ["An toàn", "q3", "đúng/sai", "OTP là bí mật.", None, None, None, "Đúng", "Chính xác"],
                ["An toàn", "q4", "trả lời ngắn", "Đuôi tên miền?", ".gov.vn", "gov.vn"],
                ["Số", "q5", "số", "OTP mấy số?", "6", "4..8", None, "1:100;2:50"],
                ["Ghép", "q6", "ghép đôi", "Ghép", "ChatGPT => OpenAI", "Gemini => Google", "- => Microsoft"],
                ["Ghép", "q7", "sắp xếp", "Thứ tự", "Một", "Hai", "Ba"],
                ["Ghép", "q8", "tự luận", "Kể lại", "Chấm kỹ"],
            ]
        )
        result = formats.read(data, "cau-hoi.xlsx")
        self.assertEqual(result.format, "excel")
        self.assertEqual(result.problems, [])
        q = by_key(result)
        self.assertEqual([c["fraction"] for c in q["q1"].data["choices"]], [0.0, 1.0])
        self.assertEqual(q["q1"].general_feedback, "Dài.")
        self.assertEqual([c["fraction"] for c in q["q2"].data["choices"]], [0.5, 0.5, 0.0])
        self.assertTrue(q["q3"].data["correct"])
        self.assertEqual(q["q3"].data["feedback_true"], "Chính xác")
        self.assertEqual(q["q5"].data["answers"][1], {"value": "6", "tolerance": "2", "fraction": 0.5, "feedback": ""})
        self.assertEqual(q["q6"].data["pairs"][2], {"left": "", "right": "Microsoft"})
        self.assertEqual(q["q7"].data["items"], ["Một", "Hai", "Ba"])
        self.assertEqual(q["q8"].data["grader_info"], "Chấm kỹ")

    def test_problems_name_the_excel_row(self):
        data = self._workbook(
            [
                ["A", "ok", "single", "Fine?", "x", "y", None, "1"],
                ["A", "bad-type", "hình vẽ", "?", "x"],
                ["A", "bad-answer", "single", "?", "x", "y", None, "4"],
                ["A", "bad-tf", "đúng/sai", "?", None, None, None, "có lẽ"],
            ]
        )
        result = formats.read(data, "x.xlsx")
        self.assertEqual([p.line for p in result.problems], [3, 4, 5])


class DetectionTests(EnglishMessages):
    def test_the_format_is_recognised_from_the_content_not_the_name(self):
        self.assertEqual(
            formats.detect((MOODLE / "xml_nested_categories.xml").read_bytes(), "questions.txt"), "moodle-xml"
        )
        self.assertEqual(formats.detect((MOODLE / "gift_examples.txt").read_bytes(), "questions.xml"), "gift")
        self.assertEqual(formats.detect((MOODLE / "aiken_questions.txt").read_bytes(), "questions.gift"), "aiken")

    def test_a_file_that_is_not_utf8_is_rejected_with_a_clear_reason(self):
        result = formats.read("Cau hoi {=dung ~sai} café".encode("cp1252"), "x.txt")
        self.assertIn("UTF-8", result.problems[0].message)
