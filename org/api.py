"""Units in the JSON API (/api/v1/units, /api/v1/unit-kinds), through the same selectors and actions as the pages.

Errors: 404 for a unit outside the caller's scope (or, for changes, one of
their own scope roots); 422 for invalid input, in django-ninja's own shape
(``{"detail": [{"type", "loc", "msg"}]}``) whether the schema or the unit
rules found it, so clients handle one format.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from accounts import access
from accounts.access import Perm
from hocvuso.db import ViCollate
from hocvuso.lib.text import fold, nfc
from org import actions, selectors
from org.models import Unit, UnitKind

router = Router(tags=["units"])

MAX_PAGE_SIZE = 200


class ErrorItem(Schema):
    type: str
    loc: list[str]
    msg: str


class ErrorOut(Schema):
    detail: list[ErrorItem]


class NotFoundOut(Schema):
    detail: str


class KindOut(Schema):
    slug: str
    name: str
    name_en: str
    category: str = Field(description="province, district (before 2025), commune or organisation")
    sort_order: int


class UnitOut(Schema):
    id: int
    code: str
    official_code: str
    name: str
    kind: str = Field(description="Unit kind slug (see /unit-kinds).")
    category: str
    parent_id: int | None
    depth: int
    is_active: bool
    ended_on: dt.date | None


class UnitPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[UnitOut]


class UnitBriefOut(Schema):
    id: int
    code: str
    name: str
    label: str = ""
    is_active: bool
    partial: bool = False


class UnitDetailOut(UnitOut):
    label: str = Field(description='Name with the administrative units above: "Xã Liên Minh, Thành phố Hà Nội".')
    ancestors: list[UnitBriefOut]
    predecessors: list[UnitBriefOut]
    successors: list[UnitBriefOut]


class ListQuery(Schema):
    parent: int | None = Field(None, description="Only the direct children of this unit id.")
    kind: str | None = Field(None, description="Unit kind slug.")
    q: str = Field("", description="Part of the name (accents and case ignored) or the exact code.")
    active: Literal["true", "false", "all"] = Field("true", description="Current units, former ones, or all.")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class UnitCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    parent_id: int
    kind: str = Field(description="Slug of an organisation kind (see /unit-kinds?category=organisation).")
    code: str
    name: str


class UnitPatchIn(Schema):
    """Only the fields sent are changed."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    code: str | None = None
    kind: str | None = None


class MoveIn(Schema):
    model_config = ConfigDict(extra="forbid")

    parent_id: int


def _invalid(exc: ValidationError, *where: str) -> Status:
    items = [
        {"type": error.code or "invalid", "loc": [*where, field], "msg": message}
        for field, errors in exc.error_dict.items()
        for error in errors
        for message in error.messages
    ]
    return Status(422, {"detail": items})


def _kind(slug: str) -> UnitKind:
    kind = UnitKind.objects.filter(slug=slug).first()
    if kind is None:
        message = _("There is no unit kind %(slug)s; see /api/v1/unit-kinds.") % {"slug": slug}
        raise ValidationError({"kind": ValidationError(message, code="unknown")})
    return kind


def _below_roots(user, pk: int) -> Unit:
    unit = access.get_unit_below_roots(user, Perm.MANAGE_UNITS, pk=pk)
    if not unit.is_active:
        raise Http404
    return unit


def _row(u: dict) -> dict:
    return {**u, "kind": u["kind__slug"], "category": u["kind__category"]}


def _detail(user, pk: int) -> dict:
    unit = access.get_unit(user, Perm.VIEW, pk=pk)
    row = selectors.unit_rows(Unit.objects.filter(pk=unit.pk)).get()
    crumbs = selectors.ancestors(unit)
    links = selectors.succession(unit)
    selectors.add_labels([row])
    return {**_row(row), "ancestors": crumbs, **links}


@router.get("/units", response={200: UnitPageOut, 404: NotFoundOut}, summary="List units")
def list_units(request, filters: Query[ListQuery]):
    qs = access.units(request.auth, Perm.VIEW)
    if filters.parent is not None:
        qs = qs.filter(parent=access.get_unit(request.auth, Perm.VIEW, pk=filters.parent))
    if filters.kind:
        qs = qs.filter(kind__slug=filters.kind)
    if filters.q.strip():
        qs = qs.filter(Q(search_name__contains=fold(filters.q)) | Q(code__iexact=nfc(filters.q)))
    if filters.active != "all":
        qs = qs.filter(is_active=filters.active == "true")
    qs = qs.order_by("depth", ViCollate("name"), "id")
    start = (filters.page - 1) * filters.page_size
    rows = selectors.unit_rows(qs)[start : start + filters.page_size]
    return {
        "count": qs.count(),
        "page": filters.page,
        "page_size": filters.page_size,
        "results": [_row(r) for r in rows],
    }


@router.get("/unit-kinds", response=list[KindOut], summary="List unit kinds")
def list_kinds(request, category: UnitKind.Category | None = None):
    return list(selectors.kinds(category).values("slug", "name", "name_en", "category", "sort_order"))


@router.get("/units/{int:unit_id}", response={200: UnitDetailOut, 404: NotFoundOut}, summary="Get a unit")
def get_unit(request, unit_id: int):
    return _detail(request.auth, unit_id)


@router.post("/units", response={201: UnitDetailOut, 404: NotFoundOut, 422: ErrorOut}, summary="Create an organisation")
def create_unit(request, payload: UnitCreateIn):
    parent = access.get_unit(request.auth, Perm.MANAGE_UNITS, pk=payload.parent_id)
    try:
        unit = actions.create_organisation(
            parent=parent, kind=_kind(payload.kind), code=payload.code, name=payload.name, actor=request.auth
        )
    except ValidationError as exc:
        return _invalid(exc, "body", "payload")
    return Status(201, _detail(request.auth, unit.pk))


@router.patch(
    "/units/{int:unit_id}", response={200: UnitDetailOut, 404: NotFoundOut, 422: ErrorOut}, summary="Change a unit"
)
def patch_unit(request, unit_id: int, payload: UnitPatchIn):
    unit = _below_roots(request.auth, unit_id)
    try:
        kind = _kind(payload.kind) if payload.kind is not None else None
        actions.update_unit(unit=unit, actor=request.auth, name=payload.name, code=payload.code, kind=kind)
    except ValidationError as exc:
        return _invalid(exc, "body", "payload")
    return _detail(request.auth, unit.pk)


@router.post(
    "/units/{int:unit_id}/move",
    response={200: UnitDetailOut, 404: NotFoundOut, 422: ErrorOut},
    summary="Move a unit under another",
)
def move_unit(request, unit_id: int, payload: MoveIn):
    unit = _below_roots(request.auth, unit_id)
    new_parent = access.units(request.auth, Perm.MANAGE_UNITS).filter(pk=payload.parent_id).first()
    try:
        if new_parent is None:
            message = _("No unit within your reach has the id %(id)s.") % {"id": payload.parent_id}
            raise ValidationError({"parent_id": ValidationError(message, code="unknown")})
        actions.move_unit(unit=unit, new_parent=new_parent, actor=request.auth)
    except ValidationError as exc:
        if "parent" in exc.error_dict:
            exc.error_dict["parent_id"] = exc.error_dict.pop("parent")
        return _invalid(exc, "body", "payload")
    return _detail(request.auth, unit.pk)
