"""Aiken: single-choice questions in plain text.

    Question text (one or more lines)
    A. first choice          (also "A)" and, as Moodle accepts, "A)choice")
    B. second choice
    ANSWER: B

Problems are reported with the line they are on, the way Moodle names them
("question not started", "at least 2 answers", "not completed before the next
question starts").
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from learning import questions as qt
from learning.formats.common import ParsedQuestion, ParseResult, default_name
from learning.rendering import plain_text

_OPTION = re.compile(r"^([A-Z])[.)]\s*(.*)$")
_ANSWER = re.compile(r"^ANSWER\s*:\s*(.*)$", re.I)


def looks_like(text: str) -> bool:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    answers = sum(1 for line in lines if _ANSWER.match(line))
    options = sum(1 for line in lines if _OPTION.match(line))
    return answers > 0 and options >= answers and "{" not in text


def parse(text: str) -> ParseResult:
    result = ParseResult(format="aiken")
    state = "idle"  # idle → text → options → idle
    lines: list[str] = []
    options: list[str] = []
    start = 0
    number = 0

    def begin(line_no: int, content: str) -> None:
        nonlocal state, lines, options, start
        state, lines, options, start = "text", [content], [], line_no

    for line_no, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        option = _OPTION.match(line)
        answer = _ANSWER.match(line)
        if answer:
            label = " ".join(lines)[:60]
            if state == "idle":
                result.add_problem(_("“ANSWER:” line without a question before it"), line_no)
                continue
            number += 1
            result.blocks += 1
            letter = answer.group(1).strip().upper()
            if len(options) < 2:
                result.add_problem(
                    _("a question needs at least 2 answers (found %(n)d)") % {"n": len(options)}, line_no, label
                )
            elif not re.fullmatch(r"[A-Z]", letter) or ord(letter) - ord("A") >= len(options):
                result.add_problem(
                    _("the answer “%(letter)s” is not one of the choices A–%(last)s")
                    % {"letter": answer.group(1).strip(), "last": chr(ord("A") + len(options) - 1)},
                    line_no,
                    label,
                )
            else:
                right = ord(letter) - ord("A")
                body = "\n".join(lines)
                ids = qt.choice_ids(len(options))
                result.questions.append(
                    ParsedQuestion(
                        qtype=qt.SINGLE,
                        name=default_name(body, "plain"),
                        text=body,
                        text_format="plain",
                        data={
                            "choices": [
                                {"id": ids[i], "text": o, "fraction": 1.0 if i == right else 0.0, "feedback": ""}
                                for i, o in enumerate(options)
                            ],
                            "shuffle": True,
                        },
                        line=start,
                        number=number,
                    )
                )
            state, lines, options = "idle", [], []
        elif option:
            if state == "idle":
                result.add_problem(_("a choice without a question before it (question not started)"), line_no)
                continue
            options.append(option.group(2).strip())
            state = "options"
        else:
            if state == "options":
                number += 1
                result.blocks += 1
                result.add_problem(
                    _("the question has no “ANSWER:” line before the next question starts"),
                    line_no,
                    " ".join(lines)[:60],
                )
                begin(line_no, line)
            elif state == "text":
                lines.append(line)
            else:
                begin(line_no, line)
    if state != "idle":
        number += 1
        result.blocks += 1
        result.add_problem(_("the last question has no “ANSWER:” line"), start, " ".join(lines)[:60])
    return result


def export(items) -> tuple[str, list[str]]:
    """Aiken text for the single-choice questions with one right answer; others are left out (listed)."""
    out, skipped = [], []
    for q in items:
        choices = q.data.get("choices") or []
        right = [c for c in choices if abs(c["fraction"] - 1) < 1e-9]
        if (
            q.qtype != qt.SINGLE
            or len(right) != 1
            or len(choices) > 26
            or any(c["fraction"] not in (0, 1) for c in choices)
        ):
            skipped.append(q.name)
            continue
        lines = [" ".join(plain_text(q.text, q.text_format).split())]
        for i, c in enumerate(choices):
            lines.append(f"{chr(ord('A') + i)}. {' '.join(plain_text(c['text'], q.text_format).split())}")
        lines.append(f"ANSWER: {chr(ord('A') + choices.index(right[0]))}")
        out.append("\n".join(lines))
    return "\n\n".join(out) + ("\n" if out else ""), skipped
