"""Reads for the learning pages: a fixed, small number of indexed queries per page."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, Subquery

from hocvuso.db import ViCollate
from learning import permissions
from learning.models import (
    Attempt,
    AttemptAnswer,
    Certificate,
    Course,
    CourseProgress,
    Enrolment,
    Lesson,
    LessonProgress,
    Question,
    QuestionCategory,
)

COURSE_CARD = ("id", "key", "title", "summary", "audience", "lesson_count", "estimated_minutes", "status")


def percent(done: int | None, total: int | None) -> int:
    if not total or not done:
        return 0
    return min(100, round(100 * done / total))


def learner_courses(person) -> dict:
    """The learner's courses with progress, and the other courses offered to them."""
    progress = CourseProgress.objects.filter(person=person, course=OuterRef("pk"))
    certificate = Certificate.objects.filter(person=person, course=OuterRef("pk"), revoked_at__isnull=True)
    enrolled = list(
        Course.objects.filter(enrolments__person=person)
        .exclude(status=Course.Status.DRAFT)
        .annotate(
            done=Subquery(progress.values("lessons_done")[:1]),
            completed_at=Subquery(progress.values("completed_at")[:1]),
            last_lesson_id=Subquery(progress.values("last_lesson_id")[:1]),
            last_activity_at=Subquery(progress.values("last_activity_at")[:1]),
            certificate_code=Subquery(certificate.values("code")[:1]),
        )
        .order_by("-last_activity_at", "title")
        .values(*COURSE_CARD, "done", "completed_at", "last_lesson_id", "certificate_code")
    )
    for c in enrolled:
        c["percent"] = 100 if c["completed_at"] else percent(c["done"], c["lesson_count"])
    available = list(
        permissions.courses_for_learner(person)
        .exclude(enrolments__person=person)
        .order_by("title")
        .values(*COURSE_CARD, "open_enrolment")
    )
    return {"enrolled": enrolled, "available": available}


def course_outline(course: Course, person=None) -> dict:
    """Modules with their lessons and, for a learner, each lesson's state and where to continue."""
    modules = list(course.modules.values("id", "title", "summary"))
    lessons = list(
        Lesson.objects.filter(course=course)
        .order_by("seq", "id")
        .values("id", "module_id", "title", "kind", "estimated_minutes", "summary", "seq")
    )
    state = {}
    cp = enrolment = certificate = None
    if person is not None:
        state = {
            row["lesson_id"]: row
            for row in LessonProgress.objects.filter(person=person, course=course).values(
                "lesson_id", "first_viewed_at", "completed_at", "best_percent"
            )
        }
        cp = CourseProgress.objects.filter(person=person, course=course).first()
        enrolment = Enrolment.objects.filter(person=person, course=course).first()
        certificate = Certificate.objects.filter(person=person, course=course, revoked_at__isnull=True).first()
    by_module: dict[int, list] = {m["id"]: [] for m in modules}
    next_lesson = None
    for lesson in lessons:
        s = state.get(lesson["id"], {})
        lesson["done"] = bool(s.get("completed_at"))
        lesson["seen"] = bool(s.get("first_viewed_at"))
        lesson["best_percent"] = s.get("best_percent")
        by_module.setdefault(lesson["module_id"], []).append(lesson)
        if next_lesson is None and not lesson["done"]:
            next_lesson = lesson
    for m in modules:
        m["lessons"] = by_module.get(m["id"], [])
    continue_id = None
    if cp and cp.last_lesson_id:
        last = next((row for row in lessons if row["id"] == cp.last_lesson_id), None)
        # Continue where the learner left off; once that lesson is done, the first unfinished one.
        continue_id = last["id"] if last and not last["done"] else (next_lesson or {}).get("id") or last["id"]
    elif lessons:
        continue_id = (next_lesson or lessons[0])["id"]
    done = sum(1 for row in lessons if row["done"])
    return {
        "modules": modules,
        "lessons": lessons,
        "progress": cp,
        "enrolment": enrolment,
        "certificate": certificate,
        "continue_id": continue_id,
        "started": bool(cp and cp.last_lesson_id),
        "done": done,
        "percent": 100 if cp and cp.completed_at else percent(done, len(lessons)),
    }


def lesson_neighbours(lesson: Lesson) -> tuple[dict | None, dict | None]:
    rows = list(Lesson.objects.filter(course_id=lesson.course_id).order_by("seq", "id").values("id", "title"))
    ids = [r["id"] for r in rows]
    i = ids.index(lesson.pk)
    return (rows[i - 1] if i > 0 else None), (rows[i + 1] if i + 1 < len(rows) else None)


def quiz_attempts(quiz, person) -> list[dict]:
    return list(
        Attempt.objects.filter(quiz=quiz, person=person)
        .order_by("-number")
        .values("id", "number", "state", "started_at", "submitted_at", "percent", "passed", "deadline")
    )


# --- authoring -------------------------------------------------------------------------


def author_courses(user):
    enrolled = Enrolment.objects.filter(course=OuterRef("pk")).values("course").annotate(n=Count("id")).values("n")
    completed = (
        CourseProgress.objects.filter(course=OuterRef("pk"), completed_at__isnull=False)
        .values("course")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        permissions.authorable_courses(user)
        .annotate(enrolled=Subquery(enrolled), completed=Subquery(completed))
        .order_by(ViCollate("title"))
        .values(
            "id",
            "key",
            "title",
            "status",
            "owner__name",
            "lesson_count",
            "quiz_count",
            "enrolled",
            "completed",
            "updated_at",
        )
    )


def author_banks(user):
    return (
        permissions.authorable_banks(user)
        .annotate(question_count=Count("questions", filter=Q(questions__is_active=True)))
        .order_by(ViCollate("name"))
        .values("id", "key", "name", "owner__name", "question_count", "created_at")
    )


def bank_categories(bank) -> list[dict]:
    return list(
        QuestionCategory.objects.filter(bank=bank)
        .order_by("path")
        .annotate(question_count=Count("questions", filter=Q(questions__is_active=True)))
        .values("id", "path", "name", "info", "question_count")
    )


def bank_questions(bank, category_id=None):
    qs = Question.objects.filter(bank=bank).select_related("category").order_by("category__path", "id")
    if category_id:
        qs = qs.filter(category_id=category_id)
    return qs.values("id", "key", "name", "qtype", "is_active", "category__path", "version", "default_mark")


def course_learners(course: Course, person_ids=None):
    """Enrolled learners with progress and certificate (for the course's staff page)."""
    progress = CourseProgress.objects.filter(course=course, person=OuterRef("person_id"))
    certificate = Certificate.objects.filter(course=course, person=OuterRef("person_id"), revoked_at__isnull=True)
    qs = Enrolment.objects.filter(course=course)
    if person_ids is not None:
        qs = qs.filter(person_id__in=person_ids)
    return (
        qs.annotate(
            done=Subquery(progress.values("lessons_done")[:1]),
            completed_at=Subquery(progress.values("completed_at")[:1]),
            certificate_code=Subquery(certificate.values("code")[:1]),
            certificate_id=Subquery(certificate.values("id")[:1]),
        )
        .order_by(ViCollate("person__sort_name"))
        .values(
            "person_id",
            "person__full_name",
            "source",
            "enrolled_at",
            "done",
            "completed_at",
            "certificate_code",
            "certificate_id",
        )
    )


def answers_to_grade(user):
    """Essay answers waiting for a human mark, in quizzes of courses the user authors."""
    courses = permissions.authorable_courses(user).values("pk")
    return (
        AttemptAnswer.objects.filter(needs_grading=True, attempt__quiz__lesson__course__in=courses)
        .select_related("attempt__person", "attempt__quiz__lesson__course", "question")
        .order_by("attempt__submitted_at", "slot")
    )
