"""Roster imports in the JSON API (/api/v1/imports), through the same actions as the wizard.

    POST /imports                 multipart: file, org (unit code), only_valid, dry_run,
                                  optional mapping ({"header": "field"}) and units ({"value": "unit code"})
    GET  /imports/{id}            status, progress, counts, problems
    POST /imports/{id}/commit     import a checked job (form field only_valid)

A dry run only checks the file; otherwise the file is checked and imported in
one go (all or nothing, or only the valid rows). Both run as background
tasks: the answer is the job as it stands, "queued" or "running" until the
worker is done (poll GET), or already finished when tasks run immediately.
Errors: 404 outside the caller's scope; 422 for unusable input, in
django-ninja's shape (``{"detail": [{"type", "loc", "msg"}]}``).
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status, UploadedFile
from pydantic import Field

from accounts import access
from accounts.access import Perm
from rosters import actions, selectors
from rosters.models import ImportJob
from rosters.problems import reason_text

router = Router(tags=["imports"])


class ErrorItem(Schema):
    type: str
    loc: list[str]
    msg: str


class ErrorOut(Schema):
    detail: list[ErrorItem]


class NotFoundOut(Schema):
    detail: str


class ProblemOut(Schema):
    row: int = Field(description="Row number as shown in Excel (CSV: record number).")
    column: str = Field(description="Header of the column as written in the file.")
    value: str
    code: str = Field(description="Stable code of the problem, e.g. cccd_length.")
    reason: str = Field(description="The problem in words, in the request's language.")


class CountsOut(Schema):
    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int


class UnitQuestionOut(Schema):
    value: str
    error: str
    rows: int
    candidates: list[tuple[int, str]] = Field(description="(unit id, label) pairs to choose from.")
    chosen: int | None = Field(None, description="The unit id chosen for this value, if any.")


class JobOut(Schema):
    id: int
    status: str = Field(description="uploaded, previewed, queued, running, done or failed.")
    task: str = Field(description="What a queued or running job is doing: preview or commit.")
    org: str = Field(description="Code of the unit the people are imported into.")
    file_name: str
    only_valid: bool
    rows_total: int
    rows_done: int
    writing: bool
    counts: CountsOut
    written: bool = Field(description="True once the people were written (status done).")
    problems_total: int
    problems: list[ProblemOut] = Field(description=f"At most {actions.MAX_STORED_PROBLEMS}, in row order.")
    unit_questions: list[UnitQuestionOut]
    error: str
    created_at: dt.datetime
    finished_at: dt.datetime | None


def _job_out(job: ImportJob) -> dict:
    return {
        "id": job.pk,
        "status": job.status,
        "task": job.task,
        "org": job.org.code,
        "file_name": job.original_name,
        "only_valid": job.only_valid,
        "rows_total": job.rows_total,
        "rows_done": job.rows_done,
        "writing": job.writing,
        "counts": {
            "rows": job.rows_total,
            "created": job.created_count,
            "updated": job.updated_count,
            "unchanged": job.unchanged_count,
            "rejected": job.rejected_count,
        },
        "written": job.status == ImportJob.Status.DONE,
        "problems_total": job.problems_total,
        "problems": [{**p, "reason": reason_text(p["code"], p.get("params"))} for p in job.problems],
        "unit_questions": job.unit_questions,
        "error": _(job.error) if job.error else "",
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


def _invalid(exc: ValidationError, *where: str) -> Status:
    if hasattr(exc, "error_dict"):
        items = [
            {"type": error.code or "invalid", "loc": [*where, field], "msg": message}
            for field, errors in exc.error_dict.items()
            for error in errors
            for message in error.messages
        ]
    else:
        items = [{"type": "invalid", "loc": list(where), "msg": message} for message in exc.messages]
    return Status(422, {"detail": items})


def _json_object(text: str, name: str) -> dict[str, str]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ValidationError({name: _('Send a JSON object of strings, e.g. {"Họ tên": "full_name"}.')})
    return value


@router.post(
    "",
    response={201: JobOut, 404: NotFoundOut, 422: ErrorOut},
    summary="Upload a roster: check it (dry_run) or import it",
)
def create_import(
    request,
    file: File[UploadedFile],
    org: Form[str],
    only_valid: Form[bool] = False,
    dry_run: Form[bool] = False,
    mapping: Form[str] = "",
    units: Form[str] = "",
):
    user = request.auth
    unit = access.get_unit(user, Perm.MANAGE_PEOPLE, code=org, is_active=True)
    try:
        overrides = _json_object(mapping, "mapping")
        unit_codes = _json_object(units, "units")
        job = actions.create_job(user=user, org=unit, upload=file)
        if overrides:
            actions.set_mapping_overrides(job=job, overrides=overrides)
        if unit_codes:
            actions.set_unit_codes(job=job, codes=unit_codes)
        if dry_run:
            job = actions.request_preview(job=job)
        else:
            job = actions.request_import(job=job, only_valid=only_valid)
    except ValidationError as exc:
        return _invalid(exc, "form")
    return Status(201, _job_out(selectors.get_job(user, job.pk)))


@router.get("/{int:job_id}", response={200: JobOut, 404: NotFoundOut}, summary="Get an import: progress and result")
def get_import(request, job_id: int):
    return _job_out(selectors.get_job(request.auth, job_id))


@router.post(
    "/{int:job_id}/commit",
    response={200: JobOut, 404: NotFoundOut, 422: ErrorOut},
    summary="Import a checked roster",
)
def commit_import(request, job_id: int, only_valid: Form[bool] = False):
    user = request.auth
    job = selectors.get_job(user, job_id)
    try:
        actions.request_commit(job=job, only_valid=only_valid)
    except ValidationError as exc:
        return _invalid(exc, "form")
    return _job_out(selectors.get_job(user, job_id))
