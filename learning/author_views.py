"""Authoring pages for administrators and instructors, within their scope (see learning.permissions)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts import access
from learning import actions, formats, packs, permissions, selectors, stats
from learning.exporting import export_bank
from learning.forms import (
    BankForm,
    CourseForm,
    GradeForm,
    ImportForm,
    LessonFileForm,
    LessonForm,
    ModuleForm,
    PackImportForm,
    QuestionForm,
    QuizForm,
    RevokeForm,
    ShareForm,
    VideoForm,
    data_to_answers,
)
from learning.models import AttemptAnswer, Certificate, Course, Lesson, Module, Question, QuestionCategory
from org.models import Unit


def author_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not permissions.can_author(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _units(user):
    return access.units(user, permissions.AUTHOR_PERM).filter(is_active=True)


def _national(user) -> bool:
    return permissions.author_scope(user).everything


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@author_required
@require_safe
def dashboard(request):
    return render(
        request,
        "learning/author/dashboard.html",
        {
            "courses": selectors.author_courses(request.user),
            "banks": selectors.author_banks(request.user),
            "to_grade": selectors.answers_to_grade(request.user).count(),
        },
    )


@author_required
def course_create(request):
    form = CourseForm(request.POST or None, units=_units(request.user), allow_national=_national(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        competences = data.pop("competences")
        try:
            course = actions.create_course(actor=request.user, competences=competences, **data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Course created. Now add its modules and lessons."))
            return redirect("learning:author_course", pk=course.pk)
    return render(request, "learning/author/course_form.html", {"form": form})


@author_required
def course_edit(request, pk):
    course = permissions.get_authorable_course(request.user, pk)
    form = CourseForm(
        request.POST or None, instance=course, units=_units(request.user), allow_national=_national(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "competences"}
        try:
            # The form bound to the instance has already set the fields; reload to diff for the audit log.
            course.refresh_from_db()
            actions.update_course(
                course=course, actor=request.user, competences=form.cleaned_data["competences"], **data
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Course saved."))
            return redirect("learning:author_course", pk=course.pk)
    outline = selectors.course_outline(course)
    return render(
        request,
        "learning/author/course_edit.html",
        {
            "course": course,
            "form": form,
            "module_form": ModuleForm(),
            "share_form": ShareForm(),
            "shares": course.shares.select_related("unit").order_by("unit__name"),
            **outline,
        },
    )


@author_required
@require_POST
def module_create(request, pk):
    course = permissions.get_authorable_course(request.user, pk)
    form = ModuleForm(request.POST)
    if form.is_valid():
        try:
            actions.create_module(
                course=course,
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                position=form.cleaned_data["position"],
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Module added."))
    else:
        messages.error(request, _("A module needs a title."))
    return redirect("learning:author_course", pk=course.pk)


def _module(request, pk) -> Module:
    module = get_object_or_404(Module.objects.select_related("course__owner"), pk=pk)
    if not permissions.can_author_course(request.user, module.course):
        raise Http404
    return module


@author_required
def module_edit(request, pk):
    module = _module(request, pk)
    form = ModuleForm(
        request.POST or None, initial={"title": module.title, "summary": module.summary, "position": module.position}
    )
    if request.method == "POST" and form.is_valid():
        actions.update_module(module=module, **form.cleaned_data)
        messages.success(request, _("Module saved."))
        return redirect("learning:author_course", pk=module.course_id)
    return render(request, "learning/author/module_form.html", {"module": module, "form": form})


@author_required
def lesson_create(request, pk):
    module = _module(request, pk)
    form = LessonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        competences = data.pop("competences")
        try:
            lesson = actions.create_lesson(module=module, competences=competences, **data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Lesson added."))
            return redirect("learning:author_lesson", pk=lesson.pk)
    return render(request, "learning/author/lesson_form.html", {"module": module, "form": form})


def _lesson(request, pk) -> Lesson:
    lesson = get_object_or_404(Lesson.objects.select_related("course__owner", "module"), pk=pk)
    if not permissions.can_author_course(request.user, lesson.course):
        raise Http404
    return lesson


@author_required
def lesson_edit(request, pk):
    lesson = _lesson(request, pk)
    initial = {
        f: getattr(lesson, f)
        for f in ("title", "kind", "summary", "body_md", "practice", "estimated_minutes", "position")
    }
    initial["competences"] = list(lesson.competences.all())
    form = LessonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        competences = data.pop("competences")
        try:
            actions.update_lesson(lesson=lesson, competences=competences, **data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Lesson saved."))
            return redirect("learning:author_lesson", pk=lesson.pk)
    quiz = getattr(lesson, "quiz", None) if lesson.kind == Lesson.Kind.QUIZ else None
    quiz_form = None
    categories = []
    if quiz is not None:
        quiz_form = QuizForm(
            initial={
                "pass_mark": quiz.pass_mark,
                "time_limit_minutes": quiz.time_limit_minutes,
                "max_attempts": quiz.max_attempts,
                "shuffle_questions": quiz.shuffle_questions,
                "shuffle_answers": quiz.shuffle_answers,
            }
        )
        rules = {r.category_id: r.count for r in quiz.rules.all()}
        for bank in permissions.authorable_banks(request.user).order_by("name"):
            for c in selectors.bank_categories(bank):
                categories.append({**c, "bank": bank, "count": rules.get(c["id"], 0)})
    return render(
        request,
        "learning/author/lesson_edit.html",
        {
            "lesson": lesson,
            "form": form,
            "file_form": LessonFileForm(),
            "video_form": VideoForm(),
            "files": lesson.files.all(),
            "quiz": quiz,
            "quiz_form": quiz_form,
            "categories": categories,
            "stats": _quiz_stats(quiz) if quiz else [],
        },
    )


def _quiz_stats(quiz):
    numbers = stats.item_statistics(quiz=quiz)
    if not numbers:
        return []
    names = dict(Question.objects.filter(pk__in=numbers).values_list("pk", "name"))
    return [{"id": pk, "name": names.get(pk, ""), **row} for pk, row in numbers.items()]


@author_required
@require_POST
def lesson_delete(request, pk):
    lesson = _lesson(request, pk)
    course_pk = lesson.course_id
    try:
        actions.delete_lesson(lesson=lesson)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("learning:author_lesson", pk=lesson.pk)
    messages.success(request, _("Lesson deleted."))
    return redirect("learning:author_course", pk=course_pk)


@author_required
@require_POST
def lesson_file_upload(request, pk):
    lesson = _lesson(request, pk)
    form = LessonFileForm(request.POST, request.FILES)
    if form.is_valid():
        f = form.cleaned_data["file"]
        actions.add_lesson_file(
            lesson=lesson,
            name=f.name,
            content=f,
            title=form.cleaned_data["title"],
            is_download=form.cleaned_data["is_download"],
            content_type=f.content_type or "",
        )
        messages.success(
            request, _("File added. Images are shown where the text names them, e.g. ![photo](%(n)s).") % {"n": f.name}
        )
    else:
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, e)
    return redirect("learning:author_lesson", pk=lesson.pk)


@author_required
@require_POST
def lesson_file_delete(request, pk, file_pk):
    lesson = _lesson(request, pk)
    f = get_object_or_404(lesson.files, pk=file_pk)
    actions.remove_lesson_file(lesson_file=f)
    messages.success(request, _("File removed."))
    return redirect("learning:author_lesson", pk=lesson.pk)


@author_required
@require_POST
def lesson_video_upload(request, pk):
    lesson = _lesson(request, pk)
    form = VideoForm(request.POST, request.FILES)
    if form.is_valid():
        video, poster = form.cleaned_data["video"], form.cleaned_data.get("poster")
        actions.set_lesson_video(
            lesson=lesson,
            name=video.name,
            content=video,
            poster_name=poster.name if poster else "",
            poster=poster,
            duration_seconds=form.cleaned_data.get("duration_seconds"),
        )
        messages.success(request, _("Video saved."))
    else:
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, e)
    return redirect("learning:author_lesson", pk=lesson.pk)


@author_required
@require_POST
def quiz_configure(request, pk):
    lesson = _lesson(request, pk)
    form = QuizForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the quiz settings."))
        return redirect("learning:author_lesson", pk=lesson.pk)
    banks = permissions.authorable_banks(request.user)
    rules = []
    bank = None
    for category in QuestionCategory.objects.filter(bank__in=banks).select_related("bank"):
        try:
            count = int(request.POST.get(f"count-{category.pk}") or 0)
        except ValueError:
            count = 0
        if count > 0:
            rules.append((category, count))
            bank = bank or category.bank
    try:
        actions.configure_quiz(lesson=lesson, bank=bank, rules=rules, **form.cleaned_data)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Quiz saved."))
    return redirect("learning:author_lesson", pk=lesson.pk)


@author_required
@require_POST
def course_share(request, pk):
    course = permissions.get_authorable_course(request.user, pk)
    form = ShareForm(request.POST)
    unit = Unit.objects.filter(code=form.data.get("unit_code", "").strip(), is_active=True).first()
    if unit is None:
        messages.error(request, _("No active unit has that code."))
    elif request.POST.get("remove"):
        actions.unshare_course(course=course, unit=unit, actor=request.user)
        messages.success(request, _("The course is no longer shared with %(unit)s.") % {"unit": unit.name})
    else:
        actions.share_course(course=course, unit=unit, actor=request.user)
        messages.success(request, _("The course is now offered to %(unit)s.") % {"unit": unit.name})
    return redirect("learning:author_course", pk=course.pk)


@author_required
def course_learners(request, pk):
    course = get_object_or_404(permissions.offerable_courses(request.user), pk=pk)
    people = access.people(request.user, access.Perm.VIEW).values("pk")
    if request.method == "POST":
        unit = access.get_unit(request.user, access.Perm.VIEW, code=request.POST.get("unit_code", "").strip())
        count = actions.enrol_unit(course=course, unit=unit, actor=request.user)
        messages.success(request, _("%(n)d people enrolled from %(unit)s.") % {"n": count, "unit": unit.name})
        return redirect("learning:author_learners", pk=course.pk)
    learners = selectors.course_learners(course, person_ids=people)
    return render(
        request,
        "learning/author/learners.html",
        {
            "course": course,
            "learners": learners,
            "can_edit": permissions.can_author_course(request.user, course),
            "revoke_form": RevokeForm(),
        },
    )


@author_required
@require_safe
def certificates_zip(request, pk):
    course = get_object_or_404(permissions.offerable_courses(request.user), pk=pk)
    people = access.people(request.user, access.Perm.VIEW).values_list("pk", flat=True)
    certificates = actions.issue_for_completers(course=course, person_ids=people)
    if not certificates:
        messages.info(request, _("Nobody in your area has completed this course yet."))
        return redirect("learning:author_learners", pk=course.pk)
    data = actions.certificates_zip(certificates, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="chung-nhan-{course.key}.zip"'
    return response


@author_required
@require_POST
def certificate_revoke(request, pk):
    certificate = get_object_or_404(Certificate.objects.select_related("course__owner", "unit"), pk=pk)
    if (
        not permissions.can_author_course(request.user, certificate.course)
        and not access.people(request.user, access.Perm.MANAGE_PEOPLE).filter(pk=certificate.person_id).exists()
    ):
        raise Http404
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            actions.revoke_certificate(certificate=certificate, reason=form.cleaned_data["reason"], actor=request.user)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Certificate %(code)s revoked.") % {"code": certificate.code})
    else:
        messages.error(request, _("Give the reason for revoking the certificate."))
    return redirect("learning:author_learners", pk=certificate.course_id)


# --- question banks ----------------------------------------------------------------------------


@author_required
def bank_create(request):
    form = BankForm(request.POST or None, units=_units(request.user), allow_national=_national(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            bank = actions.create_bank(
                name=form.cleaned_data["name"],
                owner=form.cleaned_data["owner"],
                description=form.cleaned_data["description"],
                actor=request.user,
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            actions.ensure_category(bank, "")
            return redirect("learning:author_bank", pk=bank.pk)
    return render(request, "learning/author/bank_form.html", {"form": form})


@author_required
def bank_detail(request, pk):
    bank = permissions.get_authorable_bank(request.user, pk)
    if request.method == "POST" and request.POST.get("category"):
        actions.ensure_category(bank, request.POST["category"].strip())
        messages.success(request, _("Category added."))
        return redirect("learning:author_bank", pk=bank.pk)
    category_id = request.GET.get("category")
    questions = list(selectors.bank_questions(bank, category_id if category_id and category_id.isdigit() else None))
    numbers = stats.item_statistics(bank=bank)
    for q in questions:
        q["stats"] = numbers.get(q["id"])
    return render(
        request,
        "learning/author/bank_detail.html",
        {
            "bank": bank,
            "categories": selectors.bank_categories(bank),
            "questions": questions,
            "import_form": ImportForm(),
            "formats": formats.FORMATS,
        },
    )


@author_required
def bank_import(request, pk):
    bank = permissions.get_authorable_bank(request.user, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = actions.import_question_file(
            bank_name=bank.name,
            bank=bank,
            data=upload.read(),
            filename=upload.name,
            dry_run=form.cleaned_data["check_only"],
            actor=request.user,
        )
        if report.ok and not report.dry_run:
            messages.success(
                request,
                _("Imported %(n)d questions (%(new)d new, %(upd)d updated).")
                % {"n": report.imported, "new": report.created, "upd": report.updated},
            )
            return redirect("learning:author_bank", pk=bank.pk)
    return render(request, "learning/author/bank_import.html", {"bank": bank, "form": form, "report": report})


@author_required
@require_safe
def bank_export(request, pk):
    bank = permissions.get_authorable_bank(request.user, pk)
    fmt = request.GET.get("format", "gift")
    if fmt not in formats.FORMATS:
        raise Http404
    data, skipped = export_bank(bank, fmt)
    _label, ext, content_type = formats.FORMATS[fmt]
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{bank.key}.{ext}"'
    if skipped:
        # The file still downloads; the header tells scripts what it could not hold.
        response["X-Skipped-Questions"] = str(len(skipped))
    return response


def _question_form_save(request, bank, question, form):
    data = dict(form.cleaned_data)
    payload = data["data"]
    if question is not None and question.qtype == data["qtype"]:
        # Keep what the simple form does not show (combined feedback, units, shuffle...).
        payload = {**{k: v for k, v in question.data.items() if k not in payload}, **payload}
    return actions.save_question(
        bank=bank,
        category=data["category"],
        qtype=data["qtype"],
        name=data["name"],
        text=data["text"],
        data=payload,
        text_format=question.text_format if question else "plain",
        general_feedback=data["general_feedback"],
        default_mark=data["default_mark"],
        question=question,
        competences=data["competences"],
        actor=request.user,
    )


@author_required
def question_create(request, pk):
    bank = permissions.get_authorable_bank(request.user, pk)
    form = QuestionForm(request.POST or None, bank=bank, initial={"qtype": request.GET.get("type", "single")})
    if request.method == "POST" and form.is_valid():
        try:
            _question_form_save(request, bank, None, form)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Question saved."))
            return redirect("learning:author_bank", pk=bank.pk)
    return render(request, "learning/author/question_form.html", {"bank": bank, "form": form})


@author_required
def question_edit(request, pk):
    question = get_object_or_404(Question.objects.select_related("bank"), pk=pk)
    bank = permissions.get_authorable_bank(request.user, question.bank_id)
    if request.method == "POST" and "active" in request.POST:
        actions.set_question_active(question=question, active=request.POST["active"] == "1")
        return redirect("learning:author_bank", pk=bank.pk)
    form = QuestionForm(
        request.POST or None,
        bank=bank,
        initial={
            "category": question.category_id,
            "qtype": question.qtype,
            "name": question.name,
            "text": question.text,
            "answers": data_to_answers(question),
            "general_feedback": question.general_feedback,
            "default_mark": question.default_mark,
            "competences": list(question.competences.all()),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            _question_form_save(request, bank, question, form)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Question saved."))
            return redirect("learning:author_bank", pk=bank.pk)
    return render(request, "learning/author/question_form.html", {"bank": bank, "form": form, "question": question})


# --- marking and packs -------------------------------------------------------------------------


@author_required
def grading(request):
    if request.method == "POST":
        answer = get_object_or_404(selectors.answers_to_grade(request.user), pk=request.POST.get("answer"))
        form = GradeForm(request.POST)
        if form.is_valid():
            mark = form.cleaned_data["mark"]
            maximum = answer.max_mark or 1
            if mark > maximum:
                messages.error(request, _("The mark cannot be more than %(max)s.") % {"max": maximum})
            else:
                actions.grade_answer(
                    answer=answer, fraction=mark / maximum, comment=form.cleaned_data["comment"], grader=request.user
                )
                messages.success(request, _("Mark saved."))
        return redirect("learning:author_grading")
    answers = list(selectors.answers_to_grade(request.user)[:50])
    for a in answers:
        a.snap = a.attempt.layout[a.slot]
    return render(request, "learning/author/grading.html", {"answers": answers, "form": GradeForm()})


@author_required
def pack_import(request):
    form = PackImportForm(
        request.POST or None, request.FILES or None, units=_units(request.user), allow_national=_national(request.user)
    )
    report = None
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            src = packs.Source.from_zip(form.cleaned_data["file"].read())
        except (ValueError, OSError) as exc:
            error = str(exc) or _("The file is not a zip archive.")
        except Exception:  # noqa: BLE001 - zipfile raises several unrelated error types
            error = _("The file is not a zip archive.")
        else:
            user = request.user

            def may_update(obj):
                if isinstance(obj, Course):
                    return permissions.can_author_course(user, obj)
                return permissions.authorable_banks(user).filter(pk=obj.pk).exists()

            report = packs.import_pack(
                src,
                actor=user,
                owner=form.cleaned_data["owner"],
                may_update=may_update,
                check_only=form.cleaned_data["check_only"],
            )
            if report.status in ("created", "updated", "unchanged"):
                messages.success(
                    request, _("Content pack imported: %(courses)s.") % {"courses": ", ".join(report.courses)}
                )
                return redirect("learning:author")
    return render(request, "learning/author/pack_import.html", {"form": form, "report": report, "error": error})


@author_required
@require_safe
def course_pack_export(request, pk):
    course = permissions.get_authorable_course(request.user, pk)
    data = packs.export_course_pack(course)
    response = HttpResponse(data, content_type="application/zip")
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="{course.key}-{stamp}.zip"'
    return response


@author_required
@require_safe
def answer_detail(request, pk):
    answer = get_object_or_404(AttemptAnswer.objects.select_related("attempt__quiz__lesson__course__owner"), pk=pk)
    if not permissions.can_author_course(request.user, answer.attempt.quiz.lesson.course):
        raise Http404
    return render(
        request, "learning/author/answer.html", {"answer": answer, "snap": answer.attempt.layout[answer.slot]}
    )
