"""Writes to courses, modules, lessons, their files and quizzes, sharing and enrolment.

Scope checks belong to the caller (views go through ``learning.permissions``).
"""

from __future__ import annotations

import mimetypes
import os

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import record_event as audit
from hocvuso.lib.text import nfc, slugify_vi
from learning import events, iri
from learning.models import (
    Competence,
    Course,
    CourseShare,
    Enrolment,
    Lesson,
    LessonFile,
    Module,
    QuestionBank,
    QuestionCategory,
    Quiz,
    QuizRule,
)
from learning.rendering import markdown_to_html
from people.models import Membership

COURSE_FIELDS = (
    "title",
    "summary",
    "description_md",
    "owner",
    "audience",
    "level",
    "status",
    "open_enrolment",
    "require_all_lessons",
    "require_all_quizzes",
    "required_sessions",
    "certificate_enabled",
    "estimated_minutes",
)
LESSON_FIELDS = (
    "title",
    "kind",
    "summary",
    "body_md",
    "practice",
    "practice_data",
    "estimated_minutes",
    "duration_seconds",
    "position",
)


def unique_key(model, base: str, field: str = "key", **scope) -> str:
    base = slugify_vi(base)[:80] or "x"
    key, n = base, 1
    while model.objects.filter(**{field: key}, **scope).exists():
        n += 1
        key = f"{base}-{n}"
    return key


def _unit_path(course: Course) -> str:
    return course.owner.path if course.owner_id else ""


@transaction.atomic
def create_course(*, title: str, key: str = "", actor=None, competences=(), **fields) -> Course:
    title = nfc(title)
    if not title:
        raise ValidationError({"title": _("A course needs a title.")})
    key = slugify_vi(key) if key else unique_key(Course, title)
    if Course.objects.filter(key=key).exists():
        raise ValidationError({"key": _("Another course already uses the key “%(key)s”.") % {"key": key}})
    course = Course(key=key, iri=iri.course_iri(key), title=title, created_by=actor if _is_user(actor) else None)
    _assign(course, fields)
    course.save()
    if competences:
        course.competences.set(competences)
    if actor is not None:
        audit(
            actor=actor,
            action="course.create",
            target_type="course",
            target_id=course.pk,
            target_label=course.title,
            unit_path=_unit_path(course),
            changes={"title": [None, course.title]},
        )
    return course


def _is_user(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def _assign(course: Course, fields: dict) -> list[str]:
    changed = []
    for name, value in fields.items():
        if name not in COURSE_FIELDS:
            raise TypeError(f"unexpected course field {name}")
        if isinstance(value, str):
            value = nfc(value) if name not in ("description_md", "summary") else value.strip()
        if getattr(course, name) != value:
            setattr(course, name, value)
            changed.append(name)
    if "description_md" in changed or (course._state.adding and course.description_md):
        course.description_html = markdown_to_html(course.description_md)
        changed.append("description_html")
    return changed


@transaction.atomic
def update_course(*, course: Course, actor=None, competences=None, **fields) -> Course:
    if "title" in fields and not nfc(fields["title"]):
        raise ValidationError({"title": _("A course needs a title.")})
    before = {name: getattr(course, name) for name in fields}
    changed = _assign(course, fields)
    if changed:
        course.save(update_fields=[*changed, "updated_at"])
    if competences is not None:
        course.competences.set(competences)
    if actor is not None and changed:
        audit(
            actor=actor,
            action="course.update",
            target_type="course",
            target_id=course.pk,
            target_label=course.title,
            unit_path=_unit_path(course),
            changes={k: [str(before[k]), str(getattr(course, k))] for k in changed if k in before},
        )
    return course


@transaction.atomic
def create_module(
    *, course: Course, title: str, key: str = "", summary: str = "", position: int | None = None, competences=()
) -> Module:
    title = nfc(title)
    if not title:
        raise ValidationError({"title": _("A module needs a title.")})
    key = slugify_vi(key) if key else unique_key(Module, title, course=course)
    if Module.objects.filter(course=course, key=key).exists():
        raise ValidationError({"key": _("This course already has a module with the key “%(key)s”.") % {"key": key}})
    if position is None:
        position = (course.modules.aggregate(m=Max("position"))["m"] or 0) + 1
    module = Module.objects.create(
        course=course,
        key=key,
        iri=iri.module_iri(course.key, key),
        title=title,
        summary=summary.strip(),
        position=position,
    )
    if competences:
        module.competences.set(competences)
    return module


@transaction.atomic
def update_module(
    *, module: Module, title: str, summary: str = "", position: int | None = None, competences=None
) -> Module:
    title = nfc(title)
    if not title:
        raise ValidationError({"title": _("A module needs a title.")})
    module.title, module.summary = title, summary.strip()
    fields = ["title", "summary"]
    if position is not None:
        module.position = position
        fields.append("position")
    module.save(update_fields=fields)
    if competences is not None:
        module.competences.set(competences)
    refresh_course_outline(module.course)
    return module


@transaction.atomic
def create_lesson(
    *, module: Module, title: str, key: str = "", kind: str = Lesson.Kind.TEXT, competences=(), **fields
) -> Lesson:
    title = nfc(title)
    if not title:
        raise ValidationError({"title": _("A lesson needs a title.")})
    key = slugify_vi(key) if key else unique_key(Lesson, title, module=module)
    if Lesson.objects.filter(module=module, key=key).exists():
        raise ValidationError({"key": _("This module already has a lesson with the key “%(key)s”.") % {"key": key}})
    if fields.get("position") is None:
        fields["position"] = (module.lessons.aggregate(m=Max("position"))["m"] or 0) + 1
    lesson = Lesson(
        module=module,
        course=module.course,
        key=key,
        kind=kind,
        title=title,
        iri=iri.lesson_iri(module.course.key, module.key, key),
    )
    for name, value in fields.items():
        if name not in LESSON_FIELDS:
            raise TypeError(f"unexpected lesson field {name}")
        setattr(lesson, name, value)
    lesson.body_html = markdown_to_html(lesson.body_md)
    lesson.save()
    if competences:
        lesson.competences.set(competences)
    if kind == Lesson.Kind.QUIZ:
        Quiz.objects.create(lesson=lesson)
    refresh_course_outline(module.course)
    return lesson


@transaction.atomic
def update_lesson(*, lesson: Lesson, competences=None, **fields) -> Lesson:
    if "title" in fields:
        fields["title"] = nfc(fields["title"])
        if not fields["title"]:
            raise ValidationError({"title": _("A lesson needs a title.")})
    changed = []
    for name, value in fields.items():
        if name not in LESSON_FIELDS:
            raise TypeError(f"unexpected lesson field {name}")
        if getattr(lesson, name) != value:
            setattr(lesson, name, value)
            changed.append(name)
    if changed:
        lesson.save(update_fields=changed)
    if "body_md" in changed:
        render_lesson_body(lesson)
    if competences is not None:
        lesson.competences.set(competences)
    if lesson.kind == Lesson.Kind.QUIZ:
        Quiz.objects.get_or_create(lesson=lesson)
    refresh_course_outline(lesson.course)
    return lesson


@transaction.atomic
def delete_lesson(*, lesson: Lesson) -> None:
    course = lesson.course
    if lesson.kind == Lesson.Kind.QUIZ and hasattr(lesson, "quiz") and lesson.quiz.attempts.exists():
        raise ValidationError(_("Learners have taken this quiz; it cannot be deleted. Archive the course instead."))
    lesson.delete()
    refresh_course_outline(course)


def file_url(f: LessonFile) -> str:
    return reverse("learning:lesson_file", args=[f.pk, f.name])


def render_lesson_body(lesson: Lesson) -> None:
    files = {f.name: file_url(f) for f in lesson.files.all()}
    lesson.body_html = markdown_to_html(lesson.body_md, files)
    lesson.save(update_fields=["body_html"])


def refresh_course_outline(course: Course) -> None:
    """Number the lessons through the whole course and recount lessons and quizzes."""
    lessons = list(
        Lesson.objects.filter(course=course)
        .order_by("module__position", "module_id", "position", "id")
        .only("id", "seq")
    )
    changed = []
    for seq, lesson in enumerate(lessons, 1):
        if lesson.seq != seq:
            lesson.seq = seq
            changed.append(lesson)
    if changed:
        Lesson.objects.bulk_update(changed, ["seq"])
    counts = Lesson.objects.filter(course=course).aggregate(n=Count("id"), q=Count("id", filter=Q(kind="quiz")))
    if (course.lesson_count, course.quiz_count) != (counts["n"], counts["q"]):
        course.lesson_count, course.quiz_count = counts["n"], counts["q"]
        course.save(update_fields=["lesson_count", "quiz_count"])


@transaction.atomic
def add_lesson_file(
    *, lesson: Lesson, name: str, content, title: str = "", is_download: bool = True, content_type: str = ""
) -> LessonFile:
    """Attach (or replace) a file; ``content`` is bytes or an uploaded file."""
    name = os.path.basename(nfc(name)).replace("/", "_") or "file"
    data = content if isinstance(content, bytes) else content.read()
    existing = LessonFile.objects.filter(lesson=lesson, name=name).first()
    if existing:
        existing.file.delete(save=False)
        f = existing
    else:
        position = (lesson.files.aggregate(m=Max("position"))["m"] or 0) + 1
        f = LessonFile(lesson=lesson, name=name, position=position)
    f.title = nfc(title) or f.title or name
    f.is_download = is_download
    f.content_type = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    f.size = len(data)
    f.file.save(name, ContentFile(data), save=False)
    f.save()
    render_lesson_body(lesson)
    return f


@transaction.atomic
def remove_lesson_file(*, lesson_file: LessonFile) -> None:
    lesson = lesson_file.lesson
    lesson_file.file.delete(save=False)
    lesson_file.delete()
    render_lesson_body(lesson)


@transaction.atomic
def set_lesson_video(
    *, lesson: Lesson, name: str, content, poster_name: str = "", poster=None, duration_seconds: int | None = None
) -> Lesson:
    data = content if isinstance(content, bytes) else content.read()
    if lesson.video:
        lesson.video.delete(save=False)
    lesson.video.save(os.path.basename(name), ContentFile(data), save=False)
    lesson.video_size = len(data)
    lesson.video_type = mimetypes.guess_type(name)[0] or "video/mp4"
    fields = ["video", "video_size", "video_type"]
    if poster is not None:
        poster_data = poster if isinstance(poster, bytes) else poster.read()
        if lesson.poster:
            lesson.poster.delete(save=False)
        lesson.poster.save(os.path.basename(poster_name or "poster.jpg"), ContentFile(poster_data), save=False)
        fields.append("poster")
    if duration_seconds is not None:
        lesson.duration_seconds = duration_seconds
        fields.append("duration_seconds")
    lesson.save(update_fields=fields)
    return lesson


@transaction.atomic
def configure_quiz(
    *,
    lesson: Lesson,
    bank: QuestionBank | None,
    rules: list[tuple[QuestionCategory, int]],
    pass_mark: int = 70,
    time_limit_minutes: int | None = None,
    max_attempts: int | None = None,
    shuffle_questions: bool = True,
    shuffle_answers: bool = True,
) -> Quiz:
    if not 0 <= pass_mark <= 100:
        raise ValidationError({"pass_mark": _("The pass mark is a percentage from 0 to 100.")})
    for category, count in rules:
        if bank is None or category.bank_id != bank.pk:
            raise ValidationError({"rules": _("Every category must belong to the quiz's question bank.")})
        if count < 1:
            raise ValidationError({"rules": _("Draw at least one question from each category.")})
    quiz, _created = Quiz.objects.get_or_create(lesson=lesson)
    quiz.bank = bank
    quiz.pass_mark = pass_mark
    quiz.time_limit_minutes = time_limit_minutes or None
    quiz.max_attempts = max_attempts or None
    quiz.shuffle_questions = shuffle_questions
    quiz.shuffle_answers = shuffle_answers
    quiz.save()
    quiz.rules.all().delete()
    QuizRule.objects.bulk_create(
        QuizRule(quiz=quiz, category=category, count=count, position=i) for i, (category, count) in enumerate(rules)
    )
    return quiz


@transaction.atomic
def share_course(*, course: Course, unit, actor=None) -> CourseShare:
    share, created = CourseShare.objects.get_or_create(
        course=course, unit=unit, defaults={"created_by": actor if _is_user(actor) else None}
    )
    if created and actor is not None:
        audit(
            actor=actor,
            action="course.share",
            target_type="course",
            target_id=course.pk,
            target_label=course.title,
            unit_path=unit.path,
            changes={"shared_with": [None, unit.code]},
        )
    return share


@transaction.atomic
def unshare_course(*, course: Course, unit, actor=None) -> None:
    deleted, _rows = CourseShare.objects.filter(course=course, unit=unit).delete()
    if deleted and actor is not None:
        audit(
            actor=actor,
            action="course.unshare",
            target_type="course",
            target_id=course.pk,
            target_label=course.title,
            unit_path=unit.path,
            changes={"shared_with": [unit.code, None]},
        )


@transaction.atomic
def enrol(*, person, course: Course, source: str = Enrolment.Source.SELF, actor=None) -> tuple[Enrolment, bool]:
    """Enrol a person (once); the "registered" event starts their progress summary."""
    enrolment, created = Enrolment.objects.get_or_create(
        person=person,
        course=course,
        defaults={"source": source, "enrolled_at": timezone.now(), "enrolled_by": actor if _is_user(actor) else None},
    )
    if created:
        events.record_event(
            person=person,
            verb="registered",
            activity_iri=course.iri,
            activity_type=iri.TYPE_COURSE,
            activity_name=course.title,
        )
    return enrolment, created


@transaction.atomic
def enrol_unit(*, course: Course, unit, actor) -> int:
    """Enrol everyone with a current membership in ``unit`` or below it; returns how many were new."""
    from hocvuso.db import subtree_q

    person_ids = (
        Membership.objects.filter(subtree_q(unit.path, "unit__path"), ended_on__isnull=True)
        .exclude(person__enrolments__course=course)
        .values_list("person_id", flat=True)
        .distinct()
    )
    from people.models import Person

    count = 0
    for person in Person.objects.filter(pk__in=list(person_ids)).iterator():
        _e, created = enrol(person=person, course=course, source=Enrolment.Source.STAFF, actor=actor)
        count += created
    if count:
        audit(
            actor=actor,
            action="course.enrol_unit",
            target_type="course",
            target_id=course.pk,
            target_label=course.title,
            unit_path=unit.path,
            changes={"enrolled": [None, count]},
        )
    return count


def resolve_competences(refs) -> tuple[list[Competence], list[str]]:
    """``["tt02-2025:4.2", …]`` to competences; returns (found, unknown refs)."""
    found, unknown = [], []
    wanted = {}
    for ref in refs:
        framework, _sep, code = str(ref).strip().partition(":")
        if not code:
            unknown.append(str(ref))
            continue
        wanted[(framework, code)] = str(ref)
    if wanted:
        q = Q(pk__in=[])
        for framework, code in wanted:
            q |= Q(framework__slug=framework, code=code)
        by_key = {(c.framework.slug, c.code): c for c in Competence.objects.filter(q).select_related("framework")}
        for k, ref in wanted.items():
            (found.append(by_key[k]) if k in by_key else unknown.append(ref))
    return found, unknown
