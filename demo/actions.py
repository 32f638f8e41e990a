"""Loading the demo data (``hocvuso seed_demo``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from demo import facts
from demo.accounts import ensure_accounts
from demo.sections import all_sections
from demo.writer import MapMissing, SectionResult, ensure_groups, ensure_kinds, write_section
from org.actions import refresh_heir_paths
from org.models import Unit

__all__ = ["MapMissing", "SeedReport", "check_map", "seed_demo"]


@dataclass
class SeedReport:
    sections: list[SectionResult] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.accounts) or any(s.written for s in self.sections)


def check_map() -> None:
    """Raise :class:`MapMissing` unless the map units the demo hangs off are loaded."""
    required = facts.required_map_codes()
    present = set(Unit.objects.filter(code__in=required).values_list("code", flat=True))
    missing = [code for code in required if code not in present]
    if missing:
        raise MapMissing(missing)


@transaction.atomic
def seed_demo() -> SeedReport:
    """Write every part of the demo that is not there yet, then the demo accounts.

    Each part is planned in full on every run (that keeps numbers such as
    CCCDs identical whichever parts already exist) and written only if its
    marker organisation is absent. All or nothing: one transaction.
    """
    check_map()
    kinds, groups = ensure_kinds(), ensure_groups()
    plans = all_sections()
    present = set(Unit.objects.filter(code__in=[p.marker for p in plans]).values_list("code", flat=True))
    report = SeedReport()
    for plan in plans:
        if plan.marker in present:
            report.sections.append(SectionResult(plan.title, written=False))
        else:
            report.sections.append(write_section(plan, kinds=kinds, groups=groups))
    report.accounts = ensure_accounts()
    refresh_heir_paths()  # the demo adds organisations under former districts
    return report
