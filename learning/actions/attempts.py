"""Quiz attempts: start, save answers as the learner goes, submit, mark essays by hand."""

from __future__ import annotations

import datetime as dt
import random

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from learning import events, iri
from learning import questions as qt
from learning.models import Attempt, AttemptAnswer, Question, QuestionCategory, Quiz

# Answers that arrive a little after the deadline (a slow link) are still taken.
GRACE = dt.timedelta(seconds=60)


class AttemptClosed(ValidationError):
    pass


def _category_ids(rule) -> list[int]:
    if not rule.include_subcategories:
        return [rule.category_id]
    path = rule.category.path
    return list(
        QuestionCategory.objects.filter(bank_id=rule.category.bank_id)
        .filter(Q(path=path) | Q(path__startswith=path + "/"))
        .values_list("id", flat=True)
    )


def draw_questions(quiz: Quiz, rng: random.Random) -> list[Question]:
    """Questions for a new attempt: ``count`` at random from each rule's category, no question twice."""
    chosen: list[Question] = []
    seen: set[int] = set()
    rules = list(quiz.rules.select_related("category"))
    if not rules and quiz.bank_id:
        pool = list(Question.objects.filter(bank_id=quiz.bank_id, is_active=True).order_by("id"))
        chosen = pool
    for rule in rules:
        pool = [
            q
            for q in Question.objects.filter(category_id__in=_category_ids(rule), is_active=True).order_by("id")
            if q.pk not in seen
        ]
        picked = rng.sample(pool, min(rule.count, len(pool)))
        seen.update(q.pk for q in picked)
        chosen.extend(picked)
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    return chosen


def _question_files(questions: list[Question]) -> dict[int, dict[str, str]]:
    from learning.models import QuestionFile

    out: dict[int, dict[str, str]] = {}
    for f in QuestionFile.objects.filter(question__in=questions):
        out.setdefault(f.question_id, {})[f.name] = reverse("learning:question_file", args=[f.pk, f.name])
    return out


def attempts_left(quiz: Quiz, person) -> int | None:
    if not quiz.max_attempts:
        return None
    used = Attempt.objects.filter(quiz=quiz, person=person).count()
    return max(0, quiz.max_attempts - used)


@transaction.atomic
def start_attempt(*, quiz: Quiz, person, now: dt.datetime | None = None, seed: int | None = None) -> Attempt:
    """The learner's open attempt, or a new one (checking the attempts allowed)."""
    now = now or timezone.now()
    open_attempt = (
        Attempt.objects.select_for_update().filter(quiz=quiz, person=person, state=Attempt.State.IN_PROGRESS).first()
    )
    if open_attempt is not None:
        if close_if_overdue(open_attempt, now):
            open_attempt = None
        else:
            return open_attempt
    left = attempts_left(quiz, person)
    if left == 0:
        raise ValidationError(_("You have used all %(n)d attempts of this quiz.") % {"n": quiz.max_attempts})
    rng = random.Random(seed)
    questions = draw_questions(quiz, rng)
    if not questions:
        raise ValidationError(_("This quiz has no questions yet. Please tell the course author."))
    files = _question_files(questions)
    layout = [qt.snapshot(q, shuffle=quiz.shuffle_answers, rng=rng, files=files.get(q.pk)) for q in questions]
    number = (Attempt.objects.filter(quiz=quiz, person=person).aggregate(m=Max("number"))["m"] or 0) + 1
    deadline = now + dt.timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    attempt = Attempt.objects.create(
        quiz=quiz,
        person=person,
        number=number,
        started_at=now,
        deadline=deadline,
        layout=layout,
        max_score=sum(s["mark"] for s in layout),
    )
    AttemptAnswer.objects.bulk_create(
        AttemptAnswer(attempt=attempt, slot=i, question_id=s["q"], max_mark=s["mark"]) for i, s in enumerate(layout)
    )
    lesson = quiz.lesson
    events.record_event(
        person=person,
        verb="launched",
        activity_iri=lesson.iri,
        activity_type=iri.TYPE_ASSESSMENT,
        activity_name=lesson.title,
        context=events.parent_context(lesson.course.iri),
        timestamp=now,
    )
    return attempt


def is_open(attempt: Attempt, now: dt.datetime) -> bool:
    return attempt.state == Attempt.State.IN_PROGRESS and (attempt.deadline is None or now <= attempt.deadline + GRACE)


@transaction.atomic
def save_responses(*, attempt: Attempt, post, now: dt.datetime | None = None, slots=None) -> int:
    """Store the answers found in ``post`` (a QueryDict); returns how many changed.

    Only slots present in the form are touched, so a page that sends one
    question at a time (the autosave script) never blanks the others.
    """
    now = now or timezone.now()
    if not is_open(attempt, now):
        raise AttemptClosed(_("This attempt is closed; your answers were saved until the time ran out."))
    answers = {a.slot: a for a in attempt.answers.all()}
    changed = []
    for slot, snap in enumerate(attempt.layout):
        if slots is not None and slot not in slots:
            continue
        prefix = f"s{slot}"
        if (
            not any(key == prefix or key.startswith(prefix + "-") for key in post.keys())
            and f"{prefix}-present" not in post
        ):
            continue
        response = qt.response_from_post(snap, post, prefix)
        answer = answers[slot]
        if answer.response != response:
            answer.response = response
            answer.saved_at = now
            changed.append(answer)
    if changed:
        AttemptAnswer.objects.bulk_update(changed, ["response", "saved_at"])
    return len(changed)


def close_if_overdue(attempt: Attempt, now: dt.datetime) -> bool:
    """Submit an attempt whose time ran out; True if it was closed now."""
    if attempt.state == Attempt.State.IN_PROGRESS and attempt.deadline and now > attempt.deadline + GRACE:
        submit_attempt(attempt=attempt, now=attempt.deadline)
        return True
    return False


@transaction.atomic
def submit_attempt(*, attempt: Attempt, now: dt.datetime | None = None) -> Attempt:
    """Mark everything that can be marked automatically and finish the attempt."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.state != Attempt.State.IN_PROGRESS:
        return attempt
    lesson = attempt.quiz.lesson
    context = events.parent_context(lesson.iri, lesson.course.iri)
    unit = events.learner_unit(attempt.person)
    answers = list(attempt.answers.order_by("slot"))
    pending = False
    for answer in answers:
        snap = attempt.layout[answer.slot]
        fraction, _feedback = qt.grade(snap, answer.response)
        if fraction is None:
            answer.needs_grading = answer.response is not None
            answer.fraction = None if answer.response is not None else 0.0
            answer.mark = None if answer.response is not None else 0.0
            pending = pending or answer.needs_grading
        else:
            answer.fraction = fraction
            answer.mark = round(fraction * snap["mark"], 7)
        if answer.response is not None:
            result = {"response": _response_text(snap, answer.response)}
            if answer.fraction is not None:
                result.update(
                    events.score_result(raw=answer.mark, maximum=snap["mark"], success=answer.fraction >= 1 - 1e-9)
                )
            events.record_event(
                person=attempt.person,
                verb="answered",
                activity_iri=snap["iri"],
                activity_type=iri.TYPE_QUESTION,
                result=result,
                context=context,
                timestamp=now,
                unit=unit,
            )
    AttemptAnswer.objects.bulk_update(answers, ["fraction", "mark", "needs_grading"])
    attempt.submitted_at = now
    attempt.state = Attempt.State.SUBMITTED if pending else Attempt.State.GRADED
    attempt.save(update_fields=["submitted_at", "state"])
    if not pending:
        _finish(attempt, answers, now)
    return attempt


def _response_text(snap: dict, response) -> str:
    if isinstance(response, list):
        return "[,]".join(str(r) for r in response)
    if isinstance(response, dict):
        return "[,]".join(f"{k}[.]{v}" for k, v in sorted(response.items()))
    return str(response)[:1000]


def _finish(attempt: Attempt, answers, now) -> None:
    score = sum(a.mark or 0 for a in answers)
    attempt.score = round(score, 7)
    attempt.percent = round(100 * score / attempt.max_score, 2) if attempt.max_score else 0
    attempt.passed = attempt.percent + 1e-9 >= attempt.quiz.pass_mark
    attempt.state = Attempt.State.GRADED
    attempt.graded_at = now
    attempt.save(update_fields=["score", "percent", "passed", "state", "graded_at"])
    lesson = attempt.quiz.lesson
    events.record_event(
        person=attempt.person,
        verb="passed" if attempt.passed else "failed",
        activity_iri=lesson.iri,
        activity_type=iri.TYPE_ASSESSMENT,
        activity_name=lesson.title,
        result=events.score_result(raw=score, maximum=attempt.max_score, success=attempt.passed, completion=True),
        context=events.parent_context(lesson.course.iri),
        timestamp=now,
    )


@transaction.atomic
def grade_answer(
    *, answer: AttemptAnswer, fraction: float, comment: str = "", grader=None, now: dt.datetime | None = None
) -> AttemptAnswer:
    """Mark an essay answer by hand; the attempt is finished when nothing is left to mark."""
    now = now or timezone.now()
    if not 0 <= fraction <= 1:
        raise ValidationError({"fraction": _("The mark must be between 0 and the question's full mark.")})
    attempt = Attempt.objects.select_for_update().get(pk=answer.attempt_id)
    snap = attempt.layout[answer.slot]
    answer.fraction = fraction
    answer.mark = round(fraction * snap["mark"], 7)
    answer.needs_grading = False
    answer.grader = grader if getattr(grader, "is_authenticated", False) else None
    answer.grader_comment = comment.strip()
    answer.graded_at = now
    answer.save(update_fields=["fraction", "mark", "needs_grading", "grader", "grader_comment", "graded_at"])
    answers = list(attempt.answers.all())
    if attempt.state == Attempt.State.SUBMITTED and not any(a.needs_grading for a in answers):
        _finish(attempt, answers, now)
    elif attempt.state == Attempt.State.GRADED:
        # A re-mark of a finished attempt: recompute the score, no new pass/fail event.
        score = sum(a.mark or 0 for a in answers)
        attempt.score = round(score, 7)
        attempt.percent = round(100 * score / attempt.max_score, 2) if attempt.max_score else 0
        attempt.save(update_fields=["score", "percent"])
    return answer
