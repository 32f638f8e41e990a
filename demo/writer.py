"""Writes a section plan to the database in a few bulk queries."""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import batched

from audit.actions import record_event
from demo.plan import SectionPlan
from org.actions import create_unit
from org.models import Unit, UnitKind, UnitSuccession
from people.actions import derive_name_fields
from people.models import Membership, Person, PersonGroup

BATCH_SIZE = 1000

# Kinds and groups the demo uses. They normally exist already (org and people
# data migrations); these defaults only matter on a database that lacks them.
_C = UnitKind.Category
KIND_DEFAULTS = {
    "ubnd": ("Ủy ban nhân dân", "People's Committee", _C.ORGANISATION, 40),
    "co-quan": ("Cơ quan", "Agency", _C.ORGANISATION, 41),
    "phong-ban": ("Phòng, ban", "Department", _C.ORGANISATION, 42),
    "dang-bo": ("Đảng bộ", "Party committee", _C.ORGANISATION, 43),
    "chi-bo": ("Chi bộ", "Party cell", _C.ORGANISATION, 44),
    "truong-mam-non": ("Trường mầm non", "Preschool", _C.ORGANISATION, 50),
    "truong-tieu-hoc": ("Trường tiểu học", "Primary school", _C.ORGANISATION, 51),
    "truong-thcs": ("Trường trung học cơ sở", "Lower secondary school", _C.ORGANISATION, 52),
    "trung-tam-hoc-tap-cong-dong": ("Trung tâm học tập cộng đồng", "Community learning center", _C.ORGANISATION, 55),
    "trung-tam-cds": ("Trung tâm chuyển đổi số", "Digital transformation center", _C.ORGANISATION, 56),
    "dong-ho": ("Dòng họ", "Clan", _C.ORGANISATION, 62),
}
GROUP_DEFAULTS = {
    "can-bo": ("Cán bộ", "Cadre", 10),
    "cong-chuc": ("Công chức", "Civil servant", 20),
    "vien-chuc": ("Viên chức", "Public employee", 30),
    "nguoi-lao-dong": ("Người lao động", "Worker", 40),
    "dang-vien": ("Đảng viên", "Party member", 50),
    "giao-vien": ("Giáo viên", "Teacher", 60),
    "hoc-sinh": ("Học sinh", "Student", 70),
    "nguoi-dan": ("Người dân", "Citizen", 80),
}


class MapMissing(Exception):
    """The administrative map the demo hangs off has not been loaded."""

    def __init__(self, codes: list[str]) -> None:
        shown = ", ".join(codes[:5]) + (f" and {len(codes) - 5} more" if len(codes) > 5 else "")
        super().__init__(
            f"The administrative map is missing (no unit with code {shown}): run hocvuso load_units first."
        )
        self.codes = codes


@dataclass(frozen=True)
class SectionResult:
    title: str
    written: bool
    units: int = 0
    successions: int = 0
    people: int = 0
    memberships: int = 0

    def describe(self) -> str:
        if not self.written:
            return f"{self.title}: already present, left as it is."
        return (
            f"{self.title}: {self.units:,} organisations, {self.successions:,} successions, "
            f"{self.people:,} people, {self.memberships:,} memberships."
        )


def ensure_kinds() -> dict[str, UnitKind]:
    kinds = {}
    for slug, (name, name_en, category, sort_order) in KIND_DEFAULTS.items():
        kinds[slug], _ = UnitKind.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "category": category, "sort_order": sort_order}
        )
    return kinds


def ensure_groups() -> dict[str, PersonGroup]:
    groups = {}
    for slug, (name, name_en, sort_order) in GROUP_DEFAULTS.items():
        groups[slug], _ = PersonGroup.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "sort_order": sort_order}
        )
    return groups


def write_section(plan: SectionPlan, *, kinds: dict[str, UnitKind], groups: dict[str, PersonGroup]) -> SectionResult:
    """Create the plan's units, successions, people and memberships. Call inside a transaction."""
    own = {u.code for u in plan.units}
    referenced = (
        {u.parent_code for u in plan.units}
        | {s.predecessor_code for s in plan.successions}
        | {s.successor_code for s in plan.successions}
        | {m.unit_code for p in plan.people for m in p.memberships}
        | {plan.area}
    ) - own
    units = {u.code: u for u in Unit.objects.filter(code__in=referenced)}
    if missing := sorted(referenced - units.keys()):
        raise MapMissing(missing)

    # Parents come before children in every plan, so one pass suffices. A
    # few hundred units at most: create_unit keeps the path logic in one place.
    for spec in plan.units:
        units[spec.code] = create_unit(
            kind=kinds[spec.kind],
            code=spec.code,
            name=spec.name,
            parent=units[spec.parent_code],
            is_active=spec.is_active,
        )
    for ended_on in {u.ended_on for u in plan.units if u.ended_on}:
        Unit.objects.filter(code__in=[u.code for u in plan.units if u.ended_on == ended_on]).update(ended_on=ended_on)

    UnitSuccession.objects.bulk_create(
        UnitSuccession(
            predecessor=units[s.predecessor_code],
            successor=units[s.successor_code],
            is_partial=s.is_partial,
            effective_on=s.effective_on,
            note=s.note,
        )
        for s in plan.successions
    )

    people = []
    for spec in plan.people:
        person = Person(
            full_name=spec.full_name, gender=spec.gender, birth_date=spec.birth_date, cccd=spec.cccd, phone=spec.phone
        )
        derive_name_fields(person)
        people.append(person)
    _avoid_cccds_in_use(people)
    Person.objects.bulk_create(people, batch_size=BATCH_SIZE)

    memberships = [
        Membership(
            person=person,
            unit=units[m.unit_code],
            group=groups[m.group],
            position=m.position,
            is_primary=m.is_primary,
            started_on=m.started_on,
            ended_on=m.ended_on,
        )
        for person, spec in zip(people, plan.people, strict=True)
        for m in spec.memberships
    ]
    Membership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)

    result = SectionResult(plan.title, True, len(plan.units), len(plan.successions), len(people), len(memberships))
    area = units[plan.area]
    # One event per section rather than thousands: the demo is one act.
    record_event(
        actor=None,
        action="demo.seed",
        target_type="unit",
        target_id=area.pk,
        target_label=f"{plan.title} — {area.name}",
        unit_path=area.path,
        changes={
            "organisations": [None, result.units],
            "people": [None, result.people],
            "memberships": [None, result.memberships],
        },
    )
    return result


def _avoid_cccds_in_use(people: list[Person]) -> None:
    """Give another number to the rare demo person whose CCCD someone in the database already holds.

    Demo CCCDs are unique among themselves; only a database with other data
    can clash. The replacement keeps province, century, gender and birth year
    and is drawn from a generator seeded by the clashing number, so it is
    still the same on every run against the same data.
    """
    ours = {p.cccd for p in people}
    in_use = set()
    for chunk in batched(sorted(ours), 500):
        in_use.update(Person.objects.filter(cccd__in=chunk).values_list("cccd", flat=True))
    for person in people:
        if person.cccd not in in_use:
            continue
        rng = random.Random(int(person.cccd))
        while True:
            candidate = f"{person.cccd[:6]}{rng.randrange(1_000_000):06d}"
            if candidate not in ours and not Person.objects.filter(cccd=candidate).exists():
                break
        ours.add(candidate)
        person.cccd = candidate
