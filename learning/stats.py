"""Item statistics for authors: how easy each question is and how well it separates learners.

Facility is the mean score on the question (0–100 %). Discrimination is the
correlation between the score on the question and the score on the rest of
the attempt (−100…100), as Moodle reports it: a good question is answered
right more often by learners who do well overall. Only finished attempts count.
"""

from __future__ import annotations

import math
from collections import defaultdict

from learning.models import Attempt, AttemptAnswer


def _pearson(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / math.sqrt(sxx * syy)


def item_statistics(*, quiz=None, bank=None) -> dict[int, dict]:
    """{question_id: {"attempts", "facility", "discrimination", "sd"}} over finished attempts."""
    answers = AttemptAnswer.objects.filter(attempt__state=Attempt.State.GRADED, fraction__isnull=False)
    if quiz is not None:
        answers = answers.filter(attempt__quiz=quiz)
    if bank is not None:
        answers = answers.filter(question__bank=bank)
    rows = list(
        answers.values_list(
            "attempt_id", "question_id", "fraction", "mark", "max_mark", "attempt__score", "attempt__max_score"
        )
    )
    per_question: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for _attempt, question, fraction, mark, max_mark, score, max_score in rows:
        rest_max = (max_score or 0) - (max_mark or 0)
        rest = ((score or 0) - (mark or 0)) / rest_max if rest_max > 0 else None
        per_question[question].append((fraction, rest))
    out = {}
    for question, pairs in per_question.items():
        fractions = [f for f, _r in pairs]
        n = len(fractions)
        mean = sum(fractions) / n
        sd = math.sqrt(sum((f - mean) ** 2 for f in fractions) / (n - 1)) if n > 1 else None
        with_rest = [(f, r) for f, r in pairs if r is not None]
        r = _pearson([f for f, _ in with_rest], [x for _, x in with_rest])
        out[question] = {
            "attempts": n,
            "facility": round(100 * mean, 1),
            "sd": round(100 * sd, 1) if sd is not None else None,
            "discrimination": round(100 * r, 1) if r is not None else None,
        }
    return out
