"""The one place where campaigns and reports read from or write to the learning app.

Everything else in ``campaigns`` and ``reports`` talks about courses by id and
asks this module for titles, progress, activity counts and a person's record,
so a change in the learning app's tables is absorbed here.

Contract (what the rest of the code relies on):

* ``course_rows()`` -> ``[{"id", "key", "title"}]`` of published courses.
* ``course_titles(ids)`` -> ``{id: title}`` of the courses that exist.
* ``progress_for(person_ids, course_ids)`` ->
  ``{person_id: {course_id: CourseState(enrolled_at, started_at, completed_at)}}``
  (only people with an enrolment or some activity appear). Bulk: a few
  queries for any number of people.
* ``enrol(person, course_id, actor)`` enrols a person (idempotent).
* ``activity_counts(person_ids, course_ids, since, until)`` ->
  ``{person_id: (lessons_completed, quizzes_passed)}`` within the period.
* ``person_record(person)`` -> the person's courses, certificates and
  competences reached, for the digital-skills record.

Learning notifies campaigns of progress through ``connect_signals()``
(called from ``campaigns.apps``): ``post_save`` receivers on ``Enrolment`` and
``CourseProgress`` call ``campaigns.actions.on_learning_progress`` after the
transaction commits (never inside it: a rolled-back lesson must not count).
The update is idempotent, so a missed or repeated notification is repaired
by the next one or by ``sync_progress``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Min, Q
from django.db.models.signals import post_save


@dataclass(frozen=True)
class CourseState:
    enrolled_at: dt.datetime | None
    started_at: dt.datetime | None
    completed_at: dt.datetime | None


def _models():
    from learning import models

    return models


def course_rows() -> list[dict]:
    m = _models()
    return list(
        m.Course.objects.filter(status=m.Course.Status.PUBLISHED).order_by("title", "id").values("id", "key", "title")
    )


def course_titles(course_ids) -> dict[int, str]:
    m = _models()
    return dict(m.Course.objects.filter(pk__in=list(course_ids)).values_list("id", "title"))


def course_ids_by_key(keys) -> dict[str, int]:
    m = _models()
    return dict(m.Course.objects.filter(key__in=list(keys)).values_list("key", "id"))


def course_id_by_prefix(prefix: str) -> int | None:
    """The published course whose key starts with ``prefix`` (the shortest such key), if any."""
    m = _models()
    keys = m.Course.objects.filter(key__startswith=prefix, status=m.Course.Status.PUBLISHED).values_list("key", "id")
    found = sorted(keys, key=lambda kv: (len(kv[0]), kv[0]))
    return found[0][1] if found else None


def progress_for(person_ids, course_ids) -> dict[int, dict[int, CourseState]]:
    m = _models()
    person_ids, course_ids = list(person_ids), list(course_ids)
    if not person_ids or not course_ids:
        return {}
    enrolled = {
        (p, c): at
        for p, c, at in m.Enrolment.objects.filter(person_id__in=person_ids, course_id__in=course_ids).values_list(
            "person_id", "course_id", "enrolled_at"
        )
    }
    # A course is started at the first lesson a learner opened; completion
    # is the learning app's own verdict (its rules: lessons, quizzes, sessions).
    started = {
        (r["person_id"], r["course_id"]): r["first"]
        for r in m.LessonProgress.objects.filter(person_id__in=person_ids, course_id__in=course_ids)
        .values("person_id", "course_id")
        .annotate(first=Min("first_viewed_at"))
        .order_by()
    }
    progress = {
        (p, c): (done, last)
        for p, c, done, last in m.CourseProgress.objects.filter(
            person_id__in=person_ids, course_id__in=course_ids
        ).values_list("person_id", "course_id", "completed_at", "last_activity_at")
    }
    result: dict[int, dict[int, CourseState]] = defaultdict(dict)
    for key in set(enrolled) | set(started) | set(progress):
        done, last = progress.get(key, (None, None))
        start = started.get(key) or (last if key in progress else None) or done
        enrol_at = enrolled.get(key) or start
        result[key[0]][key[1]] = CourseState(enrol_at, start, done)
    return dict(result)


def enrol(person, course_id: int, actor=None) -> bool:
    """Enrol ``person`` in a course for a campaign (learning's own action); False when already enrolled."""
    from learning.actions.courses import enrol as learning_enrol

    m = _models()
    course = m.Course.objects.get(pk=course_id)
    _row, created = learning_enrol(person=person, course=course, source=m.Enrolment.Source.CAMPAIGN, actor=actor)
    return created


def record_attendance(person, course_ids, session_key: str, at: dt.datetime) -> None:
    """Tell learning that ``person`` attended a class session of these courses ("attended" events).

    Only courses whose completion requires attending sessions get the
    events: the others have no use for them.
    """
    from learning import events, iri

    m = _models()
    activity = f"{iri.base()}session/{session_key}"
    for course in m.Course.objects.filter(pk__in=list(course_ids), required_sessions__gt=0):
        events.record_event(
            person=person,
            verb="attended",
            activity_iri=activity,
            activity_type=iri.TYPE_MEETING,
            activity_name=session_key,
            context=events.parent_context(course.iri),
            timestamp=at,
        )


@dataclass(frozen=True)
class SeedProgress:
    """One learner's history in one course, for loading demo and synthetic data in bulk."""

    person_id: int
    course_id: int
    enrolled_at: dt.datetime
    started_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None


def bulk_load_progress(rows: list[SeedProgress], *, certificates: bool = True, lessons: bool = True) -> int:
    """Write learning summaries for many learners at once (demo and synthetic data only).

    Writes ``Enrolment``, ``LessonProgress`` (the first lesson when started,
    every lesson when completed) and ``CourseProgress`` rows directly,
    without events: seeded histories have no statements in the LRS. People
    already enrolled in a course are left alone. ``lessons=False`` skips the
    per-lesson rows (the synthetic data set: millions of rows for nothing). Issues certificates to
    completers through learning's own action when asked. Returns the
    histories loaded (those of learners with progress already are skipped).
    """
    m = _models()
    if not rows:
        return 0
    course_ids = {r.course_id for r in rows}
    courses = m.Course.objects.in_bulk(course_ids)
    by_course_lessons: dict[int, list] = defaultdict(list)
    for lesson in m.Lesson.objects.filter(course_id__in=course_ids).order_by("course_id", "seq", "id"):
        by_course_lessons[lesson.course_id].append(lesson)
    person_ids = {r.person_id for r in rows}
    enrolled = {
        (p, c): (pk, at)
        for pk, p, c, at in m.Enrolment.objects.filter(course_id__in=course_ids, person_id__in=person_ids).values_list(
            "pk", "person_id", "course_id", "enrolled_at"
        )
    }
    # Learners with progress already keep it; enrolled ones get their history (and an earlier enrolment date).
    summaries = {
        (p, c): (pk, bool(done or completed or sessions))
        for pk, p, c, done, completed, sessions in m.CourseProgress.objects.filter(
            course_id__in=course_ids, person_id__in=person_ids
        ).values_list("pk", "person_id", "course_id", "lessons_done", "completed_at", "sessions_attended")
    }
    rows = [r for r in rows if not summaries.get((r.person_id, r.course_id), (0, False))[1]]
    # Empty summaries (left by the "registered" event of an enrolment) give way to the seeded history.
    m.CourseProgress.objects.filter(
        pk__in=[
            summaries[(r.person_id, r.course_id)][0]
            for r in rows
            if r.started_at is not None and (r.person_id, r.course_id) in summaries
        ]
    ).delete()
    backdated = [
        m.Enrolment(pk=enrolled[(r.person_id, r.course_id)][0], enrolled_at=r.enrolled_at)
        for r in rows
        if (r.person_id, r.course_id) in enrolled and r.enrolled_at < enrolled[(r.person_id, r.course_id)][1]
    ]
    m.Enrolment.objects.bulk_update(backdated, ["enrolled_at"], batch_size=1_000)
    enrolments, lesson_rows, course_rows_ = [], [], []
    for r in rows:
        course = courses[r.course_id]
        if (r.person_id, r.course_id) not in enrolled:
            enrolments.append(
                m.Enrolment(
                    person_id=r.person_id,
                    course_id=r.course_id,
                    source=m.Enrolment.Source.CAMPAIGN,
                    enrolled_at=r.enrolled_at,
                )
            )
        if r.started_at is None:
            continue
        course_lessons = by_course_lessons[r.course_id]
        done = course_lessons if r.completed_at else course_lessons[:1]
        for lesson in done if lessons else ():
            at = r.completed_at if r.completed_at and lesson is not course_lessons[0] else r.started_at
            lesson_rows.append(
                m.LessonProgress(
                    person_id=r.person_id,
                    lesson=lesson,
                    course_id=r.course_id,
                    first_viewed_at=at,
                    last_viewed_at=at,
                    completed_at=at,
                    best_percent=100.0 if lesson.kind == "quiz" else None,
                    attempts=int(lesson.kind == "quiz"),
                )
            )
        n_done = len(done)
        quizzes = sum(1 for lesson in done if lesson.kind == "quiz")
        course_rows_.append(
            m.CourseProgress(
                person_id=r.person_id,
                course_id=r.course_id,
                lessons_done=n_done,
                quizzes_passed=quizzes,
                percent=100
                if r.completed_at
                else (min(100, round(100 * n_done / course.lesson_count)) if course.lesson_count else 0),
                last_lesson=done[-1] if done else None,
                last_activity_at=r.completed_at or r.started_at,
                completed_at=r.completed_at,
            )
        )
    m.Enrolment.objects.bulk_create(enrolments, batch_size=5_000)
    m.LessonProgress.objects.bulk_create(lesson_rows, batch_size=5_000)
    m.CourseProgress.objects.bulk_create(course_rows_, batch_size=5_000)
    if certificates:
        from learning.actions.certificates import issue_for_completers

        by_course = defaultdict(list)
        for r in rows:
            if r.completed_at:
                by_course[r.course_id].append(r.person_id)
        for course_id, person_ids in by_course.items():
            issue_for_completers(course=courses[course_id], person_ids=person_ids)
    return len(rows)


def activity_counts(person_ids, course_ids, since: dt.datetime, until: dt.datetime) -> dict[int, tuple[int, int]]:
    """Lessons completed and quizzes passed per person within [since, until)."""
    m = _models()
    person_ids, course_ids = list(person_ids), list(course_ids)
    if not person_ids or not course_ids:
        return {}
    lessons = dict(
        m.LessonProgress.objects.filter(
            person_id__in=person_ids,
            course_id__in=course_ids,
            completed_at__gte=since,
            completed_at__lt=until,
        )
        .exclude(lesson__kind=m.Lesson.Kind.QUIZ)
        .values("person_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("person_id", "n")
    )
    quizzes = dict(
        m.Attempt.objects.filter(
            person_id__in=person_ids,
            quiz__lesson__course_id__in=course_ids,
            passed=True,
            submitted_at__gte=since,
            submitted_at__lt=until,
        )
        .values("person_id")
        .annotate(n=Count("quiz_id", distinct=True))
        .order_by()
        .values_list("person_id", "n")
    )
    return {p: (lessons.get(p, 0), quizzes.get(p, 0)) for p in set(lessons) | set(quizzes)}


def person_record(person) -> dict:
    """Courses (with state), valid certificates and competences reached through completed courses."""
    m = _models()
    enrolled = dict(m.Enrolment.objects.filter(person=person).values_list("course_id", "enrolled_at"))
    progress = {
        r["course_id"]: r
        for r in m.CourseProgress.objects.filter(person=person).values(
            "course_id", "percent", "completed_at", "last_activity_at"
        )
    }
    course_ids = set(enrolled) | set(progress)
    titles = dict(m.Course.objects.filter(pk__in=course_ids).values_list("id", "title"))
    courses = []
    for course_id in sorted(course_ids, key=lambda c: titles.get(c, "")):
        p = progress.get(course_id, {})
        courses.append(
            {
                "id": course_id,
                "title": titles.get(course_id, ""),
                "enrolled_at": enrolled.get(course_id),
                "percent": p.get("percent", 0),
                "completed_at": p.get("completed_at"),
            }
        )
    certificates = list(
        m.Certificate.objects.filter(person=person, revoked_at__isnull=True)
        .order_by("issued_at")
        .values("code", "course_title", "issued_at", "unit_name")
    )
    done = [c["id"] for c in courses if c["completed_at"]]
    competences = list(
        m.Competence.objects.filter(Q(courses__in=done) | Q(modules__course__in=done))
        .distinct()
        .order_by("framework__slug", "sort_order")
        .values("framework__short_name", "code", "name")
    )
    return {"courses": courses, "certificates": certificates, "competences": competences}


def certificates_for(person_ids) -> dict[int, list[dict]]:
    """Valid certificates per person (code, course title, issued_at), for lists of many people."""
    m = _models()
    out: dict[int, list[dict]] = defaultdict(list)
    person_ids = list(person_ids)
    for i in range(0, len(person_ids), 5_000):
        rows = (
            m.Certificate.objects.filter(person_id__in=person_ids[i : i + 5_000], revoked_at__isnull=True)
            .order_by("issued_at")
            .values("person_id", "code", "course_title", "issued_at")
        )
        for r in rows:
            out[r["person_id"]].append(r)
    return dict(out)


def class_certificates_zip(person_ids, course_ids, *, base_url: str = "") -> bytes | None:
    """A zip of the certificates of these people for these courses, issuing any still due.

    None when nobody has completed any of the courses yet.
    """
    from learning import actions

    m = _models()
    person_ids = list(person_ids)
    certificates = []
    for course in m.Course.objects.filter(pk__in=list(course_ids)).order_by("pk"):
        certificates += actions.issue_for_completers(course=course, person_ids=person_ids)
    if not certificates:
        return None
    return actions.certificates_zip(certificates, base_url=base_url)


# --- notifications from learning ------------------------------------------------------------


def _progress_saved(sender, instance, raw=False, **kwargs):
    if raw:  # loading fixtures
        return
    person_id, course_id = instance.person_id, instance.course_id

    def notify():
        from campaigns.actions import on_learning_progress

        on_learning_progress(person_id=person_id, course_id=course_id)

    transaction.on_commit(notify)


def connect_signals() -> None:
    m = _models()
    post_save.connect(_progress_saved, sender=m.Enrolment, dispatch_uid="campaigns.enrolment")
    post_save.connect(_progress_saved, sender=m.CourseProgress, dispatch_uid="campaigns.course_progress")
