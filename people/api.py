"""People in the JSON API (/api/v1/people), through the same selectors and actions as the pages.

Errors: 404 for anything outside the caller's scope; 422 for invalid input,
in django-ninja's own shape (``{"detail": [{"type", "loc", "msg"}]}``) whether
the schema or the people rules found it, so clients handle one format.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from accounts import access
from accounts.access import Perm
from people import actions
from people.models import PersonGroup
from people.selectors import person_detail, person_groups, person_rows

router = Router(tags=["people"])

MAX_PAGE_SIZE = 200


class ErrorItem(Schema):
    type: str
    loc: list[str]
    msg: str


class ErrorOut(Schema):
    detail: list[ErrorItem]


class NotFoundOut(Schema):
    detail: str


class GroupOut(Schema):
    slug: str
    name: str
    name_en: str


class PersonRowOut(Schema):
    id: int
    full_name: str
    gender: str
    birth_date: dt.date | None
    cccd: str | None = Field(description="Full for callers who may manage the person, else masked (0011******45).")
    phone: str
    unit_id: int | None = Field(description="Unit of the primary current membership.")
    unit_name: str | None
    groups: list[str]


class PersonPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[PersonRowOut]


class MembershipOut(Schema):
    id: int
    unit_id: int
    unit_code: str
    unit_name: str
    unit_label: str
    group: str | None
    group_name: str | None
    position: str
    is_primary: bool
    started_on: dt.date | None
    ended_on: dt.date | None


class PersonOut(Schema):
    id: int
    full_name: str
    given_name: str
    gender: str
    birth_date: dt.date | None
    cccd: str | None
    phone: str
    email: str
    can_manage: bool
    memberships: list[MembershipOut]


class ListQuery(Schema):
    q: str = ""
    unit: int | None = Field(None, description="Unit id; people in its subtree unless include_subunits is false.")
    group: str | None = Field(None, description="Group slug (see /people/groups).")
    include_subunits: bool = True
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class PersonCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    full_name: str
    unit_id: int
    group: str | None = Field(None, description="Group slug.")
    position: str = ""
    gender: str = ""
    birth_date: dt.date | None = None
    cccd: str | None = None
    phone: str = ""
    email: str = ""


class PersonPatchIn(Schema):
    """Only the fields sent are changed."""

    model_config = ConfigDict(extra="forbid")

    full_name: str | None = None
    gender: str | None = None
    birth_date: dt.date | None = None
    cccd: str | None = None
    phone: str | None = None
    email: str | None = None


def _invalid(exc: ValidationError, *where: str) -> Status:
    if hasattr(exc, "error_dict"):
        items = [
            {"type": error.code or "invalid", "loc": [*where, field], "msg": message}
            for field, errors in exc.error_dict.items()
            for error in errors
            for message in error.messages
        ]
    else:
        items = [{"type": "invalid", "loc": list(where), "msg": message} for message in exc.messages]
    return Status(422, {"detail": items})


def _group(slug: str | None) -> PersonGroup | None:
    if not slug:
        return None
    group = PersonGroup.objects.filter(slug=slug).first()
    if group is None:
        message = _("There is no group %(slug)s; see /api/v1/people/groups.") % {"slug": slug}
        raise ValidationError({"group": ValidationError(message, code="unknown")})
    return group


def _person_out(user, pk: int) -> dict:
    detail = person_detail(user, pk)
    person = detail.person
    return {
        "id": person.pk,
        "full_name": person.full_name,
        "given_name": person.given_name,
        "gender": person.gender,
        "birth_date": person.birth_date,
        "cccd": detail.cccd_display or None,
        "phone": person.phone,
        "email": person.email,
        "can_manage": detail.can_manage,
        "memberships": [{**m, "group": m["group_slug"]} for m in detail.memberships],
    }


@router.get("", response={200: PersonPageOut, 404: NotFoundOut, 422: ErrorOut}, summary="List people")
def list_people(request, filters: Query[ListQuery]):
    """People in the caller's scope, sorted the Vietnamese way (given name, then family and middle names)."""
    user = request.auth
    unit = access.get_unit(user, Perm.VIEW, pk=filters.unit) if filters.unit is not None else None
    try:
        group = _group(filters.group)
    except ValidationError as exc:
        return _invalid(exc, "query")
    rows = person_rows(user, q=filters.q, unit=unit, group=group, include_subunits=filters.include_subunits)
    start = (filters.page - 1) * filters.page_size
    results = [{**row, "cccd": row["cccd_display"] or None} for row in rows[start : start + filters.page_size]]
    return {"count": rows.count(), "page": filters.page, "page_size": filters.page_size, "results": results}


@router.get("/groups", response=list[GroupOut], summary="List person groups")
def list_groups(request):
    return list(person_groups())


@router.get("/{int:person_id}", response={200: PersonOut, 404: NotFoundOut}, summary="Get a person")
def get_person(request, person_id: int):
    return _person_out(request.auth, person_id)


@router.post("", response={201: PersonOut, 404: NotFoundOut, 422: ErrorOut}, summary="Create a person")
def create_person(request, payload: PersonCreateIn):
    """Create a person in ``unit_id``, which must be within the caller's MANAGE_PEOPLE scope."""
    user = request.auth
    unit = access.get_unit(user, Perm.MANAGE_PEOPLE, pk=payload.unit_id)
    data = payload.model_dump()
    try:
        group = _group(data.pop("group"))
        data.pop("unit_id")
        person = actions.create_person(**data, unit=unit, group=group, actor=user)
    except ValidationError as exc:
        return _invalid(exc, "body", "payload")
    return Status(201, _person_out(user, person.pk))


@router.patch("/{int:person_id}", response={200: PersonOut, 404: NotFoundOut, 422: ErrorOut}, summary="Change a person")
def update_person(request, person_id: int, payload: PersonPatchIn):
    user = request.auth
    person = access.get_person(user, person_id, Perm.MANAGE_PEOPLE)
    try:
        actions.update_person(person=person, actor=user, **payload.model_dump(exclude_unset=True))
    except ValidationError as exc:
        return _invalid(exc, "body", "payload")
    return _person_out(user, person.pk)
