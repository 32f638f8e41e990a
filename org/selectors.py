"""Reads of the unit tree for pages and the API: values() rows, a bounded number of queries.

Counts of a subtree come from grouping rows by the prefix of their path
(``Substr(path, 1, len(parent_path) + segment width)``), which is the path of
the child they sit under; that works on SQLite and PostgreSQL alike and
costs one query per list, however many children there are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from accounts.access import Scope
from hocvuso.db import ViCollate, subtree_q, subtrees_q
from hocvuso.lib.text import fold
from org.models import PATH_SEGMENT_WIDTH, Unit, UnitKind, UnitMove, UnitSuccession
from org.naming import label

SEGMENT = PATH_SEGMENT_WIDTH + 1  # digits and the slash
UNIT_FIELDS = (
    "id",
    "code",
    "name",
    "path",
    "heir_path",
    "depth",
    "is_active",
    "ended_on",
    "parent_id",
    "official_code",
)
KIND_FIELDS = ("kind__slug", "kind__name", "kind__name_en", "kind__category")


def unit_rows(qs: QuerySet[Unit]) -> QuerySet:
    return qs.values(*UNIT_FIELDS, *KIND_FIELDS)


def _ordered(qs: QuerySet[Unit]) -> QuerySet[Unit]:
    return qs.order_by("-is_active", ViCollate("name"), "id")


def _count_by_prefix(rows: list[dict], paths: list[str], length: int, within: Q, member_within: Q) -> None:
    """Add ``sub_units`` and ``people`` to rows whose paths all have ``length`` characters."""
    units = (
        Unit.objects.filter(within, is_active=True)
        .exclude(path__in=paths)
        .annotate(prefix=Substr("path", 1, length))
        .values("prefix")
        .annotate(n=Count("id"))
        .order_by()
    )
    from people.models import Membership  # people depends on org, not the other way round

    people = (
        Membership.objects.filter(member_within, ended_on__isnull=True)
        .annotate(prefix=Substr("unit__path", 1, length))
        .values("prefix")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
    )
    unit_counts = {r["prefix"]: r["n"] for r in units}
    people_counts = {r["prefix"]: r["n"] for r in people}
    for row in rows:
        row["sub_units"] = unit_counts.get(row["path"], 0)
        row["people"] = people_counts.get(row["path"], 0)


def children(parent: Unit, *, include_inactive: bool = False) -> list[dict]:
    """The parent's children with their ``sub_units`` (current units below) and ``people`` counts.

    Three queries whatever the number of children.
    """
    qs = Unit.objects.filter(parent=parent)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    rows = list(unit_rows(_ordered(qs)))
    if rows:
        below = subtree_q(parent.path) & Q(depth__gt=parent.depth + 1)
        members_below = subtree_q(parent.path, "unit__path") & Q(unit__depth__gt=parent.depth)
        _count_by_prefix(rows, [], len(parent.path) + SEGMENT, below, members_below)
    return rows


def scope_roots(scope: Scope, *, include_inactive: bool = False) -> list[dict]:
    """The top units of a scope (all roots of the tree for a system administrator), with counts.

    One query for the units, then two per distinct depth among them.
    """
    qs = Unit.objects.filter(parent=None) if scope.everything else Unit.objects.filter(path__in=scope.paths)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    rows = list(unit_rows(_ordered(qs)))
    by_length: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_length[len(row["path"])].append(row)
    for length, group in by_length.items():
        paths = [r["path"] for r in group]
        if scope.everything and all(r["depth"] == 0 for r in group):
            within, members_within = Q(), Q()
        else:
            within, members_within = subtrees_q(paths), subtrees_q(paths, "unit__path")
        _count_by_prefix(group, paths, length, within, members_within)
    return rows


def ancestors(unit: Unit) -> list[dict]:
    """The unit's ancestors from the root down (breadcrumbs), in one query."""
    ids = unit.ancestor_ids()[:-1]
    if not ids:
        return []
    return list(Unit.objects.filter(pk__in=ids).order_by("depth").values("id", "code", "name", "path", "is_active"))


def add_labels(rows: list[dict]) -> list[dict]:
    """Give each row (with ``path`` and ``name``) a ``label``: "Xã Liên Minh, Thành phố Hà Nội".

    The label names the administrative units above (commune, district,
    province), nearest first; organisations in between are left out. One query.
    """
    ids = {int(s) for row in rows for s in row["path"].strip("/").split("/")[:-1]}
    names = dict(
        Unit.objects.filter(pk__in=ids).exclude(kind__category=UnitKind.Category.ORGANISATION).values_list("id", "name")
    )
    for row in rows:
        above = [int(s) for s in reversed(row["path"].strip("/").split("/")[:-1])]
        row["label"] = label(row["name"], [names[i] for i in above if i in names])
    return rows


def search(scope: Scope, q: str, *, include_inactive: bool = False, limit: int = 50) -> list[dict]:
    """Units in scope whose name contains ``q`` (accents and case ignored) or whose code is ``q``, with labels."""
    folded = fold(q)
    if not folded or scope.empty:
        return []
    qs = Unit.objects.filter(scope.unit_q()).filter(Q(search_name__contains=folded) | Q(code__iexact=q.strip()))
    if not include_inactive:
        qs = qs.filter(is_active=True)
    rows = list(unit_rows(qs.order_by("-is_active", "depth", ViCollate("name"), "id")[:limit]))
    return add_labels(rows)


def labelled(units: Iterable[Unit]) -> list[dict]:
    """Rows with labels for a few units already in hand."""
    rows = [{"id": u.pk, "code": u.code, "name": u.name, "path": u.path, "is_active": u.is_active} for u in units]
    return add_labels(rows)


def succession(unit: Unit) -> dict[str, list[dict]]:
    """The units this one came from and went into, with labels and ``partial`` (at most three queries)."""

    def side(links: QuerySet[UnitSuccession], other: str) -> list[dict]:
        fields = ("id", "code", "name", "path", "is_active")
        rows = links.order_by(ViCollate(f"{other}__name")).values(
            *(f"{other}__{f}" for f in fields), "is_partial", "effective_on"
        )
        return [
            {**{f: r[f"{other}__{f}"] for f in fields}, "partial": r["is_partial"], "effective_on": r["effective_on"]}
            for r in rows
        ]

    before = side(UnitSuccession.objects.filter(successor=unit), "predecessor")
    after = side(UnitSuccession.objects.filter(predecessor=unit), "successor")
    if before or after:
        add_labels(before + after)
    return {"predecessors": before, "successors": after}


def moves(unit: Unit, limit: int = 20) -> list[dict]:
    """The unit's last moves, newest first."""
    return list(
        UnitMove.objects.filter(unit=unit).values(
            "moved_at", "from_parent__name", "to_parent__name", "moved_by__username"
        )[:limit]
    )


def kinds(category: str | None = None) -> QuerySet[UnitKind]:
    qs = UnitKind.objects.all()
    return qs.filter(category=category) if category else qs
