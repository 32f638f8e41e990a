"""The one place where a user's reach is decided.

Every page, API call, export and import asks this module for the units and
people a user may see or change; nothing else filters by role. Objects outside
the scope are reported as missing (404), never as forbidden, so ids cannot be
probed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.models import Role
from hocvuso.db import subtree_q
from org.models import Unit
from people.models import Membership, Person


class Perm(StrEnum):
    VIEW = "view"  # see units, people and reports
    MANAGE_PEOPLE = "manage_people"  # create, edit and import people
    MANAGE_UNITS = "manage_units"  # create, move, merge units below the scope root
    MANAGE_ROLES = "manage_roles"  # grant roles within the scope
    AUDIT = "audit"  # browse the audit log


_ADMIN = frozenset(Perm)
ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.SYSTEM_ADMIN: _ADMIN,
    Role.PROVINCE_ADMIN: _ADMIN,
    Role.COMMUNE_ADMIN: _ADMIN,
    Role.ORG_MANAGER: frozenset({Perm.VIEW, Perm.MANAGE_PEOPLE, Perm.MANAGE_UNITS, Perm.MANAGE_ROLES, Perm.AUDIT}),
    Role.INSTRUCTOR: frozenset({Perm.VIEW}),
    Role.LEARNER: frozenset(),
}

# A user may grant only roles ranked at or below the highest role they hold
# with MANAGE_ROLES on that unit.
ROLE_RANK = {
    Role.SYSTEM_ADMIN: 60,
    Role.PROVINCE_ADMIN: 50,
    Role.COMMUNE_ADMIN: 40,
    Role.ORG_MANAGER: 30,
    Role.INSTRUCTOR: 20,
    Role.LEARNER: 10,
}


@dataclass(frozen=True)
class Scope:
    everything: bool
    paths: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.everything and not self.paths

    def unit_q(self, field: str = "path") -> Q:
        if self.everything:
            return Q()
        q = Q(pk__in=[])  # matches nothing when there are no paths
        for p in self.paths:
            q |= subtree_q(p, field)
        return q

    def covers_path(self, path: str) -> bool:
        return self.everything or any(path.startswith(p) for p in self.paths)


def _grants(user) -> list[tuple[str, str | None]]:
    cached = getattr(user, "_hocvuso_grants", None)
    if cached is None:
        cached = list(user.role_grants.values_list("role", "unit__path")) if user.is_authenticated else []
        user._hocvuso_grants = cached
    return cached


def roles_of(user) -> set[str]:
    return {role for role, _ in _grants(user)}


def scope(user, perm: Perm = Perm.VIEW) -> Scope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope(False, ())
    paths = []
    for role, path in _grants(user):
        if perm not in ROLE_PERMS.get(role, ()):
            continue
        if role == Role.SYSTEM_ADMIN:
            return Scope(True, ())
        if path:
            paths.append(path)
    # Drop paths already covered by a shorter one so queries stay small.
    paths.sort(key=len)
    kept: list[str] = []
    for p in paths:
        if not any(p.startswith(k) for k in kept):
            kept.append(p)
    return Scope(False, tuple(kept))


def has_perm(user, perm: Perm) -> bool:
    return not scope(user, perm).empty


def max_rank_over(user, unit: Unit) -> int:
    """Highest rank among the user's MANAGE_ROLES grants that cover ``unit``."""
    best = 0
    for role, path in _grants(user):
        if Perm.MANAGE_ROLES not in ROLE_PERMS.get(role, ()):
            continue
        if role == Role.SYSTEM_ADMIN or (path and unit.path.startswith(path)):
            best = max(best, ROLE_RANK[role])
    return best


# --- units -----------------------------------------------------------------


def units(user, perm: Perm = Perm.VIEW) -> QuerySet[Unit]:
    s = scope(user, perm)
    if s.empty:
        return Unit.objects.none()
    return Unit.objects.filter(s.unit_q("path"))


def get_unit(user, perm: Perm = Perm.VIEW, **lookup) -> Unit:
    try:
        return units(user, perm).get(**lookup)
    except (Unit.DoesNotExist, ValueError):
        raise Http404 from None


# --- people ----------------------------------------------------------------


def people(user, perm: Perm = Perm.VIEW) -> QuerySet[Person]:
    """People with a current membership anywhere in the user's scope.

    A learner without VIEW rights sees only themself.
    """
    s = scope(user, perm)
    if s.everything:
        return Person.objects.all()
    if s.empty:
        if perm == Perm.VIEW and getattr(user, "person_id", None):
            return Person.objects.filter(pk=user.person_id)
        return Person.objects.none()
    inside = Membership.objects.filter(person=OuterRef("pk"), ended_on__isnull=True).filter(s.unit_q("unit__path"))
    return Person.objects.filter(Exists(inside))


def get_person(user, pk, perm: Perm = Perm.VIEW) -> Person:
    try:
        return people(user, perm).get(pk=pk)
    except (Person.DoesNotExist, ValueError):
        raise Http404 from None
