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

from accounts.models import Role, RoleGrant, User
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

    def unit_q(self, field: str = "path", *, heirs: bool | None = None) -> Q:
        """Rows whose ``field`` lies in the granted subtrees.

        On a unit's own path ("path", "unit__path", "owner__path", ...) the
        unit's heir path counts too, so a grant also reaches the former units
        whose history now belongs inside it. Denormalised copies such as
        ``AuditEvent.unit_path`` have no heir; ``heirs`` overrides the guess.
        """
        if self.everything:
            return Q()
        if heirs is None:
            heirs = field == "path" or field.endswith("__path")
        q = Q(pk__in=[])  # matches nothing when there are no paths
        for p in self.paths:
            q |= subtree_q(p, field)
            if heirs:
                q |= subtree_q(p, field.removesuffix("path") + "heir_path")
        return q

    def heir_q(self, field: str = "heir_path") -> Q:
        """Rows whose unit's heir path (``field``: "heir_path", "unit__heir_path", ...) lies in the granted subtrees.

        The heir half of ``unit_q``, for tables that keep a frozen copy of
        their unit's path (campaign members and tallies, indexed for range
        scans): ``unit_q("unit_path", heirs=False) | heir_q("unit__heir_path")``
        is the test ``unit_q("unit__path")`` makes on the unit itself.
        """
        if self.everything:
            return Q()
        q = Q(pk__in=[])
        for p in self.paths:
            q |= subtree_q(p, field)
        return q

    def covers_path(self, path: str) -> bool:
        """Is ``path`` in the granted subtrees? Blind to heirs: prefer ``covers_unit`` for a unit."""
        return self.everything or any(path.startswith(p) for p in self.paths)

    def covers_unit(self, unit) -> bool:
        """Is ``unit`` (a Unit, or a row with "path" and "heir_path") in the scope, itself or through its heir?"""
        if isinstance(unit, dict):
            path, heir = unit["path"], unit.get("heir_path", "")
        else:
            path, heir = unit.path, unit.heir_path
        return self.covers_path(path) or (bool(heir) and self.covers_path(heir))


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


def reach(unit: Unit) -> Scope:
    """What a grant on ``unit`` reaches, as a scope: its subtree and the former units whose heir path lies in it.

    For narrowing a dashboard, a report or a list to one unit by the same
    rule that narrows it to a user (``reach(unit).unit_q(...)``,
    ``reach(unit).covers_unit(...)``), rather than by its path alone.
    """
    return Scope(False, (unit.path,))


def max_rank_over(user, unit: Unit) -> int:
    """Highest rank among the user's MANAGE_ROLES grants that cover ``unit``."""
    best = 0
    for role, path in _grants(user):
        if Perm.MANAGE_ROLES not in ROLE_PERMS.get(role, ()):
            continue
        if role == Role.SYSTEM_ADMIN or (path and Scope(False, (path,)).covers_unit(unit)):
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


def get_unit_below_roots(user, perm: Perm = Perm.MANAGE_UNITS, *, queryset=None, **lookup) -> Unit:
    """A unit strictly below the user's own scope roots (else 404).

    Rearranging the tree (edit, move, merge, deactivate) is allowed only below
    the unit a role was granted on: a commune administrator manages what is in
    the commune, not the commune itself.
    """
    qs = units(user, perm) if queryset is None else queryset.filter(scope(user, perm).unit_q("path"))
    try:
        unit = qs.get(**lookup)
    except (Unit.DoesNotExist, ValueError):
        raise Http404 from None
    s = scope(user, perm)
    if not s.everything and unit.path in s.paths:
        raise Http404
    return unit


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


# --- users and role grants -------------------------------------------------


def is_system_admin(user) -> bool:
    return getattr(user, "is_active", False) and Role.SYSTEM_ADMIN in roles_of(user)


def users(user) -> QuerySet[User]:
    """Users holding a role on a unit in ``user``'s MANAGE_ROLES scope.

    System administrators see every user, including those with no role yet.
    """
    s = scope(user, Perm.MANAGE_ROLES)
    if s.everything:
        return User.objects.all()
    if s.empty:
        return User.objects.none()
    inside = RoleGrant.objects.filter(user=OuterRef("pk")).filter(s.unit_q("unit__path"))
    return User.objects.filter(Exists(inside))


def get_user(user, pk) -> User:
    try:
        return users(user).get(pk=pk)
    except (User.DoesNotExist, ValueError):
        raise Http404 from None


def grants(user) -> QuerySet[RoleGrant]:
    """Role grants on units in ``user``'s MANAGE_ROLES scope (all of them for system administrators)."""
    s = scope(user, Perm.MANAGE_ROLES)
    if s.everything:
        return RoleGrant.objects.all()
    if s.empty:
        return RoleGrant.objects.none()
    return RoleGrant.objects.filter(s.unit_q("unit__path"))


def grantable_roles(user) -> list[str]:
    """Roles ``user`` may grant somewhere: ranked at or below their best MANAGE_ROLES role.

    Where exactly is decided per unit by ``can_grant``.
    """
    if not getattr(user, "is_active", False):
        return []
    best = max(
        (ROLE_RANK[role] for role, _ in _grants(user) if Perm.MANAGE_ROLES in ROLE_PERMS.get(role, ())),
        default=0,
    )
    return [
        role for role in Role.values if ROLE_RANK[role] <= best and (role != Role.SYSTEM_ADMIN or is_system_admin(user))
    ]


def can_grant(user, role: str, unit: Unit | None) -> bool:
    """May ``user`` grant (or revoke) ``role`` on ``unit``?

    System administration (unit None) only by system administrators; any
    other role only on a unit in the MANAGE_ROLES scope and ranked at or
    below the user's best role covering that unit.
    """
    if role == Role.SYSTEM_ADMIN:
        return unit is None and is_system_admin(user)
    if unit is None or role not in ROLE_RANK:
        return False
    if not scope(user, Perm.MANAGE_ROLES).covers_unit(unit):
        return False
    return ROLE_RANK[role] <= max_rank_over(user, unit)


def can_manage_user(user, target: User) -> bool:
    """May ``user`` deactivate ``target`` or reset their password?

    Only if ``user`` could have granted every role ``target`` holds, so that
    nobody can lock out someone whose reach goes beyond their own; never
    oneself (that is what the password page is for).
    """
    if target.pk == user.pk:
        return False
    held = list(target.role_grants.select_related("unit"))
    if not held:
        return is_system_admin(user)
    return all(can_grant(user, g.role, g.unit) for g in held)


def can_reset_password(user, target: User) -> bool:
    """May ``user`` give ``target`` a new password?

    As ``can_manage_user``, but every role of ``target`` must rank strictly
    below ``user``'s there: whoever sets a password can sign in as its owner,
    and a peer must not be able to become another peer. System
    administrators may reset anyone's.
    """
    if not can_manage_user(user, target):
        return False
    if is_system_admin(user):
        return True
    return all(
        g.unit is not None and ROLE_RANK[g.role] < max_rank_over(user, g.unit)
        for g in target.role_grants.select_related("unit")
    )
