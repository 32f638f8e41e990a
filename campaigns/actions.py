"""Every write to campaigns, their populations and their members' progress.

Invariants the functions here keep:

* ``MemberTally`` equals the counts over current member rows. Every change
  to a member row that a tally counts is made with the member row locked
  (``select_for_update``) and applies the matching +1/-1 to the tally with
  ``F()`` in the same transaction, so concurrent updates never lose or
  double a count and a reader sees each change everywhere or nowhere.
* Progress only moves forward (enrolled -> started -> completed); replaying
  an event is harmless.
* The population changes only when the campaign opens and through a
  refresh, each recorded as a ``PopulationChange`` with its counts and reason.

Scope checks belong to the callers (views use ``accounts.access``).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import record_event
from campaigns import learning_bridge
from campaigns.bulk import insert_rows
from campaigns.models import (
    Attendance,
    Award,
    Campaign,
    CampaignCourse,
    CampaignMember,
    ClassEnrolment,
    ClassSession,
    Contest,
    ContestScore,
    Entry,
    EntryScore,
    MemberMove,
    MemberTally,
    PopulationChange,
    PopulationRule,
    RubricCriterion,
    Target,
    TrainingClass,
    Venue,
)
from campaigns.population import compute_population
from hocvuso.db import ViCollate, subtree_q
from hocvuso.lib.text import nfc, slugify_vi
from org.models import Unit, UnitKind
from people.models import Membership, Person, PersonGroup

TALLY_FIELDS = ("members", "enrolled", "started", "completed")
_BULK = 5_000


def _event(actor, action: str, campaign: Campaign, changes: dict | None = None) -> None:
    if actor is None:
        return
    record_event(
        actor=actor,
        action=action,
        target_type="campaign",
        target_id=campaign.pk,
        target_label=campaign.name,
        unit_path=campaign.organiser.path if campaign.organiser_id else "",
        changes=changes or {},
    )


def _require_draft(campaign: Campaign) -> None:
    if not campaign.is_draft:
        raise ValidationError(
            _("The campaign is already open: its population and rules are frozen. Refresh the population instead.")
        )


# --- defining a campaign ---------------------------------------------------------


def _clean_dates(starts_on: dt.date, ends_on: dt.date) -> None:
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The campaign cannot end before it starts.")})


@transaction.atomic
def create_campaign(
    *,
    name: str,
    organiser: Unit | None,
    starts_on: dt.date,
    ends_on: dt.date,
    units: Iterable[Unit],
    slug: str = "",
    description: str = "",
    participation: str = Campaign.Participation.STARTED,
    completion_courses: int = 0,
    population_on: dt.date | None = None,
    actor=None,
) -> Campaign:
    name = nfc(name)
    if not name:
        raise ValidationError({"name": _("Give the campaign a name.")})
    _clean_dates(starts_on, ends_on)
    units = list(units)
    if not units:
        raise ValidationError({"units": _("Choose at least one unit in scope.")})
    # A national campaign (no organising unit) may take any units.
    outside = [u for u in units if organiser is not None and not u.path.startswith(organiser.path)]
    if outside:
        raise ValidationError(
            {
                "units": _("%(units)s not under the organising unit %(organiser)s.")
                % {"units": ", ".join(u.name for u in outside), "organiser": organiser.name}
            }
        )
    slug = slugify_vi(slug or name)[:80].strip("-")
    if not slug:
        raise ValidationError({"slug": _("Give the campaign a short name made of letters and digits.")})
    if Campaign.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("Another campaign already uses the short name “%(slug)s”.") % {"slug": slug}})
    campaign = Campaign.objects.create(
        slug=slug,
        name=name,
        description=nfc(description),
        organiser=organiser,
        starts_on=starts_on,
        ends_on=ends_on,
        participation=participation,
        completion_courses=completion_courses,
        population_on=population_on,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    campaign.units.set(units)
    _event(actor, "campaign.create", campaign, {"name": [None, name], "slug": [None, slug]})
    return campaign


@transaction.atomic
def update_campaign(*, campaign: Campaign, actor=None, **fields) -> Campaign:
    """Change the name, description, dates or completion rule; the participation rule only while a draft."""
    allowed = {"name", "description", "starts_on", "ends_on", "participation", "completion_courses", "population_on"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"update_campaign() got unexpected fields {sorted(unknown)}")
    if not campaign.is_draft and ({"participation", "population_on"} & set(fields)):
        changed = [f for f in ("participation", "population_on") if f in fields and fields[f] != getattr(campaign, f)]
        if changed:
            _require_draft(campaign)
    changes = {}
    for key, value in fields.items():
        if isinstance(value, str):
            value = nfc(value)
        if getattr(campaign, key) != value:
            changes[key] = [str(getattr(campaign, key)), str(value)]
            setattr(campaign, key, value)
    if not changes:
        return campaign
    _clean_dates(campaign.starts_on, campaign.ends_on)
    campaign.save(update_fields=[*changes, "updated_at"])
    _event(actor, "campaign.update", campaign, changes)
    if "completion_courses" in changes and not campaign.is_draft:
        transaction.on_commit(lambda: sync_progress(campaign=campaign))
    return campaign


@transaction.atomic
def set_courses(*, campaign: Campaign, course_ids: list[int], actor=None) -> list[CampaignCourse]:
    """The courses the campaign asks its members to take, in order."""
    titles = learning_bridge.course_titles(course_ids)
    missing = [str(c) for c in course_ids if c not in titles]
    if missing:
        raise ValidationError({"courses": _("No such course: %(ids)s.") % {"ids": ", ".join(missing)}})
    if len(set(course_ids)) != len(course_ids):
        raise ValidationError({"courses": _("A course is listed twice.")})
    CampaignCourse.objects.filter(campaign=campaign).exclude(course_id__in=course_ids).delete()
    rows = []
    for order, course_id in enumerate(course_ids):
        row, _created = CampaignCourse.objects.update_or_create(
            campaign=campaign, course_id=course_id, defaults={"title": titles[course_id], "sort_order": order}
        )
        rows.append(row)
    _event(actor, "campaign.courses", campaign, {"courses": [None, [titles[c] for c in course_ids]]})
    if not campaign.is_draft:
        transaction.on_commit(lambda: sync_progress(campaign=campaign))
    return rows


@transaction.atomic
def add_rule(
    *,
    campaign: Campaign,
    label: str,
    units: Iterable[Unit] = (),
    groups: Iterable[PersonGroup] = (),
    unit_kinds: Iterable[UnitKind] = (),
    actor=None,
) -> PopulationRule:
    _require_draft(campaign)
    label = nfc(label)
    if not label:
        raise ValidationError({"label": _("Give the segment a name, as reports should call it.")})
    units = list(units)
    scope_paths = list(campaign.units.values_list("path", flat=True))
    outside = [u for u in units if not any(u.path.startswith(p) for p in scope_paths)]
    if outside:
        raise ValidationError(
            {"units": _("%(units)s not within the campaign's units.") % {"units": ", ".join(u.name for u in outside)}}
        )
    order = (campaign.rules.order_by("-sort_order").values_list("sort_order", flat=True).first() or 0) + 1
    rule = PopulationRule.objects.create(campaign=campaign, label=label, sort_order=order)
    rule.units.set(units)
    rule.groups.set(list(groups))
    rule.unit_kinds.set(list(unit_kinds))
    _event(actor, "campaign.rule.add", campaign, {"rule": [None, label]})
    return rule


@transaction.atomic
def delete_rule(*, rule: PopulationRule, actor=None) -> None:
    campaign = rule.campaign
    _require_draft(campaign)
    label = rule.label
    rule.delete()
    _event(actor, "campaign.rule.delete", campaign, {"rule": [label, None]})


@transaction.atomic
def add_target(
    *,
    campaign: Campaign,
    measure: str,
    percent,
    deadline: dt.date,
    unit: Unit | None = None,
    rule: PopulationRule | None = None,
    group: PersonGroup | None = None,
    actor=None,
) -> Target:
    if measure not in Target.Measure.values:
        raise ValidationError({"measure": _("Choose what the target measures.")})
    if percent is None or not (0 < percent <= 100):
        raise ValidationError({"percent": _("A target is a percentage above 0 and at most 100.")})
    if rule is not None and rule.campaign_id != campaign.pk:
        raise ValidationError({"rule": _("That segment belongs to another campaign.")})
    if unit is not None:
        scope_paths = list(campaign.units.values_list("path", flat=True))
        inside = any(unit.path.startswith(p) or p.startswith(unit.path) for p in scope_paths)
        if not inside:
            raise ValidationError({"unit": _("%(unit)s is outside the campaign.") % {"unit": unit.name}})
    target = Target.objects.create(
        campaign=campaign, measure=measure, percent=percent, deadline=deadline, unit=unit, rule=rule, group=group
    )
    _event(
        actor,
        "campaign.target.add",
        campaign,
        {"target": [None, f"{measure} {percent}% by {deadline.isoformat()}"]},
    )
    return target


@transaction.atomic
def delete_target(*, target: Target, actor=None) -> None:
    campaign = target.campaign
    target.delete()
    _event(actor, "campaign.target.delete", campaign, {"target": [str(target.percent), None]})


# --- opening, refreshing, closing ------------------------------------------------------


def _lock(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


def _required_courses(campaign: Campaign) -> int:
    total = campaign.courses.count()
    if campaign.completion_courses:
        return min(campaign.completion_courses, total) if total else 0
    return total


@transaction.atomic
def open_campaign(*, campaign: Campaign, actor=None, at: dt.datetime | None = None) -> PopulationChange:
    """Freeze the target population and start counting.

    Members get their progress so far from the learning records; progress
    arriving while this transaction runs is picked up by the sync queued
    after commit (progress events for people not yet members are no-ops).
    """
    campaign = _lock(campaign)
    _require_draft(campaign)
    if not campaign.rules.exists():
        raise ValidationError(_("Add at least one segment of the target population before opening the campaign."))
    now = at or timezone.now()
    placed = compute_population(campaign)
    if not placed:
        raise ValidationError(_("The segments select nobody: check their units and groups before opening."))
    # People who took part outside the population before opening keep their rows.
    existing = dict(CampaignMember.objects.filter(campaign=campaign).values_list("person_id", "id"))
    for person_id, member_id in existing.items():
        if person_id in placed:
            p = placed[person_id]
            CampaignMember.objects.filter(pk=member_id).update(
                unit_id=p.unit_id, unit_path=p.unit_path, rule_id=p.rule_id, group_id=p.group_id, removed_at=None
            )
    insert_rows(
        CampaignMember,
        ("campaign_id", "person_id", "unit_id", "unit_path", "rule_id", "group_id", "added_at", "courses_completed"),
        (
            (campaign.pk, person_id, p.unit_id, p.unit_path, p.rule_id, p.group_id, now, 0)
            for person_id, p in placed.items()
            if person_id not in existing
        ),
    )
    campaign.status = Campaign.Status.OPEN
    campaign.opened_at = now
    campaign.save(update_fields=["status", "opened_at", "updated_at"])
    rebuild_tallies(campaign=campaign)
    change = PopulationChange.objects.create(
        campaign=campaign,
        kind=PopulationChange.Kind.OPEN,
        at=now,
        by=actor if getattr(actor, "is_authenticated", False) else None,
        reason=_("Population frozen when the campaign opened."),
        added=len(placed),
        total_before=0,
        total_after=len(placed),
    )
    _event(actor, "campaign.open", campaign, {"population": [None, len(placed)]})
    transaction.on_commit(lambda: sync_progress(campaign=campaign))
    return change


def _place(member: CampaignMember, p) -> None:
    member.unit_id, member.unit_path, member.rule_id, member.group_id = p.unit_id, p.unit_path, p.rule_id, p.group_id


class RefreshPlan:
    """What a refresh would change; shown to the user before they confirm."""

    def __init__(self, campaign: Campaign):
        self.campaign = campaign
        self.placed = compute_population(campaign)
        current = {
            row[0]: row[1:]
            for row in CampaignMember.objects.filter(campaign=campaign).values_list(
                "person_id", "id", "unit_id", "rule_id", "group_id", "removed_at"
            )
        }
        self.added: list[int] = []  # person ids entering the population
        self.removed: list[int] = []  # member ids leaving it
        self.moved: list[int] = []  # member ids whose unit, segment or group changed
        self.total_before = 0
        for person_id, (member_id, unit_id, rule_id, group_id, removed_at) in current.items():
            counted = removed_at is None and rule_id is not None
            self.total_before += counted
            p = self.placed.get(person_id)
            if p is None:
                if counted:
                    self.removed.append(member_id)
            elif not counted:
                self.added.append(person_id)
            elif (p.unit_id, p.rule_id, p.group_id) != (unit_id, rule_id, group_id):
                self.moved.append(member_id)
        self.added += [pid for pid in self.placed if pid not in current]
        self.total_after = len(self.placed)

    @property
    def changes_anything(self) -> bool:
        return bool(self.added or self.removed or self.moved)


@transaction.atomic
def refresh_population(*, campaign: Campaign, reason: str, actor=None) -> PopulationChange:
    """Recompute the population from the registry and apply the difference, explained by ``reason``.

    Members who left keep their rows (marked removed, progress kept); people
    who came back are counted again; moved people carry their progress to
    their new unit. The tallies follow each change in this transaction.
    """
    reason = nfc(reason)
    if not reason:
        raise ValidationError({"reason": _("Say why the population is refreshed: reports will show it.")})
    campaign = _lock(campaign)
    if campaign.is_draft:
        raise ValidationError(_("A draft campaign has no population yet: open it first."))
    if campaign.status == Campaign.Status.CLOSED:
        raise ValidationError(_("The campaign is closed; its figures are final."))
    plan = RefreshPlan(campaign)
    now = timezone.now()
    by = actor if getattr(actor, "is_authenticated", False) else None

    for member in CampaignMember.objects.select_for_update().filter(pk__in=plan.removed):
        _untally(member)
        member.removed_at = now
        member.save(update_fields=["removed_at"])

    moves = []
    for member in CampaignMember.objects.select_for_update().filter(pk__in=plan.moved):
        p = plan.placed[member.person_id]
        _untally(member)
        if member.unit_id != p.unit_id:
            moves.append(
                MemberMove(
                    member=member, from_unit_id=member.unit_id, to_unit_id=p.unit_id, at=now, by=by, reason=reason[:255]
                )
            )
        _place(member, p)
        member.save(update_fields=["unit", "unit_path", "rule", "group"])
        _tally(member)
    MemberMove.objects.bulk_create(moves)

    returning = dict(
        CampaignMember.objects.filter(campaign=campaign, person_id__in=plan.added).values_list("person_id", "id")
    )
    for member in CampaignMember.objects.select_for_update().filter(pk__in=returning.values()):
        p = plan.placed[member.person_id]
        if member.removed_at is None:
            _untally(member)  # was counted outside the target
        _place(member, p)
        member.removed_at = None
        member.save(update_fields=["unit", "unit_path", "rule", "group", "removed_at"])
        _tally(member)
    new = [pid for pid in plan.added if pid not in returning]
    insert_rows(
        CampaignMember,
        ("campaign_id", "person_id", "unit_id", "unit_path", "rule_id", "group_id", "added_at", "courses_completed"),
        (
            (campaign.pk, pid, p.unit_id, p.unit_path, p.rule_id, p.group_id, now, 0)
            for pid in new
            for p in (plan.placed[pid],)
        ),
    )
    _tally_new_members(campaign, new)

    change = PopulationChange.objects.create(
        campaign=campaign,
        kind=PopulationChange.Kind.REFRESH,
        at=now,
        by=by,
        reason=reason,
        added=len(plan.added),
        removed=len(plan.removed),
        moved=len(plan.moved),
        total_before=plan.total_before,
        total_after=plan.total_after,
    )
    _event(
        actor,
        "campaign.refresh",
        campaign,
        {"population": [plan.total_before, plan.total_after], "reason": [None, reason]},
    )
    if new:
        transaction.on_commit(lambda: sync_progress(campaign=campaign, person_ids=new))
    return change


@transaction.atomic
def close_campaign(*, campaign: Campaign, actor=None) -> Campaign:
    campaign = _lock(campaign)
    if not campaign.is_open:
        raise ValidationError(_("Only an open campaign can be closed."))
    campaign.status = Campaign.Status.CLOSED
    campaign.closed_at = timezone.now()
    campaign.save(update_fields=["status", "closed_at", "updated_at"])
    _event(actor, "campaign.close", campaign)
    return campaign


# --- members ---------------------------------------------------------------------------


@transaction.atomic
def add_participant(*, campaign: Campaign, person: Person, unit: Unit, actor=None) -> CampaignMember:
    """Count ``person`` as taking part from outside the target population (e.g. a clan that joined).

    Returns the existing member row when the person is already counted.
    """
    if campaign.is_draft:
        raise ValidationError(_("Open the campaign before adding participants."))
    member = CampaignMember.objects.filter(campaign=campaign, person=person).first()
    if member is not None:
        return member
    group_id = (
        Membership.objects.filter(person=person, unit=unit, ended_on__isnull=True)
        .values_list("group_id", flat=True)
        .first()
    )
    try:
        with transaction.atomic():
            member = CampaignMember.objects.create(
                campaign=campaign,
                person=person,
                unit=unit,
                unit_path=unit.path,
                rule=None,
                group_id=group_id,
                added_at=timezone.now(),
            )
    except IntegrityError:
        return CampaignMember.objects.get(campaign=campaign, person=person)
    _tally(member)
    if actor is not None:
        record_event(
            actor=actor,
            action="campaign.participant.add",
            target_type="person",
            target_id=person.pk,
            target_label=person.full_name,
            unit_path=unit.path,
            changes={"campaign": [None, campaign.slug]},
        )
    return member


@transaction.atomic
def move_member(*, member: CampaignMember, to_unit: Unit, reason: str = "", actor=None) -> CampaignMember:
    """Count ``member`` in ``to_unit`` from now on; their progress moves with them."""
    member = CampaignMember.objects.select_for_update().get(pk=member.pk)
    if member.unit_id == to_unit.pk:
        raise ValidationError({"to_unit": _("The member is already counted in that unit.")})
    scope_paths = list(member.campaign.units.values_list("path", flat=True))
    if not any(to_unit.path.startswith(p) for p in scope_paths):
        raise ValidationError({"to_unit": _("%(unit)s is outside the campaign.") % {"unit": to_unit.name}})
    _untally(member)
    MemberMove.objects.create(
        member=member,
        from_unit_id=member.unit_id,
        to_unit=to_unit,
        at=timezone.now(),
        by=actor if getattr(actor, "is_authenticated", False) else None,
        reason=nfc(reason)[:255],
    )
    member.unit = to_unit
    member.unit_path = to_unit.path
    member.save(update_fields=["unit", "unit_path"])
    _tally(member)
    return member


def follow_person_move(*, person: Person, from_unit: Unit, to_unit: Unit, actor=None) -> int:
    """Carry ``person`` to ``to_unit`` in every open campaign that counts them in ``from_unit``.

    Meant to run after ``people.actions.move_person`` commits. Campaigns
    whose scope does not include ``to_unit`` keep counting the person where
    they were (their population is frozen); a refresh settles it.
    """
    moved = 0
    members = CampaignMember.objects.filter(
        person=person, unit=from_unit, removed_at__isnull=True, campaign__status=Campaign.Status.OPEN
    ).select_related("campaign")
    for member in members:
        try:
            move_member(member=member, to_unit=to_unit, reason=_("Moved in the people registry"), actor=actor)
        except ValidationError:
            continue
        moved += 1
    return moved


# --- progress --------------------------------------------------------------------------


def _tally_key(member: CampaignMember) -> dict:
    return {
        "campaign_id": member.campaign_id,
        "unit_id": member.unit_id,
        "rule_id": member.rule_id,
        "group_id": member.group_id,
    }


def _member_counts(member: CampaignMember) -> dict[str, int]:
    return {
        "members": 1,
        "enrolled": int(member.enrolled_at is not None),
        "started": int(member.started_at is not None),
        "completed": int(member.completed_at is not None),
    }


def _bump(member: CampaignMember, deltas: dict[str, int]) -> None:
    deltas = {k: v for k, v in deltas.items() if v}
    if not deltas:
        return
    key = _tally_key(member)
    updates = {k: F(k) + v for k, v in deltas.items()}
    if MemberTally.objects.filter(**key).update(**updates):
        return
    # First member of this (unit, segment, group): create the row, or, if a
    # concurrent transaction just did, add to theirs.
    try:
        with transaction.atomic():
            MemberTally.objects.create(unit_path=member.unit_path, **key, **deltas)
    except IntegrityError:
        MemberTally.objects.filter(**key).update(**updates)


def _tally(member: CampaignMember) -> None:
    if member.removed_at is None:
        _bump(member, _member_counts(member))


def _untally(member: CampaignMember) -> None:
    if member.removed_at is None:
        _bump(member, {k: -v for k, v in _member_counts(member).items()})


def _tally_new_members(campaign: Campaign, person_ids: list[int]) -> None:
    """Add freshly inserted (progress-free) members to the tallies, one UPDATE per tally row."""
    if not person_ids:
        return
    counts = defaultdict(int)
    rows = CampaignMember.objects.filter(campaign=campaign, person_id__in=person_ids).values_list(
        "unit_id", "unit_path", "rule_id", "group_id"
    )
    for unit_id, unit_path, rule_id, group_id in rows.iterator(chunk_size=10_000):
        counts[(unit_id, unit_path, rule_id, group_id)] += 1
    for (unit_id, unit_path, rule_id, group_id), n in counts.items():
        probe = CampaignMember(
            campaign=campaign, unit_id=unit_id, unit_path=unit_path, rule_id=rule_id, group_id=group_id
        )
        _bump(probe, {"members": n})


@transaction.atomic
def rebuild_tallies(*, campaign: Campaign) -> int:
    """Recount every tally of ``campaign`` from its member rows; returns the number of tally rows.

    For bulk loads and repairs: it replaces the counts wholesale, so it holds
    the campaign row's lock and must not run while progress is being
    recorded for the campaign by code that bypasses that lock.
    """
    _lock(campaign)
    MemberTally.objects.filter(campaign=campaign).delete()
    rows = (
        CampaignMember.objects.filter(campaign=campaign, removed_at__isnull=True)
        .values("unit_id", "unit_path", "rule_id", "group_id")
        .annotate(
            n=Count("id"),
            e=Count("id", filter=Q(enrolled_at__isnull=False)),
            s=Count("id", filter=Q(started_at__isnull=False)),
            c=Count("id", filter=Q(completed_at__isnull=False)),
        )
        .order_by()
    )
    return insert_rows(
        MemberTally,
        ("campaign_id", "unit_id", "unit_path", "rule_id", "group_id", "members", "enrolled", "started", "completed"),
        (
            (campaign.pk, r["unit_id"], r["unit_path"], r["rule_id"], r["group_id"], r["n"], r["e"], r["s"], r["c"])
            for r in list(rows)
        ),
    )


def tallies_match_members(campaign: Campaign) -> bool:
    """True when every tally equals a fresh count over the member rows (for checks and tests)."""
    fresh = {
        (r["unit_id"], r["rule_id"], r["group_id"]): (r["n"], r["e"], r["s"], r["c"])
        for r in CampaignMember.objects.filter(campaign=campaign, removed_at__isnull=True)
        .values("unit_id", "rule_id", "group_id")
        .annotate(
            n=Count("id"),
            e=Count("id", filter=Q(enrolled_at__isnull=False)),
            s=Count("id", filter=Q(started_at__isnull=False)),
            c=Count("id", filter=Q(completed_at__isnull=False)),
        )
        .order_by()
    }
    kept = {
        (t["unit_id"], t["rule_id"], t["group_id"]): (t["members"], t["enrolled"], t["started"], t["completed"])
        for t in MemberTally.objects.filter(campaign=campaign).values("unit_id", "rule_id", "group_id", *TALLY_FIELDS)
        if any(t[f] for f in TALLY_FIELDS)
    }
    return fresh == kept


@transaction.atomic
def record_progress(
    *,
    member: CampaignMember,
    enrolled_at: dt.datetime | None = None,
    started_at: dt.datetime | None = None,
    completed_at: dt.datetime | None = None,
    courses_completed: int | None = None,
) -> CampaignMember:
    """Move ``member`` forward: enrolled, started, completed (each set once, never unset).

    Starting implies enrolment and completing implies both, so a learner who
    completes in one go is counted at every stage.
    """
    member = CampaignMember.objects.select_for_update().get(pk=member.pk)
    if completed_at is not None:
        started_at = min(filter(None, [started_at, completed_at]))
    if started_at is not None:
        enrolled_at = min(filter(None, [enrolled_at, started_at]))
    changed, deltas = [], {}
    for field, counter, value in (
        ("enrolled_at", "enrolled", enrolled_at),
        ("started_at", "started", started_at),
        ("completed_at", "completed", completed_at),
    ):
        if value is not None and getattr(member, field) is None:
            setattr(member, field, value)
            changed.append(field)
            deltas[counter] = 1
    if courses_completed is not None and courses_completed > member.courses_completed:
        member.courses_completed = courses_completed
        changed.append("courses_completed")
    if not changed:
        return member
    member.save(update_fields=changed)
    if member.removed_at is None:
        _bump(member, deltas)
    return member


def _summarise(progress: dict, required: int) -> dict:
    """One person's per-course progress -> the member's summary (earliest times, completion time)."""
    enrolled = [p.enrolled_at for p in progress.values() if p.enrolled_at]
    started = [p.started_at for p in progress.values() if p.started_at]
    completions = sorted(p.completed_at for p in progress.values() if p.completed_at)
    return {
        "enrolled_at": min(enrolled) if enrolled else None,
        "started_at": min(started) if started else None,
        # Complete at the moment the required-th course was completed.
        "completed_at": completions[required - 1] if required and len(completions) >= required else None,
        "courses_completed": len(completions),
    }


def sync_progress(*, campaign: Campaign, person_ids: Iterable[int] | None = None) -> int:
    """Pull progress from the learning records for (some of) the members; returns members moved forward.

    Idempotent and safe to run at any time: each member is updated in its
    own short transaction through ``record_progress``.
    """
    course_ids = list(campaign.courses.values_list("course_id", flat=True))
    if not course_ids:
        return 0
    required = _required_courses(campaign)
    members = CampaignMember.objects.filter(campaign=campaign)
    if person_ids is not None:
        members = members.filter(person_id__in=list(person_ids))
    rows = members.values_list("id", "person_id", "enrolled_at", "started_at", "completed_at", "courses_completed")
    moved = 0
    chunk: list[tuple] = []

    def flush():
        nonlocal moved
        progress = learning_bridge.progress_for([r[1] for r in chunk], course_ids)
        for member_id, person_id, enrolled_at, started_at, completed_at, done in chunk:
            mine = progress.get(person_id)
            if not mine:
                continue
            summary = _summarise(mine, required)
            if (
                (summary["enrolled_at"] and not enrolled_at)
                or (summary["started_at"] and not started_at)
                or (summary["completed_at"] and not completed_at)
                or summary["courses_completed"] > done
            ):
                record_progress(member=CampaignMember(pk=member_id), **summary)
                moved += 1

    for row in rows.iterator(chunk_size=2_000):
        chunk.append(row)
        if len(chunk) >= 2_000:
            flush()
            chunk = []
    if chunk:
        flush()
    return moved


def on_learning_progress(*, person_id: int, course_id: int) -> None:
    """Entry point for the learning app: a person's progress in a course changed (call on commit).

    One query when no open campaign counts the person for that course, which
    is the common case for most lessons viewed.
    """
    campaigns = Campaign.objects.filter(
        status=Campaign.Status.OPEN, courses__course_id=course_id, members__person_id=person_id
    ).distinct()
    for campaign in campaigns:
        sync_progress(campaign=campaign, person_ids=[person_id])


def new_qr_secret() -> str:
    return secrets.token_urlsafe(16)


def units_in_scope_q(campaign: Campaign, field: str = "unit_path") -> Q:
    q = Q(pk__in=[])
    for path in campaign.units.values_list("path", flat=True):
        q |= subtree_q(path, field)
    return q


# --- classes ---------------------------------------------------------------------------------

# Sessions of one instructor at two different venues must leave this much
# time to travel between them (the Gia Lai team drove between 11 venues).
TRAVEL_MINUTES = 60
# Learners may scan a session's QR code from this long before it starts.
CHECK_IN_EARLY_MINUTES = 15


def _scope_check(campaign: Campaign, units: list[Unit], field: str) -> None:
    paths = list(campaign.units.values_list("path", flat=True))
    outside = [u for u in units if not any(u.path.startswith(p) for p in paths)]
    if outside:
        raise ValidationError(
            {field: _("%(units)s outside the campaign.") % {"units": ", ".join(u.name for u in outside)}}
        )


@transaction.atomic
def create_venue(*, unit: Unit, name: str, address: str = "", capacity: int | None = None, actor=None) -> Venue:
    name = nfc(name)
    if not name:
        raise ValidationError({"name": _("Give the venue a name.")})
    return Venue.objects.create(unit=unit, name=name, address=nfc(address), capacity=capacity)


@transaction.atomic
def create_class(
    *,
    campaign: Campaign,
    code: str,
    name: str,
    units: list[Unit],
    min_learners: int = 30,
    max_learners: int = 40,
    instructors: Iterable = (),
    actor=None,
) -> TrainingClass:
    code, name = nfc(code), nfc(name)
    if not code or not name:
        raise ValidationError({"code": _("Give the class a code and a name.")})
    if not units:
        raise ValidationError({"units": _("Choose the units the class serves.")})
    _scope_check(campaign, units, "units")
    if not 0 < min_learners <= max_learners:
        raise ValidationError({"max_learners": _("The most learners must be at least the fewest, and above 0.")})
    if TrainingClass.objects.filter(campaign=campaign, code=code).exists():
        raise ValidationError({"code": _("The campaign already has a class %(code)s.") % {"code": code}})
    klass = TrainingClass.objects.create(
        campaign=campaign, code=code, name=name, min_learners=min_learners, max_learners=max_learners
    )
    klass.units.set(units)
    klass.instructors.set(list(instructors))
    _event(actor, "campaign.class.create", campaign, {"class": [None, code]})
    return klass


def _overlapping(starts_at: dt.datetime, ends_at: dt.datetime, margin: dt.timedelta = dt.timedelta(0)):
    return ClassSession.objects.filter(starts_at__lt=ends_at + margin, ends_at__gt=starts_at - margin)


def _clash_text(session: ClassSession) -> str:
    local = timezone.localtime(session.starts_at)
    return _("%(klass)s on %(day)s at %(time)s (%(venue)s)") % {
        "klass": session.klass.name,
        "day": local.strftime("%d/%m/%Y"),
        "time": local.strftime("%H:%M"),
        "venue": session.venue.name,
    }


@transaction.atomic
def add_session(
    *,
    klass: TrainingClass,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    venue: Venue,
    instructors: Iterable = (),
    title: str = "",
    actor=None,
) -> ClassSession:
    """Schedule a session, refusing to double-book its venue or any of its instructors.

    The venue's row and the instructors' rows are locked first (always in id
    order), so two people scheduling at once cannot both pass the check.
    """
    from accounts.models import User

    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A session must end after it starts.")})
    instructors = list(instructors) or list(klass.instructors.all())
    Venue.objects.select_for_update().filter(pk=venue.pk).first()
    list(User.objects.select_for_update().filter(pk__in=[u.pk for u in instructors]).order_by("pk"))
    clash = _overlapping(starts_at, ends_at).filter(venue=venue).select_related("klass", "venue").first()
    if clash:
        raise ValidationError(
            {
                "venue": _("%(venue)s is already booked then: %(clash)s.")
                % {"venue": venue.name, "clash": _clash_text(clash)}
            }
        )
    travel = dt.timedelta(minutes=TRAVEL_MINUTES)
    for user in instructors:
        clash = _overlapping(starts_at, ends_at).filter(instructors=user).select_related("klass", "venue").first()
        if clash is None:
            # Back-to-back at another venue leaves no time to travel.
            clash = (
                _overlapping(starts_at, ends_at, travel)
                .filter(instructors=user)
                .exclude(venue=venue)
                .select_related("klass", "venue")
                .first()
            )
        if clash:
            raise ValidationError(
                {
                    "instructors": _("%(name)s is teaching then (or has no time to travel): %(clash)s.")
                    % {"name": user.get_full_name() or user.username, "clash": _clash_text(clash)}
                }
            )
    session = ClassSession.objects.create(
        klass=klass, title=nfc(title), starts_at=starts_at, ends_at=ends_at, venue=venue, qr_secret=new_qr_secret()
    )
    session.instructors.set(instructors)
    return session


def plan_tour(
    *,
    classes: list[TrainingClass],
    venues: dict[int, Venue],
    instructors: list,
    first_day: dt.date,
    last_day: dt.date,
    sessions_per_class: int,
    slots: tuple[tuple[dt.time, dt.time], ...] = ((dt.time(8, 0), dt.time(11, 30)), (dt.time(13, 30), dt.time(17, 0))),
    titles: tuple[str, ...] = (),
    weekdays_only: bool = True,
    actor=None,
) -> list[ClassSession]:
    """Schedule a travelling team through its classes: each class's sessions on consecutive free slots.

    Classes are taken in order; every session goes to the earliest slot from
    ``first_day`` where the class's venue and the whole team are free (the
    same checks as ``add_session``, travel time included), one session of a
    class per day at most. All or nothing: if the period is too short, no
    session is written and the error says which class did not fit.
    """
    tz = timezone.get_current_timezone()
    made: list[ClassSession] = []
    with transaction.atomic():
        for klass in classes:
            venue = venues[klass.pk]
            day = first_day
            for n in range(sessions_per_class):
                placed = False
                while day <= last_day and not placed:
                    if weekdays_only and day.weekday() >= 5:
                        day += dt.timedelta(days=1)
                        continue
                    for start, end in slots:
                        try:
                            with transaction.atomic():
                                made.append(
                                    add_session(
                                        klass=klass,
                                        starts_at=dt.datetime.combine(day, start, tzinfo=tz),
                                        ends_at=dt.datetime.combine(day, end, tzinfo=tz),
                                        venue=venue,
                                        instructors=instructors,
                                        title=titles[n] if n < len(titles) else "",
                                        actor=actor,
                                    )
                                )
                        except ValidationError:
                            continue
                        placed = True
                        break
                    day += dt.timedelta(days=1)
                if not placed:
                    raise ValidationError(
                        _("%(klass)s does not fit between %(first)s and %(last)s.")
                        % {
                            "klass": klass.name,
                            "first": first_day.strftime("%d/%m/%Y"),
                            "last": last_day.strftime("%d/%m/%Y"),
                        }
                    )
    return made


class EnrolResult:
    def __init__(self):
        self.enrolled: list[CampaignMember] = []
        self.skipped: list[tuple[CampaignMember, str]] = []


def _class_paths(klass: TrainingClass) -> list[str]:
    return list(klass.units.values_list("path", flat=True))


def _current_learners(klass: TrainingClass) -> int:
    return ClassEnrolment.objects.filter(klass=klass, left_at__isnull=True).count()


def _enrol_in_courses(member: CampaignMember, actor, now: dt.datetime) -> None:
    for course_id in member.campaign.courses.values_list("course_id", flat=True):
        learning_bridge.enrol(member.person, course_id, actor=actor)
    record_progress(member=member, enrolled_at=now)


@transaction.atomic
def enrol_members(*, klass: TrainingClass, members: Iterable[CampaignMember], method: str, actor=None) -> EnrolResult:
    """Put members of the campaign into ``klass`` and enrol them in the campaign's courses.

    Members already in a class of the campaign are skipped (move them
    instead); members outside the class's units are refused, and so is a
    batch that would take the class over its most learners.
    """
    TrainingClass.objects.select_for_update().filter(pk=klass.pk).first()
    members = list(members)
    paths = _class_paths(klass)
    outside = [m for m in members if not any(m.unit_path.startswith(p) for p in paths)]
    if outside:
        raise ValidationError(
            _("%(names)s not counted in the units this class serves.")
            % {"names": ", ".join(m.person.full_name for m in outside[:5])}
        )
    result = EnrolResult()
    taken = set(
        ClassEnrolment.objects.filter(member__in=members, left_at__isnull=True).values_list("member_id", flat=True)
    )
    fresh = []
    for m in members:
        if m.campaign_id != klass.campaign_id or m.removed_at is not None:
            result.skipped.append((m, _("not in this campaign's population")))
        elif m.pk in taken:
            result.skipped.append((m, _("already in a class; move them instead")))
        else:
            fresh.append(m)
    room = klass.max_learners - _current_learners(klass)
    if len(fresh) > room:
        raise ValidationError(
            _("%(klass)s has room for %(room)s more learners; %(n)s were chosen.")
            % {"klass": klass.name, "room": max(room, 0), "n": len(fresh)}
        )
    now = timezone.now()
    by = actor if getattr(actor, "is_authenticated", False) else None
    for m in fresh:
        ClassEnrolment.objects.create(klass=klass, member=m, method=method, enrolled_at=now, enrolled_by=by)
        _enrol_in_courses(m, actor, now)
        result.enrolled.append(m)
    if result.enrolled:
        _event(
            actor,
            "campaign.class.enrol",
            klass.campaign,
            {"class": [None, klass.code], "learners": [None, len(result.enrolled)]},
        )
    return result


def _unplaced_members(klass: TrainingClass):
    where = Q(pk__in=[])
    for p in _class_paths(klass):
        where |= subtree_q(p, "unit_path")
    current = ClassEnrolment.objects.filter(member=models.OuterRef("pk"), left_at__isnull=True)
    return (
        CampaignMember.objects.filter(where, campaign_id=klass.campaign_id, removed_at__isnull=True)
        .exclude(models.Exists(current))
        .select_related("person", "campaign")
    )


@transaction.atomic
def enrol_by_rule(
    *, klass: TrainingClass, rule: PopulationRule | None = None, group: PersonGroup | None = None, actor=None
) -> EnrolResult:
    """Fill the class up to its most learners from the not-yet-placed members of its units.

    Target members first, by unit and then in name order, so a rerun after
    people leave fills the gaps in the same order.
    """
    TrainingClass.objects.select_for_update().filter(pk=klass.pk).first()
    qs = _unplaced_members(klass).filter(rule__isnull=False)
    if rule is not None:
        qs = qs.filter(rule=rule)
    if group is not None:
        qs = qs.filter(group=group)
    room = klass.max_learners - _current_learners(klass)
    chosen = list(qs.order_by("unit_path", ViCollate("person__sort_name"), "id")[: max(room, 0)])
    return enrol_members(klass=klass, members=chosen, method=ClassEnrolment.Method.RULE, actor=actor)


ROSTER_HEADERS = {
    "cccd": ("so cccd", "cccd", "can cuoc cong dan", "so can cuoc", "so dinh danh"),
    "phone": ("so dien thoai", "dien thoai", "sdt"),
    "name": ("ho va ten", "ho ten", "ten"),
}


class RosterProblem(ValidationError):
    """A roster that cannot be enrolled; ``problems`` lists (row, reason) for every bad row."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        super().__init__([f"{_('Row')} {row}: {reason}" for row, reason in problems])


def _roster_column(headers: list[str], names: tuple[str, ...]) -> int | None:
    from hocvuso.lib.spreadsheet import header_key

    keys = [header_key(h) for h in headers]
    for name in names:
        if name in keys:
            return keys.index(name)
    return None


@transaction.atomic
def enrol_from_roster(*, klass: TrainingClass, upload, filename: str = "", actor=None) -> EnrolResult:
    """Enrol the people a roster file lists, matched to the campaign's members by CCCD, phone or full name.

    All or nothing: any row that matches nobody, several people, someone
    outside the class's units or already in another class stops the import,
    and ``RosterProblem`` lists every such row with its reason.
    """
    from hocvuso.lib.cccd import CCCDError, normalise_cccd
    from hocvuso.lib.phone import PhoneError, normalise_phone
    from hocvuso.lib.spreadsheet import SpreadsheetError, cell_text, read_table
    from hocvuso.lib.text import fold

    known = [h for names in ROSTER_HEADERS.values() for h in names]
    try:
        table = read_table(upload, filename=filename or None, known_headers=known)
    except SpreadsheetError as exc:
        raise ValidationError({"file": str(exc)}) from None
    with table:
        cols = {k: _roster_column(table.headers, v) for k, v in ROSTER_HEADERS.items()}
        if all(c is None for c in cols.values()):
            raise ValidationError({"file": _("The roster needs a column “Số CCCD”, “Số điện thoại” or “Họ và tên”.")})
        wanted: list[tuple[int, str, str]] = []
        problems: list[tuple[int, str]] = []
        for row in table.rows:

            def cell(key, row=row):
                i = cols[key]
                return cell_text(row.cells[i]) if i is not None and i < len(row.cells) else ""

            raw_cccd, raw_phone, name = cell("cccd"), cell("phone"), cell("name")
            if raw_cccd:
                try:
                    wanted.append((row.number, "cccd", normalise_cccd(raw_cccd)))
                except CCCDError as exc:
                    problems.append((row.number, str(exc)))
            elif raw_phone:
                try:
                    wanted.append((row.number, "phone", normalise_phone(raw_phone)))
                except PhoneError as exc:
                    problems.append((row.number, str(exc)))
            elif name:
                wanted.append((row.number, "name", fold(name)))
            else:
                problems.append((row.number, _("no CCCD, phone or name")))
    members = CampaignMember.objects.filter(campaign=klass.campaign, removed_at__isnull=True).select_related(
        "person", "campaign"
    )
    by_field = {"cccd": "person__cccd", "phone": "person__phone", "name": "person__search_name"}
    matches: dict[tuple[str, str], list[CampaignMember]] = defaultdict(list)
    for kind in ("cccd", "phone", "name"):
        values = [v for _n, k, v in wanted if k == kind]
        if values:
            for m in members.filter(**{f"{by_field[kind]}__in": values}):
                matches[(kind, getattr(m.person, by_field[kind].split("__")[1]))].append(m)
    paths = _class_paths(klass)
    taken = set(
        ClassEnrolment.objects.filter(member__campaign=klass.campaign, left_at__isnull=True).values_list(
            "member_id", flat=True
        )
    )
    chosen: dict[int, CampaignMember] = {}
    for number, kind, value in wanted:
        found = matches.get((kind, value), [])
        if not found:
            problems.append((number, _("matches nobody in the campaign's population")))
        elif len(found) > 1:
            problems.append((number, _("matches %(n)s people; give the CCCD") % {"n": len(found)}))
        elif not any(found[0].unit_path.startswith(p) for p in paths):
            problems.append(
                (
                    number,
                    _("%(name)s is not counted in the units this class serves") % {"name": found[0].person.full_name},
                )
            )
        elif found[0].pk in taken:
            problems.append((number, _("%(name)s is already in a class") % {"name": found[0].person.full_name}))
        elif found[0].pk in chosen:
            problems.append((number, _("%(name)s is listed twice") % {"name": found[0].person.full_name}))
        else:
            chosen[found[0].pk] = found[0]
    if problems:
        raise RosterProblem(sorted(problems))
    if not chosen:
        raise ValidationError({"file": _("The roster lists nobody.")})
    return enrol_members(klass=klass, members=list(chosen.values()), method=ClassEnrolment.Method.ROSTER, actor=actor)


@transaction.atomic
def move_learner(*, enrolment: ClassEnrolment, to_class: TrainingClass, actor=None) -> ClassEnrolment:
    """Move a learner to another class of the campaign; their attendance so far stays on record."""
    enrolment = ClassEnrolment.objects.select_for_update().select_related("member", "klass").get(pk=enrolment.pk)
    if enrolment.left_at is not None:
        raise ValidationError(_("This learner already left the class."))
    if to_class.campaign_id != enrolment.klass.campaign_id or to_class.pk == enrolment.klass_id:
        raise ValidationError({"to_class": _("Choose another class of the same campaign.")})
    TrainingClass.objects.select_for_update().filter(pk=to_class.pk).first()
    if _current_learners(to_class) >= to_class.max_learners:
        raise ValidationError({"to_class": _("%(klass)s is full.") % {"klass": to_class.name}})
    member = enrolment.member
    if not any(member.unit_path.startswith(p) for p in _class_paths(to_class)):
        raise ValidationError(
            {"to_class": _("%(klass)s does not serve the learner's unit.") % {"klass": to_class.name}}
        )
    now = timezone.now()
    enrolment.left_at = now
    enrolment.save(update_fields=["left_at"])
    new = ClassEnrolment.objects.create(
        klass=to_class,
        member=member,
        method=ClassEnrolment.Method.MOVED,
        enrolled_at=now,
        enrolled_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    enrolment.moved_to = new
    enrolment.save(update_fields=["moved_to"])
    return new


@transaction.atomic
def withdraw_learner(*, enrolment: ClassEnrolment, actor=None) -> ClassEnrolment:
    enrolment = ClassEnrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.left_at is None:
        enrolment.left_at = timezone.now()
        enrolment.save(update_fields=["left_at"])
    return enrolment


@transaction.atomic
def record_attendance(*, session: ClassSession, present: Iterable[int], actor=None) -> int:
    """The instructor's roster: ``present`` are member ids; every other current learner is marked absent.

    Check-ins by QR code already recorded stay present. Returns how many were present.
    """
    present = set(present)
    learners = set(
        ClassEnrolment.objects.filter(klass=session.klass, left_at__isnull=True).values_list("member_id", flat=True)
    )
    unknown = present - learners
    if unknown:
        raise ValidationError(_("Only learners of this class can be marked present."))
    existing = {a.member_id: a for a in Attendance.objects.select_for_update().filter(session=session)}
    now = timezone.now()
    by = actor if getattr(actor, "is_authenticated", False) else None
    newly_present = []
    for member_id in learners:
        is_present = member_id in present
        row = existing.get(member_id)
        if row is None:
            Attendance.objects.create(
                session=session,
                member_id=member_id,
                present=is_present,
                method=Attendance.Method.ROSTER,
                recorded_at=now,
                recorded_by=by,
            )
        elif row.method == Attendance.Method.QR and row.present:
            continue
        elif row.present != is_present:
            row.present, row.method, row.recorded_at, row.recorded_by = is_present, Attendance.Method.ROSTER, now, by
            row.save(update_fields=["present", "method", "recorded_at", "recorded_by"])
        else:
            continue
        if is_present:
            newly_present.append(member_id)
    _tell_learning_of_attendance(session, newly_present)
    return Attendance.objects.filter(session=session, present=True).count()


def _tell_learning_of_attendance(session: ClassSession, member_ids: list[int]) -> None:
    """After commit, record "attended" in the learning records of the campaign's courses."""
    if not member_ids:
        return
    campaign_id = session.klass.campaign_id
    course_ids = list(CampaignCourse.objects.filter(campaign_id=campaign_id).values_list("course_id", flat=True))
    if not course_ids:
        return
    key = f"{session.klass.campaign.slug}/{session.pk}"

    def notify():
        for member in CampaignMember.objects.filter(pk__in=member_ids).select_related("person"):
            learning_bridge.record_attendance(member.person, course_ids, key, session.starts_at)

    transaction.on_commit(notify)


def qr_token(session: ClassSession) -> str:
    return f"{session.pk}-{session.qr_secret}"


@transaction.atomic
def check_in(*, token: str, person, now: dt.datetime | None = None) -> Attendance:
    """A learner scanned a session's QR code: present, if the code is right and the session is on."""
    now = now or timezone.now()
    session_id, _sep, secret = token.partition("-")
    session = ClassSession.objects.select_related("klass").filter(pk=session_id if session_id.isdigit() else 0).first()
    if session is None or not secrets.compare_digest(session.qr_secret, secret):
        raise ValidationError(_("This QR code is not valid. Ask the instructor for the current one."))
    opens = session.starts_at - dt.timedelta(minutes=CHECK_IN_EARLY_MINUTES)
    if not opens <= now <= session.ends_at:
        raise ValidationError(
            _("This QR code works only during the session (%(start)s–%(end)s on %(day)s).")
            % {
                "start": timezone.localtime(session.starts_at).strftime("%H:%M"),
                "end": timezone.localtime(session.ends_at).strftime("%H:%M"),
                "day": timezone.localtime(session.starts_at).strftime("%d/%m/%Y"),
            }
        )
    if person is None:
        raise ValidationError(_("Your account is not linked to a learner; ask the instructor to mark you present."))
    enrolment = ClassEnrolment.objects.filter(klass=session.klass, member__person=person, left_at__isnull=True).first()
    if enrolment is None:
        raise ValidationError(_("You are not a learner of %(klass)s.") % {"klass": session.klass.name})
    row, created = Attendance.objects.select_for_update().get_or_create(
        session=session,
        member_id=enrolment.member_id,
        defaults={"present": True, "method": Attendance.Method.QR, "recorded_at": now},
    )
    if not created and not row.present:
        row.present, row.method, row.recorded_at, row.recorded_by = True, Attendance.Method.QR, now, None
        row.save(update_fields=["present", "method", "recorded_at", "recorded_by"])
        created = True
    if created:
        _tell_learning_of_attendance(session, [enrolment.member_id])
    return row


@transaction.atomic
def renew_qr(*, session: ClassSession) -> ClassSession:
    session.qr_secret = new_qr_secret()
    session.save(update_fields=["qr_secret"])
    return session


# --- contests ---------------------------------------------------------------------------------


@transaction.atomic
def create_contest(
    *,
    campaign: Campaign,
    name: str,
    slug: str,
    starts_on: dt.date,
    ends_on: dt.date,
    points_per_lesson: int = 1,
    points_per_quiz: int = 2,
    points_per_entry: int = 5,
    points_per_attendance: int = 1,
    judges: Iterable = (),
    criteria: Iterable[tuple[str, int]] = (),
    actor=None,
) -> Contest:
    name = nfc(name)
    slug = slugify_vi(slug or name)[:80].strip("-")
    if not name or not slug:
        raise ValidationError({"name": _("Give the contest a name.")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The contest cannot end before it starts.")})
    if Contest.objects.filter(campaign=campaign, slug=slug).exists():
        raise ValidationError({"slug": _("The campaign already has a contest “%(slug)s”.") % {"slug": slug}})
    contest = Contest.objects.create(
        campaign=campaign,
        name=name,
        slug=slug,
        starts_on=starts_on,
        ends_on=ends_on,
        points_per_lesson=points_per_lesson,
        points_per_quiz=points_per_quiz,
        points_per_entry=points_per_entry,
        points_per_attendance=points_per_attendance,
    )
    contest.judges.set(list(judges))
    RubricCriterion.objects.bulk_create(
        RubricCriterion(contest=contest, name=nfc(n), max_points=m, sort_order=i) for i, (n, m) in enumerate(criteria)
    )
    _event(actor, "campaign.contest.create", campaign, {"contest": [None, slug]})
    return contest


def _contest_window(contest: Contest) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(contest.starts_on, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(contest.ends_on + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return since, until


def recompute_scores(*, contest: Contest, member_ids: Iterable[int] | None = None) -> int:
    """Recount the points of (some of) the contest's members from the records; returns rows written.

    Points = lessons completed, quizzes passed (learning records), entries
    submitted and sessions attended within the contest's dates, each times
    the contest's weight. Members without any activity get no row (they
    count as 0 in leaderboards).
    """
    since, until = _contest_window(contest)
    course_ids = list(contest.campaign.courses.values_list("course_id", flat=True))
    members = CampaignMember.objects.filter(campaign=contest.campaign, removed_at__isnull=True)
    if member_ids is not None:
        members = members.filter(pk__in=list(member_ids))
    written = 0
    rows = list(members.values_list("id", "person_id", "unit_path"))
    for i in range(0, len(rows), 2_000):
        chunk = rows[i : i + 2_000]
        ids = [r[0] for r in chunk]
        activity = learning_bridge.activity_counts([r[1] for r in chunk], course_ids, since, until)
        entries = dict(
            Entry.objects.filter(
                contest=contest,
                member_id__in=ids,
                withdrawn_at__isnull=True,
                submitted_at__gte=since,
                submitted_at__lt=until,
            )
            .values("member_id")
            .annotate(n=Count("id"))
            .order_by()
            .values_list("member_id", "n")
        )
        attended = dict(
            Attendance.objects.filter(
                member_id__in=ids, present=True, session__starts_at__gte=since, session__starts_at__lt=until
            )
            .values("member_id")
            .annotate(n=Count("id"))
            .order_by()
            .values_list("member_id", "n")
        )
        with transaction.atomic():
            ContestScore.objects.filter(contest=contest, member_id__in=ids).delete()
            scores = []
            for member_id, person_id, unit_path in chunk:
                lessons, quizzes = activity.get(person_id, (0, 0))
                n_entries, n_attended = entries.get(member_id, 0), attended.get(member_id, 0)
                points = (
                    lessons * contest.points_per_lesson
                    + quizzes * contest.points_per_quiz
                    + n_entries * contest.points_per_entry
                    + n_attended * contest.points_per_attendance
                )
                if points:
                    scores.append(
                        ContestScore(
                            contest=contest,
                            member_id=member_id,
                            unit_path=unit_path,
                            lessons=lessons,
                            quizzes=quizzes,
                            entries=n_entries,
                            attendance=n_attended,
                            points=points,
                        )
                    )
            ContestScore.objects.bulk_create(scores, batch_size=_BULK)
            written += len(scores)
    Contest.objects.filter(pk=contest.pk).update(scores_updated_at=timezone.now())
    return written


@transaction.atomic
def submit_entry(
    *, contest: Contest, member: CampaignMember, kind: str, title: str, url: str = "", text: str = "", actor=None
) -> Entry:
    today = timezone.localdate()
    if not contest.starts_on <= today <= contest.ends_on:
        raise ValidationError(
            _("Entries are accepted from %(first)s to %(last)s.")
            % {"first": contest.starts_on.strftime("%d/%m/%Y"), "last": contest.ends_on.strftime("%d/%m/%Y")}
        )
    if member.campaign_id != contest.campaign_id or member.removed_at is not None:
        raise ValidationError(_("Only people counted by the campaign can enter its contest."))
    title = nfc(title)
    if not title:
        raise ValidationError({"title": _("Give the entry a title.")})
    if kind not in Entry.Kind.values:
        raise ValidationError({"kind": _("Choose what kind of entry this is.")})
    if not url and not text:
        raise ValidationError(_("Give a link or write the entry out."))
    entry = Entry.objects.create(
        contest=contest, member=member, kind=kind, title=title, url=url, text=nfc(text), submitted_at=timezone.now()
    )
    transaction.on_commit(lambda: recompute_scores(contest=contest, member_ids=[member.pk]))
    return entry


@transaction.atomic
def score_entry(*, entry: Entry, judge, points: dict[int, int]) -> Entry:
    """A juror's rubric scores for an entry (criterion id -> points); the entry's score is the jurors' average."""
    contest = entry.contest
    if not contest.judges.filter(pk=judge.pk).exists():
        raise ValidationError(_("Only the contest's jury can score entries."))
    criteria = {c.pk: c for c in contest.criteria.all()}
    missing = [c.name for pk, c in criteria.items() if pk not in points]
    if missing:
        raise ValidationError(_("Score every criterion: %(names)s.") % {"names": ", ".join(missing)})
    for pk, value in points.items():
        criterion = criteria.get(pk)
        if criterion is None:
            raise ValidationError(_("Unknown criterion."))
        if not 0 <= value <= criterion.max_points:
            raise ValidationError(
                {
                    str(pk): _("%(name)s takes 0 to %(max)s points.")
                    % {"name": criterion.name, "max": criterion.max_points}
                }
            )
    now = timezone.now()
    for pk, value in points.items():
        EntryScore.objects.update_or_create(
            entry=entry, judge=judge, criterion_id=pk, defaults={"points": value, "scored_at": now}
        )
    per_judge = (
        EntryScore.objects.filter(entry=entry).values("judge_id").annotate(total=models.Sum("points")).order_by()
    )
    totals = [r["total"] for r in per_judge]
    entry.jury_score = (Decimal(sum(totals)) / len(totals)).quantize(Decimal("0.01")) if totals else None
    entry.save(update_fields=["jury_score"])
    return entry


@transaction.atomic
def add_award(
    *,
    contest: Contest,
    category: str,
    prize: str,
    member: CampaignMember | None = None,
    unit: Unit | None = None,
    entry: Entry | None = None,
    reason: str = "",
    actor=None,
) -> Award:
    prize = nfc(prize)
    if not prize:
        raise ValidationError({"prize": _("Name the prize.")})
    if category == Award.Category.INDIVIDUAL:
        if member is None or member.campaign_id != contest.campaign_id:
            raise ValidationError(_("An individual award goes to a person counted by the campaign."))
        if Award.objects.filter(contest=contest, member=member).exists():
            raise ValidationError(_("%(name)s already has an award.") % {"name": member.person.full_name})
        unit = None
    elif category == Award.Category.COLLECTIVE:
        if unit is None:
            raise ValidationError(_("A collective award goes to a unit."))
        _scope_check(contest.campaign, [unit], "unit")
        if Award.objects.filter(contest=contest, unit=unit).exists():
            raise ValidationError(_("%(name)s already has an award.") % {"name": unit.name})
        member = None
    else:
        raise ValidationError({"category": _("Choose individual or collective.")})
    rank = (Award.objects.filter(contest=contest, category=category).aggregate(m=models.Max("rank"))["m"] or 0) + 1
    award = Award.objects.create(
        contest=contest,
        category=category,
        prize=prize,
        rank=rank,
        member=member,
        unit=unit,
        entry=entry,
        reason=nfc(reason),
    )
    _event(actor, "campaign.contest.award", contest.campaign, {"award": [None, f"{prize}: {member or unit}"]})
    return award


@transaction.atomic
def remove_award(*, award: Award, actor=None) -> None:
    _event(actor, "campaign.contest.award.remove", award.contest.campaign, {"award": [award.prize, None]})
    award.delete()
