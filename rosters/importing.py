"""The roster import pipeline: read, map, check every row, match, write.

A roster of 100,000 people has to go in within a minute and well under a
gigabyte, on SQLite as on PostgreSQL, so the pipeline streams:

1. **Read and check** (no database writes). Rows come one at a time from
   ``hocvuso.lib.spreadsheet``; each is checked on its own (name, dates, CCCD
   against birth date and gender, phone, email, group, unit) and against the
   rows before it (the same CCCD twice, the same person twice). A valid row is
   kept as a compact tuple (``_ROW_*`` below), never as a model instance.
2. **Match** against the people already recorded: by CCCD, else by folded
   name + birth date + an active membership in the row's unit, fetched in
   chunks of ``CHUNK`` with ``values_list``. A match with different data is a
   problem; otherwise the row creates, updates (fills blanks, adds the
   membership) or leaves the person unchanged.
3. **Write**, all or nothing, in one transaction, in batches of ``CHUNK``:
   new people and memberships through ``rosters.bulk`` (COPY on PostgreSQL,
   ``executemany`` on SQLite: a third of ``bulk_create``'s cost), filled
   blanks with ``bulk_update``; then one audit event.

When an import is committed, step 2 runs inside the write transaction so
that what is matched is what is written. On SQLite that transaction holds the
database's single write lock, so nothing else (the job's progress counter
included) can be written until it ends; that is why progress is reported row
by row during step 1 only, and step 3 is reported as "writing" (it is the
short part: seconds for 100,000 rows). The same rule is used on PostgreSQL to
keep one behaviour.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import IO, TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.actions import record_event
from hocvuso.db import subtree_q
from hocvuso.lib.cccd import CCCDError, decode_cccd, normalise_cccd, validate_cccd
from hocvuso.lib.phone import PhoneError, normalise_phone
from hocvuso.lib.spreadsheet import (
    DateError,
    GenderError,
    SpreadsheetError,
    Table,
    cell_text,
    parse_date,
    parse_gender,
    parse_year,
    read_table,
)
from hocvuso.lib.text import fold, title_name
from org.models import Unit
from people.actions import derive_name_fields
from people.models import Membership, Person, PersonGroup
from rosters import bulk
from rosters import columns as C
from rosters.problems import Problem

if TYPE_CHECKING:
    from rosters.models import ImportJob

CHUNK = 2000
PROGRESS_EVERY = 1000
SAMPLE_ROWS = 10

_NAME_MAX = Person._meta.get_field("full_name").max_length
_GIVEN_MAX = Person._meta.get_field("given_name").max_length
_POSITION_MAX = Membership._meta.get_field("position").max_length
_EMAIL_MAX = Person._meta.get_field("email").max_length
_DIGIT = re.compile(r"[0-9]")
_NOT_DIGIT = re.compile(r"[^0-9]")
_SCIENTIFIC = re.compile(r"[0-9.,]+[eE]\+?[0-9]+")
_SHEET_XML = re.compile(r"xl/worksheets/sheet([0-9]+)\.xml")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]+[0-9]+(?::[A-Z]+([0-9]+))?"')

# A valid row, as a tuple to keep 100,000 of them small.
(
    _ROW_NUMBER,
    _ROW_NAME,
    _ROW_SEARCH,
    _ROW_GENDER,
    _ROW_BIRTH,
    _ROW_CCCD,
    _ROW_PHONE,
    _ROW_EMAIL,
    _ROW_POSITION,
    _ROW_GROUP,
    _ROW_UNIT,
) = range(11)

# A person already recorded, as a mutable list (blanks get filled as rows
# match it, and later rows compare against the filled values).
_P_ID, _P_NAME, _P_SEARCH, _P_BIRTH, _P_GENDER, _P_CCCD, _P_PHONE, _P_EMAIL = range(8)
_PERSON_COLUMNS = ("id", "full_name", "search_name", "birth_date", "gender", "cccd", "phone", "email")
# Row slot -> person slot, for the fields compared and filled on a match.
_COMPARED = (
    (C.BIRTH_DATE, _ROW_BIRTH, _P_BIRTH),
    (C.GENDER, _ROW_GENDER, _P_GENDER),
    (C.CCCD, _ROW_CCCD, _P_CCCD),
    (C.PHONE, _ROW_PHONE, _P_PHONE),
    (C.EMAIL, _ROW_EMAIL, _P_EMAIL),
)
_PERSON_FIELD_OF_SLOT = {
    _P_BIRTH: "birth_date",
    _P_GENDER: "gender",
    _P_CCCD: "cccd",
    _P_PHONE: "phone",
    _P_EMAIL: "email",
}

ProgressCallback = Callable[[int], None]


class RosterError(Exception):
    """The file or the settings cannot be used at all (no row-level detail)."""

    def __init__(self, message: str, code: str = "unusable") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class Outcome:
    """What an import found and did. ``created``/``updated``/``unchanged`` are
    what was written, or what would be written for a check or dry run."""

    headers: list[str]
    mapping: list[str]
    rows_total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    problems: list[Problem] = field(default_factory=list)
    unit_questions: list[dict] = field(default_factory=list)
    sample: list[dict] = field(default_factory=list)
    written: bool = False

    @property
    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows_total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }


# --------------------------------------------------------------------------
# Reading


def open_roster(source: str | IO[bytes], *, filename: str | None = None) -> Table:
    """Open a roster file and find its header row; RosterError if it cannot be used."""
    try:
        return read_table(source, filename=filename, known_headers=C.KNOWN_HEADERS)
    except SpreadsheetError as exc:
        raise RosterError(exc.message, exc.code) from exc
    except OSError as exc:
        raise RosterError(f"The file cannot be opened: {exc.strerror or exc}.", "unreadable") from exc


def estimate_rows(path: str) -> int | None:
    """A cheap estimate of the data rows, for a progress bar before the file is read.

    For a workbook, the <dimension> near the start of the first sheet (Excel
    always writes it), else a count of <row> tags in the decompressed sheet,
    which takes a fraction of the time parsing it does; for CSV, lines.
    """
    try:
        with open(path, "rb") as stream:
            is_zip = stream.read(4) == b"PK\x03\x04"
            if not is_zip:
                stream.seek(0)
                lines = 0
                while chunk := stream.read(1 << 20):
                    lines += chunk.count(b"\n")
                return lines
        with zipfile.ZipFile(path) as archive:
            sheets = [n for n in archive.namelist() if _SHEET_XML.fullmatch(n)]
            if not sheets:
                return None
            first = min(sheets, key=lambda n: int(_SHEET_XML.fullmatch(n).group(1)))
            with archive.open(first) as sheet:
                head = sheet.read(1 << 16)
                match = _DIMENSION.search(head)
                if match and match.group(1):
                    return max(0, int(match.group(1)) - 1)
                rows, tail = head.count(b"<row"), head[-8:]
                while chunk := sheet.read(1 << 20):
                    rows += (tail + chunk).count(b"<row") - tail.count(b"<row")
                    tail = chunk[-8:]
                return max(0, rows - 1)
    except (OSError, zipfile.BadZipFile, ValueError):  # only an estimate: the real read reports a damaged file
        return None


# --------------------------------------------------------------------------
# Step 1: checking rows one by one


@dataclass(frozen=True, slots=True)
class _UnitAnswer:
    unit_id: int | None
    code: str = ""
    params: dict | None = None


class _GroupIndex:
    def __init__(self) -> None:
        self.by_key: dict[str, int] = {}
        self.name_of: dict[int, str] = {}
        for pk, slug, name, name_en in PersonGroup.objects.values_list("id", "slug", "name", "name_en"):
            self.name_of[pk] = name
            for key in (fold(name), fold(name_en), slug, fold(slug.replace("-", " "))):
                if key:
                    self.by_key.setdefault(key, pk)
        self.names = ", ".join(self.name_of.values())


class RowChecker:
    """Checks rows of one file; remembers earlier rows to spot duplicates."""

    def __init__(
        self,
        *,
        org: Unit,
        headers: Sequence[str],
        mapping: Sequence[str],
        unit_choices: dict[str, int] | None = None,
        date1904: bool = False,
    ) -> None:
        from org.resolve import UnitResolver

        self.org = org
        self.headers = list(headers)
        self.date1904 = date1904
        self.column = {f: i for i, f in enumerate(mapping) if f}
        self.mapped = sorted(self.column.values())
        self.groups = _GroupIndex()
        self.resolver = UnitResolver(root=org)
        self.unit_choices = self._load_choices(unit_choices or {})
        self._units: dict[str, _UnitAnswer] = {}
        self._unit_cells: dict[object, tuple[str, _UnitAnswer]] = {}
        self._groups: dict[object, int | None] = {}
        self._genders: dict[object, str | None] = {}
        self.questions: dict[str, dict] = {}
        self.seen_cccd: dict[str, int] = {}
        self.seen_person: dict[tuple, tuple[int, str | None]] = {}

    def _load_choices(self, choices: dict[str, int]) -> dict[str, int]:
        """Keep only choices of units inside the import's organisation."""
        ids = {int(pk) for pk in choices.values() if str(pk).isdigit()}
        inside = set(Unit.objects.filter(subtree_q(self.org.path), pk__in=ids).values_list("id", flat=True))
        return {fold(k): int(v) for k, v in choices.items() if str(v).isdigit() and int(v) in inside}

    def index(self, field_name: str) -> int:
        """Column of a field; the given-name column stands for the name when split in two."""
        index = self.column.get(field_name)
        if index is None and field_name == C.FULL_NAME:
            index = self.column.get(C.GIVEN_NAME)
        return -1 if index is None else index

    def header(self, field_name: str) -> str:
        index = self.index(field_name)
        return self.headers[index] if 0 <= index < len(self.headers) else ""

    def is_blank(self, cells: Sequence[object]) -> bool:
        """Only ignored columns filled (a pre-numbered template's STT): not a row."""
        return all(cells[i] is None for i in self.mapped if i < len(cells))

    def check(self, number: int, cells: Sequence[object]) -> tuple[tuple | None, list[Problem]]:
        """Return (valid row tuple, []) or (None, problems in column order)."""
        found: list[tuple[int, Problem]] = []
        col = self.column

        def raw(field_name: str) -> object:
            index = col.get(field_name)
            return None if index is None or index >= len(cells) else cells[index]

        def add(field_name: str, code: str, params: dict | None = None) -> None:
            if field_name == C.FULL_NAME and C.FULL_NAME not in col:
                shown = f"{cell_text(raw(C.FAMILY_NAME))} {cell_text(raw(C.GIVEN_NAME))}".strip()
            else:
                shown = cell_text(raw(field_name))
            found.append((self.index(field_name), Problem(number, self.header(field_name), shown, code, params or {})))

        # Name. title_name() applies nfc() (composed, invisible characters
        # and extra spaces removed), so text cells need no cell_text() first.
        if C.FULL_NAME in col:
            value = raw(C.FULL_NAME)
            name = title_name(value if isinstance(value, str) else cell_text(value))
        else:
            name = title_name(f"{cell_text(raw(C.FAMILY_NAME))} {cell_text(raw(C.GIVEN_NAME))}")
        search = ""
        if not name:
            add(C.FULL_NAME, "name_missing")
        elif _DIGIT.search(name):
            add(C.FULL_NAME, "name_digits")
        elif not any(ch.isalpha() for ch in name):
            add(C.FULL_NAME, "name_no_letters")
        elif len(name) > _NAME_MAX:
            add(C.FULL_NAME, "name_too_long", {"max": _NAME_MAX})
        elif len(name.rsplit(" ", 1)[-1]) > _GIVEN_MAX:
            add(C.FULL_NAME, "given_name_too_long", {"max": _GIVEN_MAX})
        else:
            search = fold(name)

        # Gender
        gender = ""
        value = raw(C.GENDER)
        if value is not None:
            if value not in self._genders:
                try:
                    self._genders[value] = parse_gender(value) or ""
                except GenderError:
                    self._genders[value] = None
            gender = self._genders[value]
            if gender is None:
                gender = ""
                add(C.GENDER, "gender_unknown")

        # Birth date and year
        birth: dt.date | None = None
        value = raw(C.BIRTH_DATE)
        if value is not None:
            try:
                birth = parse_date(value, date1904=self.date1904)
            except DateError as exc:
                add(C.BIRTH_DATE, _date_code(exc))
        year: int | None = None
        value = raw(C.BIRTH_YEAR)
        if value is not None:
            try:
                year = parse_year(value)
            except DateError as exc:
                add(C.BIRTH_YEAR, "year_bad_format" if exc.code == "bad_format" else "year_out_of_range")
            else:
                if birth is not None and birth.year != year:
                    add(C.BIRTH_YEAR, "year_mismatch", {"year": birth.year})
                    year = None

        # CCCD
        cccd: str | None = None
        value = raw(C.CCCD)
        if value is not None:
            try:
                cccd = validate_cccd(
                    value,
                    birth_date=birth,
                    birth_year=year if birth is None else None,
                    gender=gender or None,
                )
            except CCCDError as exc:
                if exc.code != "empty":
                    code, params = _cccd_problem(value, exc, birth.year if birth else year)
                    add(C.CCCD, code, params)
                    # A number that is well formed but contradicts the row is
                    # still that number, and a duplicate of it is worth saying.
                    if exc.code in ("birth_year_mismatch", "gender_mismatch"):
                        self.seen_cccd.setdefault(normalise_cccd(value), number)

        # Phone and email
        phone = ""
        value = raw(C.PHONE)
        if value is not None:
            try:
                phone = normalise_phone(value)
            except PhoneError as exc:
                if exc.code != "empty":
                    add(C.PHONE, _PHONE_CODES.get(exc.code, "phone_not_a_phone"))
        email = ""
        value = raw(C.EMAIL)
        if value is not None:
            email = cell_text(value)
            if len(email) > _EMAIL_MAX:
                add(C.EMAIL, "email_too_long")
                email = ""
            else:
                try:
                    validate_email(email)
                except ValidationError:
                    add(C.EMAIL, "email_invalid")
                    email = ""

        # Membership: position, group, unit
        position = cell_text(raw(C.POSITION))
        if len(position) > _POSITION_MAX:
            add(C.POSITION, "position_too_long", {"max": _POSITION_MAX})
        group_id = None
        value = raw(C.GROUP)
        if value is not None:
            group_id = self._group(value)
            if group_id is None:
                add(C.GROUP, "group_unknown", {"groups": self.groups.names})
        answer = self._unit(raw(C.UNIT))
        if answer.unit_id is None:
            add(C.UNIT, answer.code, answer.params)

        # The same person twice in the file
        if cccd:
            earlier = self.seen_cccd.get(cccd)
            if earlier is not None:
                add(C.CCCD, "duplicate_cccd", {"row": earlier})
            else:
                self.seen_cccd[cccd] = number
        if search and answer.unit_id is not None:
            key = (search, birth, answer.unit_id)
            earlier_person = self.seen_person.get(key)
            if earlier_person is None:
                self.seen_person[key] = (number, cccd)
            elif not (cccd and earlier_person[1] and cccd != earlier_person[1]):
                # Two different CCCDs are two people who share a name and birthday.
                add(C.FULL_NAME, "duplicate_person", {"row": earlier_person[0]})

        if found:
            found.sort(key=lambda item: item[0])
            return None, [problem for _, problem in found]
        return (
            number, name, search, gender, birth, cccd, phone, email, position, group_id, answer.unit_id,
        ), []  # fmt: skip

    # Group, gender and unit columns repeat a few values over thousands of
    # rows, so their answers are cached by the cell value as read.

    def _group(self, value: object) -> int | None:
        if value not in self._groups:
            self._groups[value] = self.groups.by_key.get(fold(cell_text(value)))
        return self._groups[value]

    def _unit(self, value: object) -> _UnitAnswer:
        cached = self._unit_cells.get(value)
        if cached is None:
            text = cell_text(value)
            key = fold(text)
            answer = self._units.get(key)
            if answer is None:
                answer = self._units[key] = self._resolve(text, key)
            cached = self._unit_cells[value] = (key, answer)
        key, answer = cached
        question = self.questions.get(key)
        if question is not None:
            question["rows"] += 1
        return answer

    def _resolve(self, text: str, key: str) -> _UnitAnswer:
        org = self.org
        if not key:
            return _UnitAnswer(org.pk)
        chosen = self.unit_choices.get(key)
        if chosen is not None:
            # Asked again (with the answer given) so the choice can be changed.
            self._question(text, key, self.resolver.resolve(text), chosen)
            return _UnitAnswer(chosen)
        resolution = self.resolver.resolve(text)
        error = resolution.error
        unit = resolution.unit
        if error is None and unit is not None:
            if not unit.path.startswith(org.path):
                return _UnitAnswer(None, "unit_outside", {"org": org.name})
            if not unit.is_active:
                return _UnitAnswer(None, "unit_inactive")
            return _UnitAnswer(unit.id)
        if error in ("split", "ambiguous"):
            candidates = self._question(text, key, resolution)
            if not candidates:
                return _UnitAnswer(None, "unit_outside", {"org": org.name})
            code = "unit_split" if error == "split" else "unit_ambiguous"
            return _UnitAnswer(None, code, {"candidates": "; ".join(c.label for c in candidates)})
        if error == "outside_scope":
            return _UnitAnswer(None, "unit_outside", {"org": org.name})
        return _UnitAnswer(None, "unit_unknown", {"org": org.name})

    def _question(self, text: str, key: str, resolution, chosen: int | None = None) -> list:
        """Record a unit value the user must (or did) settle; return its candidates."""
        if resolution.error not in ("split", "ambiguous"):
            return []
        candidates = [c for c in resolution.candidates if c.path.startswith(self.org.path) and c.is_active]
        if candidates:
            self.questions[key] = {
                "value": text,
                "key": key,
                "error": resolution.error,
                "rows": 0,
                "chosen": chosen,
                "candidates": [[c.id, c.label] for c in candidates],
            }
        return candidates


_PHONE_CODES = {
    "not_a_phone": "phone_not_a_phone",
    "multiple_numbers": "phone_multiple",
    "bad_characters": "phone_characters",
    "not_vietnamese": "phone_foreign",
    "wrong_length": "phone_length",
    "bad_prefix": "phone_prefix",
}

_CENTURY_OF_DIGIT = {"0": 1900, "1": 1900, "2": 2000, "3": 2000, "4": 2100, "5": 2100, "6": 2200, "7": 2200}


def _date_code(exc: DateError) -> str:
    if exc.code == "out_of_range":
        return "date_future" if "future" in exc.message else "date_too_early"
    return {
        "impossible_date": "date_impossible",
        "year_only": "date_year_only",
    }.get(exc.code, "date_bad_format")


def _cccd_problem(value: object, exc: CCCDError, year: int | None) -> tuple[str, dict]:
    """Our own reason (translatable, with parameters) for a CCCD the library refused."""
    text = cell_text(value)
    if exc.code == "not_digits":
        return ("cccd_scientific" if _SCIENTIFIC.fullmatch(text) else "cccd_not_digits"), {}
    if exc.code == "wrong_length":
        digits = _NOT_DIGIT.sub("", text)
        if len(digits) == 9:
            return "cccd_cmnd", {}
        return "cccd_length", {"count": len(digits)}
    try:
        number = normalise_cccd(value)
    except CCCDError:
        return "cccd_invalid", {}
    if exc.code == "bad_province":
        return "cccd_province", {"code": number[:3]}
    century = _CENTURY_OF_DIGIT.get(number[3], 1800)
    if exc.code == "bad_century":
        return "cccd_century", {"digit": number[3], "year": century + int(number[4:6])}
    if exc.code == "bad_birth_year":
        return "cccd_future", {"year": century + int(number[4:6])}
    if exc.code == "birth_year_mismatch":
        return "cccd_birth_year", {"cccd_year": decode_cccd(number).birth_year, "year": year}
    if exc.code == "gender_mismatch":
        return ("cccd_male" if decode_cccd(number).gender == "male" else "cccd_female"), {}
    return "cccd_invalid", {}


# --------------------------------------------------------------------------
# Step 2: matching people already recorded


@dataclass
class _Plan:
    """What to write, as ids and tuples; built by _match."""

    new_rows: list[tuple] = field(default_factory=list)
    # person id -> person state (a list, see _P_*) for people whose fields get filled
    person_fills: dict[int, list] = field(default_factory=dict)
    fill_fields: set[str] = field(default_factory=set)
    # (person id, unit id, group id, position, is_primary)
    memberships_to_add: list[tuple] = field(default_factory=list)
    # membership id -> (group id, position)
    membership_fills: dict[int, tuple] = field(default_factory=dict)
    updated: int = 0
    unchanged: int = 0


def _chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _match(rows: list[tuple], checker: RowChecker, problems: list[Problem]) -> _Plan:
    plan = _Plan()
    people: dict[int, list] = {}

    # By CCCD
    by_cccd: dict[str, int] = {}
    cccds = [row[_ROW_CCCD] for row in rows if row[_ROW_CCCD]]
    for chunk in _chunks(cccds):
        for record in Person.objects.filter(cccd__in=chunk).values_list(*_PERSON_COLUMNS):
            people[record[0]] = list(record)
            by_cccd[record[_P_CCCD]] = record[0]

    # By name + birth date + active membership in the row's unit, for rows
    # without a known CCCD. One query per chunk of names, limited to the units
    # the file names.
    by_key: dict[tuple, list[int]] = {}
    wanted = [row for row in rows if not (row[_ROW_CCCD] and row[_ROW_CCCD] in by_cccd)]
    unit_ids = sorted({row[_ROW_UNIT] for row in wanted})
    if wanted and Membership.objects.filter(unit_id__in=unit_ids, ended_on__isnull=True).exists():
        names = sorted({row[_ROW_SEARCH] for row in wanted})
        for chunk in _chunks(names):
            found = Membership.objects.filter(
                unit_id__in=unit_ids, ended_on__isnull=True, person__search_name__in=chunk
            ).values_list("unit_id", *(f"person__{c}" for c in _PERSON_COLUMNS))
            for unit_id, *record in found:
                people.setdefault(record[0], record)
                by_key.setdefault((record[_P_SEARCH], record[_P_BIRTH], unit_id), []).append(record[0])

    # Active memberships of matched people in the units of the file
    memberships: dict[tuple[int, int], list] = {}
    with_primary: set[int] = set()
    matched_ids = sorted(people)
    for chunk in _chunks(matched_ids):
        found = Membership.objects.filter(person_id__in=chunk, ended_on__isnull=True).values_list(
            "id", "person_id", "unit_id", "group_id", "position", "is_primary"
        )
        for membership_id, person_id, unit_id, group_id, position, is_primary in found:
            memberships[(person_id, unit_id)] = [membership_id, group_id, position]
            if is_primary:
                with_primary.add(person_id)

    for row in rows:
        person_id = by_cccd.get(row[_ROW_CCCD]) if row[_ROW_CCCD] else None
        how = "existing_cccd_conflict"
        if person_id is None:
            how = "existing_person_conflict"
            ids = by_key.get((row[_ROW_SEARCH], row[_ROW_BIRTH], row[_ROW_UNIT]), [])
            # A recorded person with another CCCD is someone else with the same name.
            ids = [i for i in ids if not (row[_ROW_CCCD] and people[i][_P_CCCD])]
            person_id = ids[0] if ids else None
        if person_id is None:
            plan.new_rows.append(row)
            continue
        _merge(row, people[person_id], memberships, with_primary, how, checker, plan, problems)
    return plan


def _merge(row, person, memberships, with_primary, how, checker, plan, problems) -> None:
    """Compare a row with the person it matched; record fills or conflicts."""
    number = row[_ROW_NUMBER]
    conflicts: list[Problem] = []

    def conflict(field_name: str, code: str, shown: object) -> None:
        conflicts.append(
            Problem(
                number,
                checker.header(field_name),
                _cell_of(row, field_name, checker),
                code,
                {"field": field_name, "value": shown},
            )
        )

    if fold(person[_P_NAME]) != row[_ROW_SEARCH]:
        conflict(C.FULL_NAME, how, person[_P_NAME])
    fills: list[tuple[int, object]] = []
    for field_name, row_slot, person_slot in _COMPARED:
        new, old = row[row_slot], person[person_slot]
        if not new:
            continue
        if not old:
            fills.append((person_slot, new))
        elif new != old and not (person_slot == _P_EMAIL and new.lower() == old.lower()):
            conflict(field_name, how, _display(person_slot, old))

    key = (person[_P_ID], row[_ROW_UNIT])
    membership = memberships.get(key)
    membership_fill = None
    if membership is not None:
        membership_id, group_id, position = membership
        new_group, new_position = row[_ROW_GROUP], row[_ROW_POSITION]
        if new_group and group_id and new_group != group_id:
            conflict(C.GROUP, "existing_membership_conflict", checker.groups.name_of.get(group_id, ""))
        if new_position and position and fold(new_position) != fold(position):
            conflict(C.POSITION, "existing_membership_conflict", position)
        if membership_id is not None and ((new_group and not group_id) or (new_position and not position)):
            membership_fill = (membership_id, group_id or new_group, position or new_position)

    if conflicts:
        problems.extend(conflicts)
        return
    for slot, new in fills:
        person[slot] = new
        plan.fill_fields.add(_PERSON_FIELD_OF_SLOT[slot])
    if fills:
        plan.person_fills[person[_P_ID]] = person
    if membership_fill is not None:
        membership_id, group_id, position = membership_fill
        plan.membership_fills[membership_id] = (group_id, position)
        membership[1], membership[2] = group_id, position
    changed = bool(fills) or membership_fill is not None
    if membership is None:
        # Like people.actions.add_membership: primary if the person has no
        # other current primary membership.
        primary = person[_P_ID] not in with_primary
        with_primary.add(person[_P_ID])
        memberships[key] = [None, row[_ROW_GROUP], row[_ROW_POSITION]]
        plan.memberships_to_add.append((person[_P_ID], row[_ROW_UNIT], row[_ROW_GROUP], row[_ROW_POSITION], primary))
        changed = True
    if changed:
        plan.updated += 1
    else:
        plan.unchanged += 1


def _display(slot: int, value: object) -> str:
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if slot == _P_GENDER:
        return {"male": "Nam", "female": "Nữ"}.get(value, str(value))
    if slot == _P_PHONE and isinstance(value, str) and value.startswith("+84"):
        return "0" + value[3:]
    return str(value)


def _cell_of(row: tuple, field_name: str, checker: RowChecker) -> str:
    slot = {
        C.FULL_NAME: _ROW_NAME,
        C.BIRTH_DATE: _ROW_BIRTH,
        C.GENDER: _ROW_GENDER,
        C.CCCD: _ROW_CCCD,
        C.PHONE: _ROW_PHONE,
        C.EMAIL: _ROW_EMAIL,
        C.POSITION: _ROW_POSITION,
    }.get(field_name)
    if slot is None:
        return ""
    value = row[slot]
    if slot == _ROW_GENDER:
        return _display(_P_GENDER, value)
    if slot == _ROW_PHONE:
        return _display(_P_PHONE, value)
    return cell_text(value)


# --------------------------------------------------------------------------
# Step 3: writing


# Every column of a person and of a membership, in the order the tuples
# given to bulk.insert_rows hold them (tests check nothing is left out).
PERSON_COLUMNS = (
    "id", "full_name", "given_name", "sort_name", "search_name", "gender", "birth_date", "cccd", "phone", "email",
    "created_at", "updated_at",
)  # fmt: skip
MEMBERSHIP_COLUMNS = (
    "person", "unit", "group", "position", "is_primary", "started_on", "ended_on", "created_at",
)  # fmt: skip


def _write(plan: _Plan) -> None:
    now = timezone.now()
    stamp = bulk.db_datetime(now)
    # derive_name_fields() fills name columns on any object; a plain one
    # spares building a model instance per row.
    names = SimpleNamespace()
    for chunk in _chunks(plan.new_rows):
        people, memberships = [], []
        for pk, row in zip(bulk.reserve_ids(Person, len(chunk)), chunk, strict=True):
            names.full_name = row[_ROW_NAME]
            derive_name_fields(names)
            people.append(
                (
                    pk, names.full_name, names.given_name, names.sort_name, names.search_name,
                    row[_ROW_GENDER], row[_ROW_BIRTH], row[_ROW_CCCD], row[_ROW_PHONE], row[_ROW_EMAIL], stamp, stamp,
                )
            )  # fmt: skip
            memberships.append((pk, row[_ROW_UNIT], row[_ROW_GROUP], row[_ROW_POSITION], True, None, None, stamp))
        bulk.insert_rows(Person, PERSON_COLUMNS, people)
        bulk.insert_rows(Membership, MEMBERSHIP_COLUMNS, memberships)

    if plan.person_fills:
        fields = sorted(plan.fill_fields) + ["updated_at"]
        states = list(plan.person_fills.values())
        for chunk in _chunks(states):
            Person.objects.bulk_update(
                [
                    Person(
                        pk=state[_P_ID],
                        birth_date=state[_P_BIRTH],
                        gender=state[_P_GENDER],
                        cccd=state[_P_CCCD],
                        phone=state[_P_PHONE],
                        email=state[_P_EMAIL],
                        updated_at=now,
                    )
                    for state in chunk
                ],
                fields,
                batch_size=CHUNK,
            )

    today = timezone.localdate()
    for chunk in _chunks(plan.memberships_to_add):
        bulk.insert_rows(
            Membership,
            MEMBERSHIP_COLUMNS,
            [
                (person_id, unit_id, group_id, position, is_primary, today, None, stamp)
                for person_id, unit_id, group_id, position, is_primary in chunk
            ],
        )

    if plan.membership_fills:
        items = list(plan.membership_fills.items())
        for chunk in _chunks(items):
            Membership.objects.bulk_update(
                [Membership(pk=pk, group_id=group_id, position=position) for pk, (group_id, position) in chunk],
                ["group", "position"],
                batch_size=CHUNK,
            )


# --------------------------------------------------------------------------
# The whole import


def prepare_mapping(
    headers: Sequence[str],
    mapping: Sequence[str] | None = None,
    overrides: Iterable[tuple[str, str]] = (),
) -> list[str]:
    """The mapping to use: the given one, or the guessed one with overrides; MappingError if unusable."""
    chosen = list(mapping) if mapping else C.guess_mapping(headers)
    chosen = C.apply_overrides(chosen, headers, overrides)
    return C.check_mapping(chosen, headers)


def run_import(
    source: str | IO[bytes],
    *,
    org: Unit,
    filename: str | None = None,
    mapping: Sequence[str] | None = None,
    overrides: Iterable[tuple[str, str]] = (),
    unit_choices: dict[str, int] | None = None,
    only_valid: bool = False,
    dry_run: bool = False,
    actor=None,
    progress: ProgressCallback | None = None,
    on_writing: Callable[[], object] | None = None,
    after_write: Callable[[Outcome], ImportJob | None] | None = None,
) -> Outcome:
    """Check a roster and, unless ``dry_run``, import it all or nothing.

    With ``only_valid`` the valid rows are imported even when others are
    rejected. ``progress(rows_done)`` is called every PROGRESS_EVERY rows
    while checking; ``on_writing()`` just before the write transaction opens
    (from then on nothing else can be written on SQLite); ``after_write(outcome)``
    inside that transaction after the writes, to store the job's result with
    the data: the job it returns is the target of the audit event. Raises
    RosterError for a file that cannot be read or mapped.
    """
    table = open_roster(source, filename=filename)
    filename = filename or table.filename or ""
    with table:
        try:
            chosen = prepare_mapping(table.headers, mapping, overrides)
        except C.MappingError as exc:
            raise RosterError(exc.message, "bad_mapping") from exc
        outcome = Outcome(headers=list(table.headers), mapping=chosen)
        checker = RowChecker(
            org=org, headers=table.headers, mapping=chosen, unit_choices=unit_choices, date1904=table.date1904
        )
        try:
            valid = _check_rows(table.rows, checker, outcome, progress)
        except SpreadsheetError as exc:
            raise RosterError(exc.message, exc.code) from exc

    outcome.unit_questions = sorted(checker.questions.values(), key=lambda q: q["value"])
    pass_one_rejected = outcome.rejected

    def match() -> _Plan:
        problems: list[Problem] = []
        plan = _match(valid, checker, problems)
        outcome.problems.extend(problems)
        outcome.problems.sort(key=lambda p: p.row)
        outcome.rejected = pass_one_rejected + len({p.row for p in problems})
        outcome.created = len(plan.new_rows)
        outcome.updated = plan.updated
        outcome.unchanged = plan.unchanged
        return plan

    if dry_run or (outcome.rejected and not only_valid):
        match()
        return outcome

    if on_writing is not None:
        on_writing()
    try:
        with transaction.atomic():
            plan = match()
            if outcome.rejected and not only_valid:
                return outcome
            _write(plan)
            outcome.written = True
            job = after_write(outcome) if after_write is not None else None
            record_event(
                actor=actor,
                action="roster.import",
                target_type="import",
                target_id=job.pk if job is not None else "",
                target_label=filename,
                unit_path=org.path,
                changes={"file": filename, "only_valid": only_valid, **outcome.counts},
            )
    except IntegrityError as exc:
        # Another import or edit recorded one of these CCCDs after we matched.
        raise RosterError(
            "Someone recorded some of these people while the file was being imported; run the import again.",
            "conflict",
        ) from exc
    return outcome


def _check_rows(rows: Iterator, checker: RowChecker, outcome: Outcome, progress: ProgressCallback | None) -> list:
    valid: list[tuple] = []
    problems = outcome.problems
    sample = outcome.sample
    done = 0
    for number, cells in rows:
        if checker.is_blank(cells):
            continue
        done += 1
        row, found = checker.check(number, cells)
        if row is None:
            outcome.rejected += 1
            problems.extend(found)
        else:
            valid.append(row)
        if len(sample) < SAMPLE_ROWS:
            sample.append({"row": number, "cells": [cell_text(c) for c in cells], "ok": row is not None})
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
    outcome.rows_total = done
    if progress is not None:
        progress(done)
    return valid
