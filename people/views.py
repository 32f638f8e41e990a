"""People pages: list with search and filters, CSV export, person page, forms to add, edit and move."""

from __future__ import annotations

import csv
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts import access
from accounts.access import Perm
from hocvuso.lib.text import nfc
from org.models import Unit
from people import actions
from people.forms import (
    EndMembershipForm,
    MembershipForm,
    MoveForm,
    NewPersonForm,
    PeopleFilterForm,
    PersonForm,
    apply_errors,
)
from people.models import Membership, Person, PersonGroup
from people.selectors import person_detail, person_rows, phone_display

PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    q: str = ""
    unit: Unit | None = None
    group: PersonGroup | None = None
    include_subunits: bool = True

    def rows(self, user):
        return person_rows(user, q=self.q, unit=self.unit, group=self.group, include_subunits=self.include_subunits)


def _posted(request):
    # Not "request.POST or None": a form posted with every field empty must still be bound.
    return request.POST if request.method == "POST" else None


def _require(user, perm: Perm) -> None:
    if not access.has_perm(user, perm):
        raise PermissionDenied


def _filters(request) -> tuple[PeopleFilterForm, Filters]:
    """Read the list's filters from the query string; a unit id outside the scope is a 404."""
    user = request.user
    unit = None
    if request.GET.get("unit"):
        unit = access.get_unit(user, Perm.VIEW, pk=request.GET["unit"])
    form = PeopleFilterForm(request.GET, user=user, unit=unit)
    form.is_valid()  # invalid parts are shown as errors; the valid ones still filter
    data = form.cleaned_data
    if data.get("unit_code"):
        unit = access.units(user, Perm.VIEW).filter(code=nfc(data["unit_code"])).first()
        if unit is None:
            form.add_error("unit_code", _("No unit within your reach has this code."))
    return form, Filters(
        q=data.get("q", ""),
        unit=unit,
        group=form.groups.get(data.get("group") or ""),
        include_subunits=not data.get("only_this_unit"),
    )


@require_safe
@login_required
def person_list(request):
    _require(request.user, Perm.VIEW)
    form, filters = _filters(request)
    page = Paginator(filters.rows(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    genders = dict(Person.Gender.choices)
    rows = list(page.object_list)
    for row in rows:
        row["gender_label"] = genders.get(row["gender"], "")
        row["phone_display"] = phone_display(row["phone"])
    return render(
        request,
        "people/list.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "rows": rows,
            "can_add": access.has_perm(request.user, Perm.MANAGE_PEOPLE),
        },
    )


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value):
        return value


def _cell(value) -> str:
    text = "" if value is None else str(value)
    # Excel runs a cell starting with these as a formula (CSV injection).
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


@require_safe
@login_required
def person_export(request):
    """The filtered list as CSV, UTF-8 with a BOM so Excel shows Vietnamese letters."""
    _require(request.user, Perm.VIEW)
    filters = _filters(request)[1]
    genders = dict(Person.Gender.choices)
    header = [_("Full name"), _("Gender"), _("Birth date"), _("Citizen ID (CCCD)"), _("Phone"), _("Unit"), _("Groups")]

    def lines():
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow(header)
        for row in filters.rows(request.user).iterator(chunk_size=1000):
            yield writer.writerow(
                [
                    _cell(row["full_name"]),
                    genders.get(row["gender"], ""),
                    row["birth_date"].strftime("%d/%m/%Y") if row["birth_date"] else "",
                    row["cccd_display"] or "",
                    # "0912 345 678": Excel keeps it as text, unlike "+84912345678".
                    phone_display(row["phone"]),
                    _cell(row["unit_name"]),
                    _cell(", ".join(row["groups"])),
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    filename = f"people-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
@login_required
def person_page(request, pk: int):
    detail = person_detail(request.user, pk)
    context = {"detail": detail, "person": detail.person, "phone_display": phone_display(detail.person.phone)}
    return render(request, "people/detail.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def person_edit(request, pk: int):
    person = access.get_person(request.user, pk, Perm.MANAGE_PEOPLE)
    form = PersonForm(_posted(request), person=person)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_person(person=person, actor=request.user, **form.person_fields())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": person})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def person_new(request):
    _require(request.user, Perm.MANAGE_PEOPLE)
    initial = {}
    if request.GET.get("unit"):
        initial["unit"] = access.get_unit(request.user, Perm.MANAGE_PEOPLE, pk=request.GET["unit"])
    form = NewPersonForm(_posted(request), user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = actions.create_person(
                **form.person_fields(),
                unit=data["unit"],
                group=data["group"],
                position=data["position"],
                actor=request.user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": person.full_name})
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": None})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def membership_add(request, pk: int):
    person = access.get_person(request.user, pk, Perm.MANAGE_PEOPLE)
    form = MembershipForm(_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = actions.add_membership(
                person=person, unit=data["unit"], group=data["group"], position=data["position"], actor=request.user
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("%(name)s is now also in %(unit)s.") % {"name": person.full_name, "unit": membership.unit}
            )
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/membership_form.html", {"form": form, "person": person})


def _managed_membership(user, person_pk: int, membership_pk: int) -> Membership:
    """A current membership the user may manage, of a person they may manage; 404 otherwise."""
    person = access.get_person(user, person_pk, Perm.MANAGE_PEOPLE)
    membership = (
        Membership.objects.select_related("unit", "group")
        .filter(pk=membership_pk, person=person, ended_on__isnull=True)
        .filter(access.scope(user, Perm.MANAGE_PEOPLE).unit_q("unit__path"))
        .first()
    )
    if membership is None:
        raise Http404
    membership.person = person
    return membership


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def membership_end(request, pk: int, membership_pk: int):
    membership = _managed_membership(request.user, pk, membership_pk)
    form = EndMembershipForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.end_membership(membership=membership, actor=request.user, ended_on=form.cleaned_data["ended_on"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            names = {"name": membership.person.full_name, "unit": membership.unit}
            messages.success(request, _("%(name)s is no longer in %(unit)s.") % names)
            return redirect("people:detail", pk=pk)
    return render(
        request, "people/membership_end.html", {"form": form, "person": membership.person, "membership": membership}
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def person_move(request, pk: int):
    detail = person_detail(request.user, pk)
    if not detail.can_manage:
        raise Http404
    current = [m for m in detail.current_memberships if m["can_manage"]]
    initial = {}
    if request.GET.get("from"):
        initial["from_unit"] = request.GET["from"]
    form = MoveForm(_posted(request), user=request.user, current=current, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.move_person(
                person=detail.person,
                from_unit=Unit.objects.get(pk=data["from_unit"]),
                to_unit=data["to_unit"],
                actor=request.user,
                on=data["on"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s was moved to %(unit)s.") % {"name": detail.person.full_name, "unit": data["to_unit"]},
            )
            return redirect("people:detail", pk=pk)
    return render(request, "people/move.html", {"form": form, "person": detail.person})
