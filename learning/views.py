"""Learner pages: course list, course page, lesson player, exercises, quiz player, results,
certificates, and the public certificate check (``/verify/<code>``, mounted outside /learn/)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_POST, require_safe

from learning import actions, permissions, practice, selectors
from learning import questions as qt
from learning.actions.certificates import certificate_pdf, normalise_code
from learning.media import serve_file
from learning.models import (
    Attempt,
    AttemptAnswer,
    Certificate,
    Course,
    Enrolment,
    Lesson,
    LessonFile,
    QuestionFile,
)


def _person(request):
    return getattr(request.user, "person", None) if request.user.is_authenticated else None


def _course_access(request, course: Course) -> tuple[bool, bool]:
    """(may view, is author); learners see published courses offered to them or that they joined."""
    if permissions.can_author_course(request.user, course):
        return True, True
    person = _person(request)
    if person is None:
        return False, False
    if Enrolment.objects.filter(person=person, course=course).exists():
        return course.status != Course.Status.DRAFT, False
    return permissions.courses_for_learner(person).filter(pk=course.pk).exists(), False


def _enrolled(person, course) -> bool:
    return person is not None and Enrolment.objects.filter(person=person, course=course).exists()


@login_required
@require_safe
def course_list(request):
    person = _person(request)
    context = {"person": person, "can_author": permissions.can_author(request.user)}
    if person is not None:
        context.update(selectors.learner_courses(person))
    return render(request, "learning/course_list.html", context)


@login_required
@require_safe
def course_detail(request, key):
    course = get_object_or_404(Course.objects.prefetch_related("competences__framework"), key=key)
    can_view, is_author = _course_access(request, course)
    if not can_view:
        raise Http404
    person = _person(request)
    outline = selectors.course_outline(course, person)
    return render(
        request,
        "learning/course_detail.html",
        {
            "course": course,
            "is_author": is_author,
            "enrolled": outline["enrolment"] is not None,
            **outline,
        },
    )


@login_required
@require_POST
def course_enrol(request, key):
    course = get_object_or_404(Course, key=key)
    person = _person(request)
    can_view, _is_author = _course_access(request, course)
    if person is None or not can_view or course.status != Course.Status.PUBLISHED or not course.open_enrolment:
        raise Http404
    actions.enrol(person=person, course=course)
    messages.success(request, _("You have joined the course. Good luck!"))
    return redirect("learning:course", key=course.key)


def _lesson_for(request, pk) -> tuple[Lesson, bool]:
    lesson = get_object_or_404(Lesson.objects.select_related("module", "course"), pk=pk)
    can_view, is_author = _course_access(request, lesson.course)
    if not can_view:
        raise Http404
    return lesson, is_author


@login_required
@require_safe
@never_cache
def lesson_detail(request, pk):
    lesson, is_author = _lesson_for(request, pk)
    person = _person(request)
    course = lesson.course
    enrolled = _enrolled(person, course)
    if not enrolled and not is_author:
        # Offered but not joined yet: join first (one tap on the course page).
        return redirect("learning:course", key=course.key)
    if enrolled:
        actions.view_lesson(person=person, lesson=lesson)
    previous, following = selectors.lesson_neighbours(lesson)
    context = {
        "lesson": lesson,
        "course": course,
        "previous": previous,
        "next": following,
        "preview": not enrolled,
        "files": [f for f in lesson.files.all() if f.is_download],
    }
    if lesson.kind == Lesson.Kind.QUIZ and hasattr(lesson, "quiz"):
        quiz = lesson.quiz
        context.update(
            {
                "quiz": quiz,
                "attempts": selectors.quiz_attempts(quiz, person) if person else [],
                "attempts_left": actions.attempts_left(quiz, person) if person else None,
                "question_count": sum(r.count for r in quiz.rules.all()),
            }
        )
    if lesson.practice == Lesson.Practice.PROMPTS:
        context["prompt"] = _prompt_state(lesson, request.GET)
    return render(request, "learning/lesson_detail.html", context)


def _prompt_state(lesson: Lesson, params) -> dict:
    """The template the learner filled in without JavaScript (GET form), with its prompt text."""
    wanted = params.get("t")
    for template in lesson.practice_data.get("templates", []):
        if template.get("id") == wanted:
            values = {f["name"]: params.get(f["name"], "").strip()[:2000] for f in template.get("fields", [])}
            text = template["prompt"]
            for name, value in values.items():
                text = text.replace("{" + name + "}", value or f"[{name}]")
            return {"id": wanted, "values": values, "text": text}
    return {}


def _password_personal(request, lesson) -> list[str]:
    """What the learner's own name and birth date give away (checked as guessable words)."""
    person = _person(request)
    words = ["hocvuso"]
    if person is not None:
        words += person.full_name.lower().split()
        if person.birth_date:
            words += [
                str(person.birth_date.year),
                person.birth_date.strftime("%d%m%Y"),
                person.birth_date.strftime("%d%m"),
            ]
    return words


@login_required
@require_POST
@never_cache
@sensitive_post_parameters("password")
@sensitive_variables("password")
def lesson_practice(request, pk):
    """Submit an exercise without JavaScript: the password check or the scam messages."""
    lesson, _is_author = _lesson_for(request, pk)
    person = _person(request)
    previous, following = selectors.lesson_neighbours(lesson)
    context = {
        "lesson": lesson,
        "course": lesson.course,
        "previous": previous,
        "next": following,
        "files": [f for f in lesson.files.all() if f.is_download],
        "preview": not _enrolled(person, lesson.course),
    }
    if lesson.practice == Lesson.Practice.PASSWORD:
        password = request.POST.get("password", "")
        context["password_report"] = practice.password_report(password, personal=_password_personal(request, lesson))
        password = ""  # noqa: F841 - dropped as soon as it is measured
    elif lesson.practice == Lesson.Practice.PHISHING:
        graded = practice.grade_phishing(lesson.practice_data, request.POST)
        context["phishing"] = graded
        if _enrolled(person, lesson.course):
            actions.record_practice(
                person=person,
                lesson=lesson,
                raw=graded["score"],
                maximum=graded["max"],
                response=f"{graded['score']}/{graded['max']}",
            )
    else:
        return HttpResponseBadRequest()
    response = render(request, "learning/lesson_detail.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
@never_cache
@sensitive_post_parameters("password")
@sensitive_variables("password")
def password_check(request, pk):
    """JSON for the live password meter. The password is measured in memory and never stored or logged."""
    lesson, _is_author = _lesson_for(request, pk)
    if lesson.practice != Lesson.Practice.PASSWORD:
        raise Http404
    password = request.POST.get("password", "")
    report = practice.password_report(password, personal=_password_personal(request, lesson))
    password = ""  # noqa: F841
    response = JsonResponse(report)
    response["Cache-Control"] = "no-store"
    return response


# --- quizzes -----------------------------------------------------------------------------------


@login_required
@require_POST
def quiz_start(request, pk):
    lesson, _is_author = _lesson_for(request, pk)
    person = _person(request)
    if lesson.kind != Lesson.Kind.QUIZ or not _enrolled(person, lesson.course):
        raise Http404
    try:
        attempt = actions.start_attempt(quiz=lesson.quiz, person=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("learning:lesson", pk=lesson.pk)
    return redirect("learning:attempt", pk=attempt.pk)


def _own_attempt(request, pk) -> Attempt:
    person = _person(request)
    if person is None:
        raise Http404
    return get_object_or_404(
        Attempt.objects.select_related("quiz__lesson__course", "quiz__lesson__module"), pk=pk, person=person
    )


def _slots(attempt: Attempt) -> list[dict]:
    answers = {a.slot: a for a in attempt.answers.all()}
    slots = []
    for i, snap in enumerate(attempt.layout):
        answer = answers.get(i)
        response = answer.response if answer else None
        slots.append(
            {
                "n": i + 1,
                "prefix": f"s{i}",
                "snap": snap,
                "response": response,
                "answer": answer,
                "answered": qt.is_answered(snap, response),
            }
        )
    return slots


@login_required
@never_cache
def attempt_view(request, pk):
    attempt = _own_attempt(request, pk)
    now = timezone.now()
    if actions.close_if_overdue(attempt, now):
        messages.info(request, _("The time ran out, so your answers were handed in."))
        return redirect("learning:attempt_result", pk=attempt.pk)
    if attempt.state != Attempt.State.IN_PROGRESS:
        return redirect("learning:attempt_result", pk=attempt.pk)
    confirm = False
    if request.method == "POST":
        try:
            actions.save_responses(attempt=attempt, post=request.POST, now=now)
        except actions.AttemptClosed as exc:
            messages.error(request, " ".join(exc.messages))
            actions.close_if_overdue(attempt, now)
            return redirect("learning:attempt_result", pk=attempt.pk)
        action = request.POST.get("action", "save")
        if action in ("submit", "submit-confirmed"):
            slots = _slots(attempt)
            unanswered = [s["n"] for s in slots if not s["answered"]]
            if unanswered and action != "submit-confirmed":
                confirm = True
            else:
                actions.submit_attempt(attempt=attempt, now=now)
                return redirect("learning:attempt_result", pk=attempt.pk)
        else:
            messages.success(request, _("Your answers are saved."))
            return redirect("learning:attempt", pk=attempt.pk)
    slots = _slots(attempt)
    remaining = None
    if attempt.deadline:
        remaining = max(0, int((attempt.deadline - now).total_seconds()))
    return render(
        request,
        "learning/attempt.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "lesson": attempt.quiz.lesson,
            "course": attempt.quiz.lesson.course,
            "slots": slots,
            "remaining": remaining,
            "confirm": confirm,
            "unanswered": [s["n"] for s in slots if not s["answered"]],
        },
    )


@login_required
@require_POST
@never_cache
def attempt_save(request, pk):
    """Autosave from the quiz page's script: the slots in the request, nothing else."""
    attempt = _own_attempt(request, pk)
    try:
        changed = actions.save_responses(attempt=attempt, post=request.POST)
    except actions.AttemptClosed as exc:
        return JsonResponse(
            {
                "saved": False,
                "closed": True,
                "message": " ".join(exc.messages),
                "result": reverse("learning:attempt_result", args=[attempt.pk]),
            },
            status=409,
        )
    return JsonResponse({"saved": True, "changed": changed, "at": timezone.now().isoformat()})


@login_required
@require_safe
def attempt_result(request, pk):
    attempt = _own_attempt(request, pk)
    if attempt.state == Attempt.State.IN_PROGRESS:
        return redirect("learning:attempt", pk=attempt.pk)
    slots = _slots(attempt)
    for s in slots:
        fraction, feedback = qt.grade(s["snap"], s["response"])
        s["fraction"] = s["answer"].fraction if s["answer"] else fraction
        s["feedback"] = feedback
        s["combined"] = qt.combined_feedback(s["snap"], s["fraction"])
        s["right_answer"] = qt.right_answer_text(s["snap"])
    lesson = attempt.quiz.lesson
    certificate = None
    if attempt.passed:
        certificate = Certificate.objects.filter(
            person=attempt.person, course=lesson.course, revoked_at__isnull=True
        ).first()
    return render(
        request,
        "learning/attempt_result.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "lesson": lesson,
            "course": lesson.course,
            "slots": slots,
            "certificate": certificate,
            "attempts_left": actions.attempts_left(attempt.quiz, attempt.person),
        },
    )


# --- files -------------------------------------------------------------------------------------


@login_required
@require_GET
def lesson_file(request, pk, name):
    f = get_object_or_404(LessonFile.objects.select_related("lesson__course"), pk=pk, name=name)
    can_view, _is_author = _course_access(request, f.lesson.course)
    if not can_view:
        raise Http404
    return serve_file(request, f.file, content_type=f.content_type, filename=f.name, as_attachment=f.is_download)


@login_required
@require_GET
def lesson_video(request, pk):
    lesson, _is_author = _lesson_for(request, pk)
    if not lesson.video:
        raise Http404
    return serve_file(
        request,
        lesson.video,
        content_type=lesson.video_type or "video/mp4",
        filename=lesson.video.name.rsplit("/", 1)[-1],
        cache_seconds=86400,
    )


@login_required
@require_GET
def lesson_poster(request, pk):
    lesson, _is_author = _lesson_for(request, pk)
    if not lesson.poster:
        raise Http404
    import mimetypes

    return serve_file(
        request,
        lesson.poster,
        content_type=mimetypes.guess_type(lesson.poster.name)[0] or "image/jpeg",
        filename=lesson.poster.name.rsplit("/", 1)[-1],
        cache_seconds=86400,
    )


@login_required
@require_GET
def question_file(request, pk, name):
    f = get_object_or_404(QuestionFile.objects.select_related("question__bank"), pk=pk, name=name)
    person = _person(request)
    allowed = permissions.authorable_banks(request.user).filter(pk=f.question.bank_id).exists() or (
        person is not None and AttemptAnswer.objects.filter(question=f.question, attempt__person=person).exists()
    )
    if not allowed:
        raise Http404
    return serve_file(request, f.file, content_type=f.content_type, filename=f.name)


# --- certificates ------------------------------------------------------------------------------


@login_required
@require_GET
def certificate_download(request, code):
    certificate = get_object_or_404(Certificate.objects.select_related("course__owner"), code=code)
    person = _person(request)
    own = person is not None and certificate.person_id == person.pk
    if not own and not permissions.can_author_course(request.user, certificate.course):
        raise Http404
    if certificate.revoked_at:
        messages.error(request, _("This certificate was revoked."))
        return redirect("learning:course", key=certificate.course.key)
    data = certificate_pdf(certificate, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.code}.pdf"'
    return response


@require_safe
@never_cache
def verify_certificate(request, code=""):
    """Public: confirms or denies a certificate by its code; shows only what the certificate itself says."""
    typed = code or request.GET.get("code", "")
    normalised = normalise_code(typed) if typed else ""
    if normalised and normalised != code:
        # One canonical address per certificate, whatever was typed or scanned.
        base = request.path.rsplit("/", 1)[0] if code else request.path.rstrip("/")
        return redirect(f"{base}/{normalised}")
    certificate = None
    if normalised:
        certificate = (
            Certificate.objects.filter(code=normalised)
            .only("code", "holder_name", "course_title", "unit_name", "issued_at", "revoked_at")
            .first()
        )
    response = render(
        request,
        "learning/verify.html",
        {
            "typed": typed,
            "code": normalised,
            "certificate": certificate,
            "searched": bool(typed),
        },
        status=200 if certificate or not typed else 404,
    )
    response["X-Robots-Tag"] = "noindex"
    return response
