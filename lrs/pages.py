"""Administration pages of the LRS: statements browser, learner timeline, credentials, export."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import Perm
from accounts.decorators import perm_required
from lrs import actions, selectors
from lrs.forms import ClientForm, StatementFilterForm
from lrs.http import unversioned_label
from lrs.models import Scope
from lrs.platform import VERBS


def _cursor(request) -> int | None:
    raw = request.GET.get("after", "")
    return int(raw) if raw.isdigit() else None


@perm_required(Perm.VIEW)
def statement_list(request):
    form = StatementFilterForm(request.GET)
    filters = form.filters() if form.is_valid() else {}
    page = selectors.statement_page(request.user, filters, after=_cursor(request)) if form.is_valid() else None
    return render(
        request,
        "lrs/statement_list.html",
        {
            "form": form,
            "page": page,
            "filtered": bool(filters),
            "verbs": VERBS,
            "can_export": selectors.read_scope(request.user, Perm.MANAGE_PEOPLE) is not None,
        },
        status=200 if form.is_valid() else 400,
    )


@perm_required(Perm.MANAGE_PEOPLE)
def export(request):
    form = StatementFilterForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "lrs/statement_list.html",
            {"form": form, "page": None, "filtered": True, "verbs": VERBS},
            status=400,
        )
    lines = selectors.export_lines(request.user, form.filters())
    resp = StreamingHttpResponse(lines, content_type="application/x-ndjson; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    resp["Content-Disposition"] = f'attachment; filename="statements-{stamp}.jsonl"'
    return resp


@perm_required(Perm.VIEW)
def timeline(request, person_id):
    person = selectors.timeline_person(request.user, person_id)
    page = selectors.statement_page(request.user, {}, after=_cursor(request), person_id=person.pk)
    return render(
        request,
        "lrs/timeline.html",
        {"person": person, "progress": list(selectors.progress_rows(person)), "page": page},
    )


@perm_required(Perm.MANAGE_ROLES)
def client_list(request):
    return render(request, "lrs/client_list.html", {"clients": list(selectors.client_list(request.user))})


@perm_required(Perm.MANAGE_ROLES)
def client_create(request):
    form = ClientForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            client, secret = actions.create_client(
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                unit=form.cleaned_data["unit"],
                xapi_version=form.cleaned_data["xapi_version"],
                actor=request.user,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for e in errors:
                    form.add_error(field if field in form.fields else None, e)
        else:
            # The secret is shown once, on this response, and never stored.
            return render(request, "lrs/client_secret.html", {"client": client, "secret": secret})
    return render(request, "lrs/client_form.html", {"form": form}, status=400 if form.errors else 200)


@perm_required(Perm.MANAGE_ROLES)
def client_detail(request, pk):
    client = selectors.get_client(request.user, pk)
    if request.method == "POST":
        return _client_action(request, client)
    return render(
        request,
        "lrs/client_detail.html",
        {
            "client": client,
            "scope_labels": [label for value, label in Scope.choices if value in client.scope_set],
            "statements": selectors.client_statement_count(client),
            "server_xapi_version": unversioned_label(),
        },
    )


def _client_action(request, client):
    action = request.POST.get("action")
    if action == "rotate":
        secret = actions.rotate_secret(client=client, actor=request.user)
        return render(request, "lrs/client_secret.html", {"client": client, "secret": secret, "rotated": True})
    if action in ("disable", "enable"):
        actions.set_client_active(client=client, active=action == "enable", actor=request.user)
        messages.success(
            request, _("The credential is enabled.") if action == "enable" else _("The credential is disabled.")
        )
    return redirect("lrs:client_detail", pk=client.pk)
