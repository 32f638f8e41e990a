"""Who is calling the LRS, and what they may do.

Three kinds of caller:

- a key/secret credential (:class:`lrs.models.LrsClient`) over HTTP Basic,
  bound to a unit subtree and a set of xAPI scopes;
- a signed-in learner's browser content, with a short-lived signed token
  (``Authorization: Bearer hvsx...``) that lets it write and read only that
  learner's own records;
- the platform itself, through the Python API (:func:`platform_principal`).

A client's authority is an Agent naming the credential, so every stored
statement says which credential sent it.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.utils import timezone

from lrs import validation as v
from lrs.actions import record_client_use
from lrs.models import LrsClient, Scope

# Stable identifiers of the platform's agents and activities. Statements are
# immutable, so this must never change once records exist.
IRI_BASE = getattr(settings, "LRS_IRI_BASE", "https://hocvuso.vn/")
TOKEN_SECONDS = getattr(settings, "LRS_TOKEN_SECONDS", 3600)
TOKEN_PREFIX = "hvsx"
_TOKEN_SALT = "lrs.learner-token"
# validation.ifi_key() of a platform person's agent, less the person id.
PERSON_IFI_PREFIX = f"a|account|{IRI_BASE}|person/"
# A changed or revoked credential takes effect within this many seconds in each process.
_CLIENT_CACHE_SECONDS = 10
_LAST_USED_EVERY = 60

READ_SCOPES = frozenset({Scope.STATEMENTS_READ, Scope.ALL_READ, Scope.ALL})
WRITE_SCOPES = frozenset({Scope.STATEMENTS_WRITE, Scope.ALL})


def platform_agent() -> dict:
    return {"objectType": "Agent", "name": "hocvuso", "account": {"homePage": IRI_BASE, "name": "platform"}}


def person_agent(person) -> dict:
    """The Agent that stands for one of the platform's people in statements."""
    return {
        "objectType": "Agent",
        "name": person.full_name,
        "account": {"homePage": IRI_BASE, "name": f"person/{person.pk}"},
    }


def client_authority(client: LrsClient) -> dict:
    return {
        "objectType": "Agent",
        "name": client.name,
        "account": {"homePage": IRI_BASE + "xapi/clients", "name": client.key},
    }


@dataclass
class Principal:
    name: str
    scopes: frozenset[str]
    authority: dict
    client_id: int | None = None
    unit_id: int | None = None
    unit_path: str | None = None  # None: national
    # Learner tokens: the only agent whose records this caller touches.
    person_id: int | None = None
    agent_key: str | None = None
    # Credentials: the label of the 400 answer to a request that names no xAPI
    # version ("1.0.3", "2.0.0"); empty follows the server setting.
    xapi_version: str = ""

    @property
    def authority_key(self) -> str | None:
        return v.ifi_key(self.authority)

    @property
    def namespace(self) -> str:
        """Documents are kept apart per unit of the credential."""
        return str(self.unit_id) if self.unit_id else ""

    def has(self, *scopes: str) -> bool:
        return any(s in self.scopes for s in scopes)

    @property
    def can_define(self) -> bool:
        return self.has(Scope.DEFINE, Scope.ALL)


class AuthError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- key/secret credentials ---------------------------------------------------------------

_client_cache: dict[str, tuple[float, str, Principal, bool]] = {}
_last_used: dict[int, float] = {}


def clear_cache() -> None:
    _client_cache.clear()
    _last_used.clear()


def _load_client(key: str) -> tuple[str, Principal, bool] | None:
    row = LrsClient.objects.filter(key=key).select_related("unit").first()
    if row is None:
        return None
    principal = Principal(
        name=row.name,
        scopes=row.scope_set,
        authority=client_authority(row),
        client_id=row.pk,
        unit_id=row.unit_id,
        unit_path=row.unit.path if row.unit_id else None,
        xapi_version=row.xapi_version,
    )
    return row.secret_digest, principal, row.is_active


def _client(key: str, secret: str) -> Principal:
    now = time.monotonic()
    entry = _client_cache.get(key)
    if entry is None or now - entry[0] > _CLIENT_CACHE_SECONDS:
        loaded = _load_client(key)
        if loaded is None:
            _client_cache.pop(key, None)
            raise AuthError("unknown credentials")
        entry = (now, *loaded)
        _client_cache[key] = entry
    _, digest, principal, active = entry
    if not hmac.compare_digest(digest, LrsClient.hash(secret)):
        raise AuthError("unknown credentials")
    if not active:
        raise AuthError("this credential is disabled")
    last = _last_used.get(principal.client_id, 0)
    if now - last > _LAST_USED_EVERY:
        _last_used[principal.client_id] = now
        record_client_use(client_id=principal.client_id, at=timezone.now())
    return principal


# --- learner tokens ---------------------------------------------------------------------------


def learner_token(user) -> str:
    """A short-lived token for the signed-in learner's browser content."""
    person = user.person
    if person is None:
        raise ValueError("only users linked to a person can have a learner token")
    unit_id = primary_unit_id(person)
    payload = {"u": user.pk, "p": person.pk, "n": unit_id}
    return TOKEN_PREFIX + signing.dumps(payload, salt=_TOKEN_SALT, compress=True)


def primary_unit_id(person) -> int | None:
    from people.models import Membership

    row = (
        Membership.objects.filter(person=person, ended_on__isnull=True)
        .order_by("-is_primary", "id")
        .values_list("unit_id", flat=True)
        .first()
    )
    return row


def _learner(token: str) -> Principal:
    from accounts.models import User

    try:
        payload = signing.loads(token[len(TOKEN_PREFIX) :], salt=_TOKEN_SALT, max_age=TOKEN_SECONDS)
    except signing.SignatureExpired:
        raise AuthError("the token has expired") from None
    except signing.BadSignature:
        raise AuthError("unknown credentials") from None
    user = User.objects.filter(pk=payload["u"], is_active=True).select_related("person").first()
    if user is None or user.person_id != payload["p"]:
        raise AuthError("unknown credentials")
    agent = person_agent(user.person)
    unit_path = None
    if payload.get("n"):
        from org.models import Unit

        unit_path = Unit.objects.filter(pk=payload["n"]).values_list("path", flat=True).first()
    return Principal(
        name=user.get_username(),
        scopes=frozenset({Scope.STATEMENTS_WRITE, Scope.STATEMENTS_READ_MINE, Scope.STATE, Scope.PROFILE}),
        authority={"objectType": "Group", "member": [platform_agent(), agent]},
        unit_id=payload.get("n"),
        unit_path=unit_path,
        person_id=user.person_id,
        agent_key=v.ifi_key(agent),
    )


def platform_principal(unit=None) -> Principal:
    return Principal(
        name="hocvuso",
        scopes=frozenset({Scope.ALL}),
        authority=platform_agent(),
        unit_id=unit.pk if unit is not None else None,
        unit_path=unit.path if unit is not None else None,
    )


def authenticate(header: str | None) -> Principal:
    """The caller behind an Authorization header, or AuthError (answered with 401)."""
    if not header:
        raise AuthError("authentication is required (HTTP Basic with an LRS key and secret)")
    scheme, _, credentials = header.strip().partition(" ")
    scheme = scheme.lower()
    credentials = credentials.strip()
    if scheme == "basic":
        try:
            decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise AuthError("malformed Basic credentials") from None
        key, colon, secret = decoded.partition(":")
        if not colon:
            raise AuthError("malformed Basic credentials")
        if key == "token" and secret.startswith(TOKEN_PREFIX):
            return _learner(secret)
        return _client(key, secret)
    if scheme == "bearer" and credentials.startswith(TOKEN_PREFIX):
        return _learner(credentials)
    raise AuthError("unsupported authentication scheme (use HTTP Basic)")
