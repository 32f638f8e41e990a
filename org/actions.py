"""Every write to the unit tree.

Each function checks its input (raising ``django.core.exceptions.ValidationError``
keyed by field, so forms and the API show the reason next to the field),
changes the rows inside one transaction and appends an audit event. Scope
checks belong to the caller, through ``accounts.access``.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.actions import diff, record_event
from hocvuso.db import subtree_q
from hocvuso.lib.text import fold, nfc
from org.models import Unit, UnitKind, UnitMove, UnitSuccession

CODE_MAX_LENGTH = Unit._meta.get_field("code").max_length
NAME_MAX_LENGTH = Unit._meta.get_field("name").max_length

# Official codes: 2-digit provinces, 3-digit former districts, 5-digit
# communes, and "old:..." for the pre-2025 map. The map loader owns them.
_RESERVED_CODE = re.compile(r"^(\d{1,5}|old:.*)$", re.IGNORECASE)
_CODE_CHARS = re.compile(r"^[\w.\-/]+$")


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


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
    """Insert one unit as given (fixtures, the demo, the map). Pages and the API use ``create_organisation``."""
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
        # Something created under a former unit belongs to the same history.
        heir_path=parent.heir_path if parent else "",
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


def _common_ancestor(paths: list[str]) -> str:
    """The deepest path every one of ``paths`` lies in ("" when they share no segment)."""
    split = [p.strip("/").split("/") for p in paths]
    common: list[str] = []
    for segments in zip(*split, strict=False):
        if any(s != segments[0] for s in segments):
            break
        common.append(segments[0])
    return "/" + "/".join(common) + "/" if common else ""


def heir_paths(units, successions) -> dict[int, str]:
    """Every unit's heir path, from ``(id, path)`` pairs and ``(predecessor path, successor path)`` pairs.

    A unit with successors gets the deepest common ancestor of their paths;
    a unit without any, its nearest such ancestor's; the rest "".
    """
    successors: dict[str, list[str]] = {}
    for predecessor, successor in successions:
        successors.setdefault(predecessor, []).append(successor)
    own = {path: _common_ancestor(paths) for path, paths in successors.items()}
    result = {}
    for pk, path in units:
        heir = ""
        if own:
            segments = path.strip("/").split("/")
            for end in range(len(segments), 0, -1):
                prefix = "/" + "/".join(segments[:end]) + "/"
                if prefix in own:
                    heir = own[prefix]
                    break
        result[pk] = heir
    return result


def refresh_heir_paths() -> int:
    """Recompute ``Unit.heir_path`` everywhere and save the rows that changed; returns how many.

    Two reads whatever the size of the tree (a whole country is about 14,000
    units), so it runs at the end of every change to successions or paths.
    """
    rows = list(Unit.objects.values_list("pk", "path", "heir_path"))
    links = UnitSuccession.objects.values_list("predecessor__path", "successor__path")
    wanted = heir_paths(((pk, path) for pk, path, _ in rows), links)
    changed = [Unit(pk=pk, heir_path=wanted[pk]) for pk, _, heir in rows if wanted[pk] != heir]
    Unit.objects.bulk_update(changed, ["heir_path"], batch_size=1000)
    return len(changed)


def clean_name(name: str | None) -> str:
    name = nfc(name)
    if not name:
        raise ValidationError({"name": _("Enter a name.")})
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError({"name": _("Names are at most %(n)d characters long.") % {"n": NAME_MAX_LENGTH}})
    return name


def clean_organisation_code(code: str | None, *, unit: Unit | None = None) -> str:
    """A free, unique code for an organisation ("TH-LM", "CB-01"); official-looking codes are refused."""
    code = nfc(code)
    if not code:
        raise ValidationError({"code": _("Enter a code.")})
    if len(code) > CODE_MAX_LENGTH:
        raise ValidationError({"code": _("Codes are at most %(n)d characters long.") % {"n": CODE_MAX_LENGTH}})
    if _RESERVED_CODE.match(code):
        raise ValidationError(
            {"code": _("Codes of up to 5 digits, and codes starting with “old:”, are reserved for the official map.")}
        )
    if not _CODE_CHARS.match(code):
        raise ValidationError({"code": _("Use letters, digits, dots, dashes or slashes only, without spaces.")})
    clash = Unit.objects.filter(code__iexact=code)
    if unit is not None:
        clash = clash.exclude(pk=unit.pk)
    if clash.exists():
        raise ValidationError({"code": _("Another unit already has the code “%(code)s”.") % {"code": code}})
    return code


def check_parent(kind: UnitKind, parent: Unit | None) -> None:
    """Provinces are roots, communes sit in provinces, organisations anywhere below a province."""
    C = UnitKind.Category
    if parent is not None and not parent.is_active:
        raise ValidationError({"parent": _("“%(name)s” is a former unit; choose a current one.") % {"name": parent}})
    if kind.category == C.PROVINCE and parent is not None:
        raise ValidationError({"parent": _("A province cannot be placed under another unit.")})
    if kind.category in (C.COMMUNE, C.DISTRICT) and (
        parent is None or parent.kind.category not in (C.PROVINCE, C.DISTRICT)
    ):
        raise ValidationError({"parent": _("A commune or district must be placed directly in a province.")})
    if kind.category == C.ORGANISATION and parent is None:
        raise ValidationError({"parent": _("An organisation must be placed under a unit.")})


def _collect(errors: dict, check, *args, **kwargs):
    """Run one check, gathering its field errors so a form shows them all at once."""
    try:
        return check(*args, **kwargs)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
        return None


@transaction.atomic
def create_organisation(*, parent: Unit, kind: UnitKind, code: str, name: str, actor) -> Unit:
    """Add an organisation (school, party cell, agency...) under ``parent``."""
    errors: dict[str, list[str]] = {}
    if kind.category != UnitKind.Category.ORGANISATION:
        errors["kind"] = [_("Choose a kind of organisation.")]
    name = _collect(errors, clean_name, name)
    code = _collect(errors, clean_organisation_code, code)
    if "kind" not in errors:
        _collect(errors, check_parent, kind, parent)
    if errors:
        raise ValidationError(errors)
    return create_unit(kind=kind, code=code, name=name, parent=parent, actor=actor)


@transaction.atomic
def update_unit(
    *, unit: Unit, actor, name: str | None = None, code: str | None = None, kind: UnitKind | None = None
) -> Unit:
    """Rename, recode or reclassify ``unit``; arguments left as None stay as they are.

    Administrative units keep their official codes (the map loader matches by
    code), and a unit keeps its level: a school may become a lower secondary
    school, not a commune.
    """
    before = {"name": unit.name, "code": unit.code, "kind": unit.kind.slug}
    errors: dict[str, list[str]] = {}
    if name is not None:
        name = _collect(errors, clean_name, name)
    if code is not None and nfc(code) != unit.code:
        if unit.kind.category != UnitKind.Category.ORGANISATION:
            errors["code"] = [_("The code of an official administrative unit cannot be changed.")]
        else:
            code = _collect(errors, clean_organisation_code, code, unit=unit)
    if kind is not None and kind.category != unit.kind.category:
        errors["kind"] = [
            _("Choose a kind of the same level: %(category)s.") % {"category": unit.kind.get_category_display()}
        ]
    if errors:
        raise ValidationError(errors)

    after = {
        "name": name if name is not None else unit.name,
        "code": nfc(code) if code is not None else unit.code,
        "kind": kind.slug if kind is not None else unit.kind.slug,
    }
    changes = diff(before, after)
    if not changes:
        return unit
    fields = ["updated_at"]
    if "name" in changes:
        unit.name, unit.search_name = after["name"], fold(after["name"])
        fields += ["name", "search_name"]
    if "code" in changes:
        unit.code = after["code"]
        fields.append("code")
    if "kind" in changes:
        unit.kind = kind
        fields.append("kind")
    unit.save(update_fields=fields)
    record_event(
        actor=actor,
        action="unit.update",
        target_type="unit",
        target_id=unit.pk,
        target_label=unit.name,
        unit_path=unit.path,
        changes=changes,
    )
    return unit


def _move_descendants(*, old_prefix: str, new_prefix: str, depth_delta: int, include_root: bool) -> int:
    """Rewrite the paths (and depths) of a whole subtree in one UPDATE.

    New paths cannot collide with existing ones half-way through: they all
    start with a segment that does not exist yet under the new parent.
    """
    rows = Unit.objects.filter(subtree_q(old_prefix))
    if not include_root:
        rows = rows.exclude(path=old_prefix)
    return rows.update(
        path=Concat(Value(new_prefix), Substr("path", len(old_prefix) + 1)),
        depth=F("depth") + depth_delta,
    )


@transaction.atomic
def move_unit(*, unit: Unit, new_parent: Unit, actor) -> Unit:
    """Put ``unit`` (and everything below it) under ``new_parent``, keeping a record of the move."""
    if not unit.is_active:
        raise ValidationError({"unit": _("A former unit cannot be moved.")})
    if new_parent.path.startswith(unit.path):
        raise ValidationError({"parent": _("A unit cannot be moved under itself or one of its sub-units.")})
    if new_parent.pk == unit.parent_id:
        raise ValidationError({"parent": _("“%(name)s” is already there.") % {"name": unit.name}})
    check_parent(unit.kind, new_parent)

    old_parent = unit.parent
    old_path = unit.path
    new_path = new_parent.path + Unit.segment(unit.pk)
    moved = _move_descendants(
        old_prefix=old_path, new_prefix=new_path, depth_delta=new_parent.depth + 1 - unit.depth, include_root=True
    )
    unit.parent = new_parent
    unit.save(update_fields=["parent", "updated_at"])
    unit.path, unit.depth = new_path, new_parent.depth + 1
    # Former units succeeded by something in the moved subtree follow it.
    refresh_heir_paths()
    # A current unit has no successors of its own: its heir path is its new parent's.
    unit.heir_path = new_parent.heir_path
    UnitMove.objects.create(unit=unit, from_parent=old_parent, to_parent=new_parent, moved_by=_user(actor))
    record_event(
        actor=actor,
        action="unit.move",
        target_type="unit",
        target_id=unit.pk,
        target_label=unit.name,
        unit_path=new_path,
        changes={
            "parent": [old_parent.code if old_parent else None, new_parent.code],
            "path": [old_path, new_path],
            "units_moved": moved,
        },
    )
    return unit


@transaction.atomic
def merge_units(*, source: Unit, target: Unit, actor) -> Unit:
    """Fold ``source`` into ``target``: its sub-units and current members go to ``target``.

    Nothing is deleted: ``source`` becomes a former unit succeeded by
    ``target``, its memberships end today and start afresh in ``target``
    (unless the person is already a member there), and every sub-unit's move
    is recorded.
    """
    if source.pk == target.pk:
        raise ValidationError({"target": _("A unit cannot be merged into itself.")})
    if not source.is_active:
        raise ValidationError({"unit": _("A former unit cannot be merged.")})
    if not target.is_active:
        raise ValidationError({"target": _("“%(name)s” is a former unit; choose a current one.") % {"name": target}})
    if target.path.startswith(source.path):
        raise ValidationError({"target": _("A unit cannot be merged into one of its own sub-units.")})
    if source.kind.category != target.kind.category:
        raise ValidationError({"target": _("Only units of the same level can be merged.")})

    from people.models import Membership  # people depends on org, not the other way round

    today = timezone.localdate()
    children = list(Unit.objects.filter(parent=source).values_list("pk", flat=True))
    Unit.objects.filter(parent=source).update(parent=target)
    moved = _move_descendants(
        old_prefix=source.path, new_prefix=target.path, depth_delta=target.depth - source.depth, include_root=False
    )
    UnitMove.objects.bulk_create(
        [UnitMove(unit_id=pk, from_parent=source, to_parent=target, moved_by=_user(actor)) for pk in children]
    )

    current = list(
        Membership.objects.filter(unit=source, ended_on__isnull=True).values(
            "pk", "person_id", "group_id", "position", "is_primary"
        )
    )
    already = set(
        Membership.objects.filter(
            unit=target, ended_on__isnull=True, person_id__in=[m["person_id"] for m in current]
        ).values_list("person_id", flat=True)
    )
    Membership.objects.filter(pk__in=[m["pk"] for m in current]).update(ended_on=today)
    Membership.objects.bulk_create(
        [
            Membership(
                person_id=m["person_id"],
                unit=target,
                group_id=m["group_id"],
                position=m["position"],
                is_primary=m["is_primary"],
                started_on=today,
            )
            for m in current
            if m["person_id"] not in already
        ]
    )
    # Someone whose main place was the source keeps a main place.
    primary_elsewhere = [m["person_id"] for m in current if m["is_primary"] and m["person_id"] in already]
    Membership.objects.filter(unit=target, ended_on__isnull=True, person_id__in=primary_elsewhere).update(
        is_primary=True
    )

    source.is_active = False
    source.ended_on = today
    source.save(update_fields=["is_active", "ended_on", "updated_at"])
    UnitSuccession.objects.create(predecessor=source, successor=target, effective_on=today, note="merged")
    refresh_heir_paths()
    record_event(
        actor=actor,
        action="unit.merge",
        target_type="unit",
        target_id=source.pk,
        target_label=source.name,
        unit_path=source.path,
        changes={
            "merged_into": [None, target.code],
            "is_active": [True, False],
            "sub_units_moved": moved,
            "memberships_moved": len(current),
        },
    )
    return target


@transaction.atomic
def deactivate_unit(*, unit: Unit, actor, ended_on: dt.date | None = None) -> Unit:
    """Mark an emptied unit as former. Units that still hold sub-units or members are refused."""
    from people.models import Membership

    if not unit.is_active:
        raise ValidationError({"unit": _("“%(name)s” is already a former unit.") % {"name": unit.name}})
    children = Unit.objects.filter(parent=unit, is_active=True).count()
    if children:
        message = ngettext(
            "“%(name)s” still has %(n)d current sub-unit: move, merge or deactivate it first.",
            "“%(name)s” still has %(n)d current sub-units: move, merge or deactivate them first.",
            children,
        )
        raise ValidationError({"unit": message % {"name": unit.name, "n": children}})
    members = Membership.objects.filter(unit=unit, ended_on__isnull=True).count()
    if members:
        message = ngettext(
            "“%(name)s” still has %(n)d current member: move them or merge the unit instead.",
            "“%(name)s” still has %(n)d current members: move them or merge the unit instead.",
            members,
        )
        raise ValidationError({"unit": message % {"name": unit.name, "n": members}})
    unit.is_active = False
    unit.ended_on = ended_on or timezone.localdate()
    unit.save(update_fields=["is_active", "ended_on", "updated_at"])
    record_event(
        actor=actor,
        action="unit.deactivate",
        target_type="unit",
        target_id=unit.pk,
        target_label=unit.name,
        unit_path=unit.path,
        changes={"is_active": [True, False], "ended_on": [None, unit.ended_on.isoformat()]},
    )
    return unit
