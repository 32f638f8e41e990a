from __future__ import annotations

import datetime as dt

from django.db import transaction

from audit.actions import record_event
from hocvuso.lib.text import fold, name_sort_key, nfc, split_name
from org.models import Unit
from people.models import Membership, Person, PersonGroup


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
    actor=None,
) -> Person:
    person = Person(
        full_name=full_name, gender=gender, birth_date=birth_date, cccd=cccd or None, phone=phone, email=email
    )
    derive_name_fields(person)
    person.save()
    Membership.objects.create(person=person, unit=unit, group=group, position=nfc(position), is_primary=True)
    if actor is not None:
        record_event(
            actor=actor,
            action="person.create",
            target_type="person",
            target_id=person.pk,
            target_label=person.full_name,
            unit_path=unit.path,
            changes={"full_name": [None, person.full_name], "unit": [None, unit.code]},
        )
    return person
