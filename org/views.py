"""Pages of the unit tree: browse, search, and (for managers) add, edit, move, merge, deactivate.

Every unit is fetched through ``accounts.access``, so a unit outside the
user's scope is a 404. Changing the tree is allowed only strictly below the
user's own scope roots: a commune administrator adds and rearranges the
organisations of the commune but cannot move or rename the commune itself.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts import access
from accounts.access import Perm
from accounts.decorators import perm_required
from hocvuso.db import subtree_q
from org import actions, selectors
from org.forms import DeactivateForm, MergeForm, MoveForm, OrganisationForm, SearchForm, UnitEditForm
from org.models import Unit

SUGGESTIONS = 200  # codes offered in the datalist of the move and merge forms


def _data(request):
    # Not ``request.POST or None``: an empty POST (a form whose fields are all
    # optional) must still bind the form.
    return request.POST if request.method == "POST" else None


def _former(request) -> bool:
    return request.GET.get("former") == "1"


def _in(scope: access.Scope, rows: list[dict]) -> list[dict]:
    for row in rows:
        row["in_scope"] = scope.covers_unit(row)
    return rows


def _get(user, perm: Perm, pk) -> Unit:
    """The unit (with its kind) if it is in the user's scope for ``perm``, else 404."""
    return get_object_or_404(access.units(user, perm).select_related("kind", "parent"), pk=pk)


def _below_roots(user, pk) -> Unit:
    """A unit the user manages that is not one of their own scope roots (else 404)."""
    return access.get_unit_below_roots(
        user, Perm.MANAGE_UNITS, queryset=Unit.objects.select_related("kind", "parent"), pk=pk
    )


def _apply_errors(form, exc: ValidationError, fields: dict[str, str] | None = None) -> None:
    """Show an action's field errors next to the matching form field (or on top)."""
    fields = fields or {}
    for key, errors in exc.message_dict.items():
        name = fields.get(key, key)
        for error in errors:
            form.add_error(name if name in form.fields else None, error)


@perm_required(Perm.VIEW)
def tree(request):
    former = _former(request)
    roots = selectors.scope_roots(access.scope(request.user, Perm.VIEW), include_inactive=former)
    return render(
        request,
        "org/tree.html",
        {"roots": roots, "former": former, "search_form": SearchForm(initial={"former": former})},
    )


@perm_required(Perm.VIEW)
def search(request):
    form = SearchForm(request.GET)
    rows: list[dict] = []
    q = ""
    if form.is_valid():
        q = form.cleaned_data["q"]
        rows = selectors.search(access.scope(request.user, Perm.VIEW), q, include_inactive=form.cleaned_data["former"])
    return render(request, "org/search.html", {"search_form": form, "q": q, "rows": rows})


@perm_required(Perm.VIEW)
def unit_detail(request, pk):
    user = request.user
    unit = _get(user, Perm.VIEW, pk)
    former = _former(request)
    view_scope = access.scope(user, Perm.VIEW)
    manage_scope = access.scope(user, Perm.MANAGE_UNITS)
    can_add = unit.is_active and manage_scope.covers_path(unit.path)
    can_change = can_add and (manage_scope.everything or unit.path not in manage_scope.paths)
    links = selectors.succession(unit)
    context = {
        "unit": unit,
        "former": former,
        "crumbs": _in(view_scope, selectors.ancestors(unit)),
        "children": selectors.children(unit, include_inactive=former),
        "predecessors": _in(view_scope, links["predecessors"]),
        "successors": _in(view_scope, links["successors"]),
        "moves": selectors.moves(unit, limit=10),
        "can_add": can_add,
        "can_change": can_change,
        "search_form": SearchForm(initial={"former": former}),
    }
    return render(request, "org/detail.html", context)


def _form_page(request, unit, form, *, title, intro="", submit, template="org/form.html", extra=None):
    return render(
        request,
        template,
        {"unit": unit, "form": form, "title": title, "intro": intro, "submit": submit, **(extra or {})},
    )


@perm_required(Perm.MANAGE_UNITS)
def add_organisation(request, pk):
    parent = _get(request.user, Perm.MANAGE_UNITS, pk)
    if not parent.is_active:
        raise Http404
    form = OrganisationForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            unit = actions.create_organisation(parent=parent, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": unit.name})
            return redirect("org:detail", unit.pk)
    return _form_page(
        request,
        parent,
        form,
        title=_("Add an organisation to %(name)s") % {"name": parent.name},
        intro=_("Schools, party cells, agencies, villages: anything people belong to."),
        submit=_("Add"),
    )


@perm_required(Perm.MANAGE_UNITS)
def edit_unit(request, pk):
    unit = _below_roots(request.user, pk)
    if not unit.is_active:
        raise Http404
    form = UnitEditForm(_data(request), unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_unit(unit=unit, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": unit.name})
            return redirect("org:detail", unit.pk)
    return _form_page(request, unit, form, title=_("Edit %(name)s") % {"name": unit.name}, submit=_("Save"))


def _suggestions(units, unit: Unit, *, same_category: bool = False) -> list[dict]:
    """Codes for the form's datalist: current units in reach, minus the unit's own subtree."""
    qs = units.filter(is_active=True).exclude(subtree_q(unit.path))
    if same_category:
        qs = qs.filter(kind__category=unit.kind.category)
    return list(qs.order_by("depth", "name").values("code", "name")[:SUGGESTIONS])


@perm_required(Perm.MANAGE_UNITS)
def move_unit(request, pk):
    unit = _below_roots(request.user, pk)
    if not unit.is_active:
        raise Http404
    units = access.units(request.user, Perm.MANAGE_UNITS).filter(is_active=True)
    form = MoveForm(_data(request), units=units)
    if request.method == "POST" and form.is_valid():
        try:
            actions.move_unit(unit=unit, new_parent=form.cleaned_data["new_parent"], actor=request.user)
        except ValidationError as exc:
            _apply_errors(form, exc, {"parent": "new_parent"})
        else:
            messages.success(
                request,
                _("%(name)s now belongs to %(parent)s.") % {"name": unit.name, "parent": unit.parent.name},
            )
            return redirect("org:detail", unit.pk)
    return _form_page(
        request,
        unit,
        form,
        title=_("Move %(name)s") % {"name": unit.name},
        intro=_("Its sub-units and members move with it. The move is kept in the unit's history."),
        submit=_("Move"),
        extra={"suggestions": _suggestions(units, unit)},
    )


@perm_required(Perm.MANAGE_UNITS)
def merge_unit(request, pk):
    unit = _below_roots(request.user, pk)
    if not unit.is_active:
        raise Http404
    units = access.units(request.user, Perm.MANAGE_UNITS).filter(is_active=True)
    form = MergeForm(_data(request), units=units)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        try:
            actions.merge_units(source=unit, target=target, actor=request.user)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was merged into %(target)s.") % {"name": unit.name, "target": target})
            return redirect("org:detail", target.pk)
    return _form_page(
        request,
        unit,
        form,
        title=_("Merge %(name)s into another unit") % {"name": unit.name},
        intro=_(
            "Its sub-units and current members go to the other unit; it stays in the records as a former unit. "
            "Nothing is deleted."
        ),
        submit=_("Merge"),
        extra={"suggestions": _suggestions(units, unit, same_category=True)},
    )


@perm_required(Perm.MANAGE_UNITS)
def deactivate_unit(request, pk):
    unit = _below_roots(request.user, pk)
    if not unit.is_active:
        raise Http404
    form = DeactivateForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.deactivate_unit(unit=unit, actor=request.user, ended_on=form.cleaned_data["ended_on"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is now a former unit.") % {"name": unit.name})
            return redirect("org:detail", unit.pk)
    return _form_page(
        request,
        unit,
        form,
        title=_("Deactivate %(name)s") % {"name": unit.name},
        intro=_("Only a unit without current sub-units or members can be deactivated. It stays in the records."),
        submit=pgettext("unit", "Deactivate"),
    )
