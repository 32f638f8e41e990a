"""Progress summaries kept current from the statements about the platform's learners.

Statements stay write-once; :class:`lrs.models.Progress` is derived from
them. Each (learner, activity) pair touched by a batch, or by the voiding of
one of its statements, is recomputed from its non-voided statements inside
the same transaction, so the summary never disagrees with the records.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db.models import Exists, OuterRef

from lrs.auth import PERSON_IFI_PREFIX
from lrs.models import Activity, Agent, Progress, Statement, Voiding

ADL = "http://adlnet.gov/expapi/verbs/"
REGISTERED = ADL + "registered"
ATTEMPT_VERBS = frozenset((ADL + "attended", ADL + "launched"))
COMPLETED = ADL + "completed"
PASSED = ADL + "passed"
FAILED = ADL + "failed"


def pairs_of(items) -> set[tuple[str, str]]:
    """(agent key, activity iri) pairs of the platform's learners in prepared statements."""
    return {
        (p.actor, p.object_activity)
        for p in items
        if p.actor and p.object_activity and p.actor.startswith(PERSON_IFI_PREFIX)
    }


def voided_pairs(items) -> set[tuple[str, str]]:
    targets = [p.object_statement for p in items if p.is_voiding]
    if not targets:
        return set()
    rows = Statement.objects.filter(
        statement_id__in=targets, actor__ifi__startswith=PERSON_IFI_PREFIX, object_activity__isnull=False
    ).values_list("actor__ifi", "object_activity__iri")
    return set(rows)


def refresh(pairs: Iterable[tuple[str, str]]) -> None:
    pairs = set(pairs)
    if not pairs:
        return
    agents = dict(Agent.objects.filter(ifi__in={a for a, _ in pairs}).values_list("ifi", "id"))
    person = dict(Agent.objects.filter(ifi__in={a for a, _ in pairs}).values_list("id", "person_id"))
    activities = dict(Activity.objects.filter(iri__in={i for _, i in pairs}).values_list("iri", "id"))
    voided = Exists(Voiding.objects.filter(target_id=OuterRef("id")))
    for agent_key, iri in pairs:
        agent_id, activity_id = agents.get(agent_key), activities.get(iri)
        if agent_id is None or activity_id is None:
            continue
        rows = list(
            Statement.objects.filter(actor_id=agent_id, object_activity_id=activity_id)
            .exclude(voided)
            .order_by("timestamp", "id")
            .values_list("verb__iri", "timestamp", "data")
        )
        if not rows:
            Progress.objects.filter(agent_id=agent_id, activity_id=activity_id).delete()
            continue
        fields = {
            "person_id": person.get(agent_id),
            "registered_at": None,
            "first_at": rows[0][1],
            "last_at": rows[-1][1],
            "attempts": 0,
            "completed_at": None,
            "passed_at": None,
            "failed_at": None,
            "best_scaled": None,
            "last_verb": rows[-1][0],
            "statements": len(rows),
        }
        for verb, ts, data in rows:
            if verb == REGISTERED and fields["registered_at"] is None:
                fields["registered_at"] = ts
            elif verb in ATTEMPT_VERBS:
                fields["attempts"] += 1
            elif verb == COMPLETED and fields["completed_at"] is None:
                fields["completed_at"] = ts
            elif verb == PASSED and fields["passed_at"] is None:
                fields["passed_at"] = ts
            elif verb == FAILED and fields["failed_at"] is None:
                fields["failed_at"] = ts
            if '"scaled"' in data:
                scaled = json.loads(data).get("result", {}).get("score", {}).get("scaled")
                if scaled is not None and (fields["best_scaled"] is None or scaled > fields["best_scaled"]):
                    fields["best_scaled"] = scaled
        Progress.objects.update_or_create(agent_id=agent_id, activity_id=activity_id, defaults=fields)
