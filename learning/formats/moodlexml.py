"""Moodle XML: read and write.

Reads the question types this app supports (multichoice, truefalse,
shortanswer, numerical, matching, ordering, essay) with categories,
feedback, weights, tolerances, units, tags, id numbers and embedded files.
Line numbers come from expat so every problem names its line. Document type
declarations are refused (no entity expansion, no external entities).
"""

from __future__ import annotations

import base64
import binascii
import xml.parsers.expat
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from django.utils.translation import gettext as _

from learning import questions as qt
from learning.formats.common import (
    MAX_FILE_BYTES,
    ParsedQuestion,
    ParseResult,
    category_segments,
    clean_category,
    convert_text,
    default_name,
    truthy,
)
from learning.questions import decimal_str, parse_decimal

_FORMATS = {"html": "html", "moodle_auto_format": "moodle", "plain_text": "plain", "markdown": "markdown"}
_FORMAT_NAMES = {v: k for k, v in _FORMATS.items()}
_SUPPORTED = {
    "multichoice": None,
    "truefalse": qt.TRUE_FALSE,
    "shortanswer": qt.SHORT,
    "numerical": qt.NUMERICAL,
    "matching": qt.MATCHING,
    "match": qt.MATCHING,
    "ordering": qt.ORDERING,
    "essay": qt.ESSAY,
}
_KNOWN_UNSUPPORTED = {
    "description": "description (text without a question)",
    "cloze": "embedded answers (Cloze)",
    "multianswer": "embedded answers (Cloze)",
    "calculated": "calculated",
    "calculatedsimple": "simple calculated",
    "calculatedmulti": "calculated multichoice",
    "ddwtos": "drag and drop into text",
    "ddimageortext": "drag and drop onto image",
    "ddmarker": "drag and drop markers",
    "gapselect": "select missing words",
    "randomsamatch": "random short-answer matching",
    "random": "random",
}


class _Refused(Exception):
    pass


@dataclass
class Node:
    tag: str
    attrs: dict
    line: int
    children: list[Node] = field(default_factory=list)
    chars: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.chars)

    def child(self, tag: str) -> Node | None:
        return next((c for c in self.children if c.tag == tag), None)

    def all(self, tag: str) -> list[Node]:
        return [c for c in self.children if c.tag == tag]

    def value(self, tag: str, default: str = "") -> str:
        node = self.child(tag)
        return node.text.strip() if node is not None else default


def _build(data: bytes) -> Node:
    parser = xml.parsers.expat.ParserCreate()
    stack: list[Node] = []
    root: list[Node] = []

    def start(tag, attrs):
        node = Node(tag, attrs, parser.CurrentLineNumber)
        if stack:
            stack[-1].children.append(node)
        else:
            root.append(node)
        stack.append(node)

    def end(tag):
        stack.pop()

    def chars(text):
        if stack:
            stack[-1].chars.append(text)

    def refuse(*args):
        raise _Refused()

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.Parse(data, True)
    return root[0]


def parse(data: bytes) -> ParseResult:
    result = ParseResult(format="moodle-xml")
    try:
        root = _build(data)
    except _Refused:
        result.add_problem(_("the file declares a document type (<!DOCTYPE>), which is not allowed"))
        return result
    except xml.parsers.expat.ExpatError as exc:
        result.add_problem(
            _("the XML is not well formed: %(reason)s")
            % {
                "reason": xml.parsers.expat.errors.messages.get(exc.code, str(exc))
                if hasattr(exc, "code")
                else str(exc)
            },
            getattr(exc, "lineno", None),
        )
        return result
    if root.tag != "quiz":
        result.add_problem(
            _("this is not a Moodle XML question file (the root element is <%(tag)s>, not <quiz>)") % {"tag": root.tag},
            root.line,
        )
        return result
    category = ""
    number = 0
    for node in root.children:
        if node.tag != "question":
            continue
        kind = node.attrs.get("type", "")
        if kind == "category":
            cat = node.child("category")
            if cat is None:
                result.add_problem(_("a category entry has no <category>"), node.line)
                continue
            path = cat.value("text") if cat.child("text") is not None else cat.text.strip()
            category = clean_category(path)
            info = node.child("info")
            result.categories[category] = _text_of(info)[0] if info is not None else ""
            continue
        number += 1
        result.blocks += 1
        _question(result, node, category, number)
    return result


def _text_of(node: Node | None, files: dict | None = None, result=None, label="") -> tuple[str, str]:
    """(text, format) of a text-bearing element; embedded <file>s are collected into ``files``."""
    if node is None:
        return "", "html"
    fmt = _FORMATS.get(node.attrs.get("format", "html"), "html")
    text_node = node.child("text")
    text = text_node.text if text_node is not None else ""
    if files is not None:
        for f in node.all("file"):
            name = f.attrs.get("name", "")
            if f.attrs.get("encoding", "base64") != "base64" or not name:
                result.add_problem(_("embedded file “%(name)s” is not base64") % {"name": name}, f.line, label)
                continue
            try:
                content = base64.b64decode("".join(f.text.split()), validate=True)
            except (binascii.Error, ValueError):
                result.add_problem(_("embedded file “%(name)s” is not valid base64") % {"name": name}, f.line, label)
                continue
            if len(content) > MAX_FILE_BYTES:
                result.add_problem(_("embedded file “%(name)s” is larger than 5 MB") % {"name": name}, f.line, label)
                continue
            files[name] = content
    return text.strip(), fmt


def _fraction(node: Node, result, label) -> float | None:
    raw = node.attrs.get("fraction", "0")
    value = parse_decimal(raw)
    if value is None:
        result.add_problem(_("answer weight “%(value)s” is not a number") % {"value": raw}, node.line, label)
        return None
    return float(value / 100)


def _question(result: ParseResult, node: Node, category: str, number: int) -> None:
    kind = node.attrs.get("type", "")
    name_node = node.child("name")
    name = name_node.value("text") if name_node is not None else ""
    label = name or f"#{number}"
    if kind not in _SUPPORTED:
        what = _KNOWN_UNSUPPORTED.get(kind)
        message = (
            _("question type “%(type)s” (%(what)s) is not supported") % {"type": kind, "what": what}
            if what
            else _("question type “%(type)s” is not supported") % {"type": kind}
        )
        result.add_problem(message, node.line, label)
        return
    files: dict[str, bytes] = {}
    text, fmt = _text_of(node.child("questiontext"), files, result, label)

    def same(child: Node | None) -> str:
        value, source = _text_of(child, files, result, label)
        return convert_text(value, source, fmt)

    mark = parse_decimal(node.value("defaultgrade", "1"))
    q = ParsedQuestion(
        qtype=_SUPPORTED[kind] or "",
        name=name or default_name(text, fmt),
        text=text,
        text_format=fmt,
        category=category,
        general_feedback=same(node.child("generalfeedback")),
        default_mark=float(mark) if mark is not None else 1.0,
        key=node.value("idnumber"),
        tags=[t.value("text") for t in (node.child("tags").all("tag") if node.child("tags") else [])],
        line=node.line,
        number=number,
        is_active=not truthy(node.value("hidden", "0")),
    )
    if mark is None:
        result.add_problem(
            _("the mark “%(value)s” is not a number") % {"value": node.value("defaultgrade")}, node.line, label
        )
        return
    combined = {
        key: same(node.child(tag))
        for key, tag in (
            ("correct_feedback", "correctfeedback"),
            ("partial_feedback", "partiallycorrectfeedback"),
            ("incorrect_feedback", "incorrectfeedback"),
        )
    }
    combined = {k: v for k, v in combined.items() if v}
    answers = node.all("answer")

    if kind == "multichoice":
        single = truthy(node.value("single", "true"), default=True)
        q.qtype = qt.SINGLE if single else qt.MULTIPLE
        choices = []
        for cid, a in zip(qt.choice_ids(len(answers)), answers, strict=True):
            fraction = _fraction(a, result, label)
            if fraction is None:
                return
            value, source = _text_of(a, files, result, label)
            choices.append(
                {
                    "id": cid,
                    "text": convert_text(value, source, fmt),
                    "fraction": fraction,
                    "feedback": same(a.child("feedback")),
                }
            )
        q.data = {"choices": choices, "shuffle": truthy(node.value("shuffleanswers", "true"), True), **combined}
    elif kind == "truefalse":
        correct = None
        feedback = {"true": "", "false": ""}
        for a in answers:
            value = _text_of(a)[0].strip().lower()
            if value not in feedback:
                result.add_problem(
                    _("a true/false answer must be “true” or “false”, not “%(value)s”") % {"value": value},
                    a.line,
                    label,
                )
                return
            feedback[value] = same(a.child("feedback"))
            fraction = _fraction(a, result, label)
            if fraction is None:
                return
            if fraction >= 1:
                correct = value == "true"
        if correct is None:
            result.add_problem(_("neither “true” nor “false” is marked as the right answer"), node.line, label)
            return
        q.data = {"correct": correct, "feedback_true": feedback["true"], "feedback_false": feedback["false"]}
    elif kind == "shortanswer":
        items = []
        for a in answers:
            fraction = _fraction(a, result, label)
            if fraction is None:
                return
            items.append({"text": _text_of(a)[0], "fraction": fraction, "feedback": same(a.child("feedback"))})
        q.data = {"answers": items, "case_sensitive": truthy(node.value("usecase", "0"))}
    elif kind == "numerical":
        items, other = [], ""
        for a in answers:
            fraction = _fraction(a, result, label)
            if fraction is None:
                return
            value = _text_of(a)[0].strip()
            if value == "*":
                other = same(a.child("feedback"))
                continue
            number_value = parse_decimal(value)
            tolerance = parse_decimal(a.value("tolerance", "0") or "0")
            if number_value is None:
                result.add_problem(_("“%(answer)s” is not a number") % {"answer": value}, a.line, label)
                return
            if tolerance is None:
                result.add_problem(
                    _("tolerance “%(value)s” is not a number") % {"value": a.value("tolerance")}, a.line, label
                )
                return
            items.append(
                {
                    "value": decimal_str(number_value),
                    "tolerance": decimal_str(abs(tolerance)),
                    "fraction": fraction,
                    "feedback": same(a.child("feedback")),
                }
            )
        units = []
        units_node = node.child("units")
        for u in units_node.all("unit") if units_node is not None else []:
            units.append({"unit": u.value("unit_name"), "multiplier": u.value("multiplier", "1")})
        q.data = {"answers": items, "other_feedback": other, "units": units}
    elif kind in ("matching", "match"):
        pairs = []
        for sub in node.all("subquestion"):
            left, source = _text_of(sub, files, result, label)
            right_node = sub.child("answer")
            pairs.append(
                {
                    "left": convert_text(left, source, fmt),
                    "right": right_node.value("text") if right_node is not None else "",
                }
            )
        q.data = {"pairs": pairs, "shuffle": truthy(node.value("shuffleanswers", "true"), True), **combined}
    elif kind == "ordering":
        # qtype_ordering keeps each item's correct position in its "fraction".
        positions = [parse_decimal(a.attrs.get("fraction")) for a in answers]
        if all(p is not None for p in positions) and len(set(positions)) == len(positions):
            answers = [a for _p, a in sorted(zip(positions, answers, strict=True), key=lambda pa: pa[0])]
        items = []
        for a in answers:
            value, source = _text_of(a, files, result, label)
            items.append(convert_text(value, source, fmt))
        q.data = {"items": items, **combined}
    elif kind == "essay":
        q.data = {
            "grader_info": same(node.child("graderinfo")),
            "response_template": _text_of(node.child("responsetemplate"))[0],
        }
    q.files = files
    result.questions.append(q)


# --- writing -----------------------------------------------------------------------------


def _cdata(text: str) -> str:
    if not text:
        return "<text></text>"
    if any(c in text for c in "<>&"):
        return "<text><![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]></text>"
    return f"<text>{text}</text>"


def _files_xml(text: str, files: dict[str, bytes]) -> str:
    out = []
    for name, content in files.items():
        if f"@@PLUGINFILE@@/{name}" in (text or ""):
            out.append(
                f'<file name={quoteattr(name)} path="/" encoding="base64">{base64.b64encode(content).decode()}</file>'
            )
    return "".join(out)


def _element(tag: str, text: str, fmt: str, files: dict[str, bytes], indent: str = "    ") -> str:
    return (
        f'{indent}<{tag} format="{_FORMAT_NAMES.get(fmt, "html")}">\n{indent}  {_cdata(text)}'
        f"{_files_xml(text, files)}\n{indent}</{tag}>\n"
    )


def _pct(fraction: float) -> str:
    return decimal_str(Decimal(str(round(fraction * 100, 7))))


def export(items, files_of) -> str:
    """Moodle XML for questions; ``files_of(question)`` gives {name: bytes} of its embedded files."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n']
    current = None
    for q in items:
        if q.category_path != current:
            current = q.category_path
            path = "/".join(s.replace("/", "//") for s in category_segments(current))
            out.append(
                f'  <question type="category">\n    <category>\n      {_cdata("$course$/top/" + path)}\n'
                f'    </category>\n    <info format="html">\n      {_cdata(q.category_info)}\n'
                "    </info>\n  </question>\n"
            )
        files = files_of(q)
        fmt = q.text_format
        kind = {
            qt.SINGLE: "multichoice",
            qt.MULTIPLE: "multichoice",
            qt.TRUE_FALSE: "truefalse",
            qt.SHORT: "shortanswer",
            qt.NUMERICAL: "numerical",
            qt.MATCHING: "matching",
            qt.ORDERING: "ordering",
            qt.ESSAY: "essay",
        }[q.qtype]
        data = q.data
        parts = [
            f'  <question type="{kind}">\n    <name>\n      {_cdata(q.name)}\n    </name>\n',
            _element("questiontext", q.text, fmt, files),
            _element("generalfeedback", q.general_feedback, fmt, files),
            f"    <defaultgrade>{decimal_str(Decimal(str(q.default_mark)))}</defaultgrade>\n",
            f"    <hidden>{0 if q.is_active else 1}</hidden>\n",
            f"    <idnumber>{xml_escape(q.key)}</idnumber>\n",
        ]
        if q.qtype in (qt.SINGLE, qt.MULTIPLE, qt.MATCHING, qt.ORDERING):
            if q.qtype != qt.ORDERING:
                if q.qtype != qt.MATCHING:
                    parts.append(f"    <single>{'true' if q.qtype == qt.SINGLE else 'false'}</single>\n")
                parts.append(
                    f"    <shuffleanswers>{'true' if data.get('shuffle', True) else 'false'}</shuffleanswers>\n"
                )
            for key, tag in (
                ("correct_feedback", "correctfeedback"),
                ("partial_feedback", "partiallycorrectfeedback"),
                ("incorrect_feedback", "incorrectfeedback"),
            ):
                if data.get(key):
                    parts.append(_element(tag, data[key], fmt, files))
        if q.qtype in (qt.SINGLE, qt.MULTIPLE):
            for c in data["choices"]:
                parts.append(
                    f'    <answer fraction="{_pct(c["fraction"])}" format="{_FORMAT_NAMES[fmt]}">\n'
                    f"      {_cdata(c['text'])}{_files_xml(c['text'], files)}\n"
                    + _element("feedback", c.get("feedback", ""), fmt, files, "      ")
                    + "    </answer>\n"
                )
        elif q.qtype == qt.TRUE_FALSE:
            for value in ("true", "false"):
                right = data["correct"] == (value == "true")
                parts.append(
                    f'    <answer fraction="{100 if right else 0}" format="moodle_auto_format">\n'
                    f"      <text>{value}</text>\n"
                    + _element("feedback", data.get(f"feedback_{value}", ""), fmt, files, "      ")
                    + "    </answer>\n"
                )
        elif q.qtype == qt.SHORT:
            parts.append(f"    <usecase>{1 if data.get('case_sensitive') else 0}</usecase>\n")
            for a in data["answers"]:
                parts.append(
                    f'    <answer fraction="{_pct(a["fraction"])}" format="plain_text">\n'
                    f"      {_cdata(a['text'])}\n"
                    + _element("feedback", a.get("feedback", ""), fmt, files, "      ")
                    + "    </answer>\n"
                )
        elif q.qtype == qt.NUMERICAL:
            answers = list(data["answers"])
            if data.get("other_feedback"):
                answers.append({"value": "*", "tolerance": "0", "fraction": 0.0, "feedback": data["other_feedback"]})
            for a in answers:
                parts.append(
                    f'    <answer fraction="{_pct(a["fraction"])}" format="plain_text">\n'
                    f"      <text>{xml_escape(a['value'])}</text>\n"
                    + _element("feedback", a.get("feedback", ""), fmt, files, "      ")
                    + f"      <tolerance>{xml_escape(a.get('tolerance') or '0')}</tolerance>\n"
                    "    </answer>\n"
                )
            if data.get("units"):
                parts.append(
                    "    <units>\n"
                    + "".join(
                        f"      <unit>\n        <multiplier>{xml_escape(u['multiplier'])}</multiplier>\n"
                        f"        <unit_name>{xml_escape(u['unit'])}</unit_name>\n      </unit>\n"
                        for u in data["units"]
                    )
                    + "    </units>\n"
                )
        elif q.qtype == qt.MATCHING:
            for p in data["pairs"]:
                parts.append(
                    f'    <subquestion format="{_FORMAT_NAMES[fmt]}">\n      {_cdata(p["left"])}'
                    f"{_files_xml(p['left'], files)}\n"
                    f"      <answer>\n        {_cdata(p['right'])}\n      </answer>\n    </subquestion>\n"
                )
        elif q.qtype == qt.ORDERING:
            parts.append(
                "    <layouttype>VERTICAL</layouttype>\n    <selecttype>ALL</selecttype>\n"
                "    <selectcount>0</selectcount>\n    <gradingtype>ABSOLUTE_POSITION</gradingtype>\n"
            )
            for position, item in enumerate(data["items"], 1):
                parts.append(
                    f'    <answer fraction="{position}.0000000" format="{_FORMAT_NAMES[fmt]}">\n'
                    f"      {_cdata(item)}{_files_xml(item, files)}\n    </answer>\n"
                )
        elif q.qtype == qt.ESSAY:
            parts.append("    <responseformat>editor</responseformat>\n")
            parts.append(_element("graderinfo", data.get("grader_info", ""), fmt, files))
            parts.append(
                '    <responsetemplate format="html">\n      '
                f"{_cdata(data.get('response_template', ''))}\n    </responsetemplate>\n"
            )
        if q.tags:
            parts.append("    <tags>\n" + "".join(f"      <tag>{_cdata(t)}</tag>\n" for t in q.tags) + "    </tags>\n")
        parts.append("  </question>\n")
        out.append("".join(parts))
    out.append("</quiz>\n")
    return "".join(out)
