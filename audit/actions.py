from __future__ import annotations

from typing import Any

from audit.models import AuditEvent


def record_event(
    *,
    actor,
    action: str,
    target_type: str,
    target_id: Any,
    target_label: str = "",
    unit_path: str = "",
    changes: dict | None = None,
) -> AuditEvent:
    """Append one audit event. Call inside the transaction that made the change."""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if is_user else None,
        actor_name=actor.get_username() if is_user else "system",
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        target_label=str(target_label)[:255],
        unit_path=unit_path or "",
        changes=changes or {},
    )


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields that changed, JSON-safe."""
    out = {}
    for key in after:
        old, new = before.get(key), after.get(key)
        if old != new:
            out[key] = [_plain(old), _plain(new)]
    return out


def _plain(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
