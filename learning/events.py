"""The one door through which the learning app records what learners do.

Every learner event (registered, launched, experienced, answered, passed,
failed, completed, attended) goes through ``record_event``. It hands the event
to the Learning Record Store (``lrs.record``: a write-once xAPI statement,
validated and stored with the platform as authority, scoped to the learner's
unit) and then brings this app's progress summaries up to date
(``learning.progress.apply_event``), all in the caller's transaction.

``history`` reads a learner's events back (tests, support).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from django.utils import timezone

import lrs
from learning import progress
from people.models import Membership

ADL = "http://adlnet.gov/expapi/verbs/"
VERBS = {
    name: ADL + name
    for name in ("registered", "launched", "experienced", "answered", "passed", "failed", "completed", "attended")
}
_NAMES = {iri: name for name, iri in VERBS.items()}


def learner_unit(person):
    """The unit the learner's records belong to (for the LRS's scoping): their main membership."""
    membership = (
        Membership.objects.filter(person=person, ended_on__isnull=True)
        .select_related("unit")
        .order_by("-is_primary", "id")
        .first()
    )
    return membership.unit if membership else None


def record_event(
    *,
    person,
    verb: str,
    activity_iri: str,
    activity_type: str = "",
    activity_name: str = "",
    result: dict | None = None,
    context: dict | None = None,
    timestamp: dt.datetime | None = None,
    unit=None,
) -> str:
    """Record one learner event and update the summaries; returns the statement id.

    ``result`` is xAPI-shaped (``{"score": {"scaled": .8, "raw": 8, "min": 0, "max": 10}, "success": true,
    "completion": true, "response": "…"}``); ``context`` carries the parent activities
    (``{"contextActivities": {"parent": [{"id": course_iri}]}}``, see ``parent_context``).
    """
    if verb not in VERBS:
        raise ValueError(f"Unknown verb {verb!r}")
    timestamp = timestamp or timezone.now()
    activities = (context or {}).get("contextActivities") or {}
    statement_id = lrs.record(
        verb=verb,
        person=person,
        activity=activity_iri,
        activity_name=activity_name[:255] or None,
        activity_type=activity_type or None,
        unit=unit if unit is not None else learner_unit(person),
        parent=[a["id"] for a in activities.get("parent") or []] or None,
        grouping=[a["id"] for a in activities.get("grouping") or []] or None,
        result=result,
        timestamp=timestamp,
        statement_id=uuid.uuid4(),
    )
    progress.apply_event(
        person=person,
        verb=verb,
        activity_iri=activity_iri,
        result=result,
        context=context,
        timestamp=timestamp,
    )
    return statement_id


def history(person, *, verb: str | None = None, activity_iri: str | None = None) -> list[dict]:
    """A learner's recorded events, oldest first: ``{"verb", "activity_iri", "result", "timestamp"}``."""
    from lrs.models import Statement

    rows = Statement.objects.filter(actor__person=person, is_voiding=False)
    if verb:
        rows = rows.filter(verb__iri=VERBS[verb])
    if activity_iri:
        rows = rows.filter(object_activity__iri=activity_iri)
    out = []
    for data, verb_iri, iri, when in rows.order_by("timestamp", "id").values_list(
        "data", "verb__iri", "object_activity__iri", "timestamp"
    ):
        stmt = json.loads(data)
        out.append(
            {
                "verb": _NAMES.get(verb_iri, verb_iri),
                "activity_iri": iri,
                "result": stmt.get("result"),
                "context": stmt.get("context"),
                "timestamp": when,
            }
        )
    return out


def parent_context(*iris: str) -> dict:
    return {"contextActivities": {"parent": [{"id": iri} for iri in iris if iri]}}


def score_result(
    *,
    raw: float,
    maximum: float,
    success: bool | None = None,
    completion: bool | None = None,
    response: str | None = None,
) -> dict:
    result: dict[str, Any] = {
        "score": {
            "raw": round(raw, 4),
            "min": 0,
            "max": round(maximum, 4),
            "scaled": round(raw / maximum, 4) if maximum else 0,
        },
    }
    if success is not None:
        result["success"] = success
    if completion is not None:
        result["completion"] = completion
    if response is not None:
        result["response"] = response
    return result
