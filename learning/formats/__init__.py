"""Question files: recognise the format from the content, read, check, write.

``read(data, filename)`` returns a ``ParseResult`` whose ``problems`` list
everything wrong with the file, by line and question; an importer takes the
file only when that list is empty.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from learning import questions as qt
from learning.formats import aiken, excel, gift, moodlexml, native
from learning.formats.common import ParseResult, derive_keys

FORMATS = {
    "gift": ("GIFT", "txt", "text/plain; charset=utf-8"),
    "moodle-xml": ("Moodle XML", "xml", "application/xml"),
    "aiken": ("Aiken", "txt", "text/plain; charset=utf-8"),
    "excel": ("Excel", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "yaml": ("YAML", "yaml", "application/yaml; charset=utf-8"),
}
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def decode(data: bytes) -> str | None:
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def detect(data: bytes, filename: str | None = None) -> str | None:
    """The format of a question file, judged from its content (the name only breaks a tie)."""
    if data.startswith(_ZIP) or data.startswith(_OLE):
        return "excel"
    text = decode(data)
    if text is None:
        return None
    head = text.lstrip()[:2000]
    if head.startswith("<?xml") or head.startswith("<quiz") or "<quiz" in head[:500]:
        return "moodle-xml"
    if head.startswith("questions:") or "\nquestions:" in text and ("\n  - " in text or "\n- " in text):
        return "yaml"
    if excel.looks_like_csv(text):
        return "excel"
    if aiken.looks_like(text):
        return "aiken"
    if "{" in text or "$CATEGORY:" in text or "::" in text:
        return "gift"
    if filename:
        lowered = filename.lower()
        if lowered.endswith(".gift"):
            return "gift"
        if lowered.endswith((".yaml", ".yml")):
            return "yaml"
    return None


def read(data: bytes, filename: str | None = None, fmt: str | None = None) -> ParseResult:
    fmt = fmt or detect(data, filename)
    if fmt is None:
        result = ParseResult(format="unknown")
        if decode(data) is None and not data.startswith(_ZIP):
            result.add_problem(_("the file is not UTF-8 text; save it as UTF-8 (Unicode) and try again"))
        else:
            result.add_problem(
                _("the format is not recognised: expected GIFT, Moodle XML, Aiken or the Excel template")
            )
        return result
    if fmt == "excel":
        result = excel.parse(io.BytesIO(data), filename=filename)
    elif fmt == "moodle-xml":
        result = moodlexml.parse(data)
    else:
        text = decode(data)
        if text is None:
            result = ParseResult(format=fmt)
            result.add_problem(_("the file is not UTF-8 text; save it as UTF-8 (Unicode) and try again"))
            return result
        result = {"gift": gift.parse, "aiken": aiken.parse, "yaml": native.parse}[fmt](text)
    check(result)
    return result


def check(result: ParseResult) -> None:
    """Add the type rules (weights, answers, texts) to what the reader found."""
    for q in result.questions:
        for message in qt.validate(q.qtype, q.text, q.data, q.default_mark):
            result.add_problem(message, q.line, q.label)
    derive_keys(result.questions)
