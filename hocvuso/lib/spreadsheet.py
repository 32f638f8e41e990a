"""Reading roster files (.xlsx and CSV) and interpreting their cells.

Rosters come from commune and school offices: Excel files with a title row
above the header, numbers that lost their leading zeros, dates typed as text,
CSV files saved by old Vietnamese Windows in Windows-1258. Everything here
streams, because a province-wide roster can have 100,000 rows.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, NamedTuple

import openpyxl
from openpyxl.utils.datetime import MAC_EPOCH

from hocvuso.lib.text import fold, nfc

# The header is looked for among this many non-blank rows; title blocks above
# real headers are a few rows at most, and data rows must not be mistaken for
# a header further down.
HEADER_SEARCH_ROWS = 10

_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"
# OLE2 compound file: legacy .xls, and also password-protected .xlsx files,
# which Excel wraps in an encrypted OLE container.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_SNIFF_BYTES = 64 * 1024
_SCAN_CHUNK = 256 * 1024
_CSV_DELIMITERS = (",", ";", "\t")

_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)*")
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_HEADER_TRIM = " *:.-_"


class _CodedError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):
        return (type(self), (self.code, self.message))


class SpreadsheetError(_CodedError):
    """The file as a whole cannot be read."""


class DateError(_CodedError):
    """A cell does not hold a usable date or year."""


class GenderError(_CodedError):
    """A cell does not hold a recognisable gender."""


class Row(NamedTuple):
    number: int
    """1-based row number as the user sees it in Excel (CSV: record number)."""
    cells: list[object]


@dataclass
class Table:
    """A roster being read. ``rows`` is a one-shot stream of non-blank data rows.

    Use as a context manager (or call :meth:`close`) when not reading ``rows``
    to the end, so the file is released promptly.
    """

    headers: list[str]
    rows: Iterator[Row]
    header_row_number: int
    format: str
    sheet_name: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    # Serial numbers in workbooks saved with the 1904 date system (old Mac
    # Excel) count from 1904; pass this to parse_date.
    date1904: bool = False
    filename: str | None = None
    _cleanups: list[Callable[[], object]] = field(default_factory=list, repr=False)

    @property
    def header_keys(self) -> list[str]:
        return [header_key(h) for h in self.headers]

    def close(self) -> None:
        close = getattr(self.rows, "close", None)
        if close is not None:
            close()
        _run_cleanups(self._cleanups)

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# --------------------------------------------------------------------------
# Cells


def cell_text(value: object) -> str:
    """Text of a cell as the user would read it: None -> "", 123.0 -> "123"."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        # Excel shows at most 15 significant digits; more is float noise.
        return format(value, ".15g")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return nfc(str(value))


def header_key(value: object) -> str:
    """Folded column name used to match headers: "Họ và tên (*)" -> "ho va ten"."""
    text = _BRACKETED.sub(" ", cell_text(value))
    return " ".join(fold(text).strip(_HEADER_TRIM).split())


_TIME_SUFFIX = r"(?:[ T]+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"
_DMY = re.compile(r"([0-9]{1,2})\s*([/.\-])\s*([0-9]{1,2})\s*\2\s*([0-9]{4}|[0-9]{2})" + _TIME_SUFFIX)
_YMD = re.compile(r"([0-9]{4})([/.\-])([0-9]{1,2})\2([0-9]{1,2})" + _TIME_SUFFIX)
_SERIAL_TEXT = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_YEAR_TEXT = re.compile(r"([0-9]{4})(?:\.0+)?")

_EARLIEST = dt.date(1900, 1, 1)
# Excel's 1900 date system counts 29/02/1900, a day that never existed (a
# bug kept for Lotus 1-2-3 compatibility), so serials from 61 are one day
# ahead of a plain count from 31/12/1899.
_EXCEL_1900_EPOCH_BEFORE_BUG = dt.date(1899, 12, 31)
_EXCEL_1900_EPOCH_AFTER_BUG = dt.date(1899, 12, 30)
_EXCEL_FAKE_LEAP_DAY = 60
_EXCEL_1904_EPOCH = dt.date(1904, 1, 1)


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _check_range(day: dt.date, earliest: dt.date, latest: dt.date | None) -> dt.date:
    latest = latest or dt.date.today()
    if day > latest:
        if latest == dt.date.today():
            raise DateError("out_of_range", f"Date {_fmt(day)} is in the future.")
        raise DateError("out_of_range", f"Date {_fmt(day)} is after {_fmt(latest)}.")
    if day < earliest:
        raise DateError("out_of_range", f"Date {_fmt(day)} is before {_fmt(earliest)}.")
    return day


def _from_serial(number: float, date1904: bool) -> dt.date:
    if number.is_integer() and 1900 <= number <= dt.date.today().year:
        # As a serial this would be a day in 1905, which no birth date is;
        # the roster almost certainly holds just the year of birth.
        raise DateError(
            "year_only",
            f"{int(number)} is only a year; enter the full date as dd/mm/yyyy.",
        )
    if not math.isfinite(number):
        raise DateError("bad_format", f"{cell_text(number)} is not a date.")
    days = int(number)  # a fraction is the time of day
    if days < (0 if date1904 else 1):
        raise DateError("bad_format", f"{cell_text(number)} is not a date.")
    try:
        if date1904:
            return _EXCEL_1904_EPOCH + dt.timedelta(days=days)
        if days == _EXCEL_FAKE_LEAP_DAY:
            raise DateError(
                "impossible_date",
                "Excel date 60 is 29/02/1900, which did not exist.",
            )
        if days < _EXCEL_FAKE_LEAP_DAY:
            return _EXCEL_1900_EPOCH_BEFORE_BUG + dt.timedelta(days=days)
        return _EXCEL_1900_EPOCH_AFTER_BUG + dt.timedelta(days=days)
    except OverflowError:
        raise DateError("out_of_range", f"{cell_text(number)} is not a date.") from None


def _make_date(text: str, year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        if month > 12 and 1 <= day <= 12:
            raise DateError(
                "impossible_date",
                f"{text} is not a real date: dates are day/month/year and {month} is not a month.",
            ) from None
        raise DateError("impossible_date", f"{text} is not a real date.") from None


def _from_text(text: str, date1904: bool) -> dt.date:
    if _SERIAL_TEXT.fullmatch(text):
        return _from_serial(float(text), date1904)
    match = _YMD.fullmatch(text)
    if match:
        year, _, month, day = match.groups()
        return _make_date(text, int(year), int(month), int(day))
    match = _DMY.fullmatch(text)
    if match:
        day_s, _, month_s, year_s = match.groups()
        day, month, year = int(day_s), int(month_s), int(year_s)
        if len(year_s) == 2:
            # Two-digit years belong to whichever century puts the date in
            # the past: 05 is 2005 today, 95 is 1995.
            today = dt.date.today()
            year += 2000
            if (year, month, day) > (today.year, today.month, today.day):
                year -= 100
        return _make_date(text, year, month, day)
    raise DateError("bad_format", f"{text} is not a date; use dd/mm/yyyy.")


def parse_date(
    value: object,
    *,
    date1904: bool = False,
    earliest: dt.date = _EARLIEST,
    latest: dt.date | None = None,
) -> dt.date:
    """Interpret a cell as a date, day-first, within ``earliest``..``latest``.

    ``latest`` defaults to today, which suits birth dates. Month-first (US)
    order is never tried: Vietnamese rosters are day/month/year, and guessing
    would silently swap day and month for the first 12 days of each month.
    """
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, bool):
        raise DateError("bad_format", f"{value} is not a date.")
    elif isinstance(value, int | float):
        day = _from_serial(float(value), date1904)
    else:
        text = cell_text(value)
        if not text:
            raise DateError("empty", "Date is missing.")
        day = _from_text(text, date1904)
    return _check_range(day, earliest, latest)


def parse_year(value: object, *, earliest: int = 1900, latest: int | None = None) -> int:
    """Interpret a cell that holds only a year (e.g. year of birth)."""
    if isinstance(value, dt.date):  # datetime is a subclass of date
        year = value.year
    elif isinstance(value, bool):
        raise DateError("bad_format", f"{value} is not a year.")
    elif isinstance(value, int):
        year = value
    elif isinstance(value, float) and value.is_integer():
        year = int(value)
    else:
        text = cell_text(value)
        if not text:
            raise DateError("empty", "Year is missing.")
        match = _YEAR_TEXT.fullmatch(text)
        if not match:
            raise DateError("bad_format", f"{text} is not a year; use 4 digits such as 1990.")
        year = int(match.group(1))
    latest = dt.date.today().year if latest is None else latest
    if not earliest <= year <= latest:
        raise DateError("out_of_range", f"Year {year} is outside {earliest}-{latest}.")
    return year


_MALE = frozenset({"nam", "m", "male"})
_FEMALE = frozenset({"nu", "f", "female"})


def parse_gender(value: object) -> str | None:
    """ "Nam"/"M"/"male" -> "male", "Nữ"/"Nu"/"F"/"female" -> "female", blank -> None."""
    key = fold(cell_text(value)).strip(".")
    if not key:
        return None
    if key in _MALE:
        return "male"
    if key in _FEMALE:
        return "female"
    raise GenderError("bad_gender", f"{cell_text(value)} is not a gender; use Nam or Nữ.")


# --------------------------------------------------------------------------
# Files


def read_table(
    source: str | os.PathLike[str] | IO[bytes],
    *,
    filename: str | None = None,
    known_headers: Iterable[str] | None = None,
) -> Table:
    """Open a roster (.xlsx or CSV) and locate its header row.

    ``source`` is a path or a binary file object (e.g. an uploaded file); a
    file object passed in is left open. The format is recognised from the
    content, because files are often renamed or exported with the wrong
    extension. ``known_headers`` are folded column names (see
    :func:`header_key`); the header is the first of the first
    ``HEADER_SEARCH_ROWS`` non-blank rows in which at least two cells match
    one, so title rows above the header are skipped.
    """
    cleanups: list[Callable[[], object]] = []
    if isinstance(source, str | os.PathLike):
        stream: IO[bytes] = open(source, "rb")  # closed by the Table
        cleanups.append(stream.close)
        filename = filename or os.path.basename(os.fspath(source))
    else:
        stream = source
        stream.seek(0)
    known = None if known_headers is None else frozenset(map(header_key, known_headers))

    try:
        head = stream.read(_SNIFF_BYTES)
        stream.seek(0)
        kind = _detect_format(head, filename)
        if kind == "xlsx":
            table = _read_xlsx(stream, known, cleanups)
        else:
            table = _read_csv(stream, head, known, cleanups)
    except BaseException:
        _run_cleanups(cleanups)
        raise
    table.filename = filename
    return table


def _detect_format(head: bytes, filename: str | None) -> str:
    if not head:
        raise SpreadsheetError("empty_file", "The file is empty.")
    if head.startswith(_ZIP_MAGIC):
        return "xlsx"
    if head.startswith(_OLE_MAGIC):
        raise SpreadsheetError(
            "xls_not_supported",
            "Old Excel .xls files (and password-protected workbooks) cannot be read; "
            "open the file in Excel and save it as .xlsx without a password.",
        )
    extension = os.path.splitext(filename or "")[1].lower()
    if head.startswith(_EMPTY_ZIP_MAGIC) or extension in (".xlsx", ".xlsm"):
        raise SpreadsheetError("bad_xlsx", "The file is not a valid Excel workbook; save it again as .xlsx.")
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:512].lower()
    if start.startswith(b"<") and (b"<html" in start or b"<table" in start or b"<?xml" in start):
        # Many government systems "export to Excel" as an HTML or XML page
        # named .xls; Excel opens it, but it is not a spreadsheet file.
        raise SpreadsheetError(
            "html_not_supported",
            "This file is a web page with an Excel name; open it in Excel and save it as .xlsx.",
        )
    return "csv"


def _run_cleanups(cleanups: list[Callable[[], object]]) -> None:
    while cleanups:
        cleanups.pop()()


def _clean_cell(value: object) -> object:
    if isinstance(value, str):
        # Unikey's "Unicode tổ hợp" mode and cp1258 CSVs produce decomposed
        # text; composing it here keeps comparisons and lengths honest.
        value = unicodedata.normalize("NFC", value)
        if not value.strip():
            return None
    return value


def _is_blank(cells: list[object]) -> bool:
    return all(cell is None for cell in cells)


def _is_text(cell: object) -> bool:
    return isinstance(cell, str) and not _NUMBER.fullmatch(cell.strip())


def _looks_like_header(cells: list[object], known: frozenset[str] | None) -> bool:
    texts = [cell for cell in cells if _is_text(cell)]
    if len(texts) < 2:
        return False
    if known is None:
        return True
    matches = sum(1 for cell in texts if header_key(cell) in known)
    return matches >= min(2, len(known))


def _find_header(raw: Iterator[Row], known: frozenset[str] | None) -> Row | None:
    non_blank = 0
    for row in raw:
        if _is_blank(row.cells):
            continue
        if _looks_like_header(row.cells, known):
            return row
        non_blank += 1
        if non_blank >= HEADER_SEARCH_ROWS:
            return None
    return None


def _headers_from(row: Row) -> list[str]:
    headers = [cell_text(cell) for cell in row.cells]
    while headers and not headers[-1]:
        headers.pop()
    return headers


def _data_rows(raw: Iterator[Row], width: int, cleanups: list[Callable[[], object]]) -> Iterator[Row]:
    try:
        for row in raw:
            cells = row.cells
            if _is_blank(cells):
                continue
            # Excel reports formatted-but-empty cells far to the right; trim
            # them, then pad so every row can be indexed by header position.
            end = len(cells)
            while end > width and cells[end - 1] is None:
                end -= 1
            cells = cells[:end] + [None] * (width - end)
            yield Row(row.number, cells)
    finally:
        close = getattr(raw, "close", None)
        if close is not None:
            close()
        _run_cleanups(cleanups)


def _no_header_error(known: frozenset[str] | None) -> SpreadsheetError:
    if known is None:
        return SpreadsheetError(
            "no_header",
            f"No header row found: none of the first {HEADER_SEARCH_ROWS} rows has two or more column names.",
        )
    return SpreadsheetError(
        "no_header",
        f"No header row found: none of the first {HEADER_SEARCH_ROWS} rows has the expected column names.",
    )


def _xlsx_rows(sheet) -> Iterator[Row]:
    # Some programs write a wrong <dimension> (e.g. "A1"), which would make
    # openpyxl stop early; reading without it follows the actual rows.
    sheet.reset_dimensions()
    try:
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            yield Row(number, [_clean_cell(value) for value in values])
    except Exception as exc:
        # openpyxl signals damaged XML with assorted exception types.
        raise SpreadsheetError("bad_xlsx", "The Excel file is damaged and cannot be read to the end.") from exc


def _read_xlsx(stream: IO[bytes], known: frozenset[str] | None, cleanups: list[Callable[[], object]]) -> Table:
    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:
        # Anything from BadZipFile to KeyError for a missing part: the user
        # only needs to know the workbook is unreadable.
        raise SpreadsheetError("bad_xlsx", "The file is not a valid Excel workbook; save it again as .xlsx.") from exc
    cleanups.append(workbook.close)

    # The sheet open when the file was saved is usually the roster; other
    # sheets are tried only when it lacks the expected header (instructions
    # sheet saved as the active one).
    sheets = [s for s in workbook.worksheets if getattr(s, "sheet_state", "visible") == "visible"]
    active = workbook.active
    if active in sheets:
        sheets.remove(active)
        sheets.insert(0, active)
    for sheet in sheets:
        raw = _xlsx_rows(sheet)
        header = _find_header(raw, known)
        if header is None:
            raw.close()
            continue
        headers = _headers_from(header)
        return Table(
            headers=headers,
            rows=_data_rows(raw, len(headers), cleanups),
            header_row_number=header.number,
            format="xlsx",
            sheet_name=sheet.title,
            date1904=workbook.epoch == MAC_EPOCH,
            _cleanups=cleanups,
        )
    raise _no_header_error(known)


def _decodes(stream: IO[bytes], encoding: str) -> bool:
    """Whether the whole stream decodes; read in chunks to keep memory flat."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    stream.seek(0)
    try:
        while chunk := stream.read(_SCAN_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        stream.seek(0)
    return True


def _csv_encoding(stream: IO[bytes], head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode Text" export.
        candidates = ["utf-16"]
    elif b"\x00" in head:
        raise SpreadsheetError("not_a_spreadsheet", "The file is neither an Excel workbook nor a CSV file.")
    else:
        # Not UTF-8 means an ANSI export from Vietnamese Windows, i.e. cp1258.
        candidates = ["utf-8", "cp1258"]
    for encoding in candidates:
        if _decodes(stream, encoding):
            return encoding
    raise SpreadsheetError(
        "bad_encoding",
        'The file\'s text encoding is not recognised; save it as "CSV UTF-8".',
    )


def _sniff_delimiter(sample: str) -> str:
    """Pick the delimiter that splits most sample lines into the same width.

    Consistency beats raw counts: addresses ("Thôn 3, xã X") put commas in
    ;-separated files, but only the real delimiter gives every row the same
    number of fields.
    """
    lines = sample.splitlines()
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines.pop()  # probably cut off mid-line by the sample size
    best, best_score = ",", (0, 0)
    for delimiter in _CSV_DELIMITERS:
        try:
            widths = Counter(len(row) for row in csv.reader(lines, delimiter=delimiter) if len(row) > 1)
        except csv.Error:
            continue
        if not widths:
            continue
        width, frequency = max(widths.items(), key=lambda item: (item[1], item[0]))
        score = (frequency, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


class _KeepOpen:
    """Proxy that ignores close().

    A TextIOWrapper closes its buffer when it is closed or garbage-collected;
    the caller's file (an upload, say) must survive us reading it.
    """

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)

    def close(self) -> None:
        pass


def _csv_rows(reader: Iterator[list[str]]) -> Iterator[Row]:
    # Excel shows one row per record even when a quoted cell spans lines, so
    # records, not physical lines, are counted.
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            yield Row(number, [_clean_cell(value) for value in record])
    except csv.Error as exc:
        raise SpreadsheetError("bad_csv", f"Row {number + 1} of the CSV file cannot be read: {exc}.") from exc
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(
            "bad_encoding",
            'The file\'s text encoding is not recognised; save it as "CSV UTF-8".',
        ) from exc


def _read_csv(
    stream: IO[bytes],
    head: bytes,
    known: frozenset[str] | None,
    cleanups: list[Callable[[], object]],
) -> Table:
    encoding = _csv_encoding(stream, head)
    delimiter = _sniff_delimiter(head.decode(encoding, errors="ignore"))
    text = io.TextIOWrapper(_KeepOpen(stream), encoding=encoding, newline="")
    raw = _csv_rows(csv.reader(text, delimiter=delimiter))
    header = _find_header(raw, known)
    if header is None:
        raw.close()
        raise _no_header_error(known)
    headers = _headers_from(header)
    return Table(
        headers=headers,
        rows=_data_rows(raw, len(headers), cleanups),
        header_row_number=header.number,
        format="csv",
        encoding=encoding,
        delimiter=delimiter,
        _cleanups=cleanups,
    )
