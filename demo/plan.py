"""What the demo data consists of, as plain values, before anything touches the database.

Each section of the demo (``demo.sections``) builds a :class:`SectionPlan` from
fixed seeds and the ``vietnam_provinces`` package only, so the plan is the
same on every run and can be checked without a database; ``demo.writer``
then writes it in a few bulk queries.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from demo.names import FEMALE, MALE, highland_name, kinh_name
from hocvuso.lib.cccd import validate_cccd

# The 2025 reorganisation: districts and the old communes ended with 30 June.
REORGANISED_ON = dt.date(2025, 7, 1)
LAST_DAY_BEFORE = dt.date(2025, 6, 30)

# Second digits of 09x mobile prefixes in use (095 belonged to a defunct network).
_MOBILE_09X = "012346789"


@dataclass(frozen=True)
class UnitPlan:
    """An organisation to create under ``parent_code`` (a map unit or an earlier plan)."""

    code: str
    name: str
    kind: str  # UnitKind slug
    parent_code: str
    is_active: bool = True
    ended_on: dt.date | None = None


@dataclass(frozen=True)
class SuccessionPlan:
    predecessor_code: str
    successor_code: str
    is_partial: bool
    note: str = ""
    effective_on: dt.date = REORGANISED_ON


@dataclass(frozen=True)
class MembershipPlan:
    unit_code: str
    group: str  # PersonGroup slug
    position: str = ""
    is_primary: bool = False
    started_on: dt.date | None = None
    ended_on: dt.date | None = None


@dataclass
class PersonPlan:
    full_name: str
    gender: str
    birth_date: dt.date
    cccd: str
    phone: str
    memberships: list[MembershipPlan] = field(default_factory=list)


@dataclass
class SectionPlan:
    """One part of the demo.

    ``marker`` is the code of a unit that exists once the section is written;
    ``area`` the code of the map unit the section is about (for the audit log).
    """

    key: str
    title: str
    marker: str
    area: str
    units: list[UnitPlan] = field(default_factory=list)
    successions: list[SuccessionPlan] = field(default_factory=list)
    people: list[PersonPlan] = field(default_factory=list)

    def add_unit(self, code: str, name: str, kind: str, parent_code: str, *, ended: bool = False) -> str:
        self.units.append(
            UnitPlan(code, name, kind, parent_code, is_active=not ended, ended_on=REORGANISED_ON if ended else None)
        )
        return code


class PeopleMaker:
    """Draws people (names, birth dates, CCCDs, phones) from one seeded generator.

    ``taken_cccds`` and ``taken_phones`` are shared by every maker of a run so
    that numbers stay unique across sections.
    """

    def __init__(self, seed: int, *, taken_cccds: set[str], taken_phones: set[str]) -> None:
        self.rng = random.Random(seed)
        self.taken_cccds = taken_cccds
        self.taken_phones = taken_phones

    def gender(self, female_share: float) -> str:
        return FEMALE if self.rng.random() < female_share else MALE

    def birth_date(self, first_year: int, last_year: int) -> dt.date:
        start = dt.date(first_year, 1, 1).toordinal()
        end = dt.date(last_year, 12, 31).toordinal()
        return dt.date.fromordinal(self.rng.randint(start, end))

    def hired_on(self, birth_date: dt.date) -> dt.date:
        """A start date in the old unit: from age 22 (or 1990) until the end of 2024."""
        start = max(dt.date(birth_date.year + 22, 1, 1), dt.date(1990, 1, 1)).toordinal()
        end = max(start, dt.date(2024, 12, 31).toordinal())
        return dt.date.fromordinal(self.rng.randint(start, end))

    def cccd(self, birth_province: str, birth_date: dt.date, gender: str) -> str:
        """A CCCD that agrees with the birth date and gender (digits 7-12 random, unique in the run)."""
        century = (birth_date.year // 100 - 19) * 2 + (1 if gender == FEMALE else 0)
        head = f"{birth_province}{century}{birth_date.year % 100:02d}"
        while True:
            number = f"{head}{self.rng.randrange(1_000_000):06d}"
            if number not in self.taken_cccds:
                self.taken_cccds.add(number)
                return validate_cccd(number, birth_date=birth_date, gender=gender)

    def phone(self) -> str:
        while True:
            number = f"+849{self.rng.choice(_MOBILE_09X)}{self.rng.randrange(10_000_000):07d}"
            if number not in self.taken_phones:
                self.taken_phones.add(number)
                return number

    def person(
        self,
        *,
        gender: str,
        birth_years: tuple[int, int],
        birth_provinces: tuple[tuple[str, int], ...],
        name: str | None = None,
        highland_share: float = 0.0,
    ) -> PersonPlan:
        birth_date = self.birth_date(*birth_years)
        if name is None:
            if highland_share and self.rng.random() < highland_share:
                name = highland_name(self.rng, gender)
            else:
                name = kinh_name(self.rng, gender)
        provinces, weights = zip(*birth_provinces, strict=True)
        province = self.rng.choices(provinces, weights=weights)[0]
        return PersonPlan(
            full_name=name,
            gender=gender,
            birth_date=birth_date,
            cccd=self.cccd(province, birth_date, gender),
            phone=self.phone(),
        )


def apportion(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder); the parts sum to ``total``."""
    scale = total / sum(weights)
    exact = [w * scale for w in weights]
    parts = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def spread(total: int, n: int, low: int, high: int, rng: random.Random) -> list[int]:
    """``n`` random counts between ``low`` and ``high`` that sum to exactly ``total``."""
    if not low * n <= total <= high * n:
        raise ValueError(f"cannot split {total} into {n} parts of {low}-{high}")
    counts = [rng.randint(low, high) for _ in range(n)]
    while (diff := total - sum(counts)) != 0:
        i = rng.randrange(n)
        step = 1 if diff > 0 else -1
        if low <= counts[i] + step <= high:
            counts[i] += step
    return counts
