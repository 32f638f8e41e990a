"""Reads for the accounts pages. Scope comes from accounts.access only."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from accounts import access
from accounts.models import ApiToken, RoleGrant, User
from hocvuso.lib.text import fold, nfc

UNIT_SUGGESTIONS = 500


def _visible_grants(viewer) -> QuerySet[RoleGrant]:
    return access.grants(viewer).select_related("unit").order_by("unit__path", "role")


def user_list(viewer, *, q: str = "", role: str = "") -> QuerySet[User]:
    """Users the viewer manages, each with ``visible_grants``: their roles inside the viewer's scope.

    Roles held elsewhere are left out: they are none of the viewer's business.
    Three queries whatever the page size (count, page, grants).
    """
    users = access.users(viewer)
    q = nfc(q)
    if q:
        users = users.filter(Q(search_name__contains=fold(q)) | Q(username__icontains=q) | Q(email__icontains=q))
    if role:
        users = users.filter(Exists(access.grants(viewer).filter(user=OuterRef("pk"), role=role)))
    return users.order_by("username").prefetch_related(
        Prefetch("role_grants", queryset=_visible_grants(viewer), to_attr="visible_grants")
    )


def user_grants(viewer, user: User) -> list[RoleGrant]:
    return list(_visible_grants(viewer).filter(user=user))


def unit_suggestions(viewer) -> list[dict]:
    """Active units the viewer may grant roles on, for the code field's suggestion list."""
    units = access.units(viewer, access.Perm.MANAGE_ROLES).filter(is_active=True).order_by("path")
    return list(units.values("code", "name")[:UNIT_SUGGESTIONS])


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return (
        ApiToken.objects.filter(user=user)
        .order_by("-created_at", "-pk")
        .only("pk", "name", "prefix", "created_at", "last_used_at")
    )
