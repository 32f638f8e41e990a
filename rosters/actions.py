"""Every write to import jobs, and the two steps run in the background: check and import.

A job moves uploaded -> (queued -> running ->) previewed -> (queued -> running ->)
done, or failed. The checking and the import themselves live in
``rosters.importing``; this module keeps the job's record of them. Scope is
checked by the callers (views, API, command) through ``accounts.access``, and
once more before writing, in case the user lost the role meanwhile.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import access
from hocvuso.lib.spreadsheet import SpreadsheetError, cell_text
from hocvuso.lib.text import fold
from org.models import Unit
from rosters import columns as C
from rosters.importing import SAMPLE_ROWS, Outcome, RosterError, estimate_rows, open_roster, run_import
from rosters.models import MAX_STORED_PROBLEMS, ImportJob
from rosters.problems import file_error

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
ALLOWED_EXTENSIONS = (".xlsx", ".xlsm", ".csv", ".txt")

Status = ImportJob.Status


@transaction.atomic
def create_job(*, user, org: Unit, upload: UploadedFile) -> ImportJob:
    """Store an uploaded roster, find its header row and guess the column mapping.

    Raises ValidationError (field "file") for a file that cannot be read; then
    nothing is stored.
    """
    name = (upload.name or "roster").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            {"file": _("The file is larger than %(max)d MB; split it into several files.") % {"max": 50}}
        )
    if not name.lower().endswith(ALLOWED_EXTENSIONS):
        raise ValidationError({"file": _("Upload an Excel (.xlsx) or CSV file.")})
    try:
        table = open_roster(upload, filename=name)
    except RosterError as exc:
        raise ValidationError({"file": _(file_error(exc.code, exc.message))}) from exc
    with table:
        headers = list(table.headers)
        # A few rows to show under each column while the user maps them.
        sample = []
        try:
            for number, cells in table.rows:
                sample.append({"row": number, "cells": [cell_text(c) for c in cells], "ok": None})
                if len(sample) >= SAMPLE_ROWS:
                    break
        except SpreadsheetError as exc:
            raise ValidationError({"file": _(file_error(exc.code, exc.message))}) from exc
    job = ImportJob(
        created_by=user if getattr(user, "is_authenticated", False) else None,
        org=org,
        original_name=name[:255],
        headers=headers,
        mapping=C.guess_mapping(headers),
        sample=sample,
    )
    upload.seek(0)
    job.file.save(name, upload, save=False)
    job.save()
    return job


@transaction.atomic
def set_mapping(*, job: ImportJob, mapping: Sequence[str]) -> ImportJob:
    """Save the user's column mapping; ValidationError if a column is mapped twice or no name column."""
    _check_idle(job)
    try:
        job.mapping = C.check_mapping(mapping, job.headers)
    except C.MappingError as exc:
        raise ValidationError(exc.message) from exc
    job.status = Status.UPLOADED
    job.save(update_fields=["mapping", "status", "updated_at"])
    return job


@transaction.atomic
def set_mapping_overrides(*, job: ImportJob, overrides: dict[str, str]) -> ImportJob:
    """Change the guessed mapping by header ({"Số ĐD": "cccd"}); the API's and command line's way."""
    try:
        mapping = C.apply_overrides(job.mapping, job.headers, overrides.items())
    except C.MappingError as exc:
        raise ValidationError({"mapping": exc.message}) from exc
    return set_mapping(job=job, mapping=mapping)


@transaction.atomic
def set_unit_codes(*, job: ImportJob, codes: dict[str, str]) -> ImportJob:
    """Say up front which unit (by code, inside the job's unit) a value of the unit column means."""
    from org.resolve import UnitResolver

    _check_idle(job)
    resolver = UnitResolver(root=job.org)
    choices = dict(job.unit_choices)
    for value, code in codes.items():
        ref = resolver.get(code)
        if ref is None or not ref.is_active:
            message = _("No current unit has the code “%(code)s” inside %(unit)s.")
            raise ValidationError({"units": message % {"code": code, "unit": job.org}})
        choices[fold(value)] = ref.id
    job.unit_choices = choices
    job.save(update_fields=["unit_choices", "updated_at"])
    return job


@transaction.atomic
def set_unit_choices(*, job: ImportJob, choices: dict[str, int]) -> ImportJob:
    """Record which unit the user means by unit values the file leaves open (split or ambiguous).

    Each choice must be one of the candidates offered for that value.
    """
    _check_idle(job)
    offered = {q["key"]: {c[0] for c in q["candidates"]} for q in job.unit_questions}
    clean = dict(job.unit_choices)
    for value, unit_id in choices.items():
        key = fold(value)
        if key not in offered:
            continue
        if unit_id in (None, ""):
            clean.pop(key, None)
            continue
        if int(unit_id) not in offered[key]:
            raise ValidationError(_("Choose one of the units offered for “%(value)s”.") % {"value": value})
        clean[key] = int(unit_id)
    job.unit_choices = clean
    job.save(update_fields=["unit_choices", "updated_at"])
    return job


def request_preview(*, job: ImportJob) -> ImportJob:
    """Queue the check of the whole file (the preview)."""
    from rosters.tasks import preview_import

    _queue(job, ImportJob.Task.PREVIEW, only_valid=job.only_valid)
    # Enqueued at once rather than on commit: the database backend stores the
    # task in the same transaction anyway, and the immediate backend (tests,
    # HOCVUSO_TASKS=immediate) then runs it within this request.
    preview_import.enqueue(job.pk)
    job.refresh_from_db()
    return job


def request_import(*, job: ImportJob, only_valid: bool) -> ImportJob:
    """Queue checking and importing in one go, without a preview (the API without dry_run).

    The import checks every row anyway; all or nothing unless ``only_valid``.
    """
    from rosters.tasks import commit_import

    if job.status != Status.UPLOADED:
        raise ValidationError(_("This import has already been checked; commit it instead."))
    _queue(job, ImportJob.Task.COMMIT, only_valid=only_valid)
    commit_import.enqueue(job.pk)
    job.refresh_from_db()
    return job


def request_commit(*, job: ImportJob, only_valid: bool) -> ImportJob:
    """Queue the import. Without ``only_valid`` it is refused while the preview lists problems."""
    from rosters.tasks import commit_import

    if job.status != Status.PREVIEWED:
        raise ValidationError(_("Check the file before importing it."))
    if job.problems_total and not only_valid:
        raise ValidationError(_("Some rows have problems: fix the file, or import only the valid rows."))
    _queue(job, ImportJob.Task.COMMIT, only_valid=only_valid)
    commit_import.enqueue(job.pk)
    job.refresh_from_db()
    return job


def _check_idle(job: ImportJob) -> None:
    if job.is_busy or job.status == Status.DONE:
        raise ValidationError(_("This import is already running or finished."))


@transaction.atomic
def _queue(job: ImportJob, task: str, *, only_valid: bool) -> None:
    # Re-read under lock so two clicks do not queue the same job twice.
    current = ImportJob.objects.select_for_update().get(pk=job.pk)
    _check_idle(current)
    job.status = Status.QUEUED
    job.task = task
    job.only_valid = only_valid
    job.rows_done = 0
    job.writing = False
    job.error = ""
    job.save(update_fields=["status", "task", "only_valid", "rows_done", "writing", "error", "updated_at"])


# --------------------------------------------------------------------------
# The background steps (called by rosters.tasks)


def run_preview(job_id: int) -> None:
    """Check every row without writing, and store counts, problems and a sample on the job."""
    job = _start(job_id, ImportJob.Task.PREVIEW)
    if job is None:
        return
    try:
        outcome = _run(job, dry_run=True)
    except RosterError as exc:
        _fail(job, file_error(exc.code, exc.message))
        return
    except Exception:
        logger.exception("Checking import job %s failed", job.pk)
        _fail(job, gettext_noop("An unexpected error stopped the check; the administrators have been told."))
        return
    _store_outcome(job, outcome)
    job.status = Status.PREVIEWED
    job.task = ImportJob.Task.NONE
    job.save(update_fields=[*_OUTCOME_FIELDS, "status", "task", "updated_at"])


def run_commit(job_id: int) -> None:
    """Import the file, all or nothing (or only its valid rows), recording the result on the job."""
    job = _start(job_id, ImportJob.Task.COMMIT)
    if job is None:
        return
    user = job.created_by
    if user is None or not access.units(user, access.Perm.MANAGE_PEOPLE).filter(pk=job.org_id).exists():
        _fail(job, gettext_noop("You may no longer import people into this unit."))
        return

    def after_write(outcome: Outcome) -> ImportJob:
        _store_outcome(job, outcome)
        job.status = Status.DONE
        job.writing = False
        job.finished_at = timezone.now()
        job.save(update_fields=[*_OUTCOME_FIELDS, "status", "writing", "finished_at", "updated_at"])
        return job

    try:
        outcome = _run(job, dry_run=False, after_write=after_write)
    except RosterError as exc:
        _fail(job, file_error(exc.code, exc.message))
        return
    except Exception:
        logger.exception("Import job %s failed", job.pk)
        _fail(job, gettext_noop("An unexpected error stopped the import; nothing was written."))
        return
    if not outcome.written:
        # The people recorded changed since the preview and now conflict with
        # some rows: nothing was written; show the new problems.
        _store_outcome(job, outcome)
        job.status = Status.PREVIEWED
        job.task = ImportJob.Task.NONE
        job.writing = False
        job.error = gettext_noop("Some rows have problems, so nothing was written.")
        job.save(update_fields=[*_OUTCOME_FIELDS, "status", "task", "writing", "updated_at"])


def _start(job_id: int, task: str) -> ImportJob | None:
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update(of=("self",))
            .select_related("org", "created_by")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.status != Status.QUEUED or job.task != task:
            return None
        job.status = Status.RUNNING
        if not job.rows_total:
            # Exact once checked; until then an estimate for the progress bar.
            job.rows_total = _estimate(job) or 0
        job.save(update_fields=["status", "rows_total", "updated_at"])
    return job


def _estimate(job: ImportJob) -> int | None:
    try:
        return estimate_rows(job.file.path)
    except (NotImplementedError, ValueError):  # storage without local paths, or no file
        return None


def _run(job: ImportJob, *, dry_run: bool, after_write=None) -> Outcome:
    def progress(done: int) -> None:
        job.rows_done = done
        job.rows_total = max(job.rows_total, done)
        job.save(update_fields=["rows_done", "rows_total", "updated_at"])

    def on_writing() -> None:
        job.writing = True
        job.save(update_fields=["writing", "updated_at"])

    with job.file.open("rb") as stream:
        return run_import(
            stream,
            org=job.org,
            filename=job.original_name,
            mapping=job.mapping,
            unit_choices=job.unit_choices,
            only_valid=job.only_valid,
            dry_run=dry_run,
            actor=job.created_by,
            progress=progress,
            on_writing=on_writing,
            after_write=after_write,
        )


_OUTCOME_FIELDS = [
    "headers", "mapping", "rows_total", "rows_done", "created_count", "updated_count", "unchanged_count",
    "rejected_count", "problems", "problems_total", "unit_questions", "sample", "error",
]  # fmt: skip


def _store_outcome(job: ImportJob, outcome: Outcome) -> None:
    job.headers = outcome.headers
    job.mapping = outcome.mapping
    job.rows_total = outcome.rows_total
    job.rows_done = outcome.rows_total
    job.created_count = outcome.created
    job.updated_count = outcome.updated
    job.unchanged_count = outcome.unchanged
    job.rejected_count = outcome.rejected
    job.problems = [p.as_dict() for p in outcome.problems[:MAX_STORED_PROBLEMS]]
    job.problems_total = len(outcome.problems)
    job.unit_questions = outcome.unit_questions
    job.sample = outcome.sample
    job.error = ""


def _fail(job: ImportJob, message: str) -> None:
    job.status = Status.FAILED
    job.writing = False
    job.error = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "writing", "error", "finished_at", "updated_at"])


# --------------------------------------------------------------------------
# The command line


def record_cli_import(*, user, org: Unit, filename: str, only_valid: bool, outcome: Outcome) -> ImportJob:
    """The job row for an import run from the command line (inside its transaction)."""
    job = ImportJob(
        created_by=user,
        org=org,
        original_name=filename[:255],
        status=Status.DONE,
        only_valid=only_valid,
        finished_at=timezone.now(),
    )
    _store_outcome(job, outcome)
    job.save()
    return job
