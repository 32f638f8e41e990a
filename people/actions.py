"""Every write to people and their memberships.

Each function validates its input (raising ``django.core.exceptions.ValidationError``
with field names, so forms and the API can show the reason next to the field),
changes the rows inside one transaction and appends an audit event. Scope
checks belong to the caller, through ``accounts.access``.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.actions import diff, record_event
from hocvuso.lib.text import fold, name_sort_key, nfc, split_name
from org.models import Unit
from people.models import Membership, Person, PersonGroup
from people.signals import person_moved
from people.validation import PERSON_FIELDS, clean_person_fields

__all__ = [
    "PERSON_FIELDS",
    "add_membership",
    "clean_person_fields",
    "create_person",
    "derive_name_fields",
    "end_membership",
    "move_person",
    "update_person",
]

POSITION_MAX_LENGTH = 200


def derive_name_fields(person: Person) -> None:
    """Set the derived name columns from ``full_name`` (already NFC)."""
    person.full_name = nfc(person.full_name)
    person.given_name = split_name(person.full_name)[1]
    person.sort_name = name_sort_key(person.full_name)
    person.search_name = fold(person.full_name)


@transaction.atomic
def create_person(
    *,
    full_name: str,
    unit: Unit,
    group: PersonGroup | None = None,
    position: str = "",
    gender: str = "",
    birth_date: dt.date | None = None,
    cccd: str | None = None,
    phone: str = "",
    email: str = "",
    started_on: dt.date | None = None,
    actor=None,
) -> Person:
    """Create a person with a primary membership of ``unit``.

    Details are checked by ``clean_person_fields``; ``ValidationError`` names
    the bad fields and nothing is written. Without ``actor`` (fixtures, demo
    data) no audit event is recorded.
    """
    clean = clean_person_fields(
        {
            "full_name": full_name,
            "gender": gender,
            "birth_date": birth_date,
            "cccd": cccd,
            "phone": phone,
            "email": email,
        }
    )
    position = _clean_position(position)
    person = Person(**clean)
    derive_name_fields(person)
    person.save()
    Membership.objects.create(
        person=person, unit=unit, group=group, position=position, is_primary=True, started_on=started_on
    )
    if actor is not None:
        after = {
            **{k: v for k, v in clean.items() if v not in (None, "")},
            "unit": unit.code,
            "group": group.slug if group else None,
            "position": position or None,
        }
        record_event(
            actor=actor,
            action="person.create",
            target_type="person",
            target_id=person.pk,
            target_label=person.full_name,
            unit_path=unit.path,
            changes=diff({}, {k: v for k, v in after.items() if v is not None}),
        )
    return person


@transaction.atomic
def update_person(*, person: Person, actor, **fields) -> Person:
    """Change some of ``PERSON_FIELDS`` of ``person``; unchanged values are ignored.

    Values are cleaned like everywhere else, derived name columns follow
    ``full_name``, and the audit event carries ``{field: [old, new]}``. Nothing
    is written (and no event recorded) when nothing changes.
    """
    clean = clean_person_fields(fields, person=person)
    changes = diff({name: getattr(person, name) for name in clean}, clean)
    if not changes:
        return person
    for name in changes:
        setattr(person, name, clean[name])
    update_fields = list(changes)
    if "full_name" in changes:
        derive_name_fields(person)
        update_fields += ["given_name", "sort_name", "search_name"]
    person.save(update_fields=[*update_fields, "updated_at"])
    record_event(
        actor=actor,
        action="person.update",
        target_type="person",
        target_id=person.pk,
        target_label=person.full_name,
        unit_path=_primary_unit_path(person),
        changes=changes,
    )
    return person


@transaction.atomic
def add_membership(
    *,
    person: Person,
    unit: Unit,
    group: PersonGroup | None,
    position: str,
    actor,
    started_on: dt.date | None = None,
) -> Membership:
    """Make ``person`` a current member of ``unit`` too (people belong to several units at once).

    The first current membership becomes the primary one.
    """
    position = _clean_position(position)
    current = list(Membership.objects.select_for_update().filter(person=person, ended_on__isnull=True))
    if any(m.unit_id == unit.pk for m in current):
        raise ValidationError(
            {"unit": _("%(person)s is already a current member of %(unit)s.") % {"person": person, "unit": unit}}
        )
    membership = Membership.objects.create(
        person=person,
        unit=unit,
        group=group,
        position=position,
        is_primary=not any(m.is_primary for m in current),
        started_on=started_on or timezone.localdate(),
    )
    record_event(
        actor=actor,
        action="person.membership.add",
        target_type="person",
        target_id=person.pk,
        target_label=person.full_name,
        unit_path=unit.path,
        changes=diff(
            {},
            {
                "unit": unit.code,
                **({"group": group.slug} if group else {}),
                **({"position": position} if position else {}),
                "started_on": membership.started_on,
            },
        ),
    )
    return membership


@transaction.atomic
def end_membership(*, membership: Membership, actor, ended_on: dt.date | None = None) -> Membership:
    """End a current membership on ``ended_on`` (today by default); the row stays as history.

    A person's last current membership cannot be ended: the person would
    drop out of every unit and so out of everyone's reach. Move them instead.
    """
    membership = Membership.objects.select_for_update().select_related("person", "unit").get(pk=membership.pk)
    person = membership.person
    if membership.ended_on is not None:
        raise ValidationError(_("This membership already ended on %(date)s.") % {"date": _day(membership.ended_on)})
    ended_on = ended_on or timezone.localdate()
    _check_end_date(membership, ended_on, field="ended_on")
    others = list(
        Membership.objects.select_for_update()
        .filter(person=person, ended_on__isnull=True)
        .exclude(pk=membership.pk)
        .order_by("id")
    )
    if not others:
        raise ValidationError(
            _("%(unit)s is the only current unit of %(person)s; move them to another unit instead.")
            % {"unit": membership.unit, "person": person}
        )
    was_primary = membership.is_primary
    membership.ended_on = ended_on
    membership.is_primary = False
    membership.save(update_fields=["ended_on", "is_primary"])
    if was_primary and not any(m.is_primary for m in others):
        # Someone with current memberships always has a primary one: it is the
        # unit lists show next to the name.
        others[0].is_primary = True
        others[0].save(update_fields=["is_primary"])
    record_event(
        actor=actor,
        action="person.membership.end",
        target_type="person",
        target_id=person.pk,
        target_label=person.full_name,
        unit_path=membership.unit.path,
        changes={"unit": [membership.unit.code, None], "ended_on": [None, ended_on.isoformat()]},
    )
    return membership


@transaction.atomic
def move_person(*, person: Person, from_unit: Unit, to_unit: Unit, actor, on: dt.date | None = None) -> Membership:
    """Move ``person`` from one unit to another on ``on`` (today by default).

    The membership of ``from_unit`` ends (kept as history) and a new one of
    ``to_unit`` starts the same day with the same group, position and primary
    flag. Returns the new membership.
    """
    if from_unit.pk == to_unit.pk:
        raise ValidationError({"to_unit": _("Choose a unit other than the current one.")})
    current = {
        m.unit_id: m for m in Membership.objects.select_for_update().filter(person=person, ended_on__isnull=True)
    }
    old = current.get(from_unit.pk)
    if old is None:
        raise ValidationError(
            {"from_unit": _("%(person)s is not a current member of %(unit)s.") % {"person": person, "unit": from_unit}}
        )
    if to_unit.pk in current:
        raise ValidationError(
            {"to_unit": _("%(person)s is already a current member of %(unit)s.") % {"person": person, "unit": to_unit}}
        )
    on = on or timezone.localdate()
    _check_end_date(old, on, field="on")
    was_primary = old.is_primary
    old.ended_on = on
    old.is_primary = False
    old.save(update_fields=["ended_on", "is_primary"])
    new = Membership.objects.create(
        person=person, unit=to_unit, group=old.group, position=old.position, is_primary=was_primary, started_on=on
    )
    record_event(
        actor=actor,
        action="person.move",
        target_type="person",
        target_id=person.pk,
        target_label=person.full_name,
        unit_path=to_unit.path,
        changes={"unit": [from_unit.code, to_unit.code], "on": [None, on.isoformat()]},
    )
    transaction.on_commit(
        lambda: person_moved.send(sender=Person, person=person, from_unit=from_unit, to_unit=to_unit, actor=actor)
    )
    return new


def _clean_position(position: str | None) -> str:
    position = nfc(position)
    if len(position) > POSITION_MAX_LENGTH:
        raise ValidationError(
            {
                "position": _("A position can have at most %(max)d characters; this one has %(count)d.")
                % {"max": POSITION_MAX_LENGTH, "count": len(position)}
            }
        )
    return position


def _check_end_date(membership: Membership, day: dt.date, *, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    if membership.started_on and day < membership.started_on:
        raise ValidationError(
            {field: _("The date is before the membership started (%(date)s).") % {"date": _day(membership.started_on)}}
        )


def _day(value: dt.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _primary_unit_path(person: Person) -> str:
    """Path of the unit an event about ``person`` belongs to, for the audit log's scope."""
    path = (
        Membership.objects.filter(person=person, ended_on__isnull=True)
        .order_by("-is_primary", "id")
        .values_list("unit__path", flat=True)
        .first()
    )
    return path or ""
