"""The import wizard: upload -> mapping -> preview -> import -> result.

Every page of a job fetches it through rosters.selectors.get_job, which
answers 404 outside the user's MANAGE_PEOPLE scope. The slow steps (checking
the whole file, importing it) run as background tasks; the progress page
follows them with a meta refresh, or with rosters/progress.js when scripts run.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from accounts.access import Perm
from accounts.decorators import perm_required
from rosters import actions, selectors
from rosters import columns as C
from rosters.forms import MappingForm, UnitChoicesForm, UploadForm
from rosters.models import ImportJob

JOBS_PER_PAGE = 30
PROBLEMS_PER_PAGE = 100

Status = ImportJob.Status


@require_safe
@perm_required(Perm.MANAGE_PEOPLE)
def import_list(request):
    page = Paginator(selectors.job_rows(request.user), JOBS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "rosters/list.html", {"page": page, "Status": Status})


@perm_required(Perm.MANAGE_PEOPLE)
def import_new(request):
    units = selectors.importable_units(request.user)
    q = request.GET.get("q", "")
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, units=units)
        if form.is_valid():
            data = form.cleaned_data
            try:
                job = actions.create_job(user=request.user, org=data["org"], upload=data["file"])
            except ValidationError as exc:
                form.add_error(None, exc)  # lands on the fields it names
            else:
                return redirect("rosters:mapping", pk=job.pk)
    else:
        form = UploadForm(units=units)
    options, more = selectors.unit_options(request.user, q)
    selected = form["org"].value()
    return render(
        request,
        "rosters/new.html",
        {"form": form, "options": options, "more": more, "q": q, "selected": str(selected or "")},
    )


@perm_required(Perm.MANAGE_PEOPLE)
def import_mapping(request, pk):
    job = selectors.get_job(request.user, pk)
    if job.is_busy or job.status in (Status.DONE, Status.FAILED):
        return redirect(_next_url(job))
    form = MappingForm(request.POST or None, headers=job.headers, mapping=job.mapping)
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_mapping(job=job, mapping=form.mapping())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            actions.request_preview(job=job)
            return redirect("rosters:progress", pk=job.pk)
    samples = [row["cells"] for row in job.sample[:3]]
    columns = [
        (bound, [cells[i] if i < len(cells) else "" for cells in samples]) for i, bound in enumerate(form.columns())
    ]
    return render(request, "rosters/mapping.html", {"job": job, "form": form, "columns": columns})


@perm_required(Perm.MANAGE_PEOPLE)
def import_preview(request, pk):
    job = selectors.get_job(request.user, pk)
    if job.status != Status.PREVIEWED:
        return redirect(_next_url(job))
    units_form = UnitChoicesForm(request.POST or None, questions=job.unit_questions, chosen=job.unit_choices)
    if request.method == "POST" and units_form.is_valid():
        try:
            actions.set_unit_choices(job=job, choices=units_form.choices())
        except ValidationError as exc:
            units_form.add_error(None, exc)
        else:
            actions.request_preview(job=job)
            return redirect("rosters:progress", pk=job.pk)
    page = Paginator(job.problems, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    mapped = [C.FIELD_LABELS.get(f, "") if f else "" for f in job.mapping]
    valid_rows = job.created_count + job.updated_count + job.unchanged_count
    return render(
        request,
        "rosters/preview.html",
        {
            "job": job,
            "units_form": units_form,
            "page": page,
            "problems": selectors.problem_rows(page.object_list),
            "columns": list(zip(job.headers, mapped, strict=False)),
            "valid_rows": valid_rows,
        },
    )


@require_POST
@perm_required(Perm.MANAGE_PEOPLE)
def import_commit(request, pk):
    job = selectors.get_job(request.user, pk)
    only_valid = request.POST.get("only_valid") == "1"
    try:
        actions.request_commit(job=job, only_valid=only_valid)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(_next_url(job))
    return redirect("rosters:progress", pk=job.pk)


@never_cache
@require_safe
@perm_required(Perm.MANAGE_PEOPLE)
def import_progress(request, pk):
    job = selectors.get_job(request.user, pk)
    if not job.is_busy:
        return redirect(_next_url(job))
    return render(request, "rosters/progress.html", {"job": job})


@never_cache
@require_safe
@perm_required(Perm.MANAGE_PEOPLE)
def import_status(request, pk):
    job = selectors.get_job(request.user, pk)
    return JsonResponse(status_payload(job))


@require_safe
@perm_required(Perm.MANAGE_PEOPLE)
def import_detail(request, pk):
    job = selectors.get_job(request.user, pk)
    page = Paginator(job.problems, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "rosters/detail.html",
        {"job": job, "page": page, "problems": selectors.problem_rows(page.object_list)},
    )


def status_payload(job: ImportJob) -> dict:
    return {
        "id": job.pk,
        "status": job.status,
        "task": job.task,
        "busy": job.is_busy,
        "writing": job.writing,
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "percent": job.progress_percent,
        "message": _progress_message(job),
        "next": _next_url(job),
    }


def _progress_message(job: ImportJob) -> str:
    if job.status == Status.QUEUED:
        return _("Waiting to start…")
    if job.writing:
        return _("Writing to the database…")
    if job.status == Status.RUNNING:
        return _("%(done)s of about %(total)s rows checked") % {
            "done": number_format(job.rows_done, force_grouping=True),
            "total": number_format(job.rows_total, force_grouping=True),
        }
    return ""


def _next_url(job: ImportJob) -> str:
    if job.is_busy:
        name = "rosters:progress"
    elif job.status == Status.UPLOADED:
        name = "rosters:mapping"
    elif job.status == Status.PREVIEWED:
        name = "rosters:preview"
    else:
        name = "rosters:detail"
    return reverse(name, kwargs={"pk": job.pk})
