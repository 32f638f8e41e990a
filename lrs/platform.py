"""The platform's own learning events, recorded without an HTTP round trip.

Other apps call ``lrs.record(...)`` (re-exported from the package) inside their
own transaction: the statement is validated like any other, stored with the
platform as authority, the learner's progress summary is updated in the same
transaction, and ``lrs.signals.statement_recorded`` is sent once it commits.

Activity identifiers are stable IRIs under ``IRI_BASE`` built by
:func:`activity_iri` (``https://hocvuso.vn/activities/course/42``), so records
keep their meaning whatever happens to the rows they came from.
"""

from __future__ import annotations

import datetime as dt
import uuid

from lrs import statements as S
from lrs import validation as v
from lrs.auth import IRI_BASE, person_agent, platform_principal
from lrs.http import XapiError

ADL = "http://adlnet.gov/expapi/verbs/"
VERBS = {
    "registered": ADL + "registered",
    "attended": ADL + "attended",
    "launched": ADL + "launched",
    "experienced": ADL + "experienced",
    "answered": ADL + "answered",
    "passed": ADL + "passed",
    "failed": ADL + "failed",
    "completed": ADL + "completed",
}
VERB_DISPLAY = {
    "registered": {"en-US": "registered", "vi": "đã đăng ký"},
    "attended": {"en-US": "attended", "vi": "đã tham dự"},
    "launched": {"en-US": "launched", "vi": "đã mở"},
    "experienced": {"en-US": "experienced", "vi": "đã xem"},
    "answered": {"en-US": "answered", "vi": "đã trả lời"},
    "passed": {"en-US": "passed", "vi": "đã đạt"},
    "failed": {"en-US": "failed", "vi": "chưa đạt"},
    "completed": {"en-US": "completed", "vi": "đã hoàn thành"},
}
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "module": "http://adlnet.gov/expapi/activities/module",
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "assessment": "http://adlnet.gov/expapi/activities/assessment",
    "question": "http://adlnet.gov/expapi/activities/cmi.interaction",
    "meeting": "http://adlnet.gov/expapi/activities/meeting",
    "campaign": "http://id.tincanapi.com/activitytype/school-course",
}


class RecordError(ValueError):
    """The event could not be recorded (invalid, or conflicting with a stored statement)."""


def activity_iri(kind: str, key) -> str:
    """The stable identifier of one of the platform's activities, e.g. ``activity_iri("course", 42)``."""
    return f"{IRI_BASE}activities/{kind}/{key}"


def record(
    *,
    verb: str,
    person,
    activity: str,
    activity_name: dict | str | None = None,
    activity_type: str | None = None,
    unit=None,
    registration: uuid.UUID | str | None = None,
    parent: list[str] | None = None,
    grouping: list[str] | None = None,
    result: dict | None = None,
    timestamp: dt.datetime | None = None,
    statement_id: uuid.UUID | str | None = None,
    extensions: dict | None = None,
) -> str:
    """Record that ``person`` did ``verb`` ("completed", "passed"...) on ``activity``; returns the statement id.

    ``activity`` is an IRI (see :func:`activity_iri`); ``unit`` is the unit the
    record belongs to for scoping (the class's unit), defaulting to national.
    ``result`` is an xAPI result object (``{"score": {"scaled": 0.8}, "success": True}``).
    Passing ``statement_id`` makes the call idempotent: recording the same
    event twice stores it once.
    """
    if verb not in VERBS:
        raise RecordError(f"unknown platform verb {verb!r} (use one of {', '.join(VERBS)})")
    st: dict = {
        "actor": person_agent(person),
        "verb": {"id": VERBS[verb], "display": VERB_DISPLAY[verb]},
        "object": {"objectType": "Activity", "id": activity},
    }
    definition = {}
    if activity_name:
        definition["name"] = activity_name if isinstance(activity_name, dict) else {"vi": str(activity_name)}
    if activity_type:
        definition["type"] = ACTIVITY_TYPES.get(activity_type, activity_type)
    if definition:
        st["object"]["definition"] = definition
    context: dict = {"platform": "hocvuso", "language": "vi"}
    if registration is not None:
        context["registration"] = str(registration)
    ca = {}
    if parent:
        ca["parent"] = [{"objectType": "Activity", "id": iri} for iri in parent]
    if grouping:
        ca["grouping"] = [{"objectType": "Activity", "id": iri} for iri in grouping]
    if ca:
        context["contextActivities"] = ca
    if extensions:
        context["extensions"] = extensions
    st["context"] = context
    if result:
        st["result"] = result
    if timestamp is not None:
        st["timestamp"] = S.format_time(timestamp)
    if statement_id is not None:
        st["id"] = str(statement_id)
    return record_statement(st, unit=unit)


def record_statement(statement: dict, *, unit=None) -> str:
    """Store one complete statement as the platform (for events :func:`record` does not cover)."""
    from lrs.statement_api import record_statements

    try:
        v.statement(statement, version=v.V1)
        return record_statements([statement], principal=platform_principal(unit), version=v.V1)[0]
    except v.XapiValidationError as exc:
        raise RecordError(str(exc)) from exc
    except XapiError as exc:
        raise RecordError(exc.message) from exc
