"""Writes of the reports app: daily snapshots, schedules and stored report files."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Length, Substr, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.bulk import insert_rows
from campaigns.models import Campaign, CampaignMember, MemberTally
from org.models import Unit, UnitKind
from reports.models import DailySnapshot, Format, ScheduledReport, StoredReport
from reports.selectors import STEP, consistent_read, path_len, unit_id_of

_COUNTS = ("members", "enrolled", "started", "completed")


def _max_depth(qs) -> int:
    longest = qs.annotate(n=Length("unit_path")).order_by("-n").values_list("n", flat=True).first()
    return -1 if not longest else (longest - 1) // STEP - 1


def _administrative(unit_ids) -> set[int]:
    """The ids among ``unit_ids`` of provinces, districts and communes (organisations are left out)."""
    unit_ids = list(unit_ids)
    keep = set()
    for i in range(0, len(unit_ids), 5_000):
        keep.update(
            Unit.objects.filter(pk__in=unit_ids[i : i + 5_000])
            .exclude(kind__category=UnitKind.Category.ORGANISATION)
            .values_list("id", flat=True)
        )
    return keep


_SNAPSHOT_FIELDS = ("campaign_id", "day", "unit_id", *_COUNTS)


@transaction.atomic
def take_snapshot(*, campaign: Campaign, day: dt.date | None = None) -> int:
    """Record today's (or ``day``'s) figures of the campaign and of each province, district and commune in it.

    Reads the tallies level by level (one GROUP BY per level of the tree) and
    replaces any snapshot already taken that day. Organisations get no rows:
    their trend lines are computed from their few members when asked
    (``reports.selectors.trend``), which keeps the table to a few thousand
    rows a day for a national campaign. Returns the rows written.
    """
    day = day or timezone.localdate()
    base = MemberTally.objects.filter(campaign=campaign, rule__isnull=False)
    sums = {k: Sum(k) for k in _COUNTS}
    levels = []
    for depth in range(_max_depth(base) + 1):
        n = path_len(depth)
        levels += list(
            base.annotate(len=Length("unit_path"), k=Substr("unit_path", 1, n))
            .filter(len__gte=n)
            .values("k")
            .annotate(**sums)
            .order_by()
        )
    keep = _administrative(unit_id_of(r["k"]) for r in levels)
    whole = base.aggregate(**sums)
    DailySnapshot.objects.filter(campaign=campaign, day=day).delete()
    rows = [(campaign.pk, day, None, *(whole[k] or 0 for k in _COUNTS))]
    rows += [
        (campaign.pk, day, unit_id_of(r["k"]), *(r[k] or 0 for k in _COUNTS))
        for r in levels
        if unit_id_of(r["k"]) in keep
    ]
    return insert_rows(DailySnapshot, _SNAPSHOT_FIELDS, rows)


def take_snapshots(*, day: dt.date | None = None) -> int:
    """Snapshot every open campaign (run once a day, e.g. from cron: ``hocvuso take_snapshots``)."""
    written = 0
    for campaign in Campaign.objects.filter(status=Campaign.Status.OPEN):
        written += take_snapshot(campaign=campaign, day=day)
    return written


@transaction.atomic
def backfill_snapshots(*, campaign: Campaign, first: dt.date, last: dt.date) -> int:
    """Rebuild the daily snapshots from ``first`` to ``last`` from the members' progress timestamps.

    For campaigns loaded after the fact (imports, the demo, the synthetic
    data set): each day counts the current members whose enrolment, start
    or completion happened by the end of that day. One GROUP BY per level of
    the tree and per measure; the same units as ``take_snapshot``.
    """
    if last < first:
        raise ValidationError(_("The last day comes before the first."))
    members = CampaignMember.objects.filter(campaign=campaign, removed_at__isnull=True, rule__isnull=False)
    tz = timezone.get_current_timezone()
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    # unit id (None = campaign) -> measure -> {day: new that day}; members are constant.
    daily: dict[int | None, dict[str, dict[dt.date, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    totals: dict[int | None, int] = {}

    def keyed(n: int | None):
        if n is None:
            return members.annotate(k=Substr("unit_path", 1, 0))
        return members.annotate(len=Length("unit_path"), k=Substr("unit_path", 1, n)).filter(len__gte=n)

    for depth in [None, *range(_max_depth(members) + 1)]:
        qs = keyed(None if depth is None else path_len(depth))
        found = {_unit_key(r["k"]): r["n"] for r in qs.values("k").annotate(n=Count("id")).order_by()}
        keep = _administrative(k for k in found if k is not None)
        wanted = {k: v for k, v in found.items() if k is None or k in keep}
        if not wanted:
            continue
        totals.update(wanted)
        for measure in ("enrolled", "started", "completed"):
            field_name = f"{measure}_at"
            rows = (
                qs.filter(**{f"{field_name}__isnull": False})
                .annotate(d=TruncDate(field_name, tzinfo=tz))
                .values("k", "d")
                .annotate(n=Count("id"))
                .order_by()
            )
            for r in rows:
                key = _unit_key(r["k"])
                if key in wanted:
                    daily[key][measure][r["d"]] += r["n"]

    def snapshot_rows():
        for unit_id, members_n in totals.items():
            per = daily[unit_id]
            running = {m: sum(n for d, n in per[m].items() if d < first) for m in ("enrolled", "started", "completed")}
            for day in days:
                for m in running:
                    running[m] += per[m].get(day, 0)
                yield (
                    campaign.pk,
                    day,
                    unit_id,
                    members_n,
                    running["enrolled"],
                    running["started"],
                    running["completed"],
                )

    DailySnapshot.objects.filter(campaign=campaign, day__gte=first, day__lte=last).delete()
    return insert_rows(DailySnapshot, _SNAPSHOT_FIELDS, snapshot_rows())


def _unit_key(prefix: str) -> int | None:
    return unit_id_of(prefix) if prefix else None


# --- report files ----------------------------------------------------------------------------


def report_filename(campaign: Campaign, unit: Unit | None, fmt: str, as_of: dt.datetime) -> str:
    where = unit.code.replace(":", "-") if unit else "toan-bo"
    return f"bao-cao-{campaign.slug}-{where}-{timezone.localtime(as_of):%Y%m%d-%H%M}.{fmt}"


def render_report(*, campaign: Campaign, unit: Unit | None, fmt: str) -> tuple[bytes, dt.datetime]:
    """The report's bytes and the moment its figures were read (one database snapshot)."""
    from reports import exports

    if fmt not in Format.values:
        raise ValidationError({"format": _("Choose Excel or PDF.")})
    limit = exports.PDF_PEOPLE_ROWS if fmt == Format.PDF else None
    with consistent_read():
        data = exports.collect(campaign, unit, pending_limit=limit)
    if fmt == Format.XLSX:
        return exports.build_xlsx(data), data.as_of
    return exports.build_pdf(data), data.as_of


def store_report(
    *, campaign: Campaign, unit: Unit | None, fmt: str, actor=None, schedule: ScheduledReport | None = None
) -> StoredReport:
    content, as_of = render_report(campaign=campaign, unit=unit, fmt=fmt)
    name = report_filename(campaign, unit, fmt, as_of)
    with transaction.atomic():
        stored = StoredReport(
            campaign=campaign,
            unit=unit,
            format=fmt,
            filename=name,
            size=len(content),
            as_of=as_of,
            schedule=schedule,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        stored.file.save(name, ContentFile(content), save=False)
        stored.save()
    return stored


@transaction.atomic
def create_schedule(
    *, campaign: Campaign, unit: Unit | None, fmt: str, frequency: str, actor=None, first_on: dt.date | None = None
) -> ScheduledReport:
    if fmt not in Format.values:
        raise ValidationError({"format": _("Choose Excel or PDF.")})
    if frequency not in ScheduledReport.Frequency.values:
        raise ValidationError({"frequency": _("Choose weekly or monthly.")})
    return ScheduledReport.objects.create(
        campaign=campaign,
        unit=unit,
        format=fmt,
        frequency=frequency,
        next_run_on=first_on or timezone.localdate(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


@transaction.atomic
def cancel_schedule(*, schedule: ScheduledReport) -> None:
    schedule.is_active = False
    schedule.save(update_fields=["is_active"])


def _next_run(day: dt.date, frequency: str) -> dt.date:
    if frequency == ScheduledReport.Frequency.WEEKLY:
        return day + dt.timedelta(days=7)
    month = day.month % 12 + 1
    year = day.year + (day.month == 12)
    # The same day next month, or the month's last day when it is shorter.
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def run_due_reports(*, today: dt.date | None = None) -> list[StoredReport]:
    """Make every scheduled report due today (or overdue) and move its next date on."""
    today = today or timezone.localdate()
    made = []
    due = ScheduledReport.objects.filter(Q(next_run_on__lte=today), is_active=True).select_related("campaign", "unit")
    for schedule in due:
        made.append(
            store_report(campaign=schedule.campaign, unit=schedule.unit, fmt=schedule.format, schedule=schedule)
        )
        next_on = schedule.next_run_on
        while next_on <= today:
            next_on = _next_run(next_on, schedule.frequency)
        ScheduledReport.objects.filter(pk=schedule.pk).update(next_run_on=next_on)
    return made
