from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from org.models import Unit


class User(AbstractUser):
    person = models.OneToOneField(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="user"
    )
    # One field for the whole name: Vietnamese names do not split into
    # Django's first/last name the Western way ("Nguyễn Thị Mai" is family,
    # middle, given). Set through accounts.actions, which also fills
    # search_name (folded: no accents, lower case) for the user list.
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    search_name = models.CharField(max_length=200, blank=True, editable=False, db_index=True)

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name()

    def get_short_name(self) -> str:
        return self.full_name.rsplit(" ", 1)[-1] if self.full_name else super().get_short_name()


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    PROVINCE_ADMIN = "province_admin", _("Province administrator")
    COMMUNE_ADMIN = "commune_admin", _("Commune administrator")
    ORG_MANAGER = "org_manager", _("Organisation manager")
    INSTRUCTOR = "instructor", _("Instructor")
    LEARNER = "learner", _("Learner")


class RoleGrant(models.Model):
    """A role held on a unit; it covers the unit's whole subtree."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    # Null only for system administrators, whose scope is everything.
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="role_grants")
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="accounts_rolegrant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} @ {self.unit or '*'}"


class ApiToken(models.Model):
    """Bearer token for the JSON API. Only a SHA-256 of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} (hvs_{self.prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return "hvs_" + secrets.token_urlsafe(32)


class SignInFailure(models.Model):
    """One failed sign-in, counted against a username and against a client address.

    Rows rather than cache counters: inserts from parallel gunicorn workers
    are never lost (a cache's read-modify-write increment on the database
    backend is not atomic, so a burst of parallel guesses could overwrite each
    other's counts and never reach the limit). ``key`` is a SHA-256 so the
    table holds no addresses or usernames in clear. See accounts/throttle.py.
    """

    key = models.CharField(max_length=64)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["key", "at"], name="accounts_signin_failure_key_at")]

    def __str__(self) -> str:
        return f"{self.key[:12]} {self.at:%Y-%m-%d %H:%M:%S}"
