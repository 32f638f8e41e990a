import datetime as dt

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import translation

from hocvuso.testing import BaseTestCase
from people.validation import clean_person_fields


class CleanPersonFieldsTests(TestCase):
    def errors(self, **fields) -> dict[str, list[str]]:
        with self.assertRaises(ValidationError) as caught:
            clean_person_fields(fields)
        return caught.exception.message_dict

    def codes(self, **fields) -> dict[str, list[str]]:
        with self.assertRaises(ValidationError) as caught:
            clean_person_fields(fields)
        return {field: [e.code for e in errors] for field, errors in caught.exception.error_dict.items()}

    def test_it_normalises_every_field(self):
        clean = clean_person_fields(
            {
                "full_name": "  Nguyê\u0303n  Thi\u0323 Huyê\u0300n\u200b ",
                "gender": "Female",
                "birth_date": "2001-03-04",
                "cccd": "001 301 012 345",
                "phone": "0912.345.678",
                "email": " huyen@example.vn ",
            }
        )
        self.assertEqual(
            clean,
            {
                "full_name": "Nguyễn Thị Huyền",
                "gender": "female",
                "birth_date": dt.date(2001, 3, 4),
                "cccd": "001301012345",
                "phone": "+84912345678",
                "email": "huyen@example.vn",
            },
        )

    def test_blank_optional_fields_become_empty(self):
        clean = clean_person_fields(
            {"full_name": "Lê Văn Đức", "gender": None, "birth_date": "", "cccd": "  ", "phone": None, "email": ""}
        )
        self.assertEqual(
            clean, {"full_name": "Lê Văn Đức", "gender": "", "birth_date": None, "cccd": None, "phone": "", "email": ""}
        )

    def test_it_returns_only_the_fields_it_was_given(self):
        self.assertEqual(clean_person_fields({"phone": "+84 912 345 678"}), {"phone": "+84912345678"})

    def test_it_rejects_unknown_field_names_as_a_programming_error(self):
        with self.assertRaises(TypeError):
            clean_person_fields({"fullname": "Lê Văn Đức"})

    def test_it_requires_a_full_name(self):
        self.assertEqual(self.codes(full_name=" \u200b "), {"full_name": ["required"]})

    def test_it_reports_every_bad_field_at_once(self):
        errors = self.codes(full_name="", birth_date="31/02/1990", phone="12345", email="not-an-email", gender="x")
        self.assertEqual(set(errors), {"full_name", "birth_date", "phone", "email", "gender"})

    def test_it_rejects_a_birth_date_in_the_future(self):
        self.assertEqual(self.codes(birth_date=dt.date.today() + dt.timedelta(days=1)), {"birth_date": ["future"]})

    def test_it_rejects_a_cccd_with_a_bad_century_digit(self):
        self.assertEqual(self.codes(cccd="001885012345"), {"cccd": ["bad_century"]})

    def test_it_rejects_an_old_nine_digit_cmnd_with_a_reason(self):
        with translation.override("en"):
            errors = self.errors(cccd="012345678")
        self.assertEqual(
            errors, {"cccd": ["9-digit CMND numbers are no longer accepted; enter the 12-digit CCCD number."]}
        )

    def test_it_rejects_a_cccd_whose_birth_year_disagrees_with_the_birth_date(self):
        with translation.override("en"):
            errors = self.errors(cccd="001185012345", birth_date=dt.date(1986, 4, 12))
        self.assertEqual(errors, {"cccd": ["The CCCD number says born in 1985, but the birth date given is in 1986."]})

    def test_it_rejects_a_cccd_of_the_other_gender(self):
        with translation.override("en"):
            errors = self.errors(cccd="001185012345", gender="male")
        self.assertEqual(errors, {"cccd": ["The CCCD number belongs to a woman, but the gender given is male."]})

    def test_a_person_of_other_gender_is_not_checked_against_the_cccd(self):
        clean = clean_person_fields({"cccd": "001185012345", "gender": "other"})
        self.assertEqual(clean["cccd"], "001185012345")

    def test_messages_are_in_vietnamese_by_default(self):
        errors = self.errors(cccd="001885012345")
        self.assertIn("Chữ số thứ 4", errors["cccd"][0])

    def test_it_rejects_a_foreign_phone_number(self):
        with translation.override("en"):
            errors = self.errors(phone="+1 202 555 0100")
        self.assertEqual(errors, {"phone": ["Only Vietnamese (+84) phone numbers are accepted."]})

    def test_it_turns_an_old_eleven_digit_mobile_number_into_the_new_one(self):
        self.assertEqual(clean_person_fields({"phone": "01662345678"}), {"phone": "+84362345678"})


class CleanPersonFieldsAgainstAPersonTests(BaseTestCase):
    def test_a_cccd_already_held_by_someone_else_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            clean_person_fields({"cccd": "001185012345"})
        self.assertEqual(caught.exception.error_dict["cccd"][0].code, "duplicate")

    def test_the_person_s_own_cccd_is_not_a_duplicate(self):
        clean = clean_person_fields({"cccd": "001185012345"}, person=self.p_mai)
        self.assertEqual(clean, {"cccd": "001185012345"})

    def test_an_importer_can_skip_the_uniqueness_query(self):
        with self.assertNumQueries(0):
            clean_person_fields({"cccd": "001185012345"}, check_unique=False)

    def test_the_stored_birth_date_is_used_when_only_the_cccd_changes(self):
        # Mai was born in 1985; a CCCD saying 1990 belongs to someone else.
        with self.assertRaises(ValidationError) as caught:
            clean_person_fields({"cccd": "001190012345"}, person=self.p_mai)
        self.assertEqual(caught.exception.error_dict["cccd"][0].code, "birth_year_mismatch")

    def test_a_new_birth_date_that_contradicts_the_stored_cccd_is_reported_on_the_birth_date(self):
        with self.assertRaises(ValidationError) as caught:
            clean_person_fields({"birth_date": dt.date(1990, 1, 1)}, person=self.p_mai)
        self.assertEqual(list(caught.exception.error_dict), ["birth_date"])
        self.assertEqual(caught.exception.error_dict["birth_date"][0].code, "birth_year_mismatch")

    def test_a_new_gender_that_contradicts_the_stored_cccd_is_reported_on_the_gender(self):
        with self.assertRaises(ValidationError) as caught:
            clean_person_fields({"gender": "male"}, person=self.p_mai)
        self.assertEqual(caught.exception.error_dict["gender"][0].code, "gender_mismatch")
