"""Reads of import jobs for pages and the API, always within the user's scope.

A job belongs to its organisation: whoever may manage people there (the
MANAGE_PEOPLE scope covers the job's unit) sees it; anyone else gets 404.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts import access
from accounts.access import Perm
from hocvuso.lib.text import fold
from org.models import Unit
from rosters.models import ImportJob
from rosters.problems import reason_text

# Units offered in the upload form's <select>; beyond this the user searches.
UNIT_OPTIONS_LIMIT = 300


def jobs(user) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(access.scope(user, Perm.MANAGE_PEOPLE).unit_q("org__path"))


def get_job(user, pk) -> ImportJob:
    try:
        return jobs(user).select_related("org", "created_by").get(pk=pk)
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def job_rows(user) -> QuerySet[dict]:
    """The list page's rows: newest first, one query, no model instances."""
    return jobs(user).values(
        "id",
        "original_name",
        "status",
        "task",
        "created_at",
        "finished_at",
        "rows_total",
        "created_count",
        "updated_count",
        "unchanged_count",
        "rejected_count",
        "org__name",
        "org__code",
        "created_by__username",
    )


def unit_options(user, q: str = "") -> tuple[list[dict], bool]:
    """Active units the user may import into, in tree order; (options, more exist than shown)."""
    units = access.units(user, Perm.MANAGE_PEOPLE).filter(is_active=True)
    q = fold(q)
    if q:
        units = units.filter(search_name__contains=q) | units.filter(code__iexact=q)
    rows = list(units.order_by("path").values("id", "code", "name", "depth")[: UNIT_OPTIONS_LIMIT + 1])
    top = min((row["depth"] for row in rows), default=0)
    for row in rows:
        # Indented under their parents, as in the unit tree.
        row["label"] = "\u00a0\u00a0" * (row["depth"] - top) + f"{row['name']} ({row['code']})"
    return rows[:UNIT_OPTIONS_LIMIT], len(rows) > UNIT_OPTIONS_LIMIT


def importable_units(user) -> QuerySet[Unit]:
    """Units a roster may be imported into: active, in the user's MANAGE_PEOPLE scope."""
    return access.units(user, Perm.MANAGE_PEOPLE).filter(is_active=True)


def problem_rows(problems: list[dict]) -> list[dict]:
    """Stored problems with their reason in the active language."""
    return [{**p, "reason": reason_text(p["code"], p.get("params"))} for p in problems]
