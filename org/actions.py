from __future__ import annotations

from django.db import transaction

from audit.actions import record_event
from hocvuso.lib.text import fold, nfc
from org.models import Unit, UnitKind


@transaction.atomic
def create_unit(
    *,
    kind: UnitKind,
    code: str,
    name: str,
    parent: Unit | None = None,
    official_code: str = "",
    is_active: bool = True,
    actor=None,
) -> Unit:
    name = nfc(name)
    unit = Unit(
        kind=kind,
        code=nfc(code),
        name=name,
        search_name=fold(name),
        parent=parent,
        official_code=official_code,
        is_active=is_active,
        depth=(parent.depth + 1) if parent else 0,
        # Placeholder unique per row until the id is known.
        path=f"~pending~{code}",
    )
    unit.save()
    unit.path = (parent.path if parent else "/") + Unit.segment(unit.pk)
    unit.save(update_fields=["path"])
    if actor is not None:
        record_event(
            actor=actor,
            action="unit.create",
            target_type="unit",
            target_id=unit.pk,
            target_label=unit.name,
            unit_path=unit.path,
            changes={"code": [None, unit.code], "name": [None, unit.name], "parent": [None, parent and parent.code]},
        )
    return unit
