"""hocvuso gen_synthetic --learners N: a synthetic national data set for load tests.

On the real map (``hocvuso load_units``, run first if needed): under each of
the 3,321 communes a UBND, three schools and 3–8 villages; N invented people
spread over the communes (officials at the UBND, teachers at the schools,
residents in the villages) with Vietnamese names; a national campaign over
the 34 provinces, opened through ``campaigns.actions.open_campaign`` like
any other, and a realistic spread of progress: provinces and communes move
at different paces, so dashboards have leaders and laggards, and daily
snapshots give trend lines.

Everything is drawn from ``--seed``: the same command gives the same data.
Writes in bulk (a million learners take a few minutes); refuses to run twice.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from campaigns import actions, learning_bridge
from campaigns.bulk import insert_rows, update_rows
from campaigns.models import Campaign, CampaignMember, Target
from hocvuso.lib.text import fold, name_sort_key, split_name
from org.models import Unit, UnitKind
from people.models import Membership, Person, PersonGroup

SLUG = "binh-dan-hoc-vu-so-toan-quoc"
CODE_PREFIX = "SYN-"
BATCH = 10_000
# Provinces of the Central Highlands, where many people carry Jrai, Bahnar or Ede names.
HIGHLAND_PROVINCES = {"52", "66", "68"}  # Gia Lai, Đắk Lắk, Lâm Đồng (2025 codes)
SCHOOLS = (
    ("truong-mam-non", "Trường Mầm non"),
    ("truong-tieu-hoc", "Trường Tiểu học"),
    ("truong-thcs", "Trường THCS"),
)


def _short(name: str) -> str:
    for prefix in ("Xã ", "Phường ", "Đặc khu "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _apportion(total: int, weights: list[float]) -> list[int]:
    scale = total / sum(weights)
    exact = [w * scale for w in weights]
    parts = [int(x) for x in exact]
    for i in sorted(range(len(weights)), key=lambda i: exact[i] - parts[i], reverse=True)[: total - sum(parts)]:
        parts[i] += 1
    return parts


class Command(BaseCommand):
    help = "Generate a synthetic national data set: organisations, N learners, a national campaign with progress."

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=10_000, help="how many people (default 10,000)")
        parser.add_argument("--seed", type=int, default=2025, help="random seed (default 2025)")
        parser.add_argument("--days", type=int, default=45, help="how long the campaign has run (default 45)")
        parser.add_argument(
            "--no-learning-records",
            action="store_true",
            help="skip enrolments and course progress in the learning app (faster)",
        )

    def log(self, started: float, text: str) -> None:
        self.stdout.write(f"[{time.monotonic() - started:7.1f} s] {text}")

    def handle(self, *args, learners, seed, days, no_learning_records, **options):
        if learners < 1:
            raise CommandError("--learners must be at least 1.")
        if Campaign.objects.filter(slug=SLUG).exists():
            raise CommandError(f"The synthetic data set is already here (campaign {SLUG}); use a fresh database.")
        started = time.monotonic()
        rng = random.Random(seed)
        if Unit.objects.filter(kind__category=UnitKind.Category.PROVINCE, is_active=True).count() < 34:
            self.log(started, "loading the map (hocvuso load_units)")
            call_command("load_units", stdout=self.stdout)
        provinces = list(
            Unit.objects.filter(kind__category=UnitKind.Category.PROVINCE, is_active=True).order_by("code")
        )
        communes = list(
            Unit.objects.filter(kind__category=UnitKind.Category.COMMUNE, is_active=True, depth=1)
            .select_related("parent")
            .order_by("code")
        )
        self.log(started, f"map: {len(provinces)} provinces, {len(communes):,} communes")

        orgs = self.make_organisations(communes, rng)
        self.log(started, f"organisations: {sum(len(v['villages']) + 4 for v in orgs.values()):,}")
        self.make_people(communes, orgs, learners, rng, started)
        campaign = self.make_campaign(provinces, days)
        self.log(started, "campaign opening (population frozen)")
        actions.open_campaign(
            campaign=campaign, at=timezone.make_aware(dt.datetime.combine(campaign.starts_on, dt.time(7)))
        )
        campaign.refresh_from_db()
        self.log(started, f"campaign open: {CampaignMember.objects.filter(campaign=campaign).count():,} members")
        histories = self.make_progress(campaign, provinces, rng)
        self.log(started, "progress written")
        course_ids = list(campaign.courses.values_list("course_id", flat=True))
        if course_ids and not no_learning_records:
            self.write_learning_records(histories, course_ids)
            self.log(started, "learning records written")
        actions.rebuild_tallies(campaign=campaign)
        from reports.actions import backfill_snapshots

        backfill_snapshots(campaign=campaign, first=campaign.starts_on, last=timezone.localdate())
        # Fresh statistics, as after any bulk load: the planners need them to use the indexes.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.log(started, "tallies and daily snapshots ready")
        from reports.selectors import campaign_figures

        total = campaign_figures(campaign).total
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {total.members:,} people, {total.participating:,} taking part ({total.participation_rate}%), "
                f"{total.completed:,} completed. Campaign: {SLUG}."
            )
        )

    # --- organisations ------------------------------------------------------------------------

    def make_organisations(self, communes: list[Unit], rng: random.Random) -> dict[int, dict]:
        """A UBND, three schools and 3–8 villages under every commune; returns their ids per commune."""
        kinds = {k.slug: k for k in UnitKind.objects.filter(slug__in=["ubnd", "thon", *[s for s, _ in SCHOOLS]])}
        plan: list[tuple[Unit, str, str, str]] = []  # parent, kind slug, code, name
        for commune in communes:
            place = _short(commune.name)
            plan.append((commune, "ubnd", f"{CODE_PREFIX}{commune.code}-UBND", f"UBND {_lower_first(commune.name)}"))
            for kind, prefix in SCHOOLS:
                plan.append((commune, kind, f"{CODE_PREFIX}{commune.code}-{kind}", f"{prefix} {place}"))
            village = "Tổ dân phố" if commune.name.startswith("Phường") else "Thôn"
            for n in range(1, rng.randint(3, 8) + 1):
                plan.append((commune, "thon", f"{CODE_PREFIX}{commune.code}-T{n:02d}", f"{village} {n}, {place}"))
        made: dict[int, dict] = {c.pk: {"villages": []} for c in communes}
        with transaction.atomic():
            for i in range(0, len(plan), BATCH):
                chunk = plan[i : i + BATCH]
                units = Unit.objects.bulk_create(
                    [
                        Unit(
                            kind=kinds[kind],
                            code=code,
                            name=name,
                            search_name=fold(name),
                            parent=parent,
                            depth=parent.depth + 1,
                            path=f"~pending~{code}",
                        )
                        for parent, kind, code, name in chunk
                    ]
                )
                for unit, (parent, kind, _code, _name) in zip(units, chunk, strict=True):
                    unit.path = parent.path + Unit.segment(unit.pk)
                    slot = made[parent.pk]
                    if kind == "thon":
                        slot["villages"].append(unit.pk)
                    else:
                        slot[kind] = unit.pk
                update_rows(Unit, ["path"], ((u.path, u.pk) for u in units))
        return made

    # --- people ---------------------------------------------------------------------------------

    def make_people(self, communes, orgs, learners: int, rng: random.Random, started: float) -> None:
        """Insert the people and their memberships with plain multi-row INSERTs (ids allocated here)."""
        from demo.names import FEMALE, MALE, highland_name, kinh_name

        groups = {g.slug: g.pk for g in PersonGroup.objects.all()}
        # Communes differ in size (a lognormal spread, as in life).
        sizes = _apportion(learners, [math.exp(rng.gauss(0, 0.45)) for _ in communes])
        today = timezone.localdate()
        now = timezone.now()
        next_id = (Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        people: list[tuple] = []
        memberships: list[tuple] = []

        def flush():
            with transaction.atomic():
                insert_rows(
                    Person,
                    (
                        "id",
                        "full_name",
                        "given_name",
                        "sort_name",
                        "search_name",
                        "gender",
                        "birth_date",
                        "phone",
                        "email",
                        "created_at",
                        "updated_at",
                    ),
                    people,
                )
                insert_rows(
                    Membership,
                    ("person_id", "unit_id", "group_id", "position", "is_primary", "started_on", "created_at"),
                    memberships,
                )
            people.clear()
            memberships.clear()

        done = 0
        joined = dt.date(2020, 1, 1)
        for commune, size in zip(communes, sizes, strict=True):
            if not size:
                continue
            slot = orgs[commune.pk]
            officials = max(1, round(size * 0.08))
            teachers = min(size - officials, max(0, round(size * 0.2)))
            highland = commune.parent.code in HIGHLAND_PROVINCES
            for i in range(size):
                if i < officials:
                    unit, group = slot["ubnd"], groups["can-bo"] if i % 5 < 2 else groups["cong-chuc"]
                elif i < officials + teachers:
                    unit = slot[SCHOOLS[i % 3][0]]
                    group = groups["vien-chuc"] if i % 7 == 0 else groups["giao-vien"]
                else:
                    unit, group = rng.choice(slot["villages"]), groups["nguoi-dan"]
                gender = FEMALE if rng.random() < 0.52 else MALE
                name = highland_name(rng, gender) if highland and rng.random() < 0.4 else kinh_name(rng, gender)
                birth = today - dt.timedelta(days=rng.randint(18 * 365, 70 * 365))
                people.append(
                    (
                        next_id,
                        name,
                        split_name(name)[1],
                        name_sort_key(name),
                        fold(name),
                        gender,
                        birth,
                        "",
                        "",
                        now,
                        now,
                    )
                )
                memberships.append((next_id, unit, group, "", True, joined, now))
                next_id += 1
            if len(people) >= BATCH:
                done += len(people)
                flush()
                if done % 100_000 < BATCH:
                    self.log(started, f"people: {done:,}")
        done += len(people)
        flush()
        # Ids were given explicitly: move the sequences past them (PostgreSQL).
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Person, Membership]):
                cursor.execute(sql)
        self.log(started, f"people: {done:,}")

    # --- the campaign ----------------------------------------------------------------------------

    def make_campaign(self, provinces: list[Unit], days: int) -> Campaign:
        today = timezone.localdate()
        campaign = actions.create_campaign(
            slug=SLUG,
            name="Bình dân học vụ số (dữ liệu tổng hợp)",
            description="Dữ liệu tổng hợp để kiểm tra tải: không phải người thật.",
            organiser=None,
            starts_on=today - dt.timedelta(days=days),
            ends_on=today + dt.timedelta(days=60),
            units=provinces,
            participation=Campaign.Participation.STARTED,
        )
        groups = {g.slug: g for g in PersonGroup.objects.all()}
        actions.add_rule(
            campaign=campaign,
            label="Cán bộ, công chức, viên chức, giáo viên",
            groups=[groups[s] for s in ("can-bo", "cong-chuc", "vien-chuc", "giao-vien")],
        )
        actions.add_rule(campaign=campaign, label="Người dân", groups=[groups["nguoi-dan"]])
        course_id = learning_bridge.course_id_by_prefix("ky-nang-so-co-ban")
        course_ids = [course_id] if course_id else []
        if course_ids:
            actions.set_courses(campaign=campaign, course_ids=course_ids)
        actions.add_target(
            campaign=campaign, measure=Target.Measure.PARTICIPATION, percent=95, deadline=campaign.ends_on
        )
        actions.add_target(
            campaign=campaign, measure=Target.Measure.COMPLETION, percent=85, deadline=dt.date(today.year, 12, 31)
        )
        return campaign

    def make_progress(self, campaign: Campaign, provinces: list[Unit], rng: random.Random) -> dict:
        """Enrolment, start and completion times for every member, at paces that differ by place."""
        start = timezone.make_aware(dt.datetime.combine(campaign.starts_on, dt.time(7)))
        span = (timezone.now() - start).total_seconds()
        province_pace = {p.path: rng.uniform(0.55, 1.0) for p in provinces}
        commune_pace: dict[str, float] = {}
        histories: dict[int, tuple] = {}
        rows = CampaignMember.objects.filter(campaign=campaign).values_list("id", "person_id", "unit_path", "rule_id")
        updates = []
        officials_rule = campaign.rules.order_by("sort_order").first().pk
        for member_id, person_id, unit_path, rule_id in list(rows):
            province, commune = unit_path[:11], unit_path[:21]
            pace = commune_pace.setdefault(commune, province_pace.get(province, 0.8) * rng.uniform(0.75, 1.15))
            if rule_id == officials_rule:
                pace = min(1.0, pace * 1.15)  # officials are asked first and follow up hardest
            if rng.random() >= pace:
                continue
            enrolled = start + dt.timedelta(seconds=span * rng.random() ** 1.4)
            started = enrolled + dt.timedelta(hours=rng.uniform(0, 72))
            completed = None
            if rng.random() < 0.7 * pace:
                completed = started + dt.timedelta(days=rng.uniform(1, 20))
            now = timezone.now()
            started = min(started, now)
            completed = min(completed, now) if completed else None
            updates.append((enrolled, started, completed, int(completed is not None), member_id))
            histories[person_id] = (enrolled, started, completed)
        with transaction.atomic():
            update_rows(CampaignMember, ["enrolled_at", "started_at", "completed_at", "courses_completed"], updates)
        return histories

    def write_learning_records(self, histories: dict, course_ids: list[int]) -> None:
        items = list(histories.items())
        for i in range(0, len(items), 50_000):
            rows = [
                learning_bridge.SeedProgress(pid, cid, enrolled, started, completed)
                for pid, (enrolled, started, completed) in items[i : i + 50_000]
                for cid in course_ids
            ]
            with transaction.atomic():
                learning_bridge.bulk_load_progress(rows, certificates=False, lessons=False)
