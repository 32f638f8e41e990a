"""rosters.columns: guessing which column holds what, and checking the user's choice."""

from __future__ import annotations

from django.test import SimpleTestCase
from django.utils import translation

from rosters.columns import MappingError, apply_overrides, check_mapping, guess_field, guess_mapping


class GuessTests(SimpleTestCase):
    def test_vietnamese_headers_are_recognised_without_regard_to_accents_or_case(self):
        cases = {
            "Họ và tên": "full_name",
            "HỌ TÊN": "full_name",
            "Ho va ten (*)": "full_name",
            "Ngày sinh": "birth_date",
            "Ngày tháng năm sinh": "birth_date",
            "Năm sinh": "birth_year",
            "Giới tính": "gender",
            "Số CCCD": "cccd",
            "CCCD": "cccd",
            "Căn cước": "cccd",
            "Số định danh": "cccd",
            "Số điện thoại": "phone",
            "SĐT": "phone",
            "Điện thoại": "phone",
            "Email": "email",
            "Chức vụ": "position",
            "Đối tượng": "group",
            "Nhóm": "group",
            "Đơn vị": "unit",
            "Cơ quan": "unit",
            "Nơi công tác": "unit",
            "Xã/phường": "unit",
        }
        for header, field in cases.items():
            with self.subTest(header):
                self.assertEqual(guess_field(header), field)

    def test_english_headers_are_recognised(self):
        cases = {
            "Full name": "full_name",
            "Date of birth": "birth_date",
            "Gender": "gender",
            "Citizen ID": "cccd",
            "Phone": "phone",
            "Position": "position",
            "Group": "group",
            "Unit": "unit",
        }
        for header, field in cases.items():
            with self.subTest(header):
                self.assertEqual(guess_field(header), field)

    def test_numbering_and_notes_columns_are_ignored(self):
        for header in ("STT", "TT", "Ghi chú", "", "Lương"):
            with self.subTest(header):
                self.assertEqual(guess_field(header), "")

    def test_a_longer_header_starting_with_a_known_one_is_recognised(self):
        self.assertEqual(guess_field("Số điện thoại liên hệ"), "phone")
        self.assertEqual(guess_field("Tên cơ quan"), "")  # "Tên" alone would be a given name

    def test_a_field_is_guessed_for_one_column_only(self):
        self.assertEqual(guess_mapping(["Họ tên", "SĐT", "Điện thoại"]), ["full_name", "phone", ""])


class CheckTests(SimpleTestCase):
    headers = ["STT", "Họ và tên", "Số CCCD", "Ghi chú"]

    def setUp(self):
        self.enterContext(translation.override("en"))

    def test_a_mapping_is_padded_to_the_columns(self):
        self.assertEqual(check_mapping(["", "full_name"], self.headers), ["", "full_name", "", ""])

    def test_a_field_mapped_twice_is_refused_naming_both_columns(self):
        with self.assertRaisesMessage(MappingError, "Columns “Họ và tên” and “Ghi chú” are both mapped to"):
            check_mapping(["", "full_name", "cccd", "full_name"], self.headers)

    def test_a_mapping_needs_a_name(self):
        with self.assertRaisesMessage(MappingError, "No column holds the full name"):
            check_mapping(["", "", "cccd", ""], self.headers)

    def test_an_unknown_field_is_refused(self):
        with self.assertRaises(MappingError):
            check_mapping(["", "full_name", "salary", ""], self.headers)

    def test_an_override_takes_the_field_from_the_guessed_column(self):
        mapping = apply_overrides(["", "full_name", "cccd", ""], self.headers, [("ghi chu", "cccd")])
        self.assertEqual(mapping, ["", "full_name", "", "cccd"])

    def test_an_override_of_a_missing_column_is_refused(self):
        with self.assertRaisesMessage(MappingError, "The file has no column “Lương”."):
            apply_overrides(["", "full_name", "", ""], self.headers, [("Lương", "phone")])
