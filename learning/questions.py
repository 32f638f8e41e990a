"""Question types: what each stores, how it is checked, shown and marked.

``Question.data`` by type (texts are in the question's ``text_format``;
fractions are between -1 and 1; numbers are kept as decimal strings so
imported values round-trip exactly):

single, multiple
    ``{"choices": [{"id": "a", "text": "…", "fraction": 1.0, "feedback": "…"}], "shuffle": true,
    "correct_feedback": "", "partial_feedback": "", "incorrect_feedback": ""}``
    Single choice: one answer is picked, at least one choice is worth 100 %.
    Multiple choice: several may be picked; the marks of the picked choices add up,
    between 0 and 100 %, so the positive weights must reach 100 %.
truefalse
    ``{"correct": true, "feedback_true": "", "feedback_false": ""}`` (feedback for picking true / false).
short
    ``{"answers": [{"text": "frog", "fraction": 1.0, "feedback": ""}], "case_sensitive": false}``;
    the first answer that matches wins; ``*`` in an answer matches any characters.
numerical
    ``{"answers": [{"value": "42", "tolerance": "0.5", "fraction": 1.0, "feedback": ""}],
    "other_feedback": "", "units": [{"unit": "m", "multiplier": "1"}]}``
matching
    ``{"pairs": [{"left": "…", "right": "…"}], "shuffle": true, …feedback}``; a pair with an empty
    left side adds a wrong option to every list.
ordering
    ``{"items": ["first", "second", …], …feedback}``: the correct order.
essay
    ``{"grader_info": "", "response_template": ""}``: marked by hand.
"""

from __future__ import annotations

import random
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from learning.rendering import text_to_html

SINGLE, MULTIPLE, TRUE_FALSE, SHORT, NUMERICAL, MATCHING, ORDERING, ESSAY = (
    "single",
    "multiple",
    "truefalse",
    "short",
    "numerical",
    "matching",
    "ordering",
    "essay",
)
TYPES = (SINGLE, MULTIPLE, TRUE_FALSE, SHORT, NUMERICAL, MATCHING, ORDERING, ESSAY)
COMBINED_FEEDBACK = ("correct_feedback", "partial_feedback", "incorrect_feedback")
# Multiple-choice weights are percentages with 5 decimals in Moodle (33.33333 × 3).
_SUM_TOLERANCE = 1e-4


def choice_ids(n: int) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return [letters[i] if i < 26 else f"c{i}" for i in range(n)]


def parse_decimal(value) -> Decimal | None:
    """A number typed by a Vietnamese learner or found in a file: "3,5", "3.5", "1.000,5", " -2 "."""
    if value is None:
        return None
    text = str(value).strip().replace("\u2212", "-").replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if "," in text and "." in text:
        # The last separator is the decimal one: "1.000,5" and "1,000.5".
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def decimal_str(value: Decimal) -> str:
    """Shortest plain form: Decimal("2.50") -> "2.5", Decimal("1E+1") -> "10"."""
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


# --- validation ------------------------------------------------------------------


def validate(qtype: str, text: str, data: dict, mark: float = 1.0) -> list[str]:
    """Problems that make a question unusable, in words an author understands (empty if fine)."""
    if qtype not in TYPES:
        return [_("unknown question type “%(type)s”") % {"type": qtype}]
    problems = []
    if not (text or "").strip():
        problems.append(_("the question has no text"))
    if mark is None or mark < 0:
        problems.append(_("the mark must be zero or more"))
    check = _VALIDATORS.get(qtype)
    if check:
        problems.extend(check(data))
    return problems


def _fractions_ok(items) -> list[str]:
    out = []
    for item in items:
        f = item.get("fraction")
        if not isinstance(f, (int, float)) or f < -1 - 1e-9 or f > 1 + 1e-9:
            out.append(_("weight %(weight)s is outside −100 %%…100 %%") % {"weight": f})
    return out


def _validate_choices(data: dict, multiple: bool) -> list[str]:
    choices = data.get("choices") or []
    problems = []
    if len(choices) < 2:
        return [_("a choice question needs at least 2 answers (found %(n)d)") % {"n": len(choices)}]
    for i, c in enumerate(choices, 1):
        if not str(c.get("text", "")).strip():
            problems.append(_("answer %(n)d is empty") % {"n": i})
    problems += _fractions_ok(choices)
    if problems:
        return problems
    if multiple:
        total = sum(c["fraction"] for c in choices if c["fraction"] > 0)
        if total < 1 - _SUM_TOLERANCE:
            problems.append(
                _("the correct answers add up to %(total)s %%; they must add up to 100 %%") % {"total": _pct(total)}
            )
    elif not any(abs(c["fraction"] - 1) < 1e-6 for c in choices):
        problems.append(_("no answer is marked fully correct (100 %)"))
    return problems


def _pct(fraction: float) -> str:
    return f"{fraction * 100:.5f}".rstrip("0").rstrip(".")


def _validate_truefalse(data: dict) -> list[str]:
    return [] if isinstance(data.get("correct"), bool) else [_("the correct answer (true or false) is missing")]


def _validate_short(data: dict) -> list[str]:
    answers = data.get("answers") or []
    if not answers:
        return [_("a short-answer question needs at least one accepted answer")]
    problems = [
        _("accepted answer %(n)d is empty") % {"n": i}
        for i, a in enumerate(answers, 1)
        if not str(a.get("text", "")).strip()
    ]
    problems += _fractions_ok(answers)
    if not problems and not any(abs(a["fraction"] - 1) < 1e-6 for a in answers):
        problems.append(_("no accepted answer is worth 100 %"))
    return problems


def _validate_numerical(data: dict) -> list[str]:
    answers = data.get("answers") or []
    if not answers:
        return [_("a numerical question needs at least one answer")]
    problems = []
    for i, a in enumerate(answers, 1):
        if parse_decimal(a.get("value")) is None:
            problems.append(_("answer %(n)d, “%(value)s”, is not a number") % {"n": i, "value": a.get("value")})
        tol = parse_decimal(a.get("tolerance", "0"))
        if tol is None or tol < 0:
            problems.append(
                _("the tolerance of answer %(n)d, “%(value)s”, is not a number of zero or more")
                % {"n": i, "value": a.get("tolerance")}
            )
    for u in data.get("units") or []:
        if not str(u.get("unit", "")).strip() or parse_decimal(u.get("multiplier")) in (None, Decimal(0)):
            problems.append(_("unit “%(unit)s” needs a name and a non-zero multiplier") % {"unit": u.get("unit")})
    problems += _fractions_ok(answers)
    if not problems and not any(abs(a["fraction"] - 1) < 1e-6 for a in answers):
        problems.append(_("no answer is worth 100 %"))
    return problems


def _validate_matching(data: dict) -> list[str]:
    pairs = data.get("pairs") or []
    stems = [p for p in pairs if str(p.get("left", "")).strip()]
    problems = []
    if len(stems) < 2:
        problems.append(_("a matching question needs at least 2 pairs (found %(n)d)") % {"n": len(stems)})
    for i, p in enumerate(pairs, 1):
        if not str(p.get("right", "")).strip():
            problems.append(_("pair %(n)d has nothing on its right side") % {"n": i})
    return problems


def _validate_ordering(data: dict) -> list[str]:
    items = data.get("items") or []
    problems = []
    if len(items) < 2:
        problems.append(_("an ordering question needs at least 2 items (found %(n)d)") % {"n": len(items)})
    if any(not str(i).strip() for i in items):
        problems.append(_("an item to order is empty"))
    if len({str(i).strip() for i in items}) != len(items):
        problems.append(_("two items to order are the same"))
    return problems


_VALIDATORS = {
    SINGLE: lambda d: _validate_choices(d, multiple=False),
    MULTIPLE: lambda d: _validate_choices(d, multiple=True),
    TRUE_FALSE: _validate_truefalse,
    SHORT: _validate_short,
    NUMERICAL: _validate_numerical,
    MATCHING: _validate_matching,
    ORDERING: _validate_ordering,
}


# --- attempts: what a learner sees ---------------------------------------------------


def snapshot(question, *, shuffle: bool, rng: random.Random, files: dict[str, str] | None = None) -> dict:
    """Freeze a question for one attempt: rendered texts, display order and the marking key."""
    fmt = question.text_format

    def h(text: str) -> str:
        return text_to_html(text or "", fmt, files)

    data = question.data
    snap = {
        "q": question.pk,
        "iri": question.iri,
        "qtype": question.qtype,
        "mark": question.default_mark,
        "text": h(question.text),
        "general_feedback": h(question.general_feedback),
    }
    for key in COMBINED_FEEDBACK:
        if data.get(key):
            snap[key] = h(data[key])
    qt = question.qtype
    if qt in (SINGLE, MULTIPLE):
        choices = [
            {"id": c["id"], "html": h(c["text"]), "fraction": c["fraction"], "feedback": h(c.get("feedback", ""))}
            for c in data["choices"]
        ]
        if shuffle and data.get("shuffle", True):
            rng.shuffle(choices)
        snap["choices"] = choices
    elif qt == TRUE_FALSE:
        snap["correct"] = data["correct"]
        snap["feedback_true"] = h(data.get("feedback_true", ""))
        snap["feedback_false"] = h(data.get("feedback_false", ""))
    elif qt == SHORT:
        snap["answers"] = [dict(a, feedback=h(a.get("feedback", ""))) for a in data["answers"]]
        snap["case_sensitive"] = bool(data.get("case_sensitive"))
    elif qt == NUMERICAL:
        snap["answers"] = [dict(a, feedback=h(a.get("feedback", ""))) for a in data["answers"]]
        snap["other_feedback"] = h(data.get("other_feedback", ""))
        snap["units"] = data.get("units") or []
    elif qt == MATCHING:
        pairs = data["pairs"]
        rights = []
        for p in pairs:
            if p["right"] not in rights:
                rights.append(p["right"])
        options = [{"id": f"r{i}", "text": r} for i, r in enumerate(rights)]
        by_text = {o["text"]: o["id"] for o in options}
        stems = [
            {"id": f"s{i}", "html": h(p["left"]), "answer": by_text[p["right"]]}
            for i, p in enumerate(pairs)
            if str(p["left"]).strip()
        ]
        if shuffle and data.get("shuffle", True):
            rng.shuffle(options)
        snap["stems"] = stems
        snap["options"] = options
    elif qt == ORDERING:
        items = [{"id": f"i{i}", "html": h(t), "text": t} for i, t in enumerate(data["items"])]
        display = items[:]
        # Shown shuffled always (in order it would answer itself), never already in the right order.
        for _attempt in range(10):
            rng.shuffle(display)
            if display != items:
                break
        snap["items"] = display
        snap["correct_order"] = [i["id"] for i in items]
    elif qt == ESSAY:
        snap["response_template"] = data.get("response_template", "")
        snap["grader_info"] = h(data.get("grader_info", ""))
    return snap


def response_from_post(snap: dict, post, prefix: str):
    """The learner's answer to one slot from a submitted form (None when left blank)."""
    qt = snap["qtype"]
    if qt == SINGLE:
        value = post.get(prefix)
        return value if value in {c["id"] for c in snap["choices"]} else None
    if qt == MULTIPLE:
        valid = {c["id"] for c in snap["choices"]}
        picked = [v for v in post.getlist(prefix) if v in valid]
        return picked or None
    if qt == TRUE_FALSE:
        value = post.get(prefix)
        return value if value in {"true", "false"} else None
    if qt in (SHORT, NUMERICAL, ESSAY):
        value = post.get(prefix, "")
        value = unicodedata.normalize("NFC", value).strip() if qt != ESSAY else unicodedata.normalize("NFC", value)
        limit = 20000 if qt == ESSAY else 500
        return value[:limit] if value.strip() else None
    if qt == MATCHING:
        valid = {o["id"] for o in snap["options"]}
        out = {}
        for stem in snap["stems"]:
            value = post.get(f"{prefix}-{stem['id']}")
            if value in valid:
                out[stem["id"]] = value
        return out or None
    if qt == ORDERING:
        positions = {}
        n = len(snap["items"])
        for item in snap["items"]:
            try:
                pos = int(post.get(f"{prefix}-{item['id']}", ""))
            except ValueError:
                continue
            if 1 <= pos <= n:
                positions[item["id"]] = pos
        if len(positions) != n:
            return None if not positions else {"partial": positions}
        return [item_id for item_id, _pos in sorted(positions.items(), key=lambda kv: (kv[1], kv[0]))]
    return None


def is_answered(snap: dict, response) -> bool:
    if response is None:
        return False
    if snap["qtype"] == ORDERING:
        return isinstance(response, list)
    return True


# --- marking -------------------------------------------------------------------------


def _norm(text: str, case_sensitive: bool) -> str:
    text = " ".join(unicodedata.normalize("NFC", str(text)).split())
    return text if case_sensitive else text.casefold()


def _short_match(pattern: str, response: str, case_sensitive: bool) -> bool:
    pattern, response = _norm(pattern, case_sensitive), _norm(response, case_sensitive)
    if "*" not in pattern:
        return pattern == response
    # Moodle: "*" is the only wildcard; everything else is literal.
    regex = ".*".join(re.escape(part) for part in pattern.split("*"))
    return re.fullmatch(regex, response, flags=re.S) is not None


def _numeric_value(snap: dict, response: str) -> Decimal | None:
    value = parse_decimal(response)
    if value is not None:
        return value
    for unit in snap.get("units") or []:
        name = str(unit["unit"]).strip()
        text = str(response).strip()
        if name and text.endswith(name):
            number = parse_decimal(text[: -len(name)])
            multiplier = parse_decimal(unit.get("multiplier", "1"))
            if number is not None and multiplier:
                return number / multiplier
    return None


def grade(snap: dict, response) -> tuple[float | None, str]:
    """(fraction between 0 and 1, feedback HTML) for a response; fraction None means marking by hand."""
    qt = snap["qtype"]
    if qt == ESSAY:
        return None, ""
    if response is None or (qt == ORDERING and not isinstance(response, list)):
        return 0.0, ""
    if qt == SINGLE:
        for c in snap["choices"]:
            if c["id"] == response:
                return max(0.0, min(1.0, c["fraction"])), c.get("feedback", "")
        return 0.0, ""
    if qt == MULTIPLE:
        picked = set(response)
        total = sum(c["fraction"] for c in snap["choices"] if c["id"] in picked)
        feedback = "".join(c["feedback"] for c in snap["choices"] if c["id"] in picked and c.get("feedback"))
        return max(0.0, min(1.0, total)), feedback
    if qt == TRUE_FALSE:
        chose_true = response == "true"
        feedback = snap["feedback_true"] if chose_true else snap["feedback_false"]
        return (1.0 if chose_true == snap["correct"] else 0.0), feedback
    if qt == SHORT:
        for a in snap["answers"]:
            if _short_match(a["text"], response, snap["case_sensitive"]):
                return max(0.0, a["fraction"]), a.get("feedback", "")
        return 0.0, ""
    if qt == NUMERICAL:
        value = _numeric_value(snap, response)
        if value is not None:
            for a in snap["answers"]:
                target = parse_decimal(a["value"])
                tolerance = parse_decimal(a.get("tolerance", "0")) or Decimal(0)
                if target is not None and abs(value - target) <= tolerance:
                    return max(0.0, a["fraction"]), a.get("feedback", "")
        return 0.0, snap.get("other_feedback", "")
    if qt == MATCHING:
        stems = snap["stems"]
        right = sum(1 for s in stems if response.get(s["id"]) == s["answer"])
        return right / len(stems), ""
    if qt == ORDERING:
        correct = snap["correct_order"]
        right = sum(1 for a, b in zip(response, correct, strict=False) if a == b)
        return right / len(correct), ""
    return 0.0, ""


def combined_feedback(snap: dict, fraction: float | None) -> str:
    if fraction is None:
        return ""
    if fraction >= 1 - 1e-9:
        return snap.get("correct_feedback", "")
    if fraction > 0:
        return snap.get("partial_feedback", "")
    return snap.get("incorrect_feedback", "")


def right_answer_text(snap: dict) -> str:
    """The right answer in words, for the results page (HTML-safe plain text or trusted snapshot HTML)."""
    from django.utils.html import escape, format_html_join
    from django.utils.safestring import mark_safe

    qt = snap["qtype"]
    if qt in (SINGLE, MULTIPLE):
        best = [c for c in snap["choices"] if c["fraction"] > 0]
        if qt == SINGLE:
            best = [c for c in snap["choices"] if abs(c["fraction"] - 1) < 1e-6][:1]
        return mark_safe("; ".join(c["html"] for c in best))  # noqa: S308 - sanitised when frozen
    if qt == TRUE_FALSE:
        return _("True") if snap["correct"] else _("False")
    if qt == SHORT:
        return escape(next((a["text"] for a in snap["answers"] if a["fraction"] >= 1), ""))
    if qt == NUMERICAL:
        a = next((a for a in snap["answers"] if a["fraction"] >= 1), None)
        if not a:
            return ""
        tol = parse_decimal(a.get("tolerance", "0"))
        return escape(f"{a['value']} ± {a['tolerance']}" if tol else a["value"])
    if qt == MATCHING:
        names = {o["id"]: o["text"] for o in snap["options"]}
        return format_html_join(
            mark_safe("; "), "{} → {}", ((mark_safe(s["html"]), names[s["answer"]]) for s in snap["stems"])
        )
    if qt == ORDERING:
        by_id = {i["id"]: i for i in snap["items"]}
        return mark_safe(" → ".join(by_id[i]["html"] for i in snap["correct_order"]))  # noqa: S308
    return ""
