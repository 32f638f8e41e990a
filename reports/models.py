"""Daily snapshots of campaign figures, and report files made on a schedule."""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from org.models import Unit


class DailySnapshot(models.Model):
    """A unit's figures for a campaign at the end of a day (target population only).

    One row per unit with members in its subtree, and one with ``unit`` null
    for the whole campaign; trend lines read a unit's rows in day order.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="snapshots")
    day = models.DateField()
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    members = models.IntegerField(default=0)
    enrolled = models.IntegerField(default=0)
    started = models.IntegerField(default=0)
    completed = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit", "day"], condition=Q(unit__isnull=False), name="reports_snapshot_unit_day"
            ),
            models.UniqueConstraint(
                fields=["campaign", "day"], condition=Q(unit__isnull=True), name="reports_snapshot_campaign_day"
            ),
        ]
        indexes = [models.Index(fields=["campaign", "unit", "day"], name="reports_snapshot_lookup")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.day} {self.unit_id}"


class Format(models.TextChoices):
    XLSX = "xlsx", _("Excel (.xlsx)")
    PDF = "pdf", _("PDF")


class ScheduledReport(models.Model):
    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="scheduled_reports")
    # Null: the whole campaign.
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    frequency = models.CharField(_("how often"), max_length=10, choices=Frequency.choices)
    next_run_on = models.DateField(_("next report on"))
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["next_run_on", "id"]
        indexes = [models.Index(fields=["is_active", "next_run_on"], name="reports_schedule_due")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.frequency} {self.format}"


def _upload_to(instance: StoredReport, filename: str) -> str:
    # Random names: files under MEDIA_ROOT must not be guessable.
    extension = os.path.splitext(filename)[1].lower()[:8]
    return f"reports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class StoredReport(models.Model):
    """A report file kept for later download (made on a schedule or on request)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="stored_reports")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    format = models.CharField(max_length=4, choices=Format.choices)
    file = models.FileField(upload_to=_upload_to, max_length=255)
    filename = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)
    as_of = models.DateTimeField()
    schedule = models.ForeignKey(
        ScheduledReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-as_of", "-id"]

    def __str__(self) -> str:
        return self.filename
