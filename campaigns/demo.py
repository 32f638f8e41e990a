"""The demo campaigns, in the state the news reports describe (called at the end of ``seed_demo``).

* ``dan-phuong-luyen-ai`` — “Cuộc đua luyện AI”, 24/3–24/4/2025, the former
  Đan Phượng district's 2,896 staff: 2,751 taking part (94,99%, reported as
  95%): district agencies 376/418, commune officials 294/351, schools
  2,081/2,127; the Lê Hữu clan's 200 members taking part; 20 collectives and
  23 individuals awarded, first prize to a preschool teacher of the former
  xã Hồng Hà.
* ``gia-lai-tap-huan`` — 400 officials of 23 Gia Lai communes in 11 classes
  (2–3 communes, 30–40 learners), 15/10–12/11/2025, a team travelling to 11
  venues, 200 completions from 12 communes so far.
* ``lien-minh-binh-dan-hoc-vu-so`` — the 936 party members of xã Liên Minh
  (Phú Thọ), all registered, digital skills in the annual evaluation.

The people come from ``demo`` (found by the organisation codes of
``demo/facts.py``); who takes part, when, and who wins is drawn from fixed
seeds over people in id order, so every run gives the same figures. Progress
is written as learning records (enrolments, lesson and course progress,
certificates) through ``campaigns.learning_bridge`` and reaches the campaigns
the way live progress does, so dashboards, reports and a count over the
records agree. Idempotent: a campaign whose slug exists is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from campaigns import actions, learning_bridge
from campaigns.models import Award, Campaign, CampaignMember, ContestScore, Target
from demo import facts
from org.models import Unit, UnitKind
from people.models import Membership, PersonGroup

DP_SLUG = "dan-phuong-luyen-ai"
GL_SLUG = "gia-lai-tap-huan"
LM_SLUG = "lien-minh-binh-dan-hoc-vu-so"

# (taking part, total) per segment, as reported.
DP_FIGURES = {"district": (376, 418), "commune": (294, 351), "school": (2081, 2127)}
DP_COLLECTIVES = 20
DP_PRIZES = (("Giải Nhất", 1), ("Giải Nhì", 2), ("Giải Ba", 3), ("Giải Khuyến khích", 17))  # 23 individuals
GL_COMPLETIONS = 200
GL_COMPLETION_COMMUNES = 12
GL_CLASSES = 11

# The starter curriculum (content/packs/can-bo-ky-nang-so), in its order, and
# the citizens' basic course (content/packs/nguoi-dan-ky-nang-so); a key is
# also found as the start of a longer one ("ai-co-ban" finds "ai-co-ban-can-bo").
STARTER_COURSES = ("an-toan-thong-tin-can-bo", "powerpoint-can-bo", "ai-co-ban-can-bo")
AI_COURSE = "ai-co-ban-can-bo"
BASIC_COURSE = "ky-nang-so-co-ban"


def _at(day: dt.date, hour: int = 8, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _moment(rng: random.Random, first: dt.date, last: dt.date) -> dt.datetime:
    """A working-hours moment between two days."""
    day = first + dt.timedelta(days=rng.randrange((last - first).days + 1))
    return _at(day, rng.randrange(7, 21), rng.randrange(60))


def _courses(keys) -> list[int]:
    """Ids of the courses with these keys (or keys starting with them), in the order given."""
    ids = []
    for key in keys:
        course_id = learning_bridge.course_ids_by_key([key]).get(key) or learning_bridge.course_id_by_prefix(
            key.removesuffix("-can-bo")
        )
        if course_id and course_id not in ids:
            ids.append(course_id)
    return ids


def _load_progress(campaign: Campaign, histories: dict[int, tuple], course_ids: list[int]) -> None:
    """Record each person's (enrolled, started, completed) in every course, then bring the campaign up to date.

    Without the starter courses loaded (``hocvuso load_curriculum``), the
    same history is written on the member rows directly.
    """
    if course_ids:
        rows = [
            learning_bridge.SeedProgress(pid, cid, enrolled, started, completed)
            for pid, (enrolled, started, completed) in histories.items()
            for cid in course_ids
        ]
        learning_bridge.bulk_load_progress(rows)
        actions.sync_progress(campaign=campaign, person_ids=list(histories))
        return
    members = CampaignMember.objects.filter(campaign=campaign, person_id__in=list(histories))
    for member in members:
        enrolled, started, completed = histories[member.person_id]
        member.enrolled_at, member.started_at, member.completed_at = enrolled, started, completed
        member.courses_completed = int(completed is not None)
    CampaignMember.objects.bulk_update(
        members, ["enrolled_at", "started_at", "completed_at", "courses_completed"], batch_size=2_000
    )
    actions.rebuild_tallies(campaign=campaign)


def _open(campaign: Campaign, day: dt.date) -> None:
    actions.open_campaign(campaign=campaign, at=_at(day, 7))
    campaign.refresh_from_db()


def _snapshots(campaign: Campaign, last: dt.date) -> None:
    from reports.actions import backfill_snapshots

    backfill_snapshots(campaign=campaign, first=campaign.starts_on, last=min(last, timezone.localdate()))


def _user(username: str):
    return User.objects.filter(username=username).first()


# --- Đan Phượng ------------------------------------------------------------------------------


@transaction.atomic
def seed_dan_phuong() -> Campaign:
    district = Unit.objects.get(code=facts.OLD_DANPHUONG)
    start, end = dt.date(2025, 3, 24), dt.date(2025, 4, 24)
    admin = _user("hanoi")
    campaign = actions.create_campaign(
        slug=DP_SLUG,
        name="Cuộc đua luyện AI",
        description=(
            "Phong trào thi đua học và ứng dụng trí tuệ nhân tạo của cán bộ, công chức, viên chức và giáo viên "
            "huyện Đan Phượng (cũ), 24/3–24/4/2025."
        ),
        organiser=district,
        starts_on=start,
        ends_on=end,
        units=[district],
        participation=Campaign.Participation.STARTED,
        population_on=start,
    )
    campaign.created_by = admin
    campaign.save(update_fields=["created_by"])
    agencies = list(Unit.objects.filter(code=facts.dp_district_code("UBND")))
    commune_offices = list(Unit.objects.filter(code__startswith=facts.DP_COMMUNE_UBND_PREFIX))
    communes = UnitKind.objects.filter(slug__in=["xa", "thi-tran", "phuong"])
    # The three segments the district's report names, in its order.
    actions.add_rule(campaign=campaign, label="Cơ quan cấp huyện (UBND huyện)", units=agencies)
    actions.add_rule(campaign=campaign, label="Cán bộ, công chức cấp xã", units=commune_offices)
    actions.add_rule(
        campaign=campaign, label="Trường học (mầm non, tiểu học, THCS)", units=[district], unit_kinds=communes
    )
    course_ids = _courses([AI_COURSE])
    if course_ids:
        actions.set_courses(campaign=campaign, course_ids=course_ids)
    actions.add_target(campaign=campaign, measure=Target.Measure.PARTICIPATION, percent=95, deadline=end)
    actions.add_target(campaign=campaign, measure=Target.Measure.COMPLETION, percent=95, deadline=dt.date(2025, 12, 31))
    _open(campaign, start)
    rng = random.Random(2025_0324)
    apply_dan_phuong_participation(campaign, rng=rng)
    _dan_phuong_contest(campaign, rng, start, end)
    _snapshots(campaign, end)
    actions.close_campaign(campaign=campaign)
    Campaign.objects.filter(pk=campaign.pk).update(closed_at=_at(end, 22))
    return campaign


def dan_phuong_segments(campaign: Campaign) -> dict[str, int]:
    """The campaign's rule id for each reported segment, found by the units the rules count."""
    found = {}
    for rule in campaign.rules.prefetch_related("units"):
        codes = [u.code for u in rule.units.all()]
        if codes == [facts.dp_district_code("UBND")]:
            found["district"] = rule.pk
        elif codes and all(c.startswith(facts.DP_COMMUNE_UBND_PREFIX) for c in codes):
            found["commune"] = rule.pk
        else:
            found["school"] = rule.pk
    return found


def apply_dan_phuong_participation(
    campaign: Campaign, *, rng: random.Random | None = None, leave_out: frozenset[int] = frozenset()
) -> None:
    """Make exactly the reported numbers of the former district's staff take part, as learning records.

    376 of the district agencies' 418, 294 of the communes' 351 and 2,081 of
    the schools' 2,127 start the campaign's course between 24/3 and 24/4/2025
    (nine in ten of them complete it); the eight clan members among the staff
    are among them, and the clan's 192 other members take part from outside
    the staff. People in ``leave_out`` are not drawn but counted as taking
    part (a test lets them complete the course themselves, in the browser).
    """
    rng = rng or random.Random(2025_0324)
    start, end = campaign.starts_on, campaign.ends_on
    segments = dan_phuong_segments(campaign)
    members = list(CampaignMember.objects.filter(campaign=campaign).order_by("person_id"))
    by_rule = defaultdict(list)
    for m in members:
        by_rule[m.rule_id].append(m)
    clan = Unit.objects.get(code=facts.DP_CLAN)
    clan_people = set(Membership.objects.filter(unit=clan, ended_on__isnull=True).values_list("person_id", flat=True))
    taking_part: list[CampaignMember] = []
    for key, (n, total) in DP_FIGURES.items():
        pool = by_rule[segments[key]]
        assert len(pool) == total, f"{key}: {len(pool)} staff in the demo, {total} expected"
        reserved = sum(1 for m in pool if m.person_id in leave_out)
        first = [m for m in pool if m.person_id in clan_people and m.person_id not in leave_out]
        rest = [m for m in pool if m.person_id not in clan_people and m.person_id not in leave_out]
        taking_part += first + rng.sample(rest, n - reserved - len(first))
    histories: dict[int, tuple] = {}
    for m in sorted(taking_part, key=lambda m: m.person_id):
        started = _moment(rng, start, end - dt.timedelta(days=1))
        completed = None
        if rng.random() < 0.9:
            days_left = max(1, (end - started.date()).days)
            completed = min(
                _at(end, 22), started + dt.timedelta(days=rng.randrange(days_left), hours=rng.randrange(1, 9))
            )
        histories[m.person_id] = (started, started, completed)
    # The clan's other members join from outside the staff population.
    for person_id in sorted(clan_people - {m.person_id for m in members}):
        actions.add_participant(
            campaign=campaign, person=Membership.objects.filter(person_id=person_id).first().person, unit=clan
        )
        started = _moment(rng, start, end - dt.timedelta(days=1))
        histories[person_id] = (started, started, started + dt.timedelta(days=3) if rng.random() < 0.7 else None)
    _load_progress(campaign, histories, list(campaign.courses.values_list("course_id", flat=True)))


ENTRY_TITLES = (
    "Bài giảng “Con vật quanh em” thiết kế với AI",
    "Bộ câu lệnh soạn giáo án mầm non",
    "Video hướng dẫn dùng AI tóm tắt văn bản",
    "Bài giảng Toán lớp 4 có minh họa tạo bằng AI",
    "Mẫu câu lệnh trả lời thủ tục hành chính",
    "Video: AI hỗ trợ soạn báo cáo tuần",
)


def _dan_phuong_contest(campaign: Campaign, rng: random.Random, start: dt.date, end: dt.date) -> None:
    jury = [u for u in (_user("hanoi"), _user("admin")) if u]
    contest = actions.create_contest(
        campaign=campaign,
        name="Cuộc đua luyện AI",
        slug="cuoc-dua-luyen-ai",
        starts_on=start,
        ends_on=end,
        judges=jury,
        criteria=[("Tính sáng tạo", 10), ("Hiệu quả ứng dụng AI", 10), ("Khả năng nhân rộng", 10)],
    )
    # The first prize: a preschool teacher of the former xã Hồng Hà.
    hong_ha = facts.dp_school_code("truong-mam-non", "09796")
    winner = (
        CampaignMember.objects.filter(
            campaign=campaign,
            completed_at__isnull=False,
            person__memberships__unit__code=hong_ha,
            person__memberships__position="Giáo viên",
        )
        .order_by("person_id")
        .select_related("person")
        .first()
    )
    finishers = list(
        CampaignMember.objects.filter(campaign=campaign, completed_at__isnull=False, rule__isnull=False)
        .exclude(pk=winner.pk)
        .order_by("person_id")
        .select_related("person")
    )
    entrants = [winner, *rng.sample(finishers, 60)]
    # Entries are dated within the race (the contest accepts them from the learners themselves
    # through submit_entry; the demo writes history, so it dates them itself).
    from campaigns.models import Entry

    entries = []
    for i, member in enumerate(entrants):
        entries.append(
            Entry.objects.create(
                contest=contest,
                member=member,
                kind=(Entry.Kind.LESSON, Entry.Kind.PROMPT, Entry.Kind.VIDEO)[i % 3],
                title=ENTRY_TITLES[i % len(ENTRY_TITLES)],
                url=f"https://example.org/cuoc-dua-luyen-ai/{i + 1}",
                submitted_at=_moment(rng, start + dt.timedelta(days=7), end - dt.timedelta(days=1)),
            )
        )
    criteria = list(contest.criteria.all())
    for i, entry in enumerate(entries):
        for judge in jury:
            base = 10 if i == 0 else rng.randint(5, 9)
            actions.score_entry(entry=entry, judge=judge, points={c.pk: base for c in criteria})
    actions.recompute_scores(contest=contest)

    # Individuals: the first prize, then the best jury scores.
    ranked = sorted(entries[1:], key=lambda e: (-e.jury_score, e.member.person_id))
    winners = [entries[0], *ranked]
    index = 0
    for prize, count in DP_PRIZES:
        for _ in range(count):
            entry = winners[index]
            actions.add_award(
                contest=contest,
                category=Award.Category.INDIVIDUAL,
                prize=prize,
                member=entry.member,
                entry=entry,
                reason=entry.title,
            )
            index += 1
    # Collectives: the 20 best units by average points per member.
    from reports.selectors import unit_leaderboard

    for standing in unit_leaderboard(contest, None, level=None)[:DP_COLLECTIVES]:
        actions.add_award(
            contest=contest,
            category=Award.Category.COLLECTIVE,
            prize="Tập thể xuất sắc",
            unit=Unit.objects.get(pk=standing.unit_id),
            reason=f"Tỷ lệ tham gia {standing.participation_rate}%".replace(".", ","),
        )
    assert ContestScore.objects.filter(contest=contest).exists()


# --- Gia Lai -------------------------------------------------------------------------------------


def _gl_groups(members: list[CampaignMember], communes: list[Unit]) -> list[list[CampaignMember]]:
    """Learners cut into 11 classes of at most 40, whole communes where possible.

    400 officials of communes of 15–20 do not fit 11 classes of whole pairs
    (three communes would make a class of 45 or more), so a class that must
    take more than its two communes takes part of the next one: classes
    serve 2–3 communes, as in the province's plan.
    """
    most = 40
    order = {c.pk: i for i, c in enumerate(communes)}
    queue: list[list[CampaignMember]] = [[] for _ in communes]
    for m in sorted(members, key=lambda m: m.person_id):
        queue[order[_commune_of(m, communes).pk]].append(m)
    queue = [q for q in queue if q]
    groups = []
    for k in range(GL_CLASSES):
        classes_after = GL_CLASSES - k - 1
        group: list[CampaignMember] = []
        while queue and len(group) + len(queue[0]) <= most:
            group += queue.pop(0)
        left = sum(len(q) for q in queue)
        if queue and (left > most * classes_after or not classes_after):
            take = min(most - len(group), left - most * classes_after) if classes_after else most - len(group)
            group += queue[0][:take]
            queue[0] = queue[0][take:]
        groups.append(group)
    assert not any(queue), "the officials do not fit the classes"
    return groups


def _commune_of(member: CampaignMember, communes: list[Unit]) -> Unit:
    return next(c for c in communes if member.unit_path.startswith(c.path))


@transaction.atomic
def seed_gia_lai() -> Campaign:
    province = Unit.objects.get(code=facts.GIALAI)
    communes = list(Unit.objects.filter(code__in=[code for code, _name in facts.gialai_communes()]).order_by("code"))
    start, end = dt.date(2025, 10, 15), dt.date(2025, 11, 12)
    campaign = actions.create_campaign(
        slug=GL_SLUG,
        name="Tập huấn kỹ năng số cho cán bộ, công chức xã",
        description="Tập huấn ba học phần của chương trình khởi đầu cho cán bộ, công chức 23 xã, 11 lớp lưu động.",
        organiser=province,
        starts_on=start,
        ends_on=end,
        units=communes,
        participation=Campaign.Participation.ENROLLED,
    )
    groups = PersonGroup.objects.filter(slug__in=["can-bo", "cong-chuc"])
    actions.add_rule(campaign=campaign, label="Cán bộ, công chức cấp xã", groups=groups)
    course_ids = _courses(STARTER_COURSES)
    if course_ids:
        actions.set_courses(campaign=campaign, course_ids=course_ids)
    actions.add_target(campaign=campaign, measure=Target.Measure.PARTICIPATION, percent=100, deadline=start)
    actions.add_target(campaign=campaign, measure=Target.Measure.COMPLETION, percent=100, deadline=end)
    _open(campaign, dt.date(2025, 10, 10))

    members = list(CampaignMember.objects.filter(campaign=campaign).select_related("person", "campaign"))
    team = [u for u in (_user("giangvien"),) if u]
    classes, venues = [], {}
    for k, learners in enumerate(_gl_groups(members, communes), start=1):
        served = []
        for m in learners:
            commune = _commune_of(m, communes)
            if commune not in served:
                served.append(commune)
        names = ", ".join(c.name.replace("Xã ", "") for c in served)
        klass = actions.create_class(
            campaign=campaign, code=f"GL-{k:02d}", name=f"Lớp {k}: {names}", units=served, instructors=team
        )
        place = served[0].name[0].lower() + served[0].name[1:]
        venue = actions.create_venue(
            unit=served[0],
            name=f"Hội trường UBND {place}",
            address=f"Trụ sở UBND {place}, tỉnh Gia Lai",
            capacity=45,
        )
        venues[klass.pk] = venue
        classes.append((klass, learners))
    titles = (
        [
            t
            for _id, t in sorted(
                learning_bridge.course_titles(course_ids).items(), key=lambda kv: course_ids.index(kv[0])
            )
        ]
        if course_ids
        else []
    )
    actions.plan_tour(
        classes=[k for k, _l in classes],
        venues=venues,
        instructors=team,
        first_day=start,
        last_day=end,
        sessions_per_class=3,
        titles=tuple(titles),
    )
    from campaigns.models import ClassEnrolment

    for klass, learners in classes:
        actions.enrol_members(klass=klass, members=learners, method=ClassEnrolment.Method.RULE)
    # Enrolment moments: before the first session.
    enrolled = _at(dt.date(2025, 10, 13), 9)
    CampaignMember.objects.filter(campaign=campaign).update(enrolled_at=enrolled)
    ClassEnrolment.objects.filter(klass__campaign=campaign).update(enrolled_at=enrolled)

    rng = random.Random(52_1015)
    # Attendance of every session held: most learners, every time.
    for klass, learners in classes:
        for session in klass.sessions.filter(starts_at__lt=timezone.now()).order_by("starts_at"):
            present = [m.pk for m in learners if rng.random() < 0.93]
            actions.record_attendance(session=session, present=present)

    # 200 completions so far, all from the first 12 communes; the others have started.
    first_communes = {c.pk for c in communes[:GL_COMPLETION_COMMUNES]}
    candidates = sorted(
        (m for m in members if _commune_of(m, communes).pk in first_communes), key=lambda m: m.person_id
    )
    done = set(m.person_id for m in rng.sample(candidates, GL_COMPLETIONS))
    histories = {}
    for m in sorted(members, key=lambda m: m.person_id):
        started = _moment(rng, start, end - dt.timedelta(days=5))
        completed = started + dt.timedelta(days=rng.randrange(2, 5)) if m.person_id in done else None
        histories[m.person_id] = (enrolled, started, completed)
    _load_progress(campaign, histories, course_ids)
    _snapshots(campaign, end)
    return campaign


# --- Liên Minh (Phú Thọ) ----------------------------------------------------------------------------


@transaction.atomic
def seed_lien_minh() -> Campaign:
    commune = Unit.objects.get(code=facts.XA_LIENMINH_PHUTHO)
    party = Unit.objects.get(code=facts.PT_PARTY)
    start, end = dt.date(2025, 7, 15), dt.date(2025, 12, 31)
    campaign = actions.create_campaign(
        slug=LM_SLUG,
        name="Bình dân học vụ số — Đảng bộ xã Liên Minh",
        description=(
            "Mọi đảng viên của 30 chi bộ và 2 đảng bộ bộ phận học kỹ năng số; kết quả được đưa vào đánh giá, "
            "xếp loại đảng viên hằng năm."
        ),
        organiser=commune,
        starts_on=start,
        ends_on=end,
        units=[party],
        participation=Campaign.Participation.ENROLLED,
    )
    actions.add_rule(campaign=campaign, label="Đảng viên", groups=PersonGroup.objects.filter(slug="dang-vien"))
    course_ids = _courses([BASIC_COURSE]) or _courses([STARTER_COURSES[0]])
    if course_ids:
        actions.set_courses(campaign=campaign, course_ids=course_ids)
    actions.add_target(campaign=campaign, measure=Target.Measure.PARTICIPATION, percent=100, deadline=start)
    actions.add_target(campaign=campaign, measure=Target.Measure.COMPLETION, percent=100, deadline=end)
    _open(campaign, start)
    rng = random.Random(8227)
    histories = {}
    for person_id in (
        CampaignMember.objects.filter(campaign=campaign).order_by("person_id").values_list("person_id", flat=True)
    ):
        enrolled = _moment(rng, start, start + dt.timedelta(days=14))
        started = enrolled + dt.timedelta(days=rng.randrange(1, 30)) if rng.random() < 0.8 else None
        completed = started + dt.timedelta(days=rng.randrange(3, 40)) if started and rng.random() < 0.6 else None
        histories[person_id] = (enrolled, started, completed)
    _load_progress(campaign, histories, course_ids)
    _snapshots(campaign, end)
    return campaign


def seed_demo_campaigns() -> list[str]:
    """Create the demo campaigns that do not exist yet; returns a line per campaign for the seed's report."""
    report = []
    for slug, seed in ((DP_SLUG, seed_dan_phuong), (GL_SLUG, seed_gia_lai), (LM_SLUG, seed_lien_minh)):
        if Campaign.objects.filter(slug=slug).exists():
            report.append(f"Campaign {slug}: already present.")
            continue
        campaign = seed()
        from reports.selectors import campaign_figures

        total = campaign_figures(campaign).total
        report.append(
            f"Campaign {slug}: {total.participating:,}/{total.members:,} taking part, {total.completed:,} completed."
        )
    return report
