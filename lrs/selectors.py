"""Reads for the LRS administration pages. Scope comes from accounts.access only."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from accounts import access
from hocvuso.db import subtrees_q
from lrs import validation as v
from lrs.auth import person_agent
from lrs.models import LrsClient, Progress
from lrs.storage import ReadScope, StatementQuery, store

PAGE_SIZE = 50
EXPORT_CHUNK = 500


def read_scope(viewer, perm: access.Perm = access.Perm.VIEW) -> ReadScope | None:
    """The statements a signed-in user may see: those of units in their scope (None: nothing)."""
    scope = access.scope(viewer, perm)
    if scope.everything:
        return ReadScope(everything=True)
    if scope.empty:
        return None
    return ReadScope(unit_paths=scope.paths)


def _first(langmap: dict | None) -> str:
    if not langmap:
        return ""
    for tag in ("vi", "vi-VN", "en-US", "en", "en-GB"):
        if tag in langmap:
            return langmap[tag]
    return next(iter(langmap.values()))


def _agent_label(agent: dict) -> str:
    if agent.get("name"):
        return agent["name"]
    if "mbox" in agent:
        return agent["mbox"].removeprefix("mailto:")
    if "account" in agent:
        return agent["account"]["name"]
    if "openid" in agent:
        return agent["openid"]
    if "mbox_sha1sum" in agent:
        return agent["mbox_sha1sum"][:12] + "…"
    return ", ".join(_agent_label(m) for m in agent.get("member", ()))


def _object_label(obj: dict) -> str:
    ot = obj.get("objectType", "Activity")
    if ot == "Activity":
        return _first(obj.get("definition", {}).get("name")) or obj["id"]
    if ot in ("Agent", "Group"):
        return _agent_label(obj)
    if ot == "StatementRef":
        return obj["id"]
    return _first(obj["verb"].get("display")) or obj["verb"]["id"]


def describe(row_id: int, text: str) -> dict:
    """What a statement row shows: who, did what, to what, with which result, when, by which credential."""
    st = json.loads(text)
    result = st.get("result", {})
    score = result.get("score", {})
    return {
        "row": row_id,
        "id": st["id"],
        "actor": _agent_label(st["actor"]),
        "verb": _first(st["verb"].get("display")) or st["verb"]["id"].rstrip("/").rsplit("/", 1)[-1],
        "verb_id": st["verb"]["id"],
        "object": _object_label(st["object"]),
        "object_id": st["object"].get("id", ""),
        "scaled": score.get("scaled"),
        "success": result.get("success"),
        "completion": result.get("completion"),
        "timestamp": v.parse_timestamp(st["timestamp"]),
        "stored": v.parse_timestamp(st["stored"]),
        "authority": _agent_label(st.get("authority", {})),
        "json": json.dumps(st, ensure_ascii=False, indent=2),
    }


def statement_query(filters: dict) -> StatementQuery:
    q = StatementQuery()
    agent = filters.get("agent")
    if agent:
        q.agent = v.ifi_key({"mbox": f"mailto:{agent}"} if "@" in agent else json.loads(agent))
    q.verb = filters.get("verb") or None
    q.activity = filters.get("activity") or None
    q.related_activities = bool(q.activity)
    q.related_agents = bool(q.agent)
    if filters.get("registration"):
        q.registration = filters["registration"]
    if filters.get("since"):
        q.since = filters["since"]
    if filters.get("until"):
        q.until = filters["until"]
    return q


def statement_page(viewer, filters: dict, *, after: int | None = None, person_id: int | None = None) -> dict:
    """One page of statements (newest first) in the viewer's scope, and the cursor of the next."""
    scope = read_scope(viewer)
    if scope is None:
        return {"rows": [], "next": None}
    q = statement_query(filters)
    q.limit = PAGE_SIZE
    q.after = after
    q.person_id = person_id
    page = store.find(q, scope)
    return {
        "rows": [describe(i, t) for i, t in page.rows],
        "next": page.rows[-1][0] if page.more and page.rows else None,
    }


def export_lines(viewer, filters: dict) -> Iterator[str]:
    """Every statement in scope matching the filters, oldest first, one JSON document per line."""
    scope = read_scope(viewer, access.Perm.MANAGE_PEOPLE)
    if scope is None:
        return
    q = statement_query(filters)
    q.ascending = True
    q.limit = EXPORT_CHUNK
    while True:
        page = store.find(q, scope)
        for _, text in page.rows:
            yield text + "\n"
        if not page.more:
            return
        q.after, q.bound = page.rows[-1][0], page.bound


def timeline_person(viewer, person_id: int):
    return access.get_person(viewer, person_id, access.Perm.VIEW)


def progress_rows(person) -> QuerySet:
    return (
        Progress.objects.filter(person=person)
        .order_by("-last_at")
        .values(
            "activity__iri",
            "activity__definition",
            "registered_at",
            "first_at",
            "last_at",
            "attempts",
            "completed_at",
            "passed_at",
            "failed_at",
            "best_scaled",
            "statements",
        )
    )


def person_agent_json(person) -> str:
    return json.dumps(person_agent(person), ensure_ascii=False)


# --- credentials --------------------------------------------------------------------------


def clients(viewer) -> QuerySet[LrsClient]:
    """Credentials the viewer manages: bound to units in their MANAGE_ROLES scope (national ones: system admins)."""
    scope = access.scope(viewer, access.Perm.MANAGE_ROLES)
    if scope.everything:
        return LrsClient.objects.all()
    if scope.empty:
        return LrsClient.objects.none()
    return LrsClient.objects.filter(subtrees_q(scope.paths, "unit__path"))


def client_list(viewer) -> QuerySet:
    return (
        clients(viewer)
        .select_related("unit", "created_by")
        .order_by("name", "id")
        .values(
            "id",
            "name",
            "key",
            "scopes",
            "is_active",
            "unit__name",
            "unit__code",
            "created_at",
            "last_used_at",
            "created_by__username",
        )
    )


def get_client(viewer, pk) -> LrsClient:
    try:
        return clients(viewer).select_related("unit").get(pk=pk)
    except (LrsClient.DoesNotExist, ValueError):
        raise Http404 from None


def client_statement_count(client: LrsClient, since: dt.datetime | None = None) -> int:
    from lrs.models import Statement

    qs = Statement.objects.filter(client=client)
    if since:
        qs = qs.filter(stored__gte=since)
    return qs.aggregate(n=Count("id"))["n"]


def unit_choices_q(viewer) -> Q:
    return access.scope(viewer, access.Perm.MANAGE_ROLES).unit_q("path")
