"""The Excel question template (.xlsx; the same columns also read from CSV).

One question per row. Columns (Vietnamese header, or the English one):

========================  ==================  =============================================
Danh mục                  category            "Parent/Child"
Mã câu hỏi                id                  stable id; re-importing updates the question
Tên câu hỏi               name
Loại                      type                single, multiple, truefalse, short, numerical,
                                              matching, ordering, essay (or the Vietnamese
                                              names in TYPE_NAMES)
Câu hỏi                   question
Định dạng                 format              plain (default), html, markdown
Điểm                      mark                default 1
Đáp án 1 … Đáp án 10      option 1 … 10       choices; accepted answers (short); "42",
                                              "42:0.5" or "40..44" (numerical); "left => right"
                                              (matching; "- => x" adds a wrong option);
                                              items in the right order (ordering)
Đáp án đúng               correct             "2"; "1,3" (equal shares); "1:50;3:50;4:-100"
                                              (weights in %); Đúng/Sai (true/false); weights
                                              for short and numerical answers (default 100)
Phản hồi 1 … 10           feedback 1 … 10     feedback per option (true/false: 1 = "true")
Phản hồi chung            general feedback
Phản hồi khi đúng         correct feedback
Phản hồi khi đúng một phần partial feedback
Phản hồi khi sai          incorrect feedback
Phân biệt hoa thường      case sensitive      short answer: "có"/"x" to compare case
Trộn đáp án               shuffle             "không" keeps the order
Năng lực                  competences         "tt02-2025:4.1; qd757-2025:4.1"
========================  ==================  =============================================
"""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font, PatternFill

from hocvuso.lib.spreadsheet import SpreadsheetError, cell_text, header_key, read_table
from hocvuso.lib.text import fold, nfc
from learning import questions as qt
from learning.formats.common import ParsedQuestion, ParseResult, default_name, truthy
from learning.questions import decimal_str, parse_decimal

MAX_OPTIONS = 10
SHEET_TITLE = "Câu hỏi"

COLUMNS = [
    ("category", "Danh mục", "category"),
    ("key", "Mã câu hỏi", "id"),
    ("name", "Tên câu hỏi", "name"),
    ("type", "Loại", "type"),
    ("text", "Câu hỏi", "question"),
    ("format", "Định dạng", "format"),
    ("mark", "Điểm", "mark"),
    *[(f"option{i}", f"Đáp án {i}", f"option {i}") for i in range(1, MAX_OPTIONS + 1)],
    ("correct", "Đáp án đúng", "correct"),
    *[(f"feedback{i}", f"Phản hồi {i}", f"feedback {i}") for i in range(1, MAX_OPTIONS + 1)],
    ("general_feedback", "Phản hồi chung", "general feedback"),
    ("correct_feedback", "Phản hồi khi đúng", "correct feedback"),
    ("partial_feedback", "Phản hồi khi đúng một phần", "partial feedback"),
    ("incorrect_feedback", "Phản hồi khi sai", "incorrect feedback"),
    ("case_sensitive", "Phân biệt hoa thường", "case sensitive"),
    ("shuffle", "Trộn đáp án", "shuffle"),
    ("competences", "Năng lực", "competences"),
]
_BY_HEADER = {}
for _field, _vi, _en in COLUMNS:
    _BY_HEADER[header_key(_vi)] = _field
    _BY_HEADER[header_key(_en)] = _field

TYPE_NAMES = {
    qt.SINGLE: ["single", "một lựa chọn", "mot lua chon", "trắc nghiệm", "trac nghiem", "multichoice"],
    qt.MULTIPLE: ["multiple", "nhiều lựa chọn", "nhieu lua chon"],
    qt.TRUE_FALSE: ["truefalse", "true/false", "đúng/sai", "dung/sai", "đúng sai", "dung sai"],
    qt.SHORT: ["short", "shortanswer", "trả lời ngắn", "tra loi ngan", "điền từ", "dien tu"],
    qt.NUMERICAL: ["numerical", "số", "so", "điền số", "dien so"],
    qt.MATCHING: ["matching", "ghép đôi", "ghep doi", "nối", "noi"],
    qt.ORDERING: ["ordering", "sắp xếp", "sap xep"],
    qt.ESSAY: ["essay", "tự luận", "tu luan"],
}
_TYPES = {fold(name): code for code, names in TYPE_NAMES.items() for name in names}


def looks_like_csv(text: str) -> bool:
    first = next((line for line in text.splitlines() if line.strip()), "")
    keys = fold(first)
    return ("cau hoi" in keys and "loai" in keys) or ("question" in keys and "type" in keys)


def _weights(text: str, n_options: int, result, line, label) -> dict[int, float] | None:
    """ "2" → {2: 1}; "1,3" → {1: .5, 3: .5}; "1:50;3:50;4:-100" → weights in %."""
    text = text.replace(" ", "")
    if not text:
        return {}
    weights: dict[int, float] = {}
    parts = [p for p in text.replace(";", ",").split(",") if p]
    explicit = any(":" in p for p in parts)
    for part in parts:
        number_text, _sep, weight_text = part.partition(":")
        try:
            number = int(number_text)
        except ValueError:
            result.add_problem(
                _("“%(part)s” in the correct-answer column is not an option number") % {"part": part}, line, label
            )
            return None
        if not 1 <= number <= n_options:
            result.add_problem(
                _("the correct answer names option %(n)d, but there are %(count)d options")
                % {"n": number, "count": n_options},
                line,
                label,
            )
            return None
        if explicit:
            weight = parse_decimal(weight_text) if weight_text else Decimal(100)
            if weight is None:
                result.add_problem(_("weight “%(w)s” is not a number") % {"w": weight_text}, line, label)
                return None
            weights[number] = float(weight / 100)
        else:
            weights[number] = 1.0
    if not explicit and len(weights) > 1:
        share = 1 / len(weights)
        weights = dict.fromkeys(weights, share)
    return weights


def parse(stream, filename: str | None = None) -> ParseResult:
    result = ParseResult(format="excel")
    try:
        table = read_table(stream, filename=filename, known_headers=list(_BY_HEADER))
    except SpreadsheetError as exc:
        result.add_problem(str(exc))
        return result
    with table:
        fields = [_BY_HEADER.get(k) for k in table.header_keys]
        if "type" not in fields or "text" not in fields:
            result.add_problem(
                _("the sheet needs at least the columns “Loại” (type) and “Câu hỏi” (question)"),
                table.header_row_number,
            )
            return result
        number = 0
        for row in table.rows:
            values = {f: _cell(v) for f, v in zip(fields, row.cells, strict=False) if f}
            if not any(values.values()):
                continue
            number += 1
            result.blocks += 1
            _row(result, values, row.number, number)
    return result


def _cell(value) -> str:
    """Cell text; unlike names in rosters, question texts keep their line breaks."""
    if isinstance(value, str):
        return "\n".join(nfc(line) for line in value.replace("\r\n", "\n").split("\n")).strip()
    return cell_text(value)


def _row(result: ParseResult, v: dict, line: int, number: int) -> None:
    text = v.get("text", "").strip()
    label = v.get("name") or text[:60]
    qtype = _TYPES.get(fold(v.get("type", "")))
    if not qtype:
        result.add_problem(
            _("unknown question type “%(type)s” (use one of: %(types)s)")
            % {"type": v.get("type", ""), "types": ", ".join(qt.TYPES)},
            line,
            label,
        )
        return
    fmt = (v.get("format") or "plain").strip().lower()
    if fmt not in {"plain", "html", "markdown", "moodle"}:
        result.add_problem(
            _("unknown text format “%(format)s” (use plain, html or markdown)") % {"format": fmt}, line, label
        )
        return
    mark = parse_decimal(v.get("mark") or "1")
    if mark is None:
        result.add_problem(_("the mark “%(value)s” is not a number") % {"value": v.get("mark")}, line, label)
        return
    options = []
    for i in range(1, MAX_OPTIONS + 1):
        option = v.get(f"option{i}", "")
        if option.strip():
            options.append((i, option.strip(), v.get(f"feedback{i}", "").strip()))
    q = ParsedQuestion(
        qtype=qtype,
        name=(v.get("name") or "").strip() or default_name(text, fmt),
        text=text,
        text_format=fmt,
        category=(v.get("category") or "").strip().strip("/"),
        general_feedback=v.get("general_feedback", "").strip(),
        default_mark=float(mark),
        key=(v.get("key") or "").strip(),
        line=line,
        number=number,
        competences=[c.strip() for c in (v.get("competences") or "").replace(",", ";").split(";") if c.strip()],
    )
    combined = {k: v.get(k, "").strip() for k in qt.COMBINED_FEEDBACK if v.get(k, "").strip()}
    shuffle = truthy(v.get("shuffle"), default=True) if v.get("shuffle", "").strip() else True
    correct = v.get("correct", "").strip()
    n = len(options)
    if qtype in (qt.SINGLE, qt.MULTIPLE):
        weights = _weights(correct, MAX_OPTIONS, result, line, label)
        if weights is None:
            return
        present = {i for i, _o, _f in options}
        missing = sorted(set(weights) - present)
        if missing:
            result.add_problem(
                _("the correct answer names option %(n)d, which is empty") % {"n": missing[0]}, line, label
            )
            return
        ids = qt.choice_ids(n)
        q.data = {
            "choices": [
                {"id": ids[k], "text": o, "fraction": weights.get(i, 0.0), "feedback": f}
                for k, (i, o, f) in enumerate(options)
            ],
            "shuffle": shuffle,
            **combined,
        }
    elif qtype == qt.TRUE_FALSE:
        value = fold(correct)
        if value not in {"dung", "true", "t", "sai", "false", "f"}:
            result.add_problem(_("a true/false question needs “Đúng” or “Sai” as its correct answer"), line, label)
            return
        q.data = {
            "correct": value in {"dung", "true", "t"},
            "feedback_true": v.get("feedback1", "").strip(),
            "feedback_false": v.get("feedback2", "").strip(),
        }
    elif qtype == qt.SHORT:
        weights = _weights(correct, MAX_OPTIONS, result, line, label) if ":" in correct else {}
        if weights is None:
            return
        q.data = {
            "answers": [
                {"text": o, "fraction": weights.get(i, 1.0) if weights else 1.0, "feedback": f} for i, o, f in options
            ],
            "case_sensitive": truthy(v.get("case_sensitive")),
        }
    elif qtype == qt.NUMERICAL:
        weights = _weights(correct, MAX_OPTIONS, result, line, label) if ":" in correct else {}
        if weights is None:
            return
        answers = []
        for i, o, f in options:
            value, tolerance = _number_with_margin(o)
            if value is None:
                result.add_problem(
                    _("option %(n)d, “%(value)s”, is not a number (write 42, 42:0.5 or 40..44)") % {"n": i, "value": o},
                    line,
                    label,
                )
                return
            answers.append(
                {
                    "value": value,
                    "tolerance": tolerance,
                    "fraction": weights.get(i, 1.0) if weights else 1.0,
                    "feedback": f,
                }
            )
        q.data = {"answers": answers, "other_feedback": combined.pop("incorrect_feedback", ""), "units": []}
    elif qtype == qt.MATCHING:
        pairs = []
        for i, o, _f in options:
            sep = "=>" if "=>" in o else "->" if "->" in o else None
            if not sep:
                result.add_problem(
                    _("option %(n)d, “%(value)s”, is not a pair “left => right”") % {"n": i, "value": o}, line, label
                )
                return
            left, right = o.split(sep, 1)
            # "- => x" adds a wrong option (a cell may not start with "=", Excel takes it for a formula).
            left = "" if left.strip() in ("", "-", "–", "—") else left.strip()
            pairs.append({"left": left, "right": right.strip()})
        q.data = {"pairs": pairs, "shuffle": shuffle, **combined}
    elif qtype == qt.ORDERING:
        q.data = {"items": [o for _i, o, _f in options], **combined}
    elif qtype == qt.ESSAY:
        # The marking guide: "Phản hồi 1" (as exported), or "Đáp án 1" where authors often put it.
        guide = v.get("feedback1", "").strip() or (options[0][1] if options else "")
        q.data = {"grader_info": guide, "response_template": ""}
    result.questions.append(q)


def _number_with_margin(text: str) -> tuple[str | None, str]:
    text = text.strip()
    if ".." in text[1:]:
        low_text, high_text = text.split("..", 1)
        low, high = parse_decimal(low_text), parse_decimal(high_text)
        if low is None or high is None or high < low:
            return None, "0"
        return decimal_str((low + high) / 2), decimal_str((high - low) / 2)
    if ":" in text[1:]:
        value_text, tol_text = text.split(":", 1)
        value, tolerance = parse_decimal(value_text), parse_decimal(tol_text)
        if value is None or tolerance is None:
            return None, "0"
        return decimal_str(value), decimal_str(abs(tolerance))
    value = parse_decimal(text)
    return (decimal_str(value) if value is not None else None), "0"


# --- writing ---------------------------------------------------------------------------


def _w(fraction: float) -> str:
    return decimal_str(Decimal(str(round(fraction * 100, 5))))


def export(items) -> tuple[bytes, list[str]]:
    """The template filled with questions; those with more than 10 options are left out (listed)."""
    skipped = []
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    ws.append([vi for _f, vi, _en in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F3F3F6")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    index = {f: i for i, (f, _vi, _en) in enumerate(COLUMNS)}
    for q in items:
        data = q.data
        if max(len(data.get(k) or []) for k in ("choices", "answers", "pairs", "items")) > MAX_OPTIONS:
            skipped.append(q.name)
            continue
        row = [""] * len(COLUMNS)

        def put(field: str, value, row=row) -> None:
            row[index[field]] = value

        put("category", q.category_path)
        put("key", q.key)
        put("name", q.name)
        put("type", q.qtype)
        put("text", q.text)
        put("format", q.text_format if q.text_format != "moodle" else "html")
        put("mark", q.default_mark)
        put("general_feedback", q.general_feedback)
        put("competences", "; ".join(q.competence_refs))
        for k in qt.COMBINED_FEEDBACK:
            if data.get(k):
                put(k, data[k])
        if q.qtype in (qt.SINGLE, qt.MULTIPLE):
            for i, c in enumerate(data["choices"], 1):
                put(f"option{i}", c["text"])
                put(f"feedback{i}", c.get("feedback", ""))
            put(
                "correct",
                ";".join(f"{i}:{_w(c['fraction'])}" for i, c in enumerate(data["choices"], 1) if c["fraction"]),
            )
            put("shuffle", "có" if data.get("shuffle", True) else "không")
        elif q.qtype == qt.TRUE_FALSE:
            put("correct", "Đúng" if data["correct"] else "Sai")
            put("feedback1", data.get("feedback_true", ""))
            put("feedback2", data.get("feedback_false", ""))
        elif q.qtype == qt.SHORT:
            for i, a in enumerate(data["answers"], 1):
                put(f"option{i}", a["text"])
                put(f"feedback{i}", a.get("feedback", ""))
            put("correct", ";".join(f"{i}:{_w(a['fraction'])}" for i, a in enumerate(data["answers"], 1)))
            put("case_sensitive", "có" if data.get("case_sensitive") else "")
        elif q.qtype == qt.NUMERICAL:
            for i, a in enumerate(data["answers"], 1):
                put(f"option{i}", f"{a['value']}:{a.get('tolerance') or '0'}")
                put(f"feedback{i}", a.get("feedback", ""))
            put("correct", ";".join(f"{i}:{_w(a['fraction'])}" for i, a in enumerate(data["answers"], 1)))
            if data.get("other_feedback"):
                put("incorrect_feedback", data["other_feedback"])
        elif q.qtype == qt.MATCHING:
            for i, p in enumerate(data["pairs"], 1):
                put(f"option{i}", f"{p['left'] or '-'} => {p['right']}")
            put("shuffle", "có" if data.get("shuffle", True) else "không")
        elif q.qtype == qt.ORDERING:
            for i, item in enumerate(data["items"], 1):
                put(f"option{i}", item)
        elif q.qtype == qt.ESSAY:
            put("feedback1", data.get("grader_info", ""))
        ws.append(row)
    for col in ws.columns:
        ws.column_dimensions[col[0].column_letter].width = 18
    ws.column_dimensions["E"].width = 50
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), skipped
