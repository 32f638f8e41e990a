from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse

from accounts.access import Perm
from accounts.decorators import perm_required
from audit import selectors
from audit.forms import EventFilterForm

EVENTS_PER_PAGE = 50


@perm_required(Perm.AUDIT)
def log(request):
    form = EventFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.event_list(request.user, **{k: v for k, v in filters.items() if v})
    page = Paginator(rows, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/log.html",
        {"form": form, "page": page, "filtered": any(filters.values())},
        status=200 if form.is_valid() else 400,
    )


def _show(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _diff_rows(changes) -> list[dict]:
    """The changes as (field, before, after) rows.

    Events hold {field: [before, after]}; anything else (written by hand or
    by older code) is still shown, as the "after" column.
    """
    if not isinstance(changes, dict):
        return [{"field": "", "before": "", "after": _show(changes)}]
    out = []
    # Sorted: PostgreSQL's jsonb does not keep the order the keys were written in.
    for field, value in sorted(changes.items()):
        if isinstance(value, (list, tuple)) and len(value) == 2:
            before, after = value
            out.append({"field": field, "before": _show(before), "after": _show(after)})
        else:
            out.append({"field": field, "before": "", "after": _show(value)})
    return out


@login_required
def event(request, pk):
    # An object, not a page: 404 to anyone who cannot read it, even without the AUDIT right.
    ev = selectors.get_event(request.user, pk)
    target_url = None
    if ev.target_type == "user" and ev.target_id.isdigit():
        target_url = reverse("accounts:user", args=[int(ev.target_id)])
    return render(request, "audit/event.html", {"event": ev, "rows": _diff_rows(ev.changes), "target_url": target_url})
