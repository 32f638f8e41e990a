"""The rules a person's details must follow, shared by forms, the API, actions and the roster importer.

``clean_person_fields`` is the single entry point: it takes raw values (as typed,
as read from a spreadsheet cell or as sent in JSON), normalises them and either
returns the clean values or raises one ``ValidationError`` that names every bad
field with a reason people can act on. The actions call it, so nothing reaches
the database without passing these rules.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from hocvuso.lib.cccd import CCCDError, decode_cccd, normalise_cccd, validate_cccd
from hocvuso.lib.phone import PhoneError, normalise_phone
from hocvuso.lib.text import nfc, split_name
from people.models import Person

# The editable details of a person; everything else on Person is derived.
PERSON_FIELDS = ("full_name", "gender", "birth_date", "cccd", "phone", "email")

# Nobody alive was born earlier; an earlier date is a typing mistake.
EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)

_BLANK = (None, "")
_SCIENTIFIC = re.compile(r"[0-9.,]+[eE]\+?[0-9]+")
_FLOAT_TEXT = re.compile(r"([0-9]+)\.0*")


def clean_person_fields(
    fields: Mapping[str, Any], *, person: Person | None = None, check_unique: bool = True
) -> dict[str, Any]:
    """Validate and normalise some or all of a person's details.

    ``fields`` maps names from ``PERSON_FIELDS`` to raw values; only the given
    names are checked and returned. With ``person`` (an update), the person's
    current birth date and gender stand in for missing ones when checking the
    CCCD, and a changed birth date or gender is checked against the stored
    CCCD. ``check_unique`` looks for another person with the same CCCD (one
    query); importers that check a whole file at once may turn it off.

    Returns ``{field: clean value}``: ``full_name`` NFC, ``gender`` one of
    ``Person.Gender`` or ``""``, ``birth_date`` a ``date`` or ``None``,
    ``cccd`` 12 digits or ``None``, ``phone`` E.164 (``"+84912345678"``) or
    ``""``, ``email`` or ``""``. Raises ``ValidationError({field: [message]})``
    with every problem found; each error's ``code`` is stable for programs.
    """
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"Unknown person fields: {', '.join(sorted(unknown))}")

    clean: dict[str, Any] = {}
    errors: dict[str, ValidationError] = {}

    def check(name, cleaner):
        if name not in fields:
            return
        try:
            clean[name] = cleaner(fields[name])
        except ValidationError as exc:
            errors[name] = exc

    check("full_name", _clean_full_name)
    check("gender", _clean_gender)
    check("birth_date", _clean_birth_date)
    check("phone", _clean_phone)
    check("email", _clean_email)

    # The CCCD encodes birth year and gender, so it is checked against the
    # values being saved, or the stored ones for those not being changed.
    birth_date = _effective("birth_date", fields, clean, errors, person)
    gender = _effective("gender", fields, clean, errors, person)
    cccd_gender = gender if gender in (Person.Gender.MALE, Person.Gender.FEMALE) else None
    if "cccd" in fields:
        raw = fields["cccd"]
        if isinstance(raw, str):
            raw = nfc(raw)
        if raw in _BLANK:
            clean["cccd"] = None
        else:
            try:
                clean["cccd"] = validate_cccd(raw, birth_date=birth_date, gender=cccd_gender)
            except CCCDError as exc:
                errors["cccd"] = ValidationError(cccd_message(exc, raw, birth_date=birth_date), code=exc.code)
            if "cccd" in clean and check_unique:
                others = Person.objects.filter(cccd=clean["cccd"])
                if person is not None and person.pk:
                    others = others.exclude(pk=person.pk)
                if others.exists():
                    errors["cccd"] = ValidationError(
                        _("Another person already has this CCCD number."), code="duplicate"
                    )
    elif person is not None and person.cccd and ({"birth_date", "gender"} & fields.keys()):
        try:
            validate_cccd(person.cccd, birth_date=birth_date, gender=cccd_gender)
        except CCCDError as exc:
            # Only a disagreement caused by the new value is this edit's fault;
            # a stored number that is itself malformed is reported when edited.
            target = {"birth_year_mismatch": "birth_date", "gender_mismatch": "gender"}.get(exc.code)
            if target in fields and target not in errors:
                errors[target] = ValidationError(cccd_message(exc, person.cccd, birth_date=birth_date), code=exc.code)

    if errors:
        raise ValidationError(errors)
    return clean


def _effective(name, fields, clean, errors, person):
    if name in fields:
        return None if name in errors else clean[name]
    return getattr(person, name) if person is not None else None


def _clean_full_name(value) -> str:
    name = nfc(value)
    if not name:
        raise ValidationError(_("Enter the full name."), code="required")
    if len(name) > 200:
        raise ValidationError(
            _("A full name can have at most %(max)d characters; this one has %(count)d."),
            code="too_long",
            params={"max": 200, "count": len(name)},
        )
    if len(split_name(name)[1]) > 60:
        raise ValidationError(
            _("The given name (the last word) can have at most %(max)d characters."),
            code="too_long",
            params={"max": 60},
        )
    if not any(ch.isalpha() for ch in name):
        raise ValidationError(_("A full name must contain letters."), code="invalid")
    return name


def _clean_gender(value) -> str:
    if value in _BLANK:
        return ""
    value = nfc(value).lower()
    if value not in Person.Gender.values:
        raise ValidationError(_("Choose male, female or other."), code="invalid_choice")
    return value


def _clean_birth_date(value) -> dt.date | None:
    if value in _BLANK:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    elif isinstance(value, str):
        try:
            value = dt.date.fromisoformat(nfc(value))
        except ValueError:
            raise ValidationError(_("Enter the birth date as YYYY-MM-DD."), code="invalid") from None
    elif not isinstance(value, dt.date):
        raise ValidationError(_("Enter the birth date as YYYY-MM-DD."), code="invalid")
    if value > timezone.localdate():
        raise ValidationError(_("The birth date is in the future."), code="future")
    if value < EARLIEST_BIRTH_DATE:
        raise ValidationError(
            _("The birth date is before %(year)d; check the year."), code="too_early", params={"year": 1900}
        )
    return value


def _clean_phone(value) -> str:
    if isinstance(value, str):
        value = nfc(value)
    if value in _BLANK:
        return ""
    try:
        return normalise_phone(value)
    except PhoneError as exc:
        raise ValidationError(phone_message(exc), code=exc.code) from None


def _clean_email(value) -> str:
    value = nfc(value)
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError(_("Enter a valid email address."), code="invalid") from None
    if len(value) > 254:
        raise ValidationError(_("An email address can have at most 254 characters."), code="too_long")
    return value


# --- messages ----------------------------------------------------------------
#
# hocvuso.lib is framework-free and words its errors in English; the stable
# ``code`` of each error is what these translated messages are chosen by.


def cccd_message(exc: CCCDError, raw, *, birth_date: dt.date | None = None) -> str:
    """A translated message for a :class:`CCCDError` raised for ``raw`` (checked against ``birth_date``)."""
    try:
        return _cccd_message(exc, raw, birth_date)
    except (CCCDError, ValueError, TypeError, IndexError, AttributeError):
        # Parameters could not be recomputed; the library's own words still say why.
        return exc.message


def _cccd_message(exc: CCCDError, raw, birth_date) -> str:
    code = exc.code
    if code == "empty":
        return _("Enter the CCCD number.")
    if code == "not_digits":
        if isinstance(raw, str) and _SCIENTIFIC.fullmatch(nfc(raw)):
            return _(
                "Excel shortened this CCCD number to scientific notation (like 1.23E+11); "
                "format the column as Text and type the number again."
            )
        return _("A CCCD number may contain only digits.")
    if code == "wrong_length":
        text = nfc(str(raw))
        float_text = _FLOAT_TEXT.fullmatch(text)
        digits = re.sub(r"\D", "", float_text.group(1) if float_text else text)
        if len(digits) == 9:
            return _("9-digit CMND numbers are no longer accepted; enter the 12-digit CCCD number.")
        return _("A CCCD number has 12 digits; this one has %(count)d.") % {"count": len(digits)}
    if code == "bad_province":
        return _("The CCCD number starts with %(code)s, which is not a province code.") % {
            "code": normalise_cccd(raw)[:3]
        }
    if code == "bad_century":
        return _("Digit 4 of the CCCD number (%(digit)s) stands for a century nobody alive was born in.") % {
            "digit": normalise_cccd(raw)[3]
        }
    if code == "bad_birth_year":
        number = normalise_cccd(raw)
        year = (2000 if number[3] in "23" else 1900) + int(number[4:6])
        return _("Digits 4 to 6 of the CCCD number mean born in %(year)d, which is in the future.") % {"year": year}
    if code == "birth_year_mismatch":
        return _("The CCCD number says born in %(cccd_year)d, but the birth date given is in %(year)d.") % {
            "cccd_year": decode_cccd(raw).birth_year,
            "year": birth_date.year,
        }
    if code == "gender_mismatch":
        if decode_cccd(raw).gender == Person.Gender.MALE:
            return _("The CCCD number belongs to a man, but the gender given is female.")
        return _("The CCCD number belongs to a woman, but the gender given is male.")
    return exc.message


_PHONE_MESSAGES = {
    "empty": lambda: _("Enter the phone number."),
    "not_a_phone": lambda: _("This is not a phone number."),
    "multiple_numbers": lambda: _("Enter only one phone number."),
    "bad_characters": lambda: _(
        "A phone number may contain only digits, spaces, dots, dashes, brackets and a leading +."
    ),
    "not_vietnamese": lambda: _("Only Vietnamese (+84) phone numbers are accepted."),
    "wrong_length": lambda: _(
        "A mobile number has 10 digits and a landline 11 (with the 02x area code); check the number of digits."
    ),
    "bad_prefix": lambda: _("This does not start like a Vietnamese mobile or landline number."),
}


def phone_message(exc: PhoneError) -> str:
    """A translated message for a :class:`PhoneError`."""
    message = _PHONE_MESSAGES.get(exc.code)
    return message() if message else exc.message
