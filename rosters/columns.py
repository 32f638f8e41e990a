"""The fields a roster can fill, and guessing which column holds which.

Headers are compared folded ("Họ và tên (*)" -> "ho va ten", see
``hocvuso.lib.spreadsheet.header_key``), so accents, case, stars and notes in
brackets do not matter. Offices write headers in Vietnamese far more often
than in English; both are known.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.utils.translation import gettext_lazy as _

from hocvuso.lib.spreadsheet import header_key

IGNORE = ""

FULL_NAME = "full_name"
FAMILY_NAME = "family_name"
GIVEN_NAME = "given_name"
BIRTH_DATE = "birth_date"
BIRTH_YEAR = "birth_year"
GENDER = "gender"
CCCD = "cccd"
PHONE = "phone"
EMAIL = "email"
POSITION = "position"
GROUP = "group"
UNIT = "unit"

FIELD_LABELS = {
    IGNORE: _("(ignore this column)"),
    FULL_NAME: _("Full name"),
    FAMILY_NAME: _("Family and middle name"),
    GIVEN_NAME: _("Given name"),
    BIRTH_DATE: _("Birth date"),
    BIRTH_YEAR: _("Year of birth"),
    GENDER: _("Gender"),
    CCCD: _("Citizen ID (CCCD)"),
    PHONE: _("Phone"),
    EMAIL: _("Email"),
    POSITION: _("Position"),
    GROUP: _("Group"),
    UNIT: _("Unit"),
}
FIELDS = tuple(FIELD_LABELS)

# Folded header text -> field. Exact matches first; see guess_field for the
# looser second try.
_ALIASES: dict[str, tuple[str, ...]] = {
    FULL_NAME: (
        "ho va ten", "ho ten", "ho va ten day du", "ten day du", "full name", "name", "fullname",
        "ho va ten can bo", "ho va ten nguoi hoc", "ho ten nguoi hoc", "ho va ten dang vien",
    ),
    FAMILY_NAME: ("ho", "ho va ten dem", "ho dem", "ho va dem", "ho va chu dem", "family name", "last name", "surname"),
    GIVEN_NAME: ("ten", "given name", "first name"),
    BIRTH_DATE: (
        "ngay sinh", "ngay thang nam sinh", "ngay/thang/nam sinh", "ngay, thang, nam sinh", "sinh ngay",
        "date of birth", "birth date", "birthdate", "dob",
    ),
    BIRTH_YEAR: ("nam sinh", "year of birth", "birth year"),
    GENDER: ("gioi tinh", "gioi", "nam/nu", "gender", "sex"),
    CCCD: (
        "so cccd", "cccd", "can cuoc", "so can cuoc", "can cuoc cong dan", "so can cuoc cong dan",
        "so dinh danh", "so dinh danh ca nhan", "ma dinh danh", "ma so dinh danh", "so cccd/cmnd",
        "cccd/cmnd", "so cmnd/cccd", "cmnd/cccd", "citizen id", "national id", "id number", "citizen id number",
    ),
    PHONE: (
        "so dien thoai", "sdt", "so dt", "dien thoai", "dien thoai di dong", "so dien thoai di dong",
        "di dong", "dtdd", "phone", "phone number", "mobile", "telephone",
    ),
    EMAIL: ("email", "e-mail", "dia chi email", "thu dien tu", "dia chi thu dien tu", "mail"),
    POSITION: ("chuc vu", "chuc danh", "chuc vu/chuc danh", "position", "job title", "title"),
    GROUP: ("doi tuong", "nhom", "nhom doi tuong", "thanh phan", "group", "category"),
    UNIT: (
        "don vi", "co quan", "noi cong tac", "don vi cong tac", "co quan/don vi", "co quan, don vi",
        "to chuc", "xa/phuong", "xa, phuong", "xa phuong", "phuong/xa", "unit", "organisation",
        "organization", "workplace",
    ),
    IGNORE: ("stt", "tt", "so tt", "so thu tu", "ghi chu", "no", "no.", "#", "note", "notes"),
}  # fmt: skip

ALIASES: dict[str, str] = {alias: field for field, aliases in _ALIASES.items() for alias in aliases}

# Every header the importer recognises, for read_table to find the header
# row under any title rows.
KNOWN_HEADERS: tuple[str, ...] = tuple(alias for alias, field in ALIASES.items() if field != IGNORE)


def guess_field(header: str) -> str:
    """The field a header most likely names, or IGNORE."""
    key = header_key(header)
    if not key:
        return IGNORE
    if key in ALIASES:
        return ALIASES[key]
    # "Số điện thoại liên hệ", "Ngày sinh dd/mm/yyyy": the longest alias the
    # header starts with, word-wise. Short, vague aliases ("ten", "ho",
    # "nhom") must match exactly, or "Tên cơ quan" would be a given name.
    best = ""
    for alias in ALIASES:
        if len(alias) >= 5 and key.startswith(alias + " ") and len(alias) > len(best):
            best = alias
    return ALIASES[best] if best else IGNORE


def guess_mapping(headers: Sequence[str]) -> list[str]:
    """One field per column; a field already taken by an earlier column is not guessed again."""
    mapping: list[str] = []
    taken: set[str] = set()
    for header in headers:
        field = guess_field(header)
        if field in taken:
            field = IGNORE
        if field:
            taken.add(field)
        mapping.append(field)
    return mapping


class MappingError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_mapping(mapping: Sequence[str], headers: Sequence[str]) -> list[str]:
    """Validate a mapping chosen by the user; return it as a list the length of the headers."""
    mapping = list(mapping)[: len(headers)]
    mapping += [IGNORE] * (len(headers) - len(mapping))
    seen: dict[str, int] = {}
    for index, field in enumerate(mapping):
        if field not in FIELD_LABELS:
            raise MappingError(_("“%(field)s” is not a roster field.") % {"field": field})
        if field == IGNORE:
            continue
        if field in seen:
            raise MappingError(
                _("Columns “%(first)s” and “%(second)s” are both mapped to %(field)s.")
                % {"first": headers[seen[field]], "second": headers[index], "field": FIELD_LABELS[field]}
            )
        seen[field] = index
    if FULL_NAME not in seen and GIVEN_NAME not in seen:
        raise MappingError(_("No column holds the full name; choose which column does."))
    if FULL_NAME in seen and (GIVEN_NAME in seen or FAMILY_NAME in seen):
        raise MappingError(_("Map either one full name column or separate family and given name columns, not both."))
    return mapping


def apply_overrides(mapping: Sequence[str], headers: Sequence[str], overrides: Iterable[tuple[str, str]]) -> list[str]:
    """Apply (header, field) overrides, headers compared folded; the CLI's ``--map``."""
    mapping = list(mapping)
    keys = [header_key(h) for h in headers]
    for header, field in overrides:
        key = header_key(header)
        if key not in keys:
            raise MappingError(_("The file has no column “%(header)s”.") % {"header": header})
        if field not in FIELD_LABELS and field not in ("ignore", "-"):
            raise MappingError(_("“%(field)s” is not a roster field.") % {"field": field})
        field = IGNORE if field in ("ignore", "-") else field
        # Another column guessed as this field gives way to the explicit choice.
        if field:
            mapping = [IGNORE if f == field else f for f in mapping]
        for index, k in enumerate(keys):
            if k == key:
                mapping[index] = field
    return mapping
