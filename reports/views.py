"""Dashboards, report downloads, scheduled reports and the per-person digital-skills record."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access
from accounts.access import Perm
from campaigns import selectors as campaign_selectors
from campaigns.models import Target
from org.models import Unit
from reports import actions, charts, exports, selectors
from reports.models import Format, ScheduledReport, StoredReport

CONTENT_TYPES = {
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Format.PDF: "application/pdf",
}


@login_required
def index(request):
    return redirect("campaigns:index")


def _breadcrumbs(user, campaign, unit):
    """Links up the tree from ``unit`` as far as the user may go, then the whole campaign."""
    if unit is None:
        return []
    scope = access.scope(user, Perm.VIEW)
    ancestors = Unit.objects.filter(path__in=campaign_selectors.ancestor_paths(unit.path)).order_by("depth")
    crumbs = [{"label": u.name, "unit": u} for u in ancestors if scope.covers_unit(u)]
    if campaign_selectors.can_see_whole(user, campaign):
        crumbs.insert(0, {"label": campaign.name, "unit": None})
    return crumbs


@login_required
def dashboard(request, slug):
    campaign = campaign_selectors.get_campaign(request.user, slug)
    if campaign.is_draft:
        raise Http404
    unit = campaign_selectors.dashboard_unit(request.user, campaign, request.GET.get("unit"))
    where = selectors.area(campaign, unit)  # found once for every figure below
    figures = selectors.campaign_figures(campaign, where)
    targets = selectors.target_progress(campaign, where)
    trend = selectors.trend(campaign, where)
    data = exports.ReportData(
        campaign=campaign,
        unit=unit,
        as_of=figures.as_of,
        figures=figures,
        levels=[],
        targets=targets,
        trend=trend,
        behind=[],
        pending=[],
    )
    main_target = next((t.target.percent for t in targets if t.target.measure == Target.Measure.PARTICIPATION), None)
    members_of_unit = None
    if unit is not None and unit.kind.category == unit.kind.Category.ORGANISATION:
        members_of_unit = selectors.members_of_unit_taking_part(campaign, unit)
    return render(
        request,
        "reports/dashboard.html",
        {
            "campaign": campaign,
            "unit": unit,
            "figures": figures,
            "targets": [(t, exports.forecast_text(t)) for t in targets],
            "behind": selectors.units_furthest_behind(campaign, where),
            "bar_chart": charts.bar_chart(
                [(c.label, c.participation_rate, c.completion_rate) for c in figures.children],
                title=_("Rates by unit"),
                target=main_target,
                legend=(_("Taking part"), _("Completed")),
            )
            if figures.children
            else "",
            "line_chart": exports.chart_for_trend(data) if len(trend) > 1 else "",
            "crumbs": _breadcrumbs(request.user, campaign, unit),
            "members_of_unit": members_of_unit,
            "unit_param": unit.pk if unit else "",
        },
    )


@login_required
def export(request, slug, fmt):
    campaign = campaign_selectors.get_campaign(request.user, slug)
    if campaign.is_draft or fmt not in Format.values:
        raise Http404
    unit = campaign_selectors.dashboard_unit(request.user, campaign, request.GET.get("unit"))
    content, as_of = actions.render_report(campaign=campaign, unit=unit, fmt=fmt)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{actions.report_filename(campaign, unit, fmt, as_of)}"'
    return response


@login_required
def schedules(request, slug):
    campaign = campaign_selectors.get_campaign(request.user, slug)
    if campaign.is_draft:
        raise Http404
    unit = campaign_selectors.dashboard_unit(request.user, campaign, request.GET.get("unit"))
    if request.method == "POST":
        try:
            if request.POST.get("now"):
                actions.store_report(
                    campaign=campaign, unit=unit, fmt=request.POST.get("format", ""), actor=request.user
                )
                messages.success(request, _("The report is made and kept below."))
            else:
                actions.create_schedule(
                    campaign=campaign,
                    unit=unit,
                    fmt=request.POST.get("format", ""),
                    frequency=request.POST.get("frequency", ""),
                    actor=request.user,
                )
                messages.success(request, _("Scheduled. Each report will be kept below for download."))
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
        return redirect(f"{request.path}?unit={unit.pk}" if unit else request.path)
    return render(
        request,
        "reports/schedules.html",
        {
            "campaign": campaign,
            "unit": unit,
            "schedules": ScheduledReport.objects.filter(campaign=campaign, unit=unit, is_active=True),
            "stored": StoredReport.objects.filter(campaign=campaign, unit=unit)[:50],
            "formats": Format.choices,
            "frequencies": ScheduledReport.Frequency.choices,
        },
    )


@login_required
@require_POST
def schedule_cancel(request, slug, pk):
    campaign = campaign_selectors.get_campaign(request.user, slug)
    schedule = get_object_or_404(ScheduledReport, pk=pk, campaign=campaign)
    # Visible only if its unit is (the same check as the dashboard's).
    campaign_selectors.dashboard_unit(request.user, campaign, schedule.unit_id)
    actions.cancel_schedule(schedule=schedule)
    return redirect("reports:schedules", campaign.slug)


@login_required
def stored_download(request, pk):
    stored = get_object_or_404(StoredReport.objects.select_related("campaign", "unit"), pk=pk)
    campaign = campaign_selectors.get_campaign(request.user, stored.campaign.slug)
    if stored.unit_id is None:
        if not campaign_selectors.can_see_whole(request.user, campaign):
            raise Http404
    else:
        campaign_selectors.dashboard_unit(request.user, campaign, stored.unit_id)
    return FileResponse(
        stored.file.open("rb"), as_attachment=True, filename=stored.filename, content_type=CONTENT_TYPES[stored.format]
    )


# --- a person's digital-skills record ----------------------------------------------------------------


def _person_for(request, pk):
    person = access.get_person(request.user, pk)
    return person


@login_required
def me(request):
    if not request.user.person_id:
        raise Http404
    return redirect("reports:person", request.user.person_id)


@login_required
def person(request, pk):
    person = _person_for(request, pk)
    return render(request, "reports/person.html", {"person": person, "record": selectors.person_skills(person)})


@login_required
def person_export(request, pk, fmt):
    from reports.person_exports import person_pdf, person_xlsx

    person = _person_for(request, pk)
    record = selectors.person_skills(person)
    if fmt == Format.XLSX:
        content = person_xlsx(person, record)
    elif fmt == Format.PDF:
        content = person_pdf(person, record)
    else:
        raise Http404
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="ky-nang-so-{person.pk}.{fmt}"'
    return response


@login_required
def evaluation(request, slug):
    """Every counted person of a unit with their digital-skills results, for the annual evaluation."""
    from reports.person_exports import evaluation_xlsx

    campaign = campaign_selectors.get_campaign(request.user, slug)
    unit = campaign_selectors.dashboard_unit(request.user, campaign, request.GET.get("unit"))
    content = evaluation_xlsx(campaign, unit)
    response = HttpResponse(content, content_type=CONTENT_TYPES[Format.XLSX])
    where = unit.code.replace(":", "-") if unit else "toan-bo"
    response["Content-Disposition"] = f'attachment; filename="danh-gia-ky-nang-so-{campaign.slug}-{where}.xlsx"'
    return response
