"""Reads for the audit log browser. Scope comes from accounts.access only."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts import access
from audit.models import AuditEvent
from hocvuso.db import subtree_q
from hocvuso.lib.text import nfc

LIST_FIELDS = ("id", "at", "actor_name", "action", "target_type", "target_id", "target_label", "unit_path")


def events(viewer) -> QuerySet[AuditEvent]:
    """Events the viewer may read: those whose unit lies in their AUDIT scope.

    System administrators read everything, including events without a unit
    (about system administrators and the system itself).
    """
    scope = access.scope(viewer, access.Perm.AUDIT)
    if scope.everything:
        return AuditEvent.objects.all()
    if scope.empty:
        return AuditEvent.objects.none()
    q = Q(pk__in=[])
    for path in scope.paths:
        q |= subtree_q(path, "unit_path")
    return AuditEvent.objects.filter(q)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def event_list(
    viewer,
    *,
    action: str = "",
    target_type: str = "",
    actor: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    q: str = "",
) -> QuerySet:
    """Filtered events, newest first, as dicts (no joins: the actor's name is copied on each event).

    ``action`` ending with "." matches a family ("person." is every person.* action).
    Dates are whole local days, both ends included.
    """
    rows = events(viewer)
    if action:
        rows = rows.filter(action__startswith=action) if action.endswith(".") else rows.filter(action=action)
    if target_type:
        rows = rows.filter(target_type=target_type)
    if actor:
        rows = rows.filter(actor_name__iexact=actor)
    if date_from:
        rows = rows.filter(at__gte=_day_start(date_from))
    if date_to:
        rows = rows.filter(at__lt=_day_start(date_to + dt.timedelta(days=1)))
    q = nfc(q)
    if q:
        rows = rows.filter(target_label__icontains=q)
    return rows.order_by("-at", "-id").values(*LIST_FIELDS)


def get_event(viewer, pk) -> AuditEvent:
    try:
        return events(viewer).get(pk=pk)
    except (AuditEvent.DoesNotExist, ValueError):
        raise Http404 from None
