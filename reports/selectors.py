"""Campaign figures for dashboards and reports: counts, rates, rollups, targets, trends.

Everything is computed from ``MemberTally`` (counts per unit, segment and
group, kept exact by ``campaigns.actions``) with GROUP BY over path prefixes:
the children of a unit at path P are the distinct ``substr(unit_path, 1,
len(P) + 10)``. A dashboard's figures come from one such query, so a
completion recorded while it is read is counted in every figure or in none.
Reports read several levels inside ``consistent_read()``, one database
snapshot, so their sheets agree with each other and with a dashboard read
at the same moment.

A unit's dashboard counts what a grant on the unit reaches
(``accounts.access.reach``): the members counted in its subtree, and those
counted in former units whose heir path lies in it (a campaign run on the
pre-2025 Đan Phượng district, seen from today's Hà Nội). ``Area`` carries
that filter; the former units' rows are grouped under the highest of them
inside the campaign that lies in the unit (``Area.roots``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, Sum, When
from django.db.models.functions import Length, Substr, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from accounts import access
from campaigns.models import Campaign, CampaignMember, MemberTally, PopulationRule, Target
from hocvuso.db import ViCollate
from hocvuso.lib.text import vi_sort_key
from org.models import PATH_SEGMENT_WIDTH, Unit, UnitKind
from people.models import Membership, PersonGroup
from reports.numbers import rate

STEP = PATH_SEGMENT_WIDTH + 1  # characters per path segment, "/" included
PACE_DAYS = 14  # forecasts extrapolate the pace of the last two weeks
BEHIND_LIMIT = 5
MEMBERS_OF_UNIT_MAX = 20_000  # "members of this unit, wherever counted" is shown for organisations
_ID_CHUNK = 5_000


def path_len(depth: int) -> int:
    return 1 + STEP * (depth + 1)


def _depth_of(path: str) -> int:
    return (len(path) - 1) // STEP - 1


def unit_id_of(path: str) -> int:
    return int(path.rstrip("/").rsplit("/", 1)[-1])


@contextlib.contextmanager
def consistent_read():
    """Run the enclosed queries against one snapshot of the database.

    PostgreSQL: a REPEATABLE READ, READ ONLY transaction. SQLite: a DEFERRED
    transaction (the project opens IMMEDIATE ones, which would take the write
    lock for the length of a report), whose snapshot is fixed at the first read.
    """
    if connection.in_atomic_block:
        # Already inside a transaction (tests, callers): its snapshot rules.
        with transaction.atomic():
            yield
        return
    if connection.vendor == "sqlite":
        previous = connection.transaction_mode
        connection.transaction_mode = "DEFERRED"
        try:
            with transaction.atomic():
                yield
        finally:
            connection.transaction_mode = previous
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


# --- lines of figures -------------------------------------------------------------------


@dataclass
class Line:
    """Counts of one row of a table (a unit, a segment, a group, or a total)."""

    key: object = None
    label: str = ""
    members: int = 0
    enrolled: int = 0
    started: int = 0
    completed: int = 0
    participating: int = 0
    code: str = ""
    parent_label: str = ""
    unit_id: int | None = None
    is_direct: bool = False  # members counted in the unit itself, not in a subunit
    category: str = ""

    def add(self, members: int, enrolled: int, started: int, completed: int, participation: str) -> None:
        self.members += members
        self.enrolled += enrolled
        self.started += started
        self.completed += completed
        self.participating += enrolled if participation == Campaign.Participation.ENROLLED else started

    @property
    def participation_rate(self) -> Decimal | None:
        return rate(self.participating, self.members)

    @property
    def completion_rate(self) -> Decimal | None:
        return rate(self.completed, self.members)

    @property
    def not_participating(self) -> int:
        return self.members - self.participating

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "code": self.code,
            "members": self.members,
            "participating": self.participating,
            "participation_rate": self.participation_rate,
            "completed": self.completed,
            "completion_rate": self.completion_rate,
        }


def _sums():
    return {"m": Sum("members"), "e": Sum("enrolled"), "s": Sum("started"), "c": Sum("completed")}


# --- where a dashboard looks ---------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    """The rows a dashboard or report of ``unit`` counts (the whole campaign when ``unit`` is None).

    ``heirs`` are the unit paths of the campaign's former units that lie in
    ``unit`` only through their heir path; ``roots`` maps each of them to the
    former unit its figures are grouped under. Both are empty for a campaign
    counted in today's units, which then costs one indexed query more.
    """

    unit: Unit | None
    heirs: tuple[str, ...] = ()
    roots: dict[str, str] = field(default_factory=dict)

    def q(self, path_field: str = "unit_path") -> Q:
        """The filter on a frozen copy of the unit path (``unit_path`` of members, tallies and scores)."""
        if self.unit is None:
            return Q()
        # The path half of access.reach(unit).unit_q on the indexed copy; the
        # heir half as the exact paths found by area(), so both stay range and
        # equality lookups on the (campaign, unit_path) indexes.
        q = access.reach(self.unit).unit_q(path_field, heirs=False)
        if self.heirs:
            q |= Q(**{f"{path_field}__in": self.heirs})
        return q

    def key(self, n: int, path_field: str = "unit_path"):
        """An expression for ``path_field``'s first ``n`` characters, or the whole path for a former unit's row."""
        prefix = Substr(path_field, 1, n)
        if not self.heirs:
            return prefix
        return Case(
            When(access.reach(self.unit).unit_q(path_field, heirs=False), then=prefix),
            default=F(path_field),
            output_field=CharField(),
        )

    def child_of(self, key: str, level: int = 1) -> str | None:
        """The unit ``level`` levels below ``unit`` a row keyed by ``key`` (see ``key``) is counted under.

        A former unit's row goes to its root (level 1) or that far below it.
        None when the row lies above that level.
        """
        root = self.roots.get(key)
        if root is None:
            return key
        n = len(root) + STEP * (level - 1)
        return key[:n] if len(key) >= n else None


def area(campaign: Campaign, unit) -> Area:
    """Where a dashboard of ``unit`` looks in ``campaign`` (an ``Area`` is passed through as it is).

    One query finds the campaign's units reached only through their heir
    path; for a campaign with such units, one more finds what to group them
    under.
    """
    if isinstance(unit, Area):
        return unit
    if unit is None:
        return Area(None)
    reach = access.reach(unit)
    # The units reached through their heir path alone (a province's former
    # units: hundreds, from the heir path index), then which of them the
    # campaign counts people in: one probe each of the (campaign, unit_path)
    # index, rather than a pass over every tally of a national campaign.
    former = Unit.objects.filter(reach.heir_q("heir_path")).exclude(reach.unit_q("path", heirs=False))
    heirs = tuple(
        MemberTally.objects.filter(campaign=campaign, unit_path__in=former.values("path"))
        .values_list("unit_path", flat=True)
        .distinct()
        .order_by("unit_path")
    )
    if not heirs:
        return Area(unit)
    return Area(unit, heirs, _heir_roots(campaign, unit, heirs))


def _heir_roots(campaign: Campaign, unit: Unit, heirs: tuple[str, ...]) -> dict[str, str]:
    """Each former unit's path -> the highest unit above it (or itself) that lies in ``unit`` through its heir path.

    Searched from the campaign's unit holding it down, so that today's Hà
    Nội lists the campaign's former Đan Phượng district rather than the
    whole former province, and xã Đan Phượng the former communes merged
    into it.
    """
    reach = access.reach(unit)
    prefixes = sorted({p for path in heirs for p in _prefixes(path)})
    through = Campaign.units.through.objects.filter(campaign_id=campaign.pk, unit_id=OuterRef("pk"))
    found: dict[str, tuple[str, bool]] = {}
    for i in range(0, len(prefixes), _ID_CHUNK):
        rows = (
            Unit.objects.filter(path__in=prefixes[i : i + _ID_CHUNK])
            .annotate(in_campaign=Exists(through))
            .values_list("path", "heir_path", "in_campaign")
        )
        found.update((path, (heir, in_campaign)) for path, heir, in_campaign in rows)
    roots = {}
    for path in heirs:
        chain = list(_prefixes(path))
        start = next((i for i, p in enumerate(chain) if found.get(p, ("", False))[1]), 0)
        roots[path] = next(
            (p for p in chain[start:] if reach.covers_unit({"path": p, "heir_path": found.get(p, ("", False))[0]})),
            path,
        )
    return roots


def _tallies(campaign: Campaign, unit):
    return MemberTally.objects.filter(campaign=campaign).filter(area(campaign, unit).q())


def _unit_info(ids) -> dict[int, dict]:
    ids = list(ids)
    info = {}
    for i in range(0, len(ids), _ID_CHUNK):
        for row in Unit.objects.filter(pk__in=ids[i : i + _ID_CHUNK]).values(
            "id", "name", "code", "path", "parent_id", "kind__category", "kind__name"
        ):
            info[row["id"]] = row
    return info


def _ordered(lines: list[Line]) -> list[Line]:
    # Units in Vietnamese name order; the unit's own members first.
    return sorted(lines, key=lambda line: (not line.is_direct, vi_sort_key(line.label), line.code))


# --- a unit's (or the campaign's) figures -------------------------------------------------


@dataclass
class Figures:
    campaign: Campaign
    unit: Unit | None
    as_of: dt.datetime
    total: Line
    children: list[Line]
    by_rule: list[Line]
    by_group: list[Line]
    matrix: dict[object, dict[object, Line]]  # child key -> rule id -> line
    outside: Line  # people taking part from outside the target population
    rules: list[PopulationRule] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.unit.name if self.unit else self.campaign.name


def _root_child(path: str, scope_paths: dict[str, int]) -> str | None:
    for prefix in _prefixes(path):
        if prefix in scope_paths:
            return prefix
    return None


def _prefixes(path: str):
    n = len(path)
    length = path_len(0)
    while length <= n:
        yield path[:length]
        length += STEP


def campaign_figures(campaign: Campaign, unit: Unit | Area | None = None) -> Figures:
    """Figures of ``unit``'s subtree (the whole campaign when ``None``), from one query."""
    participation = campaign.participation
    where = area(campaign, unit)
    unit = where.unit
    as_of = timezone.now()
    qs = _tallies(campaign, where)
    if unit is not None:
        qs = qs.annotate(k=where.key(len(unit.path) + STEP))
    else:
        qs = qs.annotate(k=Substr("unit_path", 1, 255))
    rows = list(qs.values("k", "rule_id", "group_id").annotate(**_sums()).order_by())

    total, outside = Line(label=_("Total")), Line(label=_("Outside the target population"))
    children: dict[str, Line] = {}
    by_rule: dict[int, Line] = {}
    by_group: dict[int | None, Line] = {}
    matrix: dict[str, dict[int, Line]] = defaultdict(dict)
    scope_paths = {}
    if unit is None:
        scope_paths = dict(campaign.units.values_list("path", "id"))
    for r in rows:
        counts = (r["m"] or 0, r["e"] or 0, r["s"] or 0, r["c"] or 0)
        if r["rule_id"] is None:
            outside.add(*counts, participation)
            continue
        key = where.child_of(r["k"]) if unit is not None else _root_child(r["k"], scope_paths)
        if key is None:  # counted under a unit that left the campaign's scope
            key = r["k"]
        total.add(*counts, participation)
        children.setdefault(key, Line(key=key)).add(*counts, participation)
        by_rule.setdefault(r["rule_id"], Line(key=r["rule_id"])).add(*counts, participation)
        by_group.setdefault(r["group_id"], Line(key=r["group_id"])).add(*counts, participation)
        matrix[key].setdefault(r["rule_id"], Line(key=r["rule_id"])).add(*counts, participation)

    info = _unit_info(unit_id_of(k) for k in children)
    for key, line in children.items():
        u = info.get(unit_id_of(key), {})
        line.unit_id = u.get("id")
        line.label = u.get("name", "")
        line.code = u.get("code", "")
        line.category = u.get("kind__category", "")
        line.is_direct = unit is not None and key == unit.path
    rules = list(campaign.rules.all())
    rule_labels = {r.pk: r.label for r in rules}
    for key, line in by_rule.items():
        line.label = rule_labels.get(key, "")
    group_names = dict(PersonGroup.objects.filter(pk__in=[k for k in by_group if k]).values_list("id", "name"))
    for key, line in by_group.items():
        line.label = group_names.get(key, _("No group"))
    for per_rule in matrix.values():
        for key, line in per_rule.items():
            line.label = rule_labels.get(key, "")
    order = {r.pk: i for i, r in enumerate(rules)}
    total.label = unit.name if unit else campaign.name
    return Figures(
        campaign=campaign,
        unit=unit,
        as_of=as_of,
        total=total,
        children=_ordered(list(children.values())),
        by_rule=sorted(by_rule.values(), key=lambda line: order.get(line.key, 999)),
        by_group=sorted(by_group.values(), key=lambda line: vi_sort_key(line.label)),
        matrix=matrix,
        outside=outside,
        rules=rules,
    )


def units_furthest_behind(campaign: Campaign, unit: Unit | Area | None, limit: int = BEHIND_LIMIT) -> list[Line]:
    """The units (where people are counted) with the lowest participation rate in the subtree."""
    participating = "enrolled" if campaign.participation == Campaign.Participation.ENROLLED else "started"
    rows = (
        _tallies(campaign, unit)
        .filter(rule__isnull=False)
        .values("unit_id")
        .annotate(m=Sum("members"), p=Sum(participating), c=Sum("completed"))
        .filter(m__gt=0)
        .order_by()
    )
    lines = []
    for r in rows:
        line = Line(key=r["unit_id"], unit_id=r["unit_id"], members=r["m"], participating=r["p"], completed=r["c"])
        lines.append(line)
    lines.sort(key=lambda line: (line.participation_rate, -line.members))
    lines = lines[:limit]
    info = _unit_info(line.unit_id for line in lines)
    parents = _unit_info({u["parent_id"] for u in info.values() if u["parent_id"]})
    for line in lines:
        u = info[line.unit_id]
        line.label, line.code = u["name"], u["code"]
        line.parent_label = parents.get(u["parent_id"], {}).get("name", "")
    return lines


# --- levels below a unit (report sheets) -------------------------------------------------------


@dataclass
class Level:
    depth: int
    title: str
    lines: list[Line]


_CATEGORY_TITLES = {
    UnitKind.Category.PROVINCE: gettext_noop("Provinces and cities"),
    UnitKind.Category.DISTRICT: gettext_noop("Districts (before 2025)"),
    UnitKind.Category.COMMUNE: gettext_noop("Communes and wards"),
    UnitKind.Category.ORGANISATION: gettext_noop("Agencies and organisations"),
}


def levels_below(campaign: Campaign, unit: Unit | Area | None) -> list[Level]:
    """Every level of units below ``unit`` (the campaign's units and below when ``None``), one query each.

    Former units reached through their heir path appear from the level of
    their roots (``Area.roots``) down, at their own depth in the former tree.
    """
    participation = campaign.participation
    where = area(campaign, unit)
    unit = where.unit
    base = _tallies(campaign, where).filter(rule__isnull=False)
    roots = sorted(set(where.roots.values()))
    if unit is not None:
        first = min([unit.depth + 1, *(_depth_of(r) for r in roots)])
    else:
        first = min((u.depth for u in campaign.units.all()), default=0)
    longest = base.annotate(n=Length("unit_path")).order_by("-n").values_list("n", flat=True).first()
    if not longest:
        return []
    last = (longest - 1) // STEP - 1
    scope_paths = list(campaign.units.values_list("path", flat=True)) if unit is None else roots

    def inside(key: str) -> bool:
        # Units inside the campaign's units; for a unit, those strictly below
        # it and its former units from their roots down (a root may sit at the
        # unit's own depth or above, in the former tree).
        if unit is not None and key.startswith(unit.path) and key != unit.path:
            return True
        return any(key.startswith(p) for p in scope_paths)

    levels = []
    seen_titles: dict[str, int] = defaultdict(int)
    for depth in range(first, last + 1):
        n = path_len(depth)
        rows = (
            base.annotate(len=Length("unit_path"), k=Substr("unit_path", 1, n))
            .filter(len__gte=n)
            .values("k")
            .annotate(**_sums())
            .order_by()
        )
        lines = {}
        for r in rows:
            if not inside(r["k"]):
                continue
            line = Line(key=r["k"])
            line.add(r["m"] or 0, r["e"] or 0, r["s"] or 0, r["c"] or 0, participation)
            lines[r["k"]] = line
        if not lines:
            continue
        info = _unit_info(unit_id_of(k) for k in lines)
        parents = _unit_info({u["parent_id"] for u in info.values() if u["parent_id"]})
        categories = defaultdict(int)
        for key, line in lines.items():
            u = info.get(unit_id_of(key), {})
            line.unit_id, line.label, line.code = u.get("id"), u.get("name", ""), u.get("code", "")
            line.category = u.get("kind__category", "")
            line.parent_label = parents.get(u.get("parent_id"), {}).get("name", "")
            categories[line.category] += 1
        category = max(categories, key=categories.get)
        title = _(_CATEGORY_TITLES.get(category, gettext_noop("Units")))
        seen_titles[title] += 1
        if seen_titles[title] > 1:
            title = f"{title} ({seen_titles[title]})"
        ordered = sorted(lines.values(), key=lambda line: (vi_sort_key(line.parent_label), vi_sort_key(line.label)))
        levels.append(Level(depth=depth, title=title, lines=ordered))
    return levels


# --- people ---------------------------------------------------------------------------------


def _participating_field(campaign: Campaign) -> str:
    return "enrolled_at" if campaign.participation == Campaign.Participation.ENROLLED else "started_at"


def members_in(campaign: Campaign, unit: Unit | Area | None):
    return CampaignMember.objects.filter(campaign=campaign, removed_at__isnull=True).filter(area(campaign, unit).q())


def not_taking_part(campaign: Campaign, unit: Unit | Area | None, *, limit: int | None = None) -> list[dict]:
    """Target members not yet taking part, for follow-up: by unit, then in Vietnamese name order.

    The database orders by unit (an index range); names are put in
    Vietnamese order within each unit here, with ICU sort keys, which is far
    cheaper than a collation callback for a national list of 250,000.
    ``limit`` keeps the first units' people only (the PDF lists a thousand).
    """
    qs = (
        members_in(campaign, unit)
        .filter(rule__isnull=False, **{f"{_participating_field(campaign)}__isnull": True})
        .values(
            "id",
            "person_id",
            "person__full_name",
            "person__sort_name",
            "person__birth_date",
            "person__phone",
            "unit__name",
            "group__name",
            "rule__label",
            "unit_path",
        )
        .order_by("unit_path", "id")
    )
    if limit is not None:
        first = list(qs[:limit])
        # Whole units only, so the names of the last one are in order too.
        rows = list(qs.filter(unit_path__lte=first[-1]["unit_path"])) if len(first) == limit else first
    else:
        rows = list(qs)
    rows.sort(key=lambda r: (r["unit_path"], vi_sort_key(r["person__sort_name"]), r["id"]))
    return rows[:limit] if limit is not None else rows


def members_of_unit_taking_part(campaign: Campaign, unit: Unit | Area) -> tuple[int, int]:
    """(members of ``unit`` counted by the campaign anywhere, of whom taking part).

    For organisations whose people are counted elsewhere too (a clan whose
    members include staff counted at their school).
    """
    from campaigns.population import memberships_on

    if isinstance(unit, Area):
        unit = unit.unit
    # The organisation's people first (a few hundred), then their member rows
    # through the person index: joining the other way round scans the campaign.
    belongs = list(
        Membership.objects.filter(memberships_on(campaign), access.reach(unit).unit_q("unit__path"))
        .values_list("person_id", flat=True)
        .distinct()[:MEMBERS_OF_UNIT_MAX]
    )
    field_name = _participating_field(campaign)
    agg = (
        members_in(campaign, None)
        .filter(person_id__in=belongs)
        .aggregate(n=Count("id"), p=Count("id", filter=Q(**{f"{field_name}__isnull": False})))
    )
    return agg["n"], agg["p"]


# --- targets and forecasts ------------------------------------------------------------------


@dataclass
class TargetProgress:
    target: Target
    label: str
    members: int
    achieved: int
    needed: int  # people needed to reach the target
    recent: int  # reached within the pace window
    pace_days: int
    as_of: dt.date

    @property
    def rate(self) -> Decimal | None:
        return rate(self.achieved, self.members)

    @property
    def remaining(self) -> int:
        return max(0, self.needed - self.achieved)

    @property
    def met(self) -> bool:
        return self.members > 0 and self.achieved >= self.needed

    @property
    def pace_per_day(self) -> float:
        return self.recent / self.pace_days if self.pace_days else 0.0

    @property
    def forecast(self) -> dt.date | None:
        """Day the target is met at the current pace (None: met already, or no progress to extrapolate)."""
        if self.met or not self.pace_per_day:
            return None
        return self.as_of + dt.timedelta(days=math.ceil(self.remaining / self.pace_per_day))

    @property
    def on_track(self) -> bool:
        if self.met:
            return True
        forecast = self.forecast
        return forecast is not None and forecast <= self.target.deadline

    @property
    def overdue(self) -> bool:
        return not self.met and self.as_of > self.target.deadline


def _target_label(target: Target, rule_labels, group_names) -> str:
    who = rule_labels.get(target.rule_id) or group_names.get(target.group_id) or _("Everyone")
    what = (
        _("taking part") if target.measure == Target.Measure.PARTICIPATION else pgettext("campaign target", "completed")
    )
    return f"{who} — {what}"


def target_progress(
    campaign: Campaign, unit: Unit | Area | None, *, today: dt.date | None = None
) -> list[TargetProgress]:
    """Progress against the targets that apply to ``unit``: its own and the campaign-wide ones.

    Counts come from the tallies; the pace from member timestamps within the
    last ``PACE_DAYS`` days (one scan of the subtree's index).
    """
    where = area(campaign, unit)
    unit = where.unit
    targets = [t for t in campaign.targets.all() if t.unit_id is None or (unit is not None and t.unit_id == unit.pk)]
    if not targets:
        return []
    today = today or timezone.localdate()
    participating = "enrolled" if campaign.participation == Campaign.Participation.ENROLLED else "started"
    counts = {
        (r["rule_id"], r["group_id"]): r
        for r in _tallies(campaign, where)
        .filter(rule__isnull=False)
        .values("rule_id", "group_id")
        .annotate(m=Sum("members"), p=Sum(participating), c=Sum("completed"))
        .order_by()
    }
    until = min(today, campaign.ends_on) if campaign.status == Campaign.Status.CLOSED else today
    start = max(campaign.starts_on, until - dt.timedelta(days=PACE_DAYS))
    pace_days = max(1, (until - start).days)
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    # Progress over the window: from the snapshot taken the day before it
    # opens (one indexed row) when every target counts the whole unit, else
    # from the members' timestamps (a scan of the subtree's index). Snapshots
    # are of subtrees by path: a unit reaching former units has none that fits.
    before = None
    if not where.heirs and all(t.rule_id is None and t.group_id is None for t in targets):
        before = _snapshot_before(campaign, unit, start)
    recent = {}
    if before is None:
        recent = {
            (r["rule_id"], r["group_id"]): r
            for r in members_in(campaign, where)
            .filter(rule__isnull=False)
            .values("rule_id", "group_id")
            .annotate(
                p=Count("id", filter=Q(**{f"{participating}_at__gte": since})),
                c=Count("id", filter=Q(completed_at__gte=since)),
            )
            .order_by()
        }
    rule_labels = {r.pk: r.label for r in campaign.rules.all()}
    group_names = dict(PersonGroup.objects.values_list("id", "name"))
    out = []
    for t in targets:
        members = achieved = recent_n = 0
        key = "p" if t.measure == Target.Measure.PARTICIPATION else "c"
        for (rule_id, group_id), r in counts.items():
            if (t.rule_id and rule_id != t.rule_id) or (t.group_id and group_id != t.group_id):
                continue
            members += r["m"] or 0
            achieved += r[key] or 0
            recent_n += recent.get((rule_id, group_id), {}).get(key, 0)
        if before is not None:
            recent_n = achieved - (before[participating] if key == "p" else before["completed"])
        needed = math.ceil(Decimal(members) * t.percent / 100)
        out.append(
            TargetProgress(
                target=t,
                label=_target_label(t, rule_labels, group_names),
                members=members,
                achieved=achieved,
                needed=needed,
                recent=recent_n,
                pace_days=pace_days,
                as_of=today,
            )
        )
    return out


def _snapshot_before(campaign: Campaign, unit: Unit | None, day: dt.date) -> dict | None:
    """The unit's snapshot of the day before ``day`` (the start of the pace window), if one was taken."""
    from reports.models import DailySnapshot

    if day <= campaign.starts_on:
        return {"enrolled": 0, "started": 0, "completed": 0}
    return (
        DailySnapshot.objects.filter(campaign=campaign, unit=unit, day=day - dt.timedelta(days=1))
        .values("enrolled", "started", "completed")
        .first()
    )


# --- trends ---------------------------------------------------------------------------------


@dataclass
class TrendPoint:
    day: dt.date
    members: int
    participating: int
    completed: int

    @property
    def participation_rate(self) -> Decimal | None:
        return rate(self.participating, self.members)

    @property
    def completion_rate(self) -> Decimal | None:
        return rate(self.completed, self.members)


def trend(campaign: Campaign, unit: Unit | Area | None) -> list[TrendPoint]:
    """The unit's figures day by day: from the daily snapshots, or from its members.

    Members are read for organisations (no snapshots) and for units that
    former units lie in through their heir paths (snapshots are of subtrees
    by path, which leave those out).
    """
    from reports.models import DailySnapshot

    where = area(campaign, unit)
    unit = where.unit
    field_name = "enrolled" if campaign.participation == Campaign.Participation.ENROLLED else "started"
    if unit is not None and (where.heirs or unit.kind.category == UnitKind.Category.ORGANISATION):
        return _live_trend(campaign, where, field_name)
    rows = DailySnapshot.objects.filter(campaign=campaign, unit=unit).order_by("day")
    return [
        TrendPoint(r["day"], r["members"], r[field_name], r["completed"])
        for r in rows.values("day", "members", field_name, "completed")
    ]


def _live_trend(campaign: Campaign, unit: Unit | Area, field_name: str) -> list[TrendPoint]:
    """Cumulative figures per day from the members' timestamps (organisations, units holding former ones)."""
    members = members_in(campaign, unit).filter(rule__isnull=False)
    total = members.count()
    if not total:
        return []
    tz = timezone.get_current_timezone()
    last = min(timezone.localdate(), campaign.ends_on)
    first = campaign.starts_on
    if last < first:
        return []
    per_day = {}
    for measure, column in (("participating", f"{field_name}_at"), ("completed", "completed_at")):
        per_day[measure] = dict(
            members.filter(**{f"{column}__isnull": False})
            .annotate(d=TruncDate(column, tzinfo=tz))
            .values("d")
            .annotate(n=Count("id"))
            .order_by()
            .values_list("d", "n")
        )
    running = {m: sum(n for d, n in per_day[m].items() if d < first) for m in per_day}
    points = []
    for i in range((last - first).days + 1):
        day = first + dt.timedelta(days=i)
        for m in running:
            running[m] += per_day[m].get(day, 0)
        points.append(TrendPoint(day, total, running["participating"], running["completed"]))
    return points


# --- one person's digital-skills record -----------------------------------------------------------


def person_skills(person) -> dict:
    """Courses, certificates, competences reached and campaigns of ``person`` (the annual-evaluation record)."""
    from campaigns import learning_bridge

    record = learning_bridge.person_record(person)
    record["campaigns"] = list(
        CampaignMember.objects.filter(person=person, removed_at__isnull=True)
        .values(
            "campaign__name",
            "campaign__slug",
            "campaign__starts_on",
            "campaign__ends_on",
            "unit__name",
            "enrolled_at",
            "started_at",
            "completed_at",
            "courses_completed",
        )
        .annotate(attended=Count("attendance", filter=Q(attendance__present=True)))
        .order_by("-campaign__starts_on")
    )
    from campaigns.models import Contest

    today = timezone.localdate()
    record["contests"] = list(
        Contest.objects.filter(
            campaign__members__person=person,
            campaign__members__removed_at__isnull=True,
            starts_on__lte=today,
            ends_on__gte=today,
        )
        .values("name", "slug", "campaign__slug", "ends_on")
        .order_by("ends_on")
    )
    return record


# --- contest leaderboards -----------------------------------------------------------------------


@dataclass
class Standing:
    """A unit in a contest: points normalised by the unit's size, so small and large units compete fairly."""

    unit_id: int | None
    label: str
    code: str
    members: int
    participants: int
    points: int

    @property
    def participation_rate(self) -> Decimal | None:
        return rate(self.participants, self.members)

    @property
    def average_points(self) -> Decimal | None:
        if not self.members:
            return None
        return (Decimal(self.points) / self.members).quantize(Decimal("0.01"))


def unit_leaderboard(contest, unit: Unit | Area | None = None, *, level: int | None = 1) -> list[Standing]:
    """Units ``level`` levels below ``unit`` (below the campaign's units when None), best first.

    ``level=None`` ranks the units people are counted in (schools, offices),
    whatever their depth.

    Ranked by average points per member (everyone counted by the campaign in
    the unit, taking part or not), then by the share of members with points.
    """
    from campaigns.models import ContestScore

    campaign = contest.campaign
    where = area(campaign, unit)
    unit = where.unit
    if level is None:
        n = 255
    elif unit is not None:
        n = len(unit.path) + STEP * level
    else:
        depth = min((u.depth for u in campaign.units.all()), default=0)
        n = path_len(depth + level - 1)
    # Members counted above the level asked for have no unit at that level.
    shortest = 0 if level is None else n
    # Former units' rows are read whole and put under their roots here.
    deep_enough = Q(len__gte=shortest)
    if where.heirs:
        deep_enough |= Q(unit_path__in=where.heirs)

    def grouped(qs, **sums) -> dict[str, dict]:
        out: dict[str, dict] = {}
        rows = qs.annotate(len=Length("unit_path"), k=where.key(n)).filter(deep_enough).values("k").annotate(**sums)
        for r in rows.order_by():
            key = where.child_of(r["k"], level) if level is not None else r["k"]
            if key is not None:
                totals = out.setdefault(key, dict.fromkeys(sums, 0))
                for name in sums:
                    totals[name] += r[name] or 0
        return out

    tallies = MemberTally.objects.filter(campaign=campaign).filter(where.q())
    sizes = {k: r["m"] for k, r in grouped(tallies, m=Sum("members")).items()}
    scores = {
        k: (r["p"], r["s"])
        for k, r in grouped(
            ContestScore.objects.filter(contest=contest, points__gt=0).filter(where.q()), p=Count("id"), s=Sum("points")
        ).items()
    }
    info = _unit_info(unit_id_of(k) for k in sizes)
    standings = []
    for key, members in sizes.items():
        participants, points = scores.get(key, (0, 0))
        u = info.get(unit_id_of(key), {})
        standings.append(
            Standing(u.get("id"), u.get("name", ""), u.get("code", ""), members or 0, participants, points)
        )
    standings.sort(key=lambda s: (-(s.average_points or 0), -(s.participation_rate or 0), vi_sort_key(s.label)))
    return standings


def individual_leaderboard(contest, unit: Unit | Area | None = None, *, limit: int = 50) -> list[dict]:
    """The best ``limit`` people of the contest (within ``unit``), with their points by source."""
    from campaigns.models import ContestScore

    qs = ContestScore.objects.filter(contest=contest, points__gt=0).filter(area(contest.campaign, unit).q())
    rows = list(
        qs.order_by("-points", ViCollate("member__person__sort_name"), "id").values(
            "member_id",
            "member__person__full_name",
            "member__unit__name",
            "lessons",
            "quizzes",
            "entries",
            "attendance",
            "points",
        )[:limit]
    )
    # Equal points share a rank (1, 2, 2, 4).
    previous, rank = None, 0
    for i, row in enumerate(rows, start=1):
        if row["points"] != previous:
            rank, previous = i, row["points"]
        row["rank"] = rank
    return rows
