"""Computing a campaign's target population from the people registry.

Reads only; ``campaigns.actions`` freezes the result into member rows. The
computation is a handful of queries however large the population (one per
rule), streamed, so a national campaign of a million people fits in memory
as small tuples.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Q

from campaigns.models import Campaign, PopulationRule
from hocvuso.db import subtree_q
from people.models import Membership


@dataclass(frozen=True)
class Placement:
    """Where a person is counted: unit, its path, the rule that brought them in, their group."""

    unit_id: int
    unit_path: str
    rule_id: int
    group_id: int | None


def memberships_on(campaign: Campaign) -> Q:
    """Memberships that count: current ones, or those in force on the campaign's population date.

    A membership ended on day D no longer counts on D (a move ends the old
    membership and starts the new one on the same day).
    """
    day = campaign.population_on
    if day is None:
        return Q(ended_on__isnull=True)
    return (Q(started_on__isnull=True) | Q(started_on__lte=day)) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))


def rule_q(rule: PopulationRule, campaign_paths: list[str]) -> Q:
    roots = [u.path for u in rule.units.all()] or campaign_paths
    q = Q(pk__in=[])
    for path in roots:
        q |= subtree_q(path, "unit__path")
    groups = [g.pk for g in rule.groups.all()]
    if groups:
        q &= Q(group_id__in=groups)
    kinds = [k.pk for k in rule.unit_kinds.all()]
    if kinds:
        q &= Q(unit__kind_id__in=kinds)
    return q


def compute_population(campaign: Campaign) -> dict[int, Placement]:
    """person id -> placement, for everyone the campaign's rules select today.

    Rules are tried in order and the first to select a person places them;
    within a rule, the person's primary membership wins, then the oldest.
    """
    campaign_paths = list(campaign.units.values_list("path", flat=True))
    rules = list(campaign.rules.prefetch_related("units", "groups", "unit_kinds"))
    placed: dict[int, Placement] = {}
    when = memberships_on(campaign)
    for rule in rules:
        rows = (
            Membership.objects.filter(when, rule_q(rule, campaign_paths))
            .order_by("person_id", "-is_primary", "id")
            .values_list("person_id", "unit_id", "unit__path", "group_id")
        )
        for person_id, unit_id, unit_path, group_id in rows.iterator(chunk_size=20_000):
            if person_id not in placed:
                placed[person_id] = Placement(unit_id, unit_path, rule.pk, group_id)
    return placed


def count_by_rule(placed: dict[int, Placement]) -> Counter:
    return Counter(p.rule_id for p in placed.values())
