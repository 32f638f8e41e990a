"""Reading question files in every format (GIFT, Moodle XML, Aiken, the Excel template) and broken ones."""

import io
from pathlib import Path

import openpyxl
from django.test import SimpleTestCase
from django.utils import translation

from learning import formats

FORMATS = Path(__file__).parent / "fixtures" / "formats"


def read(name: str):
    path = FORMATS / name
    return formats.read(path.read_bytes(), path.name)


def by_key(result):
    return {q.key: q for q in result.questions}


class EnglishMessages(SimpleTestCase):
    """Problems are checked in the source language (they are shown translated to users)."""

    def setUp(self):
        translation.activate("en")
        self.addCleanup(translation.deactivate)


class GiftTests(EnglishMessages):
    def test_a_gift_file_using_every_feature_imports_with_every_question_intact(self):
        result = read("gift_every_feature.txt")
        self.assertEqual(result.format, "gift")
        self.assertEqual(result.problems, [])
        self.assertEqual(len(result.questions), 30)
        self.assertEqual(
            list(result.categories),
            [
                "An toàn thông tin",
                "Văn phòng/Excel",
                "Văn phòng/Word//PowerPoint",
                "Con số cần nhớ",
                "Trí tuệ nhân tạo",
                "Ôn tập",
            ],
        )
        q = by_key(result)
        self.assertEqual(
            {k: q[k].category for k in ("mat-khau-manh", "cong-thuc-tong", "phim-tat-luu-tep", "do-dai-mat-khau")},
            {
                "mat-khau-manh": "An toàn thông tin",
                "cong-thuc-tong": "Văn phòng/Excel",
                "phim-tat-luu-tep": "Văn phòng/Word//PowerPoint",
                "do-dai-mat-khau": "Con số cần nhớ",
            },
        )
        strong = q["mat-khau-manh"]
        self.assertEqual((strong.qtype, strong.name), ("single", "Mật khẩu mạnh"))
        self.assertEqual(
            [(c["text"], c["fraction"]) for c in strong.data["choices"]],
            [("123456", 0.0), ("ngaysinh1990", 0.0), ("Cay-Da-Mua-Lu-2024!", 1.0), ("matkhau", 0.0)],
        )
        self.assertEqual(strong.data["choices"][1]["feedback"], "Ngày sinh rất dễ đoán.")
        missing_word = q["ma-otp-ngan-hang-gui-qua-tin-nhan-duoc-doc-cho-nguoi-khac-qua-dien-thoai"]
        self.assertEqual(
            missing_word.text, "Mã OTP ngân hàng gửi qua tin nhắn _____ được đọc cho người khác qua điện thoại."
        )
        self.assertEqual(
            [(c["text"], c["fraction"]) for c in missing_word.data["choices"]],
            [("có thể", 0.0), ("không bao giờ", 1.0), ("thỉnh thoảng", 0.0)],
        )
        self.assertFalse(q["ngan-hang-co-the-goi-dien-yeu-cau-ban-doc-ma-otp"].data["correct"])
        self.assertTrue(q["nen-bat-xac-thuc-hai-lop-cho-tai-khoan-zalo-va-tai-khoan-ngan-hang"].data["correct"])
        update = q["cap-nhat-phan-mem"]
        self.assertEqual(
            update.data,
            {"correct": True, "feedback_true": "", "feedback_false": "Hãy xem lại: bản cập nhật thường sửa lỗ hổng."},
        )
        otp = q["otp-qua-dien-thoai"]
        self.assertEqual(otp.data["feedback_true"], "Chưa đúng: ngân hàng không bao giờ hỏi mã OTP.")
        self.assertEqual(otp.data["feedback_false"], "Chính xác, đừng đọc OTP cho bất kỳ ai.")
        self.assertEqual(otp.general_feedback, "Mã OTP chỉ để chính bạn xác nhận giao dịch.")
        signs = q["dau-hieu-lua-dao"]
        self.assertEqual(signs.qtype, "multiple")
        self.assertEqual([c["fraction"] for c in signs.data["choices"]], [0.5, 0.5, -0.5, -0.5])
        portal = q["cong-dich-vu-cong"]
        self.assertEqual([c["fraction"] for c in portal.data["choices"]], [1.0, 0.5, 0.25, 0.0])
        self.assertEqual(portal.data["choices"][1]["feedback"], "Gần đúng, nhưng thiếu đuôi .gov.vn.")
        escapes = q["mat-khau-du-4-loai-ky-tu-thu-thach"]
        self.assertEqual(escapes.name, "Mật khẩu đủ 4 loại ký tự: thử thách")
        self.assertEqual(
            [c["text"] for c in escapes.data["choices"]],
            ["Lua#Vang{2024}", "luavang~2024", "LUAVANG=2024", "Lúa:Vàng", "Lua\\Vang"],
        )
        self.assertEqual(escapes.data["choices"][0]["feedback"], "Đúng: có cả ký hiệu # { }.")
        self.assertEqual(escapes.data["choices"][4]["feedback"], "Thiếu chữ số; dấu \\ cũng là một ký hiệu.")
        self.assertEqual(
            [c["text"] for c in q["cong-thuc-tong"].data["choices"]], ["=SUM(A1:A3)", "=A1+A3", "=COUNT(A1:A3)"]
        )
        sort = q["mot-bang-tinh-co-cot-ho-ten-va-cot-nam-sinh-nen-dung-chuc-nang-nao-de-xep"]
        self.assertEqual(
            sort.text,
            'Một bảng tính có cột "Họ tên" và cột "Năm sinh".\nNên dùng chức năng nào để xếp danh sách theo năm sinh?',
        )
        save = q["phim-tat-luu-tep"]
        self.assertEqual(save.qtype, "short")
        self.assertEqual(
            [(a["text"], a["fraction"]) for a in save.data["answers"]],
            [("Ctrl+S", 1.0), ("Ctrl S", 1.0), ("Control+S", 1.0)],
        )
        vneid = q["ung-dung-dinh-danh"]
        self.assertEqual([a["fraction"] for a in vneid.data["answers"]], [1.0, 0.75, 0.25])
        self.assertEqual(vneid.data["answers"][1]["feedback"], "Đúng, nhưng tên viết liền: VNeID.")
        slides = q["khi-trinh-chieu-mot-trang-powerpoint-nen-co-bao-nhieu-y-chinh"]
        self.assertEqual(slides.text_format, "markdown")
        self.assertEqual(slides.text, "Khi trình chiếu, một trang **PowerPoint** nên có bao nhiêu ý chính?")
        bold = q["chu-in-dam"]
        self.assertEqual(bold.text_format, "html")
        self.assertEqual(bold.text, "Trong thư điện tử, chữ <b>in đậm</b> nên dùng để làm gì?")
        shortcuts = q["phim-tat-van-phong"]
        self.assertEqual(shortcuts.qtype, "matching")
        self.assertEqual(shortcuts.data["pairs"][2], {"left": "Ctrl+Z", "right": "Hoàn tác"})
        self.assertEqual(
            q["ghep-moi-phan-mo-rong-voi-loai-tep"].data["pairs"],
            [
                {"left": ".docx", "right": "Văn bản Word"},
                {"left": ".xlsx", "right": "Bảng tính Excel"},
                {"left": ".pptx", "right": "Bài trình chiếu"},
            ],
        )
        numbers = {
            key: [(a["value"], a["tolerance"]) for a in q[key].data["answers"]]
            for key in ("ma-otp-cua-ngan-hang-thuong-co-bao-nhieu-chu-so", "do-dai-mat-khau", "dung-luong-anh")
        }
        self.assertEqual(
            numbers,
            {
                "ma-otp-cua-ngan-hang-thuong-co-bao-nhieu-chu-so": [("6", "0")],
                "do-dai-mat-khau": [("12", "2")],
                "dung-luong-anh": [("3.5", "1.5")],
            },
        )
        self.assertEqual(
            q["thoi-gian-tai-tep"].data["answers"][0] | {},
            {"value": "4.2", "tolerance": "0.3", "fraction": 1.0, "feedback": ""},
        )
        id_number = q["so-dinh-danh-ca-nhan"]
        self.assertEqual([(a["value"], a["fraction"]) for a in id_number.data["answers"]], [("12", 1.0), ("9", 0.5)])
        self.assertIn("Số định danh cá nhân có 12 chữ số.", id_number.data["answers"][1]["feedback"])
        self.assertEqual(id_number.data["other_feedback"], "Hãy đếm các chữ số trên thẻ căn cước.")
        prompt = q["cau-lenh-cho-ai"]
        self.assertEqual([c["fraction"] for c in prompt.data["choices"]], [0.0, 0.5, 1.0])
        self.assertEqual(prompt.general_feedback, "Câu lệnh tốt nêu rõ việc cần làm, cho ai, và kết quả mong muốn.")
        # "=%50%" in a choice question is a right answer whose text starts with "%50%" (as in Moodle);
        # partial credit there is written "~%50%".
        self.assertEqual(q["kiem-tra-thong-tin-ai"].data["choices"][1]["fraction"], 0.5)
        self.assertEqual(q["ke-chuyen-lua-dao"].qtype, "essay")
        guide = q["huong-dan-nguoi-than"]
        self.assertEqual(guide.qtype, "essay")
        self.assertEqual(guide.general_feedback, "Chấm theo mức độ rõ ràng và đúng thứ tự.")
        again = q["ma-otp-cua-ngan-hang-thuong-co-bao-nhieu-chu-so-2"]
        self.assertEqual((again.category, again.data["answers"][0]["value"]), ("Ôn tập", "6"))

    def test_a_gift_file_keeps_feedback_formats_wildcards_distractors_and_general_feedback(self):
        result = read("gift_feedback_and_formats.txt")
        self.assertEqual(result.problems, [])
        q = by_key(result)
        self.assertEqual(q["nhac-nguoi-than"].qtype, "essay")
        apps = q["ung-dung-so"]
        self.assertEqual(apps.text_format, "html")
        self.assertEqual(apps.text, "Ghép <b>việc cần làm</b> với ứng dụng phù hợp.")
        self.assertEqual(
            [p["left"] for p in apps.data["pairs"]],
            [
                "Nộp hồ sơ <i>cấp đổi</i> giấy tờ trực tuyến",
                "Xuất trình thẻ căn cước điện tử",
                # Plain text and markdown in an HTML question become HTML.
                "Nhắn tin &amp; gọi video cho con cháu",
                "<p>Soạn <strong>bài trình chiếu</strong> cho buổi họp</p>",
                "",
            ],
        )
        self.assertEqual(apps.data["pairs"][-1], {"left": "", "right": "Excel"})
        prize = q["tin-nhan-trung-thuong"]
        self.assertEqual(
            [(c["fraction"], c["feedback"]) for c in prize.data["choices"]],
            [
                (1.0, "đúng, đây là lừa đảo"),
                (0.0, "<b>không</b>, link có thể cài mã độc"),
                (0.0, "không, kẻ gian sẽ biết số của bạn còn dùng"),
            ],
        )
        self.assertEqual([c["fraction"] for c in q["khong-dang-len-mang"].data["choices"]], [0.5, -1.0, 0.5, -1.0])
        tries = q["so-lan-nhap-sai"]
        self.assertEqual(tries.data["answers"][0]["value"], "4")
        self.assertEqual(tries.data["answers"][0]["tolerance"], "1")
        self.assertEqual(tries.data["other_feedback"], "Sai hoàn toàn")
        self.assertEqual(
            q["duoi-ten-mien"].data["answers"][2], {"text": "*", "fraction": 0.0, "feedback": "Sai hoàn toàn"}
        )
        tf = q["wi-fi-cong-cong"]
        self.assertFalse(tf.data["correct"])
        self.assertEqual(tf.data["feedback_true"], "Wi-Fi công cộng có thể bị nghe lén.")
        self.assertEqual(tf.data["feedback_false"], "Bạn trả lời đúng.")
        self.assertEqual(tf.general_feedback, "Khi cần giao dịch, hãy dùng 4G hoặc mạng Wi-Fi tin cậy.")
        self.assertEqual({"5-1-ai", "5-1-ai-2"} & set(q), {"5-1-ai", "5-1-ai-2"})
        self.assertEqual(len(result.questions), 9)

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
                # A category without questions of its own is still named, with its description.
                "Kỹ năng số": "Kiến thức chung cho mọi người dân",
                "Kỹ năng số/An toàn trên mạng": "Giữ **tài khoản** và tiền của bạn an toàn",
                "Kỹ năng số/An toàn trên mạng/Lừa đảo": "<p>Nhận biết <b>lừa đảo</b> qua tin nhắn và cuộc gọi</p>",
                "Kỹ năng số/Dịch vụ công": "Làm thủ tục hành chính trên mạng",
            },
        )
        self.assertEqual(
            {q.name: (q.category, q.qtype, q.key) for q in result.questions},
            {
                "Khóa màn hình": ("Kỹ năng số/An toàn trên mạng", "truefalse", "at-khoa-man-hinh"),
                "Bảo vệ tài khoản Zalo": ("Kỹ năng số/An toàn trên mạng", "essay", "at-zalo"),
                "Số gọi khi bị lừa": ("Kỹ năng số/An toàn trên mạng/Lừa đảo", "short", "ld-so-goi"),
                "Đăng nhập Cổng dịch vụ công": ("Kỹ năng số/Dịch vụ công", "single", "dvc-dang-nhap"),
                "Mức định danh": ("Kỹ năng số/Dịch vụ công", "numerical", "dvc-muc"),
            },
        )

    def test_every_supported_type_imports_intact(self):
        result = read("xml_every_type.xml")
        self.assertEqual(result.problems, [])
        q = {x.name: x for x in result.questions}
        self.assertEqual(
            [x.qtype for x in result.questions],
            ["essay", "matching", "single", "multiple", "numerical", "short", "truefalse", "ordering"],
        )
        self.assertEqual({x.category for x in result.questions}, {"Ôn tập kỹ năng số"})
        essay = q["Tự luận: chia sẻ kinh nghiệm"]
        self.assertEqual(essay.text_format, "moodle")
        self.assertEqual(essay.key, "tl-vneid")
        self.assertEqual(essay.default_mark, 5.0)
        self.assertEqual(essay.tags, ["VNeID", "tự luận"])
        self.assertEqual(essay.general_feedback, "<p>Cảm ơn bạn đã chia sẻ.</p>")
        self.assertEqual(essay.data["grader_info"], "<p>Cho điểm cao nếu có <b>từng bước</b> rõ ràng.</p>")
        self.assertEqual(essay.data["response_template"], "<p>Bước 1: …</p><p>Bước 2: …</p>")
        matching = q["Ghép đôi: biểu tượng trên điện thoại"]
        self.assertEqual(matching.default_mark, 3.0)
        self.assertEqual(
            matching.data["pairs"][0], {"left": "<p>Hình ổ khóa cạnh địa chỉ web</p>", "right": "Kết nối được mã hóa"}
        )
        self.assertEqual(matching.data["pairs"][-1], {"left": "", "right": "Thùng rác"})
        self.assertEqual(matching.data["correct_feedback"], "Bạn ghép đúng hết.")
        self.assertEqual(matching.data["partial_feedback"], "Bạn ghép đúng một phần.")
        self.assertEqual(matching.data["incorrect_feedback"], "Chưa đúng, hãy xem lại bài học.")
        single = q["Một lựa chọn: nhận diện trang giả"]
        self.assertEqual(single.qtype, "single")
        self.assertEqual(single.general_feedback, "Luôn kiểm tra đuôi .gov.vn.")
        self.assertEqual(
            [(c["text"], c["fraction"], c["feedback"]) for c in single.data["choices"]],
            [
                ("dichvucong.gov.vn", 0.0, "Đây là trang thật."),
                (
                    "dichvucong-gov.vn.com",
                    1.0,
                    "<p>Đúng: tên miền thật kết thúc bằng <code>.gov.vn</code>.</p>",
                ),
            ],
        )
        multi = q["Nhiều lựa chọn: việc làm an toàn"]
        self.assertEqual(multi.qtype, "multiple")
        self.assertEqual(multi.default_mark, 2.0)
        self.assertFalse(multi.is_active)
        self.assertTrue(single.is_active)
        self.assertFalse(multi.data["shuffle"])
        self.assertEqual([c["fraction"] for c in multi.data["choices"]], [0.0, 0.5, -0.5, 0.5])
        self.assertEqual((multi.data["correct_feedback"], multi.data["incorrect_feedback"]), ("Rất tốt!", "Chưa đúng."))
        self.assertNotIn("partial_feedback", multi.data)
        numerical = q["Số: dung lượng bộ nhớ"]
        self.assertEqual(
            numerical.data["answers"],
            [
                {"value": "1500", "tolerance": "36", "fraction": 1.0, "feedback": "Đúng: 1 GB khoảng 1000 MB."},
                {"value": "1.5", "tolerance": "0", "fraction": 0.5, "feedback": "Đó là số GB; hãy đổi sang MB."},
            ],
        )
        self.assertEqual(numerical.data["other_feedback"], "Hãy nhân số GB với khoảng 1000.")
        self.assertEqual(
            numerical.data["units"], [{"unit": "MB", "multiplier": "1"}, {"unit": "GB", "multiplier": "0.001"}]
        )
        short = q["Trả lời ngắn: tên ứng dụng"]
        self.assertEqual(
            [(a["text"], a["fraction"]) for a in short.data["answers"]], [("VNeID", 1.0), ("VN eID", 0.8), ("*", 0.0)]
        )
        self.assertEqual(short.data["answers"][2]["feedback"], "Gợi ý: tên bắt đầu bằng VN.")
        self.assertFalse(short.data["case_sensitive"])
        tf = q["Đúng sai: tự tin của AI"]
        self.assertEqual(tf.text_format, "markdown")
        self.assertEqual(
            tf.data,
            {
                "correct": False,
                "feedback_true": "Không: AI có thể **bịa** thông tin.",
                "feedback_false": "Đúng, luôn kiểm tra lại.",
            },
        )
        ordering = q["Sắp xếp: tạo bài trình chiếu"]
        self.assertEqual(
            ordering.data["items"],
            [
                "Chọn mẫu thiết kế",
                "Gõ tiêu đề cho từng trang",
                "Thêm hình ảnh minh họa",
                "Trình chiếu thử bằng phím F5",
            ],
        )

    def test_html_characters_in_id_numbers_names_and_categories_are_read_as_text(self):
        result = read("xml_html_chars.xml")
        self.assertEqual(result.problems, [])
        self.assertEqual(result.categories, {"Zalo & Facebook": "Mạng xã hội <an toàn>"})
        otp, link = result.questions
        self.assertEqual(
            (otp.key, otp.name, otp.category), ("OTP & mật khẩu <bí mật>", "Mật khẩu & OTP", "Zalo & Facebook")
        )
        self.assertEqual((link.key, link.name), ("\"a\" > 'b'", "Thẻ <a> & đường link"))
        self.assertEqual(link.text, "<p>Trong HTML, thẻ <code>&lt;a&gt;</code> tạo ra gì?</p>")

    def test_invalid_weights_are_rejected_with_the_line_and_question_of_each(self):
        result = read("xml_invalid_grades.xml")
        problems = sorted(result.problems, key=lambda p: p.line)
        self.assertEqual([p.line for p in problems], [4, 41, 67])
        self.assertIn("99.9 %", problems[0].message)
        self.assertIn("must add up to 100", problems[0].message)
        self.assertIn("<b>không đủ</b> 100 %", problems[0].question)
        self.assertIn("outside", problems[1].message)
        self.assertEqual(problems[1].question, "Trọng số vượt 100 %")
        self.assertIn("“một nửa” is not a number", problems[2].message)
        self.assertEqual(problems[2].question, "Trọng số không phải số")
        # The valid question is read too, but a file with problems is never imported.
        self.assertIn("Câu hợp lệ giữa các câu lỗi", [q.name for q in result.questions])
        self.assertFalse(result.ok)
        self.assertEqual(result.blocks, 4)

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
    def test_an_aiken_file_imports(self):
        result = read("aiken_questions.txt")
        self.assertEqual(result.format, "aiken")
        self.assertEqual(result.problems, [])
        self.assertEqual(len(result.questions), 4)
        first, second, third, fourth = result.questions
        self.assertEqual(first.text, "Ứng dụng nào dùng để xuất trình thẻ căn cước điện tử?")
        self.assertEqual(
            [(c["text"], c["fraction"]) for c in first.data["choices"]],
            [("Zalo", 0), ("VNeID", 1), ("Facebook", 0), ("YouTube", 0)],
        )
        self.assertEqual(second.text_format, "plain")
        self.assertIn('"<Khẩn> Tài khoản bị khóa & cần xác minh ngay"', second.text)
        self.assertEqual([c["text"] for c in third.data["choices"]], ["F5", "F7", "Esc"])
        self.assertEqual([c["fraction"] for c in fourth.data["choices"]], [0, 1, 0])

    def test_an_aiken_file_with_errors_is_rejected_with_each_line(self):
        result = read("aiken_errors.txt")
        self.assertEqual([p.line for p in result.problems], [8, 13, 16, 18, 19, 27])
        self.assertIn("at least 2 answers", result.problems[0].message)
        self.assertIn("next question", result.problems[1].message)
        self.assertEqual(result.problems[1].question, "Tên miền nào là của cơ quan nhà nước?")
        self.assertIn("“E” is not one of the choices A–B", result.problems[2].message)
        self.assertIn("not started", result.problems[3].message)
        self.assertIn("ANSWER", result.problems[4].message)
        self.assertIn("last question", result.problems[5].message)
        self.assertEqual(result.problems[5].question, "Có nên dùng một mật khẩu cho mọi tài khoản?")
        # The two good questions are read (one over two lines), but the file is rejected as a whole.
        self.assertEqual(
            [q.text for q in result.questions],
            ["Mật khẩu nào khó đoán nhất?", "Bạn muốn trợ lý AI viết thư xin nghỉ phép.\nCâu lệnh nào rõ ràng nhất?"],
        )
        self.assertEqual(result.blocks, 6)

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
        for name, misleading, expected in (
            ("xml_nested_categories.xml", "questions.txt", "moodle-xml"),
            ("gift_every_feature.txt", "questions.xml", "gift"),
            ("gift_feedback_and_formats.txt", "questions.xml", "gift"),
            ("aiken_questions.txt", "questions.gift", "aiken"),
        ):
            with self.subTest(name):
                self.assertEqual(formats.detect((FORMATS / name).read_bytes(), misleading), expected)

    def test_a_file_that_is_not_utf8_is_rejected_with_a_clear_reason(self):
        result = formats.read("Cau hoi {=dung ~sai} café".encode("cp1252"), "x.txt")
        self.assertIn("UTF-8", result.problems[0].message)
