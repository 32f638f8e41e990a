"""Progress and completion summaries, kept current from learner events.

``apply_event`` is called for every event right after it is stored (see
``learning/events.py``). The summaries are recomputed from the learner's
records for the course (a few indexed counts) rather than incremented, so a
repeated or late event can never leave them wrong.
"""

from __future__ import annotations

from django.db.models import Count, Q

from learning.models import Course, CourseProgress, Lesson, LessonProgress, SessionAttendance


def _percent(result: dict | None) -> float | None:
    scaled = ((result or {}).get("score") or {}).get("scaled")
    return None if scaled is None else round(float(scaled) * 100, 2)


def _parent_iris(context: dict | None) -> list[str]:
    parents = ((context or {}).get("contextActivities") or {}).get("parent") or []
    return [p.get("id") for p in parents if isinstance(p, dict) and p.get("id")]


def apply_event(*, person, verb: str, activity_iri: str, result=None, context=None, timestamp) -> None:
    if verb in ("experienced", "passed", "failed"):
        lesson = Lesson.objects.select_related("course").filter(iri=activity_iri).first()
        if lesson is None:
            return
        _apply_to_lesson(person, lesson, verb, result, timestamp)
        refresh_course(person=person, course=lesson.course, at=timestamp, last_lesson=lesson)
    elif verb == "registered":
        course = Course.objects.filter(iri=activity_iri).first()
        if course is not None:
            refresh_course(person=person, course=course, at=timestamp)
    elif verb == "attended":
        course = Course.objects.filter(iri__in=_parent_iris(context)).first()
        if course is not None:
            SessionAttendance.objects.get_or_create(
                person=person, course=course, session_iri=activity_iri, defaults={"attended_at": timestamp}
            )
            refresh_course(person=person, course=course, at=timestamp)


def _apply_to_lesson(person, lesson: Lesson, verb: str, result, at) -> None:
    lp, _created = LessonProgress.objects.get_or_create(
        person=person, lesson=lesson, defaults={"course": lesson.course}
    )
    fields = []
    if verb == "experienced":
        if lp.first_viewed_at is None:
            lp.first_viewed_at = at
            fields.append("first_viewed_at")
        lp.last_viewed_at = at
        fields.append("last_viewed_at")
        if lesson.kind != Lesson.Kind.QUIZ and lp.completed_at is None:
            lp.completed_at = at
            fields.append("completed_at")
    else:
        lp.attempts += 1
        fields.append("attempts")
        percent = _percent(result)
        if percent is not None and (lp.best_percent is None or percent > lp.best_percent):
            lp.best_percent = percent
            fields.append("best_percent")
        if verb == "passed" and lp.completed_at is None:
            lp.completed_at = at
            fields.append("completed_at")
    lp.save(update_fields=fields)


def refresh_course(*, person, course: Course, at, last_lesson: Lesson | None = None) -> CourseProgress:
    """Recompute a learner's summary for a course and complete it when its rules are met."""
    counts = LessonProgress.objects.filter(
        person=person, course=course, lesson__course=course, completed_at__isnull=False
    ).aggregate(done=Count("id"), quizzes=Count("id", filter=Q(lesson__kind=Lesson.Kind.QUIZ)))
    sessions = SessionAttendance.objects.filter(person=person, course=course).count()
    cp, _created = CourseProgress.objects.get_or_create(person=person, course=course)
    cp.lessons_done = counts["done"]
    cp.quizzes_passed = counts["quizzes"]
    cp.sessions_attended = sessions
    cp.percent = min(100, round(100 * cp.lessons_done / course.lesson_count)) if course.lesson_count else 0
    cp.last_activity_at = at
    fields = ["lessons_done", "quizzes_passed", "sessions_attended", "percent", "last_activity_at"]
    if last_lesson is not None:
        cp.last_lesson = last_lesson
        fields.append("last_lesson")
    newly_completed = cp.completed_at is None and rules_met(course, cp)
    if newly_completed:
        cp.completed_at = at
        fields.append("completed_at")
    cp.save(update_fields=fields)
    if newly_completed:
        _on_completion(person, course, at)
    return cp


def rules_met(course: Course, cp: CourseProgress) -> bool:
    if course.lesson_count == 0:
        return False
    viewed = cp.lessons_done - cp.quizzes_passed
    if course.require_all_lessons and viewed < course.lesson_count - course.quiz_count:
        return False
    if course.require_all_quizzes and cp.quizzes_passed < course.quiz_count:
        return False
    if cp.sessions_attended < course.required_sessions:
        return False
    return cp.lessons_done > 0 or cp.sessions_attended > 0


def _on_completion(person, course: Course, at) -> None:
    from learning import events
    from learning.actions.certificates import issue_certificate

    events.record_event(
        person=person,
        verb="completed",
        activity_iri=course.iri,
        activity_type="http://adlnet.gov/expapi/activities/course",
        activity_name=course.title,
        result={"completion": True},
        timestamp=at,
    )
    if course.certificate_enabled:
        issue_certificate(person=person, course=course, at=at)
