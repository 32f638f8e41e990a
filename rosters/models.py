from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.models import Unit

# Problems kept on a job for the preview and the result page. The total is
# always counted; a roster with more problems than this is one to fix at the
# source, and listing 100,000 of them helps nobody.
MAX_STORED_PROBLEMS = 5000


def _upload_to(job: ImportJob, filename: str) -> str:
    # A random name: the original one (often a person's or school's name) is
    # kept in original_name, and files under MEDIA_ROOT must not be guessable.
    extension = os.path.splitext(filename)[1].lower()[:8]
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class ImportJob(models.Model):
    """One roster file on its way in: uploaded, mapped, previewed, imported."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        PREVIEWED = "previewed", _("Checked")
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Task(models.TextChoices):
        # Which background task the queued/running status refers to.
        NONE = "", _("None")
        PREVIEW = "preview", _("Check")
        COMMIT = "commit", _("Import")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_jobs"
    )
    org = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="import_jobs", verbose_name=_("unit"))
    original_name = models.CharField(_("file name"), max_length=255)
    # Empty for imports run from the command line, whose file stays where it is.
    file = models.FileField(upload_to=_upload_to, max_length=255, blank=True)
    headers = models.JSONField(default=list, blank=True)
    # One field name per column of the file ("" = ignored), by position, so
    # that two columns with the same header are told apart.
    mapping = models.JSONField(default=list, blank=True)
    # Folded unit text as written in the file -> id of the unit the user chose.
    unit_choices = models.JSONField(default=dict, blank=True)
    # Unit values that need a choice: [{"value", "key", "error", "rows", "candidates": [[id, label], ...]}].
    unit_questions = models.JSONField(default=list, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.UPLOADED)
    task = models.CharField(max_length=8, choices=Task.choices, default=Task.NONE, blank=True)
    # True while the commit is inside its single final transaction, when no
    # row-by-row progress can be reported (see rosters/importing.py).
    writing = models.BooleanField(default=False)
    only_valid = models.BooleanField(_("import only valid rows"), default=False)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    # [{"row", "column", "value", "code", "reason", "params"}], at most
    # MAX_STORED_PROBLEMS of them; problems_total counts them all.
    problems = models.JSONField(default=list, blank=True)
    problems_total = models.PositiveIntegerField(default=0)
    # The first rows as read, for the preview page.
    sample = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="rosters_job_creator_recent")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_busy(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def progress_percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)

    @property
    def problems_truncated(self) -> bool:
        return self.problems_total > len(self.problems)
