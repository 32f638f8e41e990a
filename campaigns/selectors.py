"""Reads of campaigns for pages: which campaigns a user sees, where their dashboard starts.

A campaign is visible to a user whose scope overlaps one of its units (the
unit is inside the scope, or the scope inside the unit); the whole-campaign
view needs a scope that covers all its units. Everything else about a
user's reach is decided by ``accounts.access``.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts import access
from accounts.access import Perm
from campaigns.models import (
    Attendance,
    Campaign,
    CampaignMember,
    ClassEnrolment,
    ClassSession,
    Contest,
    TrainingClass,
    Venue,
)
from hocvuso.db import ViCollate, subtree_q, subtrees_q
from org.models import Unit


def ancestor_paths(path: str) -> list[str]:
    """ "/1/2/3/" -> ["/1/", "/1/2/", "/1/2/3/"] (with real zero-padded segments)."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def visible_campaigns(user, perm: Perm = Perm.VIEW) -> QuerySet[Campaign]:
    scope = access.scope(user, perm)
    if scope.everything:
        return Campaign.objects.all()
    if scope.empty:
        return Campaign.objects.none()
    # Units in the scope (former ones through their heir path) or above it.
    q = scope.unit_q("path")
    for path in scope.paths:
        q |= Q(path__in=ancestor_paths(path))
    overlapping = Campaign.units.through.objects.filter(campaign_id=OuterRef("pk"), unit__in=Unit.objects.filter(q))
    return Campaign.objects.filter(Exists(overlapping))


def get_campaign(user, slug: str, perm: Perm = Perm.VIEW) -> Campaign:
    try:
        return visible_campaigns(user, perm).select_related("organiser").get(slug=slug)
    except Campaign.DoesNotExist:
        raise Http404 from None


def can_manage(user, campaign: Campaign) -> bool:
    """Managing a campaign (rules, targets, classes, contests) takes MANAGE_PEOPLE over its organiser."""
    scope = access.scope(user, Perm.MANAGE_PEOPLE)
    if campaign.organiser_id is None:
        return scope.everything
    return scope.covers_unit(campaign.organiser)


def campaign_paths(campaign: Campaign) -> list[str]:
    return list(campaign.units.values_list("path", flat=True))


def can_see_whole(user, campaign: Campaign) -> bool:
    scope = access.scope(user, Perm.VIEW)
    # A campaign on former units is whole for whoever holds their history.
    return all(scope.covers_unit(u) for u in campaign.units.values("path", "heir_path"))


def holds_unit(campaign: Campaign, unit: Unit, paths: list[str] | None = None) -> bool:
    """Has ``unit`` a dashboard in ``campaign``: is it inside a unit of the campaign, or some of the campaign in it?

    "In it" as ``accounts.access`` reaches: by path, or by the heir path of
    the former units the campaign counts (a campaign on the former Đan
    Phượng district lies in today's Hà Nội, and its communes merged wholly
    into xã Đan Phượng lie in that commune). ``paths``: the campaign's unit
    paths, when the caller has them.
    """
    paths = campaign_paths(campaign) if paths is None else paths
    if any(unit.path.startswith(p) or p.startswith(unit.path) for p in paths):
        return True
    if not paths:
        return False
    return Unit.objects.filter(subtrees_q(paths)).filter(access.reach(unit).heir_q("heir_path")).exists()


def dashboard_unit(user, campaign: Campaign, unit_id) -> Unit | None:
    """The unit a dashboard shows: the one asked for (within scope and campaign), else the user's start.

    ``None`` means the whole campaign. Raises Http404 for a unit outside the
    user's scope or unrelated to the campaign (see ``holds_unit``).
    """
    paths = campaign_paths(campaign)
    if unit_id:
        unit = access.get_unit(user, Perm.VIEW, pk=unit_id)
        if not holds_unit(campaign, unit, paths):
            raise Http404
        return unit
    if can_see_whole(user, campaign):
        return None
    scope = access.scope(user, Perm.VIEW)
    for own in scope.paths:
        if any(own.startswith(p) or p.startswith(own) for p in paths):
            return Unit.objects.get(path=own)
    for unit in Unit.objects.filter(path__in=scope.paths).order_by("path"):
        if holds_unit(campaign, unit, paths):
            return unit
    raise Http404


def campaign_rows(user) -> QuerySet[dict]:
    return (
        visible_campaigns(user)
        .select_related("organiser")
        .values("id", "slug", "name", "status", "starts_on", "ends_on", "organiser__name")
        .order_by("-starts_on", "name")
    )


def class_rows(campaign: Campaign, *, instructor=None) -> QuerySet[TrainingClass]:
    qs = campaign.classes.annotate(
        learners=Count("enrolments", filter=Q(enrolments__left_at__isnull=True), distinct=True),
        session_count=Count("sessions", distinct=True),
    ).prefetch_related("units", "instructors")
    if instructor is not None:
        qs = qs.filter(Q(instructors=instructor) | Q(sessions__instructors=instructor)).distinct()
    return qs.order_by("code")


def class_learners(klass: TrainingClass) -> QuerySet[dict]:
    return (
        ClassEnrolment.objects.filter(klass=klass, left_at__isnull=True)
        .values(
            "id",
            "member_id",
            "member__person_id",
            "member__person__full_name",
            "member__person__phone",
            "member__unit__name",
            "member__enrolled_at",
            "member__started_at",
            "member__completed_at",
            "member__courses_completed",
            "method",
        )
        .annotate(
            attended=Count(
                "member__attendance",
                filter=Q(member__attendance__present=True, member__attendance__session__klass=klass),
            )
        )
        .order_by(ViCollate("member__person__sort_name"), "id")
    )


def members_for_picking(klass: TrainingClass, q: str = "") -> QuerySet[dict]:
    """Members of the class's units not yet in a class of this campaign, in name order."""
    from hocvuso.lib.text import fold

    paths = list(klass.units.values_list("path", flat=True))
    where = Q(pk__in=[])
    for p in paths:
        where |= subtree_q(p, "unit_path")
    current = ClassEnrolment.objects.filter(member=OuterRef("pk"), left_at__isnull=True)
    qs = CampaignMember.objects.filter(where, campaign_id=klass.campaign_id, removed_at__isnull=True).exclude(
        Exists(current)
    )
    if q:
        qs = qs.filter(person__search_name__contains=fold(q))
    return qs.values("id", "person__full_name", "person__birth_date", "unit__name", "group__name").order_by(
        ViCollate("person__sort_name"), "id"
    )


def teaches(user, klass: TrainingClass) -> bool:
    return klass.instructors.filter(pk=user.pk).exists() or klass.sessions.filter(instructors=user).exists()


def classes_taught(user) -> QuerySet[TrainingClass]:
    return (
        TrainingClass.objects.filter(Q(instructors=user) | Q(sessions__instructors=user))
        .select_related("campaign")
        .distinct()
        .order_by("campaign__name", "code")
    )


def venues_for(campaign: Campaign) -> QuerySet[Venue]:
    """Venues in the campaign's units (and below)."""
    where = Q(pk__in=[])
    for path in campaign_paths(campaign):
        where |= subtree_q(path, "unit__path")
    return Venue.objects.filter(where).select_related("unit").order_by("name", "id")


def attendance_roster(session: ClassSession) -> list[dict]:
    """Current learners of the session's class with what is recorded for them, in name order."""
    recorded = {
        a["member_id"]: a for a in Attendance.objects.filter(session=session).values("member_id", "present", "method")
    }
    rows = list(
        ClassEnrolment.objects.filter(klass=session.klass, left_at__isnull=True)
        .values("member_id", "member__person__full_name", "member__unit__name")
        .order_by(ViCollate("member__person__sort_name"), "id")
    )
    for row in rows:
        a = recorded.get(row["member_id"])
        row["present"] = bool(a and a["present"])
        row["method"] = a["method"] if a else ""
    return rows


def travel_plan(campaign: Campaign) -> list[dict]:
    """Each instructor's sessions in time order, with the venue changes between them."""
    from accounts.models import User

    through = (
        ClassSession.instructors.through.objects.filter(classsession__klass__campaign=campaign)
        .values(
            "user_id",
            "classsession__starts_at",
            "classsession__ends_at",
            "classsession__title",
            "classsession__klass__code",
            "classsession__klass__name",
            "classsession__venue__name",
            "classsession__venue__address",
        )
        .order_by("user_id", "classsession__starts_at")
    )
    names = {u.pk: u.get_full_name() or u.username for u in User.objects.filter(pk__in={r["user_id"] for r in through})}
    plans: dict[int, dict] = {}
    for r in through:
        plan = plans.setdefault(r["user_id"], {"instructor": names.get(r["user_id"], ""), "stops": [], "venues": set()})
        previous = plan["stops"][-1] if plan["stops"] else None
        plan["stops"].append(
            {
                "starts_at": r["classsession__starts_at"],
                "ends_at": r["classsession__ends_at"],
                "title": r["classsession__title"],
                "klass": r["classsession__klass__name"],
                "venue": r["classsession__venue__name"],
                "address": r["classsession__venue__address"],
                "travel": previous is not None and previous["venue"] != r["classsession__venue__name"],
            }
        )
        plan["venues"].add(r["classsession__venue__name"])
    return sorted(plans.values(), key=lambda p: p["instructor"])


def award_rows(contest: Contest) -> QuerySet[dict]:
    return contest.awards.values(
        "id",
        "category",
        "prize",
        "rank",
        "reason",
        "member__person__full_name",
        "member__person__birth_date",
        "member__unit__name",
        "unit__name",
        "unit__parent__name",
        "entry__title",
    ).order_by("category", "rank", "id")
