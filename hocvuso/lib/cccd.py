"""Citizen ID numbers (Căn cước công dân, CCCD).

A CCCD is 12 digits with no check digit:

* digits 1-3: province/city where the birth was registered,
* digit 4: century of birth and gender,
* digits 5-6: last two digits of the birth year,
* digits 7-12: random.

Because there is no check digit, the structure checks below, plus comparing
with the birth date and gender a roster gives, are all the checking possible.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from hocvuso.lib.text import nfc

# Province codes of the Ministry of Public Security (Circular 07/2016/TT-BCA,
# amended by 59/2021/TT-BCA) for the 63 provinces that existed before the
# 2025 merger. Each is "0" + the 2-digit GSO province code. Cards issued
# before July 2025 carry one of these.
#
# Since July 2025, newly issued cards may carry the code of one of the 34
# merged provinces. Every merged province kept the code of one of its
# predecessors (e.g. Tuyên Quang 008 absorbed Hà Giang 002), so the new codes
# are a subset of this set and need no separate list.
PROVINCE_CODES: frozenset[str] = frozenset(
    {
        "001",  # Hà Nội
        "002",  # Hà Giang
        "004",  # Cao Bằng
        "006",  # Bắc Kạn
        "008",  # Tuyên Quang
        "010",  # Lào Cai
        "011",  # Điện Biên
        "012",  # Lai Châu
        "014",  # Sơn La
        "015",  # Yên Bái
        "017",  # Hòa Bình
        "019",  # Thái Nguyên
        "020",  # Lạng Sơn
        "022",  # Quảng Ninh
        "024",  # Bắc Giang
        "025",  # Phú Thọ
        "026",  # Vĩnh Phúc
        "027",  # Bắc Ninh
        "030",  # Hải Dương
        "031",  # Hải Phòng
        "033",  # Hưng Yên
        "034",  # Thái Bình
        "035",  # Hà Nam
        "036",  # Nam Định
        "037",  # Ninh Bình
        "038",  # Thanh Hóa
        "040",  # Nghệ An
        "042",  # Hà Tĩnh
        "044",  # Quảng Bình
        "045",  # Quảng Trị
        "046",  # Thừa Thiên Huế (now Huế)
        "048",  # Đà Nẵng
        "049",  # Quảng Nam
        "051",  # Quảng Ngãi
        "052",  # Bình Định
        "054",  # Phú Yên
        "056",  # Khánh Hòa
        "058",  # Ninh Thuận
        "060",  # Bình Thuận
        "062",  # Kon Tum
        "064",  # Gia Lai
        "066",  # Đắk Lắk
        "067",  # Đắk Nông
        "068",  # Lâm Đồng
        "070",  # Bình Phước
        "072",  # Tây Ninh
        "074",  # Bình Dương
        "075",  # Đồng Nai
        "077",  # Bà Rịa - Vũng Tàu
        "079",  # Hồ Chí Minh City
        "080",  # Long An
        "082",  # Tiền Giang
        "083",  # Bến Tre
        "084",  # Trà Vinh
        "086",  # Vĩnh Long
        "087",  # Đồng Tháp
        "089",  # An Giang
        "091",  # Kiên Giang
        "092",  # Cần Thơ
        "093",  # Hậu Giang
        "094",  # Sóc Trăng
        "095",  # Bạc Liêu
        "096",  # Cà Mau
    }
)

# Digit 4: even digits are male, odd female; each pair selects a century.
_CENTURY_START = {
    "0": 1900, "1": 1900,
    "2": 2000, "3": 2000,
    "4": 2100, "5": 2100,
    "6": 2200, "7": 2200,
    "8": 1800, "9": 1800,
}  # fmt: skip

# Only people born in the 1900s or 2000s can hold a card today; the other
# centuries are defined by the circular but cannot be real yet (or any more).
_LIVING_CENTURIES = frozenset({1900, 2000})

_SEPARATORS = re.compile(r"[\s.\-]+")
_ASCII_DIGITS = re.compile(r"[0-9]+")
# Text exported from a numeric Excel cell: "12345678901.0".
_FLOAT_TEXT = re.compile(r"([0-9]+)\.0*")
_SCIENTIFIC = re.compile(r"[0-9.,]+[eE]\+?[0-9]+")

_GENDERS = ("male", "female")


class CCCDError(ValueError):
    """Invalid CCCD; ``code`` is stable for programs, ``message`` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):
        return (type(self), (self.code, self.message))


@dataclass(frozen=True, slots=True)
class CCCDInfo:
    province_code: str
    gender: str
    birth_year_century_start: int
    birth_year_two_digits: int
    birth_year: int


def normalise_cccd(value: str | int | float | None) -> str:
    """Return the 12-digit CCCD in ``value`` or raise :class:`CCCDError`.

    Only the shape is checked here; :func:`validate_cccd` checks the meaning.
    """
    if value is None:
        raise CCCDError("empty", "CCCD number is missing.")
    if isinstance(value, bool):
        raise CCCDError("not_digits", "CCCD number must contain only digits.")

    lost_leading_zero_possible = False
    if isinstance(value, float):
        if not value.is_integer() or value < 0:
            raise CCCDError("not_digits", "CCCD number must contain only digits.")
        text = str(int(value))
        lost_leading_zero_possible = True
    elif isinstance(value, int):
        if value < 0:
            raise CCCDError("not_digits", "CCCD number must contain only digits.")
        text = str(value)
        lost_leading_zero_possible = True
    else:
        text = nfc(value)
        if not text:
            raise CCCDError("empty", "CCCD number is missing.")
        if _SCIENTIFIC.fullmatch(text):
            # Excel displays long numbers like 1.23457E+11 and the CSV export
            # keeps only that, so the real digits are gone.
            raise CCCDError(
                "not_digits",
                "Excel shortened this CCCD to scientific notation; format the column as Text and type it again.",
            )
        float_text = _FLOAT_TEXT.fullmatch(text)
        if float_text:
            text = float_text.group(1)
        text = _SEPARATORS.sub("", text)
        # A bare digit string is what Excel writes for a numeric cell, which is
        # the way the leading zero gets lost; typed numbers with separators
        # are left alone so a genuinely missing digit is reported.
        lost_leading_zero_possible = bool(float_text) or value.strip().isdigit()

    if not text:
        raise CCCDError("empty", "CCCD number is missing.")
    if not _ASCII_DIGITS.fullmatch(text):
        raise CCCDError("not_digits", "CCCD number must contain only digits.")

    # Every province code starts with 0, so an 11-digit number from a numeric
    # cell is a CCCD whose leading zero Excel dropped.
    if len(text) == 11 and lost_leading_zero_possible and not text.startswith("0"):
        text = "0" + text

    if len(text) == 9:
        raise CCCDError(
            "wrong_length",
            "A 12-digit CCCD number is required; 9-digit CMND numbers are no longer accepted.",
        )
    if len(text) != 12:
        raise CCCDError(
            "wrong_length",
            f"A CCCD number has 12 digits; this one has {len(text)}.",
        )
    return text


def _decode(number: str) -> CCCDInfo:
    province = number[:3]
    if province not in PROVINCE_CODES:
        raise CCCDError(
            "bad_province",
            f"CCCD starts with {province}, which is not a province code.",
        )
    century_digit = number[3]
    century_start = _CENTURY_START[century_digit]
    two_digits = int(number[4:6])
    birth_year = century_start + two_digits
    if century_start not in _LIVING_CENTURIES:
        raise CCCDError(
            "bad_century",
            f"Digit 4 of the CCCD ({century_digit}) means born in {birth_year}, which is impossible.",
        )
    if birth_year > dt.date.today().year:
        raise CCCDError(
            "bad_birth_year",
            f"Digits 4-6 of the CCCD mean born in {birth_year}, which is in the future.",
        )
    return CCCDInfo(
        province_code=province,
        gender="male" if int(century_digit) % 2 == 0 else "female",
        birth_year_century_start=century_start,
        birth_year_two_digits=two_digits,
        birth_year=birth_year,
    )


def validate_cccd(
    value: str | int | float | None,
    *,
    birth_date: dt.date | None = None,
    birth_year: int | None = None,
    gender: str | None = None,
) -> str:
    """Normalise and check a CCCD; return its 12 digits.

    When the roster also gives the birth date/year or gender, they must agree
    with what the number encodes: a mismatch usually means the CCCD of another
    person was pasted into the row.
    """
    if gender is not None and gender not in _GENDERS:
        raise ValueError(f"gender must be 'male', 'female' or None, not {gender!r}")
    number = normalise_cccd(value)
    info = _decode(number)

    expected_years = []
    if birth_date is not None:
        expected_years.append(birth_date.year)
    if birth_year is not None:
        expected_years.append(birth_year)
    for year in expected_years:
        if year != info.birth_year:
            raise CCCDError(
                "birth_year_mismatch",
                f"CCCD says born in {info.birth_year}, but the birth year given is {year}.",
            )

    if gender is not None and gender != info.gender:
        raise CCCDError(
            "gender_mismatch",
            f"CCCD says {info.gender}, but the gender given is {gender}.",
        )
    return number


def decode_cccd(value: str | int | float | None) -> CCCDInfo:
    """Return what a valid CCCD encodes; raises :class:`CCCDError` if invalid."""
    return _decode(normalise_cccd(value))
