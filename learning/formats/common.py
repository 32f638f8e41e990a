"""What every question file format reads into and writes from."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from hocvuso.lib.text import nfc, slugify_vi
from learning.rendering import plain_text, text_to_html

MAX_FILE_BYTES = 5 * 1024 * 1024


@dataclass
class ParsedQuestion:
    qtype: str
    name: str
    text: str
    text_format: str = "moodle"
    category: str = ""
    data: dict = field(default_factory=dict)
    general_feedback: str = ""
    default_mark: float = 1.0
    key: str = ""
    tags: list[str] = field(default_factory=list)
    competences: list[str] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    is_active: bool = True
    line: int | None = None
    number: int = 0

    @property
    def label(self) -> str:
        return self.name or plain_text(self.text, self.text_format)[:60]


@dataclass
class Problem:
    message: str
    line: int | None = None
    question: str = ""

    def __str__(self) -> str:
        where = []
        if self.line:
            where.append(_("line %(line)d") % {"line": self.line})
        if self.question:
            where.append(_("question “%(name)s”") % {"name": self.question})
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


@dataclass
class ParseResult:
    format: str
    questions: list[ParsedQuestion] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Categories named in the file, with their descriptions (some hold no questions).
    categories: dict[str, str] = field(default_factory=dict)
    # Question blocks seen, including the ones that could not be read at all.
    blocks: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def add_problem(self, message: str, line: int | None = None, question: str = "") -> None:
        self.problems.append(Problem(message=message, line=line, question=question))


def clean_category(path: str) -> str:
    """Moodle category path to ours: drop "$course$/" and "top/", keep "//" as a slash inside a name."""
    path = nfc(path).strip()
    for prefix in ("$course$", "$system$", "$module$", "$coursecategory$"):
        if path.startswith(prefix):
            path = path[len(prefix) :]
            break
    if path.startswith("$cat") and "$" in path[1:]:
        path = path[path.index("$", 1) + 1 :]
    parts = [p.strip().replace("\x00", "/") for p in path.replace("//", "\x00").split("/")]
    parts = [p for p in parts if p]
    if parts and parts[0].lower() == "top":
        parts = parts[1:]
    return "/".join(p.replace("/", "//") for p in parts)


def category_segments(path: str) -> list[str]:
    return [p.replace("\x00", "/") for p in path.replace("//", "\x00").split("/") if p]


def derive_keys(questions: list[ParsedQuestion]) -> None:
    """Give each question a key unique in the file: its id number, else its name, else a hash of its text."""
    seen: dict[str, int] = {}
    for q in questions:
        base = nfc(q.key)[:180] if q.key else slugify_vi(q.name)[:80]
        if not base:
            base = "q-" + hashlib.sha1(q.text.encode()).hexdigest()[:12]
        count = seen.get(base, 0) + 1
        seen[base] = count
        q.key = base if count == 1 else f"{base}-{count}"


def default_name(text: str, fmt: str) -> str:
    words = plain_text(text, fmt)
    return words if len(words) <= 80 else words[:79].rsplit(" ", 1)[0] + "…"


def convert_text(text: str, source: str, target: str) -> str:
    """Bring a text written in one format into another (answers in a format unlike their question's)."""
    if source == target or not text:
        return text
    if target in ("html", "moodle"):
        if source == "moodle" and target == "html":
            return text_to_html(text, "moodle")
        return text if source == "html" else text_to_html(text, source)
    return plain_text(text, source)


def truthy(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "y", "có", "co", "x", "đúng", "dung"}:
        return True
    if text in {"0", "false", "no", "n", "không", "khong", "", "sai"}:
        return False
    return default
