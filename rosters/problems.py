"""What can be wrong with a roster row, in words an office clerk understands.

A problem is kept as a plain tuple (row, column, value, code, params) while a
file is read, because a bad 100,000-row file can have as many problems; the
English sentence comes from REASONS and is translated only when shown, so the
same stored problem reads in Vietnamese on the page and in English in the
command line and the API.
"""

from __future__ import annotations

from typing import NamedTuple

from django.utils.translation import gettext, gettext_noop


class Problem(NamedTuple):
    row: int
    column: str
    value: str
    code: str
    params: dict

    def reason(self, translate: bool = True) -> str:
        return reason_text(self.code, self.params, translate=translate)

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "code": self.code,
            "reason": self.reason(translate=False),
            "params": self.params,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Problem:
        return cls(data["row"], data["column"], data["value"], data["code"], data.get("params") or {})


# code -> English source sentence. Codes are stable (API clients use them);
# the sentences may be reworded.
REASONS: dict[str, str] = {
    # names
    "name_missing": gettext_noop("Full name is missing."),
    "name_digits": gettext_noop("A full name cannot contain digits; are the columns shifted?"),
    "name_no_letters": gettext_noop("A full name must contain letters."),
    "name_too_long": gettext_noop("Full name is too long (at most %(max)s characters)."),
    "given_name_too_long": gettext_noop("The given name (the last word) is too long (at most %(max)s characters)."),
    # dates
    "date_bad_format": gettext_noop("Not a date; write it as dd/mm/yyyy."),
    "date_impossible": gettext_noop("This date does not exist (dates are day/month/year)."),
    "date_future": gettext_noop("The birth date is in the future."),
    "date_too_early": gettext_noop("The birth date is before 1900."),
    "date_year_only": gettext_noop(
        "Only a year; write the full date as dd/mm/yyyy, or put years in a “Năm sinh” column."
    ),
    "year_bad_format": gettext_noop("Not a year; write 4 digits such as 1990."),
    "year_out_of_range": gettext_noop("The year of birth must be between 1900 and this year."),
    "year_mismatch": gettext_noop("The year of birth does not match the birth date (%(year)s)."),
    # gender
    "gender_unknown": gettext_noop("Not a gender; write Nam or Nữ."),
    # CCCD
    "cccd_not_digits": gettext_noop("A CCCD number must contain only digits."),
    "cccd_scientific": gettext_noop(
        "Excel shortened this CCCD to scientific notation; format the column as Text and type the number again."
    ),
    "cccd_cmnd": gettext_noop("This is a 9-digit CMND number; the 12-digit CCCD number is required."),
    "cccd_length": gettext_noop("CCCD must have 12 digits; this one has %(count)s."),
    "cccd_province": gettext_noop("CCCD starts with %(code)s, which is not a province code."),
    "cccd_century": gettext_noop("Digit 4 of the CCCD (%(digit)s) would mean born in %(year)s, which is impossible."),
    "cccd_future": gettext_noop("Digits 4–6 of the CCCD mean born in %(year)s, which is in the future."),
    "cccd_birth_year": gettext_noop("The CCCD says born in %(cccd_year)s, but the birth date says %(year)s."),
    "cccd_male": gettext_noop("The CCCD is a man's (digit 4 is even), but the gender given is female."),
    "cccd_female": gettext_noop("The CCCD is a woman's (digit 4 is odd), but the gender given is male."),
    "cccd_invalid": gettext_noop("This CCCD number is not valid."),
    # contacts
    "phone_not_a_phone": gettext_noop("This is not a phone number."),
    "phone_multiple": gettext_noop("Write only one phone number."),
    "phone_characters": gettext_noop("A phone number may contain only digits, spaces, dots, dashes, brackets and +."),
    "phone_foreign": gettext_noop("Only Vietnamese (+84) phone numbers are accepted."),
    "phone_length": gettext_noop("Wrong number of digits: a mobile number has 10 digits, a landline 11."),
    "phone_prefix": gettext_noop("This is not a Vietnamese mobile or landline prefix."),
    "email_invalid": gettext_noop("Not a valid email address."),
    "email_too_long": gettext_noop("The email address is too long."),
    # membership
    "position_too_long": gettext_noop("The position is too long (at most %(max)s characters)."),
    "group_unknown": gettext_noop("Unknown group; use one of: %(groups)s."),
    "unit_unknown": gettext_noop("No unit of this name in %(org)s."),
    "unit_ambiguous": gettext_noop("Several units have this name: %(candidates)s. Choose one on the preview page."),
    "unit_split": gettext_noop(
        "This former unit was split between %(candidates)s. Choose the one these people belong to."
    ),
    "unit_outside": gettext_noop("This unit is not part of %(org)s."),
    "unit_inactive": gettext_noop("This unit no longer exists and has no successor."),
    # within the file
    "duplicate_cccd": gettext_noop("Same CCCD as row %(row)s."),
    "duplicate_person": gettext_noop("Same name, birth date and unit as row %(row)s."),
    # against the people already recorded
    "existing_cccd_conflict": gettext_noop("A person with this CCCD already exists with %(field)s %(value)s."),
    "existing_person_conflict": gettext_noop(
        "A person with this name and birth date already exists in this unit with %(field)s %(value)s."
    ),
    "existing_membership_conflict": gettext_noop("This person is already in this unit with %(field)s %(value)s."),
}

# How a field is named inside a sentence ("... already exists with birth
# date 12/04/1985"); the "field" param of a problem holds the field's key.
FIELD_PHRASES: dict[str, str] = {
    "full_name": gettext_noop("full name"),
    "birth_date": gettext_noop("birth date"),
    "gender": gettext_noop("gender"),
    "cccd": gettext_noop("CCCD"),
    "phone": gettext_noop("phone number"),
    "email": gettext_noop("email"),
    "group": gettext_noop("group"),
    "position": gettext_noop("position"),
}


def reason_text(code: str, params: dict | None = None, *, translate: bool = True) -> str:
    template = REASONS.get(code, code)
    params = dict(params or {})
    if params.get("field") in FIELD_PHRASES:
        phrase = FIELD_PHRASES[params["field"]]
        params["field"] = gettext(phrase) if translate else phrase
    if translate:
        template = gettext(template)
    try:
        return template % params if params else template
    except (KeyError, TypeError, ValueError):
        return template


def describe(problem: Problem, *, translate: bool = False) -> str:
    """One line for the command line: row 12, column "Số CCCD", value "…": reason."""
    return f'row {problem.row}, column "{problem.column}", value "{problem.value}": {problem.reason(translate)}'


# Why a whole file cannot be used, by the code of hocvuso.lib.spreadsheet's
# SpreadsheetError (or of rosters.importing.RosterError).
FILE_ERRORS: dict[str, str] = {
    "empty_file": gettext_noop("The file is empty."),
    "xls_not_supported": gettext_noop(
        "Old Excel .xls files (and password-protected workbooks) cannot be read; "
        "open the file in Excel and save it as .xlsx without a password."
    ),
    "bad_xlsx": gettext_noop("The file is not a valid Excel workbook, or it is damaged; save it again as .xlsx."),
    "html_not_supported": gettext_noop(
        "This file is a web page with an Excel name; open it in Excel and save it as .xlsx."
    ),
    "not_a_spreadsheet": gettext_noop("The file is neither an Excel workbook nor a CSV file."),
    "bad_encoding": gettext_noop("The file's text encoding is not recognised; save it as “CSV UTF-8”."),
    "no_header": gettext_noop(
        "No header row found: one of the first rows must name the columns, such as “Họ và tên” and “Ngày sinh”."
    ),
    "bad_csv": gettext_noop("The CSV file is damaged and cannot be read to the end."),
    "unreadable": gettext_noop("The file cannot be opened."),
    "conflict": gettext_noop(
        "Someone recorded some of these people while the file was being imported; run the import again."
    ),
}


def file_error(code: str, fallback: str) -> str:
    """English sentence (a msgid when the code is known) for a file that cannot be used."""
    return FILE_ERRORS.get(code, fallback)
