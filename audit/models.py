from __future__ import annotations

from django.conf import settings
from django.db import models

from hocvuso.db import PathField


class AuditEvent(models.Model):
    """Who changed what, when. Written by audit.actions.record_event only."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=60)
    target_type = models.CharField(max_length=40)
    target_id = models.CharField(max_length=40)
    target_label = models.CharField(max_length=255, blank=True)
    # The unit the change belongs to, copied as a path so that scope checks
    # keep working after the unit moves or is deleted.
    unit_path = PathField(max_length=255, blank=True, db_index=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_event_target")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_type}#{self.target_id}"
