"""Writes of the LRS app other than statements: credentials and the platform's own records."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.actions import record_event
from hocvuso.lib.text import nfc
from lrs import writer
from lrs.http import XapiError
from lrs.models import LrsClient, Scope
from org.models import Unit

log = logging.getLogger(__name__)

SCOPE_VALUES = frozenset(Scope.values)


def clean_scopes(scopes) -> list[str]:
    """Scopes from a list or a space/comma separated string, validated and in a stable order."""
    if isinstance(scopes, str):
        scopes = scopes.replace(",", " ").split()
    out = []
    for s in scopes:
        s = s.strip()
        if s not in SCOPE_VALUES:
            raise ValidationError(
                {
                    "scopes": _("Unknown scope %(scope)s (use: %(known)s).")
                    % {"scope": s, "known": ", ".join(Scope.values)}
                }
            )
        if s not in out:
            out.append(s)
    if not out:
        raise ValidationError({"scopes": _("Give at least one scope.")})
    return [s for s in Scope.values if s in out]


@transaction.atomic
def create_client(
    *, name: str, scopes, unit: Unit | None = None, xapi_version: str = "", actor=None
) -> tuple[LrsClient, str]:
    """A new key/secret credential. Returns it with its secret, which is shown once and never stored.

    ``xapi_version`` ("1.0.3" or "2.0.0") labels the answers to its requests that name no xAPI version;
    empty follows the server setting ``LRS_UNVERSIONED_RESPONSE_VERSION``.
    """
    name = nfc(name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the client a name.")})
    if len(name) > 100:
        raise ValidationError({"name": _("The name is longer than 100 characters.")})
    scope_list = clean_scopes(scopes)
    xapi_version = (xapi_version or "").strip()
    if xapi_version not in LrsClient.XapiVersion.values:
        raise ValidationError(
            {
                "xapi_version": _("Unknown xAPI version %(version)s (use: %(known)s).")
                % {"version": xapi_version, "known": ", ".join(v for v in LrsClient.XapiVersion.values if v)}
            }
        )
    secret = LrsClient.generate_secret()
    client = LrsClient.objects.create(
        name=name,
        key=LrsClient.generate_key(),
        secret_digest=LrsClient.hash(secret),
        scopes=" ".join(scope_list),
        unit=unit,
        xapi_version=xapi_version,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record_event(
        actor=actor,
        action="lrs.client.create",
        target_type="lrs.client",
        target_id=client.pk,
        target_label=name,
        unit_path=unit.path if unit else "",
        changes={
            "scopes": [None, client.scopes],
            "unit": [None, unit.code if unit else None],
            "xapi_version": [None, xapi_version],
        },
    )
    return client, secret


@transaction.atomic
def set_client_active(*, client: LrsClient, active: bool, actor=None) -> None:
    if client.is_active == active:
        return
    client.is_active = active
    client.save(update_fields=["is_active"])
    record_event(
        actor=actor,
        action="lrs.client.enable" if active else "lrs.client.disable",
        target_type="lrs.client",
        target_id=client.pk,
        target_label=client.name,
        unit_path=client.unit.path if client.unit_id else "",
        changes={"is_active": [not active, active]},
    )


@transaction.atomic
def rotate_secret(*, client: LrsClient, actor=None) -> str:
    """A new secret for the credential; the old one stops working at once (within seconds in other processes)."""
    secret = LrsClient.generate_secret()
    client.secret_digest = LrsClient.hash(secret)
    client.save(update_fields=["secret_digest"])
    record_event(
        actor=actor,
        action="lrs.client.rotate_secret",
        target_type="lrs.client",
        target_id=client.pk,
        target_label=client.name,
        unit_path=client.unit.path if client.unit_id else "",
    )
    return secret


def record_client_use(*, client_id: int, at) -> None:
    """Note when a credential was last used (shown on the credentials page).

    On SQLite the statement writer makes this write: a commit from any other
    connection would empty that process's page cache (lrs.writer). Without a
    writer, or if it stops before answering, it is made here.
    """
    try:
        writer.run("client_used", client_id, at)
    except (writer.WriterGone, XapiError) as exc:
        log.warning("LRS writer did not note the use of credential %s (%s); noting it here", client_id, exc)
        store_client_use(client_id=client_id, at=at)


def store_client_use(*, client_id: int, at) -> None:
    LrsClient.objects.filter(pk=client_id).update(last_used_at=at)
