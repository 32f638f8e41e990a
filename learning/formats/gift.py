"""Moodle GIFT: read and write.

Follows Moodle's qformat_gift: questions are separated by blank lines, ``//``
starts a comment line, ``::name::`` names a question, ``[html]`` (or
``[moodle]``, ``[plain]``, ``[markdown]``) sets a text format, ``####`` starts
the general feedback, ``%50%`` weights an answer and ``\\~ \\= \\# \\{ \\} \\:
\\\\ \\n`` escape the control characters. Unlike Moodle, a blank line inside
an answer block does not split the question, and every problem is reported
with its line instead of the question being skipped.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from learning import questions as qt
from learning.formats.common import (
    ParsedQuestion,
    ParseResult,
    category_segments,
    clean_category,
    convert_text,
    default_name,
)
from learning.questions import decimal_str, parse_decimal

# Escaped control characters become private-use characters while parsing.
_ESCAPES = {":": "\ue001", "#": "\ue002", "=": "\ue003", "{": "\ue004", "}": "\ue005", "~": "\ue006", "n": "\ue007"}
_BACKSLASH = "\ue000"
_RESTORE = {v: k for k, v in _ESCAPES.items()} | {_ESCAPES["n"]: "\n", _BACKSLASH: "\\"}
_WEIGHT = re.compile(r"^%(-?[0-9]+(?:\.[0-9]*)?)%")
_FORMATS = {"html", "moodle", "plain", "markdown"}
_TF = {"T": True, "TRUE": True, "F": False, "FALSE": False}


def _protect(text: str) -> str:
    text = text.replace("\\\\", _BACKSLASH)
    return re.sub(r"\\([:#={}~n])", lambda m: _ESCAPES[m.group(1)], text)


def _restore(text: str) -> str:
    for placeholder, char in _RESTORE.items():
        text = text.replace(placeholder, char)
    return text


def _with_format(text: str, default: str) -> tuple[str, str]:
    text = text.strip()
    m = re.match(r"^\[(\w+)\]", text)
    if m and m.group(1) in _FORMATS:
        return _restore(text[m.end() :]).strip(), m.group(1)
    return _restore(text).strip(), default


def _in_format(text: str, default: str) -> str:
    body, fmt = _with_format(text, default)
    return convert_text(body, fmt, default)


def _split_feedback(answer: str, fmt: str) -> tuple[str, str]:
    body, _sep, feedback = answer.partition("#")
    return body, _in_format(feedback, fmt) if _sep else ""


def _weight(answer: str) -> tuple[float | None, str]:
    m = _WEIGHT.match(answer)
    if not m:
        return None, answer
    return float(Decimal(m.group(1)) / 100), answer[m.end() :]


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Question blocks with the line each starts on; comment lines are dropped.

    Blocks are separated by blank lines, except that a blank line inside an
    open answer block is kept when the next line carries on with answers
    (starts with ~ = # % or }); an unclosed brace then does not swallow the
    rest of the file.
    """
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    depth = 0
    gap = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if not stripped:
            gap = bool(current)
            continue
        if gap and current and not (depth > 0 and stripped[:1] in "~=#%}"):
            blocks.append((start, current))
            current, depth = [], 0
        gap = False
        if not current:
            start = number
        current.append(line)
        protected = _protect(line)
        depth += protected.count("{") - protected.count("}")
    if current:
        blocks.append((start, current))
    return blocks


def parse(text: str) -> ParseResult:
    result = ParseResult(format="gift")
    category = ""
    number = 0
    for line, lines in _blocks(text):
        if lines[0].strip().startswith("$CATEGORY:"):
            category = clean_category(lines[0].strip()[len("$CATEGORY:") :])
            result.categories.setdefault(category, "")
            lines = lines[1:]
            line += 1
            if not lines:
                continue
        number += 1
        result.blocks += 1
        _parse_question(result, "\n".join(lines).strip(), line, category, number)
    return result


def _parse_question(result: ParseResult, raw: str, line: int, category: str, number: int) -> None:
    text = _protect(raw)
    name = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end == -1:
            result.add_problem(_("the question name is not closed with “::”"), line)
            return
        name = _restore(text[2:end]).strip()
        text = text[end + 2 :].strip()
    label = name or _restore(text)[:50]
    start = text.find("{")
    if start == -1:
        if "}" in text:
            result.add_problem(_("“}” without an opening “{”"), line, label)
        else:
            result.add_problem(
                _("no answers in braces {…}: text without answers (a description) cannot be imported"), line, label
            )
        return
    finish = text.find("}", start)
    if finish == -1:
        result.add_problem(_("“{” is not closed with “}”"), line, label)
        return
    if "{" in text[start + 1 : finish] or "{" in text[finish + 1 :] or "}" in text[finish + 1 :]:
        result.add_problem(_("more than one answer block {…}; escape literal braces as \\{ and \\}"), line, label)
        return
    answer = text[start + 1 : finish].strip()
    after = text[finish + 1 :].strip()
    question_text = text[:start] + ("_____" + text[finish + 1 :] if after else "")
    body, fmt = _with_format(question_text, "moodle")
    general = ""
    gf = answer.rfind("####")
    if gf != -1:
        general = _in_format(answer[gf + 4 :], fmt)
        answer = answer[:gf].strip()
    q = ParsedQuestion(
        qtype="",
        name=name or default_name(body, fmt),
        text=body,
        text_format=fmt,
        category=category,
        general_feedback=general,
        line=line,
        number=number,
    )
    label = q.name

    if answer == "":
        q.qtype = qt.ESSAY
        q.data = {"grader_info": "", "response_template": ""}
    elif answer.startswith("#"):
        q.qtype = qt.NUMERICAL
        if not _numerical(result, q, answer[1:], label):
            return
    elif "~" in answer:
        if not _choices(result, q, answer, label):
            return
    elif "=" in answer and "->" in answer:
        if not _matching(result, q, answer, label):
            return
    else:
        check = answer.split("#", 1)[0].strip()
        if check in _TF:
            q.qtype = qt.TRUE_FALSE
            parts = answer.split("#", 2)
            wrong = _in_format(parts[1], fmt) if len(parts) > 1 else ""
            right = _in_format(parts[2], fmt) if len(parts) > 2 else ""
            correct = _TF[check]
            q.data = {
                "correct": correct,
                "feedback_true": right if correct else wrong,
                "feedback_false": wrong if correct else right,
            }
        elif not _short(result, q, answer, label):
            return
    result.questions.append(q)


def _choices(result, q: ParsedQuestion, answer: str, label: str) -> bool:
    q.qtype = qt.SINGLE if "=" in answer else qt.MULTIPLE
    parts = [p.strip() for p in answer.replace("=", "~=").split("~")]
    if parts and not parts[0]:
        parts = parts[1:]
    if len(parts) < 2:
        result.add_problem(
            _("a choice question needs at least 2 answers (found %(n)d)") % {"n": len(parts)}, q.line, label
        )
        return False
    choices = []
    for cid, part in zip(qt.choice_ids(len(parts)), parts, strict=True):
        if part.startswith("="):
            fraction, part = 1.0, part[1:]
        else:
            weight, part = _weight(part)
            fraction = weight if weight is not None else 0.0
        body, feedback = _split_feedback(part, q.text_format)
        choices.append({"id": cid, "text": _in_format(body, q.text_format), "fraction": fraction, "feedback": feedback})
    q.data = {"choices": choices, "shuffle": True}
    return True


def _matching(result, q: ParsedQuestion, answer: str, label: str) -> bool:
    q.qtype = qt.MATCHING
    parts = [p.strip() for p in answer.split("=")]
    if parts and not parts[0]:
        parts = parts[1:]
    pairs = []
    for part in parts:
        if "->" not in part:
            result.add_problem(
                _("matching pair “%(pair)s” has no “->” between its two sides") % {"pair": _restore(part)},
                q.line,
                label,
            )
            return False
        left, right = part.split("->", 1)
        left = _in_format(left, q.text_format) if left.strip() else ""
        pairs.append({"left": left, "right": _restore(right).strip()})
    q.data = {"pairs": pairs, "shuffle": True}
    return True


def _short(result, q: ParsedQuestion, answer: str, label: str) -> bool:
    q.qtype = qt.SHORT
    parts = [p.strip() for p in answer.split("=")]
    if parts and not parts[0]:
        parts = parts[1:]
    if not parts:
        result.add_problem(_("a short-answer question needs at least one accepted answer"), q.line, label)
        return False
    answers = []
    for part in parts:
        weight, part = _weight(part)
        body, feedback = _split_feedback(part, q.text_format)
        answers.append(
            {"text": _restore(body).strip(), "fraction": 1.0 if weight is None else weight, "feedback": feedback}
        )
    q.data = {"answers": answers, "case_sensitive": False}
    return True


def _numerical(result, q: ParsedQuestion, answer: str, label: str) -> bool:
    other = ""
    if "~" in answer:
        answer, wrong = answer.split("~", 1)
        other = _split_feedback(wrong, q.text_format)[1]
    parts = [p.strip() for p in answer.split("=")]
    if parts and not parts[0]:
        parts = parts[1:]
    if not parts:
        result.add_problem(_("a numerical question needs at least one number"), q.line, label)
        return False
    answers = []
    for part in parts:
        weight, part = _weight(part)
        body, feedback = _split_feedback(part, q.text_format)
        body = _restore(body).strip()
        if ".." in body[1:]:
            low_text, high_text = body.split("..", 1)
            low, high = parse_decimal(low_text), parse_decimal(high_text)
            if low is None or high is None or high < low:
                result.add_problem(_("“%(range)s” is not a range of numbers min..max") % {"range": body}, q.line, label)
                return False
            value, tolerance = (low + high) / 2, (high - low) / 2
        elif ":" in body[1:]:
            value_text, tol_text = body.split(":", 1)
            value, tolerance = parse_decimal(value_text), parse_decimal(tol_text)
            if value is None or tolerance is None:
                result.add_problem(
                    _("“%(answer)s” is not a number with a margin value:margin") % {"answer": body}, q.line, label
                )
                return False
        else:
            value, tolerance = parse_decimal(body), Decimal(0)
            if value is None:
                result.add_problem(_("“%(answer)s” is not a number") % {"answer": body}, q.line, label)
                return False
        answers.append(
            {
                "value": decimal_str(value),
                "tolerance": decimal_str(abs(tolerance)),
                "fraction": 1.0 if weight is None else weight,
                "feedback": feedback,
            }
        )
    q.data = {"answers": answers, "other_feedback": other, "units": []}
    return True


# --- writing ---------------------------------------------------------------------------


def escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for char in "~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def _fmt(text: str, fmt: str) -> str:
    return ("" if fmt == "moodle" or not text else f"[{fmt}]") + escape(text)


def _weight_text(fraction: float) -> str:
    return decimal_str(Decimal(str(round(fraction * 100, 5))))


UNSUPPORTED = {qt.ORDERING}


def export(items) -> tuple[str, list[str]]:
    """GIFT text for questions (with their categories); returns (text, names of questions left out)."""
    out: list[str] = []
    skipped: list[str] = []
    current_category = None
    for q in items:
        if q.qtype in UNSUPPORTED:
            skipped.append(q.name)
            continue
        if q.category_path != current_category:
            current_category = q.category_path
            segments = category_segments(current_category)
            out.append(f"$CATEGORY: $course$/top/{'/'.join(s.replace('/', '//') for s in segments)}\n")
        fmt = q.text_format
        head = f"::{escape(q.name)}::{_fmt(q.text, fmt)}"
        data = q.data
        general = f"####{escape(q.general_feedback)}" if q.general_feedback else ""
        if q.qtype == qt.ESSAY:
            out.append(f"{head}{{{general}}}\n")
        elif q.qtype == qt.TRUE_FALSE:
            correct = data["correct"]
            right = data.get("feedback_true" if correct else "feedback_false", "")
            wrong = data.get("feedback_false" if correct else "feedback_true", "")
            tail = ""
            if wrong or right:
                tail = "#" + escape(wrong)
                if right:
                    tail += "#" + escape(right)
            out.append(f"{head}{{{'TRUE' if correct else 'FALSE'}{tail}{general}}}\n")
        elif q.qtype in (qt.SINGLE, qt.MULTIPLE):
            lines = []
            for c in data["choices"]:
                if q.qtype == qt.SINGLE and abs(c["fraction"] - 1) < 1e-9:
                    mark = "="
                elif c["fraction"] == 0:
                    mark = "~"
                else:
                    mark = f"~%{_weight_text(c['fraction'])}%"
                feedback = f"#{escape(c['feedback'])}" if c.get("feedback") else ""
                lines.append(f"\t{mark}{escape(c['text'])}{feedback}")
            out.append(head + "{\n" + "\n".join(lines) + ("\n\t" + general if general else "") + "\n}\n")
        elif q.qtype == qt.SHORT:
            lines = [
                f"\t=%{_weight_text(a['fraction'])}%{escape(a['text'])}"
                + (f"#{escape(a['feedback'])}" if a.get("feedback") else "")
                for a in data["answers"]
            ]
            out.append(head + "{\n" + "\n".join(lines) + ("\n\t" + general if general else "") + "\n}\n")
        elif q.qtype == qt.NUMERICAL:
            lines = [
                f"\t=%{_weight_text(a['fraction'])}%{a['value']}:{a.get('tolerance') or '0'}"
                + (f"#{escape(a['feedback'])}" if a.get("feedback") else "")
                for a in data["answers"]
            ]
            if data.get("other_feedback"):
                lines.append(f"\t~#{escape(data['other_feedback'])}")
            out.append(head + "{#\n" + "\n".join(lines) + ("\n\t" + general if general else "") + "\n}\n")
        elif q.qtype == qt.MATCHING:
            lines = [f"\t={escape(p['left'])} -> {escape(p['right'])}" for p in data["pairs"]]
            out.append(head + "{\n" + "\n".join(lines) + ("\n\t" + general if general else "") + "\n}\n")
    return "\n".join(out), skipped
