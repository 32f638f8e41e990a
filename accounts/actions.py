"""Writes for users, role grants, passwords and API tokens.

Every function checks the actor's right to do what it does through
``accounts.access`` (views check too, but an action must be safe to call from
anywhere) and records an audit event. Events about a user carry the deepest
unit path that covers all the user's roles, so auditors of that part of the
tree see them; events about system administrators carry no unit and are
visible to system administrators only.
"""

from __future__ import annotations

import os
import secrets

from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import ApiToken, Role, RoleGrant, User
from audit.actions import record_event
from hocvuso.lib.text import fold, nfc
from org.models import Unit, UnitKind
from people.models import Person

# Letters and digits that cannot be mistaken for one another when read
# aloud or copied from a phone screen (no 0/O, 1/l/I, 5/S, 2/Z, 8/B).
_PASSWORD_ALPHABET = "34679abcdefghjkmnpqrstuvwxy"
MAX_TOKENS_PER_USER = 20

# Roles that only make sense on units of one category.
_ROLE_CATEGORY = {
    Role.PROVINCE_ADMIN: UnitKind.Category.PROVINCE,
    Role.COMMUNE_ADMIN: UnitKind.Category.COMMUNE,
}


class ActionRefused(Exception):
    """The action cannot be done; ``str(exc)`` says why, ready to show the user.

    ``field`` names the form field the reason is about, if any.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def generate_password() -> str:
    """Four groups of four, e.g. "k7mq-x3tp-9rwd-hc4e" (about 76 bits)."""
    groups = ("".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(4)) for _ in range(4))
    return "-".join(groups)


def users_unit_path(user: User) -> str:
    """Deepest path covering every unit on which ``user`` holds a role ("" if none or any is global)."""
    paths = list(user.role_grants.values_list("unit__path", flat=True))
    if not paths or any(not p for p in paths):
        return ""
    common = os.path.commonprefix(paths)
    common = common[: common.rfind("/") + 1]
    return "" if common == "/" else common


def _role_label(role: str) -> str:
    return str(Role(role).label)


def _check_grant(*, actor, role: str, unit: Unit | None) -> None:
    if role not in Role.values:
        raise ActionRefused(_("Unknown role."), "role")
    if role == Role.SYSTEM_ADMIN:
        if unit is not None:
            raise ActionRefused(_("System administration is granted without a unit."), "unit")
        if not access.can_grant(actor, role, None):
            raise ActionRefused(_("Only system administrators can grant system administration."), "role")
        return
    if unit is None:
        raise ActionRefused(_("Choose the unit the role applies to."), "unit")
    if not access.can_grant(actor, role, unit):
        raise ActionRefused(
            _("You cannot grant the role “%(role)s” on %(unit)s: it ranks above your own role there.")
            % {"role": _role_label(role), "unit": unit.name}
            if access.scope(actor, access.Perm.MANAGE_ROLES).covers_unit(unit)
            else _("You cannot grant roles on %(unit)s.") % {"unit": unit.name},
            "role",
        )
    if not unit.is_active:
        raise ActionRefused(
            _("%(unit)s no longer exists; grant the role on its successor.") % {"unit": unit.name}, "unit"
        )
    wanted = _ROLE_CATEGORY.get(role)
    if wanted and unit.kind.category != wanted:
        raise ActionRefused(
            _("The role “%(role)s” applies to a unit of category “%(category)s”; %(unit)s is not one.")
            % {"role": _role_label(role), "category": UnitKind.Category(wanted).label, "unit": unit.name},
            "unit",
        )


# --- users -------------------------------------------------------------------


@transaction.atomic
def create_user(
    *,
    actor,
    username: str,
    full_name: str,
    role: str,
    unit: Unit | None,
    email: str = "",
    password: str | None = None,
    person: Person | None = None,
) -> tuple[User, str | None]:
    """Create a user holding ``role`` on ``unit``.

    A user is always created with a role, so that they are in the creator's
    scope from the start. Returns the user and the generated password when
    none was given (show it once; it is not stored in clear anywhere).
    """
    username = nfc(username)
    full_name = nfc(full_name) or (person.full_name if person else "")
    email = nfc(email) or (person.email if person else "")
    _check_grant(actor=actor, role=role, unit=unit)
    if User.objects.filter(username__iexact=username).exists():
        raise ActionRefused(_("The username “%(username)s” is already taken.") % {"username": username}, "username")
    if person is not None:
        if not access.people(actor, access.Perm.MANAGE_ROLES).filter(pk=person.pk).exists():
            raise ActionRefused(_("That person is not in your units."), "person")
        if User.objects.filter(person=person).exists():
            raise ActionRefused(_("%(name)s already has a sign-in account.") % {"name": person.full_name}, "person")
    generated = None
    if not password:
        password = generated = generate_password()
    user = User(username=username, full_name=full_name, search_name=fold(full_name), email=email, person=person)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    RoleGrant.objects.create(user=user, role=role, unit=unit, granted_by=actor)
    record_event(
        actor=actor,
        action="user.create",
        target_type="user",
        target_id=user.pk,
        target_label=username,
        unit_path=unit.path if unit else "",
        changes={
            "username": [None, username],
            "full_name": [None, full_name],
            "email": [None, email],
            "person": [None, person.full_name if person else None],
            "role": [None, role],
            "unit": [None, unit.code if unit else None],
        },
    )
    return user, generated


@transaction.atomic
def set_user_active(*, actor, user: User, active: bool) -> None:
    """Deactivate (or reactivate) a user: they can no longer sign in or use their API tokens."""
    if not access.can_manage_user(actor, user):
        raise ActionRefused(
            _("You cannot deactivate yourself.")
            if user.pk == actor.pk
            else _("%(username)s also holds roles you cannot grant; ask an administrator above you.")
            % {"username": user.username}
        )
    if user.is_active == active:
        return
    user.is_active = active
    user.save(update_fields=["is_active"])
    record_event(
        actor=actor,
        action="user.reactivate" if active else "user.deactivate",
        target_type="user",
        target_id=user.pk,
        target_label=user.username,
        unit_path=users_unit_path(user),
        changes={"is_active": [not active, active]},
    )


@transaction.atomic
def reset_password(*, actor, user: User) -> str:
    """Give ``user`` a new generated password and return it (show it once)."""
    if not access.can_reset_password(actor, user):
        raise ActionRefused(
            _("Use “Change password” to change your own password.")
            if user.pk == actor.pk
            else _("Only an administrator ranked above %(username)s can set their password.")
            % {"username": user.username}
        )
    password = generate_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    record_event(
        actor=actor,
        action="user.password_reset",
        target_type="user",
        target_id=user.pk,
        target_label=user.username,
        unit_path=users_unit_path(user),
    )
    return password


@transaction.atomic
def change_own_password(*, user: User, new_password: str) -> None:
    """The signed-in user changes their password (already checked by the form)."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record_event(
        actor=user,
        action="user.password_change",
        target_type="user",
        target_id=user.pk,
        target_label=user.username,
        unit_path=users_unit_path(user),
    )


# --- role grants -------------------------------------------------------------


@transaction.atomic
def grant_role(*, actor, user: User, role: str, unit: Unit | None) -> RoleGrant:
    _check_grant(actor=actor, role=role, unit=unit)
    if RoleGrant.objects.filter(user=user, role=role, unit=unit).exists():
        raise ActionRefused(_("%(username)s already holds this role there.") % {"username": user.username}, "role")
    try:
        with transaction.atomic():
            grant = RoleGrant.objects.create(user=user, role=role, unit=unit, granted_by=actor)
    except IntegrityError:  # granted by someone else in the meantime
        raise ActionRefused(
            _("%(username)s already holds this role there.") % {"username": user.username}, "role"
        ) from None
    record_event(
        actor=actor,
        action="role.grant",
        target_type="user",
        target_id=user.pk,
        target_label=user.username,
        unit_path=unit.path if unit else "",
        changes={"role": [None, role], "unit": [None, unit.code if unit else None]},
    )
    return grant


@transaction.atomic
def revoke_role(*, actor, grant: RoleGrant) -> None:
    if grant.user_id == actor.pk:
        # Revoking one's own role is how administrators lock themselves (or
        # the last system administrator) out; another administrator must do it.
        raise ActionRefused(_("You cannot revoke your own role; ask another administrator."))
    if not access.can_grant(actor, grant.role, grant.unit):
        raise ActionRefused(_("You cannot revoke a role ranked above your own."))
    unit = grant.unit
    user = grant.user
    grant.delete()
    record_event(
        actor=actor,
        action="role.revoke",
        target_type="user",
        target_id=user.pk,
        target_label=user.username,
        unit_path=unit.path if unit else "",
        changes={"role": [grant.role, None], "unit": [unit.code if unit else None, None]},
    )


# --- API tokens --------------------------------------------------------------


@transaction.atomic
def create_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create an API token for ``user``; returns it and the raw secret (shown once, stored hashed)."""
    name = nfc(name)
    if not name:
        raise ActionRefused(_("Give the token a name, e.g. the script that will use it."), "name")
    if not user.is_active:
        raise ActionRefused(_("This account is inactive."))
    if ApiToken.objects.filter(user=user).count() >= MAX_TOKENS_PER_USER:
        raise ActionRefused(
            _("You already have %(count)d tokens; revoke one you no longer use first.")
            % {"count": MAX_TOKENS_PER_USER},
            "name",
        )
    raw = ApiToken.generate()
    token = ApiToken.objects.create(user=user, name=name[:100], prefix=token_prefix(raw), digest=ApiToken.hash(raw))
    record_event(
        actor=user,
        action="token.create",
        target_type="api_token",
        target_id=token.pk,
        target_label=f"{user.username}: {token.name}",
        unit_path=users_unit_path(user),
    )
    return token, raw


def token_prefix(raw: str) -> str:
    """The 8 characters after "hvs_": enough to tell tokens apart, useless to an attacker."""
    return raw.removeprefix("hvs_")[:8]


@transaction.atomic
def revoke_token(*, user: User, token: ApiToken) -> None:
    if token.user_id != user.pk:
        raise ActionRefused(_("That token is not yours."))
    record_event(
        actor=user,
        action="token.revoke",
        target_type="api_token",
        target_id=token.pk,
        target_label=f"{user.username}: {token.name}",
        unit_path=users_unit_path(user),
    )
    token.delete()
