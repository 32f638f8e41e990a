"""Reads of people for pages, exports and the API, always within the user's scope."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from itertools import islice

from django.db.models import Case, CharField, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Concat, Substr
from django.db.models.query import ValuesIterable
from django.utils.translation import get_language

from accounts import access
from accounts.access import Perm
from hocvuso.db import ViCollate, subtree_q
from hocvuso.lib.phone import PhoneError, format_phone_vn, normalise_phone
from hocvuso.lib.text import fold, nfc
from org.models import Unit
from people.models import Membership, Person, PersonGroup

# The columns of a person row, in display order (plus "groups", added per batch).
ROW_FIELDS = ("id", "full_name", "gender", "birth_date", "cccd_display", "phone", "unit_id", "unit_name")

# Forms offer units in a <select> up to this many; beyond it they ask for a code.
UNIT_CHOICES_LIMIT = 500

_PHONE_LIKE = re.compile(r"\+?[0-9]+")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]+")


def phone_display(phone: str | None) -> str:
    """``"+84912345678"`` -> ``"0912 345 678"``, the way people in Vietnam write and read numbers.

    Stored numbers are E.164; a value that is not a valid number (from before
    validation, say) is shown as it is rather than hidden.
    """
    if not phone:
        return ""
    try:
        return format_phone_vn(phone)
    except PhoneError:
        return phone


def mask_cccd(cccd: str | None) -> str:
    """``"001185012345"`` -> ``"0011******45"``: enough to tell people apart, not to impersonate them."""
    if not cccd:
        return ""
    return cccd[:4] + "*" * (len(cccd) - 6) + cccd[-2:]


def person_rows(
    user,
    *,
    q: str = "",
    unit: Unit | None = None,
    group: PersonGroup | None = None,
    include_subunits: bool = True,
) -> QuerySet[dict]:
    """People in ``user``'s VIEW scope as dicts, in Vietnamese name order.

    Each row has ``ROW_FIELDS`` plus ``groups`` (names of the groups of the
    person's current memberships, in the active language): ``cccd_display``
    is the full CCCD where the user may manage the person, masked
    (``mask_cccd``) where they may only view, ``None`` without a CCCD; ``unit_id``/``unit_name`` are the
    primary current membership's unit.

    ``q`` matches names without regard to case or accents (``fold``), or an
    exact CCCD or phone number. ``unit`` (already fetched within scope by the
    caller) keeps people with a current membership in it, or in its subtree
    with ``include_subunits``; ``group`` keeps people with a current
    membership in that group (in that unit when both are given). Filters are
    ``EXISTS`` subqueries, so a person with several memberships appears once.

    Group names cost one query per 1,000 rows fetched (one per page), never
    one per row; the row count (``.count()``) costs none of it.
    """
    people = access.people(user, Perm.VIEW)
    current = Membership.objects.filter(person=OuterRef("pk"), ended_on__isnull=True)
    if unit is not None:
        in_unit = current.filter(subtree_q(unit.path, "unit__path") if include_subunits else Q(unit=unit))
        if group is not None:
            in_unit = in_unit.filter(group=group)
        people = people.filter(Exists(in_unit))
    elif group is not None:
        people = people.filter(Exists(current.filter(group=group)))
    search = search_q(q)
    if search is not None:
        people = people.filter(search)

    primary = current.order_by("-is_primary", "id")
    qs = (
        people.annotate(
            cccd_display=_cccd_display(user, current),
            unit_id=Subquery(primary.values("unit_id")[:1]),
            unit_name=Subquery(primary.values("unit__name")[:1]),
        )
        .order_by(ViCollate("sort_name"), "birth_date", "id")
        .values(*ROW_FIELDS)
    )
    qs._iterable_class = _RowsWithGroups
    return qs


def search_q(q: str) -> Q | None:
    """The people-search condition for ``q``: folded name fragment, or exact CCCD or phone."""
    q = nfc(q)
    if not q:
        return None
    condition = Q(search_name__contains=fold(q))
    compact = _PHONE_SEPARATORS.sub("", q)
    if _PHONE_LIKE.fullmatch(compact):
        if len(compact) == 12 and compact.isdigit():
            condition |= Q(cccd=compact)
        try:
            condition |= Q(phone=normalise_phone(q))
        except PhoneError:
            pass
    return condition


def _cccd_display(user, current):
    manage = access.scope(user, Perm.MANAGE_PEOPLE)
    view = access.scope(user, Perm.VIEW)
    if manage.everything or (view.paths and all(manage.covers_path(p) for p in view.paths)):
        # Whoever may manage everyone they can see needs no per-row test. By
        # path only on purpose: a VIEW root inside a MANAGE root puts all it
        # reaches (heirs too) inside; a root reached only through its heir
        # path (a grant left on a unit since made former) would need its row
        # read, so it takes the per-row test below, which is heir-aware.
        return F("cccd")
    masked = Case(
        When(cccd__isnull=False, then=Concat(Substr("cccd", 1, 4), Value("******"), Substr("cccd", 11, 2))),
        default=None,
        output_field=CharField(),
    )
    if manage.empty:
        return masked
    # The same test as access.people(user, MANAGE_PEOPLE), per row.
    manageable = Exists(current.filter(manage.unit_q("unit__path")))
    return Case(When(manageable, then=F("cccd")), default=masked)


class _RowsWithGroups(ValuesIterable):
    """Yields ``values()`` rows with a ``groups`` list, fetched for a batch of rows at once."""

    batch_size = 1000

    def __iter__(self):
        rows = super().__iter__()
        while batch := list(islice(rows, self.batch_size)):
            attach_group_names(batch)
            yield from batch


def group_label(name: str, name_en: str = "") -> str:
    """A group's name in the active language: groups are data with a Vietnamese and an English name."""
    if name_en and (get_language() or "").startswith("en"):
        return name_en
    return name


def attach_group_names(rows: list[dict]) -> None:
    """Add ``groups`` (list of names) to each row dict with an ``id``, in one query."""
    if not rows:
        return
    names: dict[int, list[str]] = defaultdict(list)
    pairs = (
        Membership.objects.filter(person_id__in=[row["id"] for row in rows], ended_on__isnull=True, group__isnull=False)
        .order_by("group__sort_order", "group__name", "group_id")
        .values_list("person_id", "group__name", "group__name_en")
    )
    for person_id, name, name_en in pairs:
        label = group_label(name, name_en)
        if label not in names[person_id]:
            names[person_id].append(label)
    for row in rows:
        row["groups"] = names.get(row["id"], [])


# --- one person ----------------------------------------------------------------


@dataclass(frozen=True)
class PersonDetail:
    person: Person
    # Full for those who may manage the person, masked for those who may only view.
    cccd_display: str
    can_manage: bool
    # Current memberships first (primary first), then history, newest first.
    memberships: list[dict]

    @property
    def current_memberships(self) -> list[dict]:
        return [m for m in self.memberships if m["is_current"]]

    @property
    def past_memberships(self) -> list[dict]:
        return [m for m in self.memberships if not m["is_current"]]


def person_detail(user, pk) -> PersonDetail:
    """One person in ``user``'s VIEW scope with every membership, in three queries; 404 outside scope.

    Each membership dict has ``id``, ``unit_id``, ``unit_name``, ``unit_code``,
    ``unit_label`` (the unit then its ancestors up to the province),
    ``unit_is_active``, ``group_slug``, ``group_name``, ``position``,
    ``is_primary``, ``started_on``, ``ended_on``, ``is_current`` and
    ``can_manage`` (the user may end it or move the person out of it).
    """
    person = access.get_person(user, pk, Perm.VIEW)
    rows = list(
        Membership.objects.filter(person=person)
        .order_by(F("ended_on").desc(nulls_first=True), "-is_primary", F("started_on").desc(nulls_last=True), "-id")
        .values(
            "id",
            "unit_id",
            "position",
            "is_primary",
            "started_on",
            "ended_on",
            unit_name=F("unit__name"),
            unit_code=F("unit__code"),
            unit_path=F("unit__path"),
            unit_heir_path=F("unit__heir_path"),
            unit_is_active=F("unit__is_active"),
            group_slug=F("group__slug"),
            group_name=F("group__name"),
            group_name_en=F("group__name_en"),
        )
    )
    ancestor_ids = {i for row in rows for i in _path_ids(row["unit_path"])[:-1]}
    ancestors = dict(Unit.objects.filter(pk__in=ancestor_ids).values_list("id", "name")) if ancestor_ids else {}
    manage = access.scope(user, Perm.MANAGE_PEOPLE)
    for row in rows:
        chain = [ancestors[i] for i in reversed(_path_ids(row["unit_path"])[:-1]) if i in ancestors]
        row["unit_label"] = ", ".join([row["unit_name"], *chain])
        row["is_current"] = row["ended_on"] is None
        row["can_manage"] = row["is_current"] and manage.covers_unit(
            {"path": row["unit_path"], "heir_path": row["unit_heir_path"]}
        )
        if row["group_name"]:
            row["group_name"] = group_label(row["group_name"], row["group_name_en"])
    # Same rule as access.people(user, MANAGE_PEOPLE): a current membership within the scope.
    can_manage = manage.everything or any(row["can_manage"] for row in rows)
    return PersonDetail(
        person=person,
        cccd_display=(person.cccd or "") if can_manage else mask_cccd(person.cccd),
        can_manage=can_manage,
        memberships=rows,
    )


def _path_ids(path: str) -> list[int]:
    return [int(segment) for segment in path.strip("/").split("/") if segment]


# --- choices for forms -----------------------------------------------------------


def unit_choices(user, perm: Perm = Perm.VIEW, *, limit: int = UNIT_CHOICES_LIMIT) -> list[tuple[int, str]] | None:
    """``(id, label)`` of the active units in scope in tree order, labels indented by depth.

    Returns ``None`` when there are more than ``limit`` units: a select that
    long helps nobody, and forms then ask for a unit code instead.
    """
    units = list(
        access.units(user, perm).filter(is_active=True).order_by("path").values_list("id", "name", "depth")[: limit + 1]
    )
    if len(units) > limit:
        return None
    top = min((depth for _, _, depth in units), default=0)
    return [(pk, "\u2014 " * (depth - top) + name) for pk, name, depth in units]


def person_groups() -> QuerySet[dict]:
    return PersonGroup.objects.order_by("sort_order", "name").values("id", "slug", "name", "name_en")
