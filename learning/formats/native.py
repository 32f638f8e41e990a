"""The YAML question bank of content packs (see content/FORMAT.md).

Written by hand by course authors, so it is forgiving where that is safe
(``correct: true`` instead of a weight) and precise where it matters (every
problem names its line).
"""

from __future__ import annotations

from decimal import Decimal

import yaml
from django.utils.translation import gettext as _

from learning import questions as qt
from learning.formats.common import ParsedQuestion, ParseResult, default_name
from learning.questions import decimal_str, parse_decimal

LINE = "__line__"


class _LineLoader(yaml.SafeLoader):
    """Safe loader that records the line of every mapping under ``__line__``."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE] = node.start_mark.line + 1
        return mapping


def load_yaml(text: str):
    return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass


def strip_lines(value):
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k != LINE}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value


def _weight(item: dict, default: float | None = None) -> float | None:
    if "weight" in item:
        value = parse_decimal(item["weight"])
        return None if value is None else float(value / 100)
    if "correct" in item:
        return 1.0 if item["correct"] is True else 0.0
    return default


def parse(text: str) -> ParseResult:
    result = ParseResult(format="yaml")
    try:
        doc = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        result.add_problem(
            _("the YAML is not valid: %(reason)s") % {"reason": getattr(exc, "problem", str(exc))},
            mark.line + 1 if mark else None,
        )
        return result
    if not isinstance(doc, dict) or not isinstance(doc.get("questions"), list):
        result.add_problem(_("a question bank file needs a “questions:” list"), 1)
        return result
    for cat in doc.get("categories") or []:
        if isinstance(cat, dict) and cat.get("path"):
            result.categories[str(cat["path"]).strip("/")] = str(cat.get("info") or "")
    for number, item in enumerate(doc["questions"], 1):
        result.blocks += 1
        if not isinstance(item, dict):
            result.add_problem(_("question %(n)d is not a mapping of keys and values") % {"n": number})
            continue
        _question(result, item, number)
    return result


def _question(result: ParseResult, item: dict, number: int) -> None:
    line = item.get(LINE)
    text = str(item.get("text") or "").strip()
    fmt = str(item.get("format") or "markdown")
    label = str(item.get("id") or item.get("name") or text[:50])
    qtype = str(item.get("type") or "")
    if qtype not in qt.TYPES:
        result.add_problem(
            _("unknown question type “%(type)s” (use one of: %(types)s)")
            % {"type": qtype, "types": ", ".join(qt.TYPES)},
            line,
            label,
        )
        return
    mark = parse_decimal(item.get("mark", 1))
    q = ParsedQuestion(
        qtype=qtype,
        name=str(item.get("name") or "").strip() or default_name(text, fmt),
        text=text,
        text_format=fmt,
        category=str(item.get("category") or "").strip("/"),
        general_feedback=str(item.get("feedback") or ""),
        default_mark=float(mark) if mark is not None else -1,
        key=str(item.get("id") or ""),
        tags=[str(t) for t in item.get("tags") or []],
        competences=[str(c) for c in item.get("competences") or []],
        line=line,
        number=number,
    )
    combined = {k: str(item[k]) for k in qt.COMBINED_FEEDBACK if item.get(k)}
    if qtype in (qt.SINGLE, qt.MULTIPLE):
        choices = []
        for cid, c in zip(qt.choice_ids(len(item.get("choices") or [])), item.get("choices") or [], strict=True):
            if not isinstance(c, dict):
                c = {"text": c}
            fraction = _weight(c, 0.0)
            if fraction is None:
                result.add_problem(_("weight “%(w)s” is not a number") % {"w": c.get("weight")}, c.get(LINE), label)
                return
            choices.append(
                {
                    "id": cid,
                    "text": str(c.get("text", "")),
                    "fraction": fraction,
                    "feedback": str(c.get("feedback") or ""),
                }
            )
        raw = [c if isinstance(c, dict) else {} for c in item.get("choices") or []]
        if qtype == qt.MULTIPLE:
            # "correct: true" on several choices shares the marks equally (explicit weights stay).
            right = [c for c, r in zip(choices, raw, strict=True) if r.get("correct") is True and "weight" not in r]
            for c in right:
                c["fraction"] = 1 / len(right)
        q.data = {"choices": choices, "shuffle": bool(item.get("shuffle", True)), **combined}
    elif qtype == qt.TRUE_FALSE:
        if not isinstance(item.get("answer"), bool):
            result.add_problem(_("a true/false question needs “answer: true” or “answer: false”"), line, label)
            return
        q.data = {
            "correct": item["answer"],
            "feedback_true": str(item.get("feedback_true") or ""),
            "feedback_false": str(item.get("feedback_false") or ""),
        }
    elif qtype == qt.SHORT:
        answers = []
        for a in item.get("answers") or []:
            a = a if isinstance(a, dict) else {"text": a}
            fraction = _weight(a, 1.0)
            if fraction is None:
                result.add_problem(_("weight “%(w)s” is not a number") % {"w": a.get("weight")}, a.get(LINE), label)
                return
            answers.append(
                {"text": str(a.get("text", "")), "fraction": fraction, "feedback": str(a.get("feedback") or "")}
            )
        q.data = {"answers": answers, "case_sensitive": bool(item.get("case_sensitive", False))}
    elif qtype == qt.NUMERICAL:
        answers = []
        for a in item.get("answers") or []:
            a = a if isinstance(a, dict) else {"value": a}
            value, tolerance = parse_decimal(a.get("value")), parse_decimal(a.get("tolerance", 0))
            fraction = _weight(a, 1.0)
            answers.append(
                {
                    "value": decimal_str(value) if value is not None else str(a.get("value")),
                    "tolerance": decimal_str(abs(tolerance)) if tolerance is not None else str(a.get("tolerance")),
                    "fraction": fraction if fraction is not None else 1.0,
                    "feedback": str(a.get("feedback") or ""),
                }
            )
        q.data = {
            "answers": answers,
            "other_feedback": str(item.get("other_feedback") or ""),
            "units": [
                {"unit": str(u.get("unit", "")), "multiplier": str(u.get("multiplier", "1"))}
                for u in item.get("units") or []
                if isinstance(u, dict)
            ],
        }
    elif qtype == qt.MATCHING:
        pairs = []
        for p in item.get("pairs") or []:
            if not isinstance(p, dict):
                result.add_problem(_("each pair needs “left:” and “right:”"), line, label)
                return
            pairs.append({"left": str(p.get("left") or ""), "right": str(p.get("right") or "")})
        q.data = {"pairs": pairs, "shuffle": bool(item.get("shuffle", True)), **combined}
    elif qtype == qt.ORDERING:
        q.data = {"items": [str(i) for i in item.get("items") or []], **combined}
    elif qtype == qt.ESSAY:
        q.data = {
            "grader_info": str(item.get("grader_info") or ""),
            "response_template": str(item.get("response_template") or ""),
        }
    result.questions.append(q)


def _w(fraction: float) -> float | int:
    value = Decimal(str(round(fraction * 100, 5)))
    return int(value) if value == value.to_integral() else float(value)


def export(bank, items, categories: dict[str, str]) -> str:
    doc = {
        "bank": bank.key,
        "name": bank.name,
        "categories": [{"path": p, "info": i} if i else {"path": p} for p, i in categories.items()],
        "questions": [],
    }
    for q in items:
        entry = {
            "id": q.key,
            "name": q.name,
            "category": q.category_path,
            "type": q.qtype,
            "format": q.text_format,
            "text": q.text,
        }
        if q.default_mark != 1:
            entry["mark"] = q.default_mark
        if q.general_feedback:
            entry["feedback"] = q.general_feedback
        if q.competence_refs:
            entry["competences"] = list(q.competence_refs)
        if q.tags:
            entry["tags"] = list(q.tags)
        data = q.data
        for k in qt.COMBINED_FEEDBACK:
            if data.get(k):
                entry[k] = data[k]
        if q.qtype in (qt.SINGLE, qt.MULTIPLE):
            entry["choices"] = [
                {
                    "text": c["text"],
                    "weight": _w(c["fraction"]),
                    **({"feedback": c["feedback"]} if c.get("feedback") else {}),
                }
                for c in data["choices"]
            ]
            if not data.get("shuffle", True):
                entry["shuffle"] = False
        elif q.qtype == qt.TRUE_FALSE:
            entry["answer"] = data["correct"]
            for k in ("feedback_true", "feedback_false"):
                if data.get(k):
                    entry[k] = data[k]
        elif q.qtype == qt.SHORT:
            entry["answers"] = [
                {
                    "text": a["text"],
                    "weight": _w(a["fraction"]),
                    **({"feedback": a["feedback"]} if a.get("feedback") else {}),
                }
                for a in data["answers"]
            ]
            if data.get("case_sensitive"):
                entry["case_sensitive"] = True
        elif q.qtype == qt.NUMERICAL:
            entry["answers"] = [
                {
                    "value": a["value"],
                    "tolerance": a.get("tolerance") or "0",
                    "weight": _w(a["fraction"]),
                    **({"feedback": a["feedback"]} if a.get("feedback") else {}),
                }
                for a in data["answers"]
            ]
            if data.get("other_feedback"):
                entry["other_feedback"] = data["other_feedback"]
            if data.get("units"):
                entry["units"] = data["units"]
        elif q.qtype == qt.MATCHING:
            entry["pairs"] = [{"left": p["left"], "right": p["right"]} for p in data["pairs"]]
            if not data.get("shuffle", True):
                entry["shuffle"] = False
        elif q.qtype == qt.ORDERING:
            entry["items"] = list(data["items"])
        elif q.qtype == qt.ESSAY:
            for k in ("grader_info", "response_template"):
                if data.get(k):
                    entry[k] = data[k]
        doc["questions"].append(entry)
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=110)
