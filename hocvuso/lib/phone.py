"""Vietnamese phone numbers, normalised to E.164 ("+84912345678")."""

from __future__ import annotations

import re

from hocvuso.lib.text import nfc

# In 2018 the 11-digit mobile numbers (01xx + 7 digits) were shortened to
# 10 digits. Old rosters and address books still carry the old prefixes, and
# the old numbers now reach nobody, so they are translated rather than refused.
OLD_MOBILE_PREFIXES: dict[str, str] = {
    # Viettel
    "0162": "032", "0163": "033", "0164": "034", "0165": "035",
    "0166": "036", "0167": "037", "0168": "038", "0169": "039",
    # MobiFone
    "0120": "070", "0121": "079", "0122": "077", "0126": "076", "0128": "078",
    # VinaPhone
    "0123": "083", "0124": "084", "0125": "085", "0127": "081", "0129": "082",
    # Vietnamobile
    "0186": "056", "0188": "058",
    # Gmobile
    "0199": "059",
}  # fmt: skip

_MOBILE_FIRST_DIGITS = frozenset("35789")

# Area codes that are two digits after the trunk 0 (024 Hà Nội, 028 Hồ Chí
# Minh City) have 8-digit local numbers; all other 02xx codes have 7.
_TWO_DIGIT_AREA_CODES = frozenset({"24", "28"})

_ALLOWED = re.compile(r"[0-9+\s.\-()]+")
_SEPARATORS = re.compile(r"[\s.\-()]+")
# Several numbers in one cell ("0912345678 / 0987654321") are common.
_LIST_SEPARATORS = re.compile(r"[/,;]|\bhoặc\b|\bor\b", re.IGNORECASE)
_FLOAT_TEXT = re.compile(r"([0-9]+)\.0+")


class PhoneError(ValueError):
    """Invalid phone number; ``code`` is stable, ``message`` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):
        return (type(self), (self.code, self.message))


def _digits_from(value: str | int | float) -> tuple[str, bool]:
    """Return (digits, had_plus) from whatever the cell held."""
    if isinstance(value, bool):
        raise PhoneError("not_a_phone", "This is not a phone number.")
    if isinstance(value, float):
        if not value.is_integer() or value <= 0:
            raise PhoneError("not_a_phone", "This is not a phone number.")
        return str(int(value)), False
    if isinstance(value, int):
        if value <= 0:
            raise PhoneError("not_a_phone", "This is not a phone number.")
        return str(value), False

    text = nfc(value)
    if not text:
        raise PhoneError("empty", "Phone number is missing.")
    if _LIST_SEPARATORS.search(text):
        raise PhoneError("multiple_numbers", "Enter only one phone number.")
    float_text = _FLOAT_TEXT.fullmatch(text)
    if float_text:
        text = float_text.group(1)
    if not _ALLOWED.fullmatch(text):
        raise PhoneError(
            "bad_characters",
            "Phone number may contain only digits, spaces, dots, dashes, brackets and +.",
        )
    compact = _SEPARATORS.sub("", text)
    if "+" in compact[1:]:
        raise PhoneError("bad_characters", "The + sign may only start the number.")
    had_plus = compact.startswith("+")
    return compact.lstrip("+"), had_plus


def _national_significant(digits: str, had_plus: bool) -> str:
    """Strip the country code or trunk prefix, leaving the significant digits."""
    if had_plus:
        if not digits.startswith("84"):
            raise PhoneError("not_vietnamese", "Only Vietnamese (+84) numbers are accepted.")
        return _after_country_code(digits[2:])
    if digits.startswith("0084"):
        return _after_country_code(digits[4:])
    if digits.startswith("0"):
        return digits[1:]
    if digits.startswith("84") and len(_after_country_code(digits[2:])) in (9, 10):
        # A 9-digit number starting 84 is not this case: it is a VinaPhone
        # 084 number that lost its leading zero, handled below.
        return _after_country_code(digits[2:])
    # Excel stored the number as a number and dropped the leading zero.
    return digits


def _after_country_code(national: str) -> str:
    # "+84 0912 345 678": people often keep the trunk zero after the country code.
    if len(national) in (10, 11) and national.startswith("0"):
        return national[1:]
    return national


def normalise_phone(value: str | int | float | None) -> str:
    """Return ``value`` as an E.164 Vietnamese number or raise :class:`PhoneError`."""
    if value is None:
        raise PhoneError("empty", "Phone number is missing.")
    digits, had_plus = _digits_from(value)
    if not digits:
        raise PhoneError("empty", "Phone number is missing.")
    national = _national_significant(digits, had_plus)

    if national.startswith("1"):
        if len(national) != 10:
            raise PhoneError(
                "wrong_length",
                "Old 01x mobile numbers have 11 digits; 1800/1900 service numbers are not accepted.",
            )
        old_prefix = "0" + national[:3]
        new_prefix = OLD_MOBILE_PREFIXES.get(old_prefix)
        if new_prefix is None:
            raise PhoneError("bad_prefix", f"{old_prefix} is not a mobile prefix.")
        national = new_prefix[1:] + national[3:]

    first = national[:1]
    if first in _MOBILE_FIRST_DIGITS:
        if len(national) != 9:
            raise PhoneError(
                "wrong_length",
                f"A mobile number has 10 digits (0 + 9); this one has {len(national) + 1}.",
            )
    elif first == "2":
        if len(national) != 10:
            raise PhoneError(
                "wrong_length",
                f"A landline number has 11 digits including the 02x area code; this one has {len(national) + 1}.",
            )
    else:
        raise PhoneError(
            "bad_prefix",
            f"0{national[:2]} is not a Vietnamese mobile or landline prefix.",
        )
    return "+84" + national


def format_phone_vn(value: str | int | float | None) -> str:
    """Display form used in Vietnam: "0912 345 678", "024 3823 4567", "0236 3822 123"."""
    national = "0" + normalise_phone(value)[3:]
    if national[1] != "2":
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    if national[1:3] in _TWO_DIGIT_AREA_CODES:
        return f"{national[:3]} {national[3:7]} {national[7:]}"
    return f"{national[:4]} {national[4:8]} {national[8:]}"
