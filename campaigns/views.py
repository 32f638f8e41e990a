"""Campaign pages: define, open and refresh a campaign; classes, sessions and attendance; contests.

Views parse input, fetch through ``campaigns.selectors`` (which asks
``accounts.access``: 404 outside the user's reach), call one action, and
render or redirect.
"""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts import access
from accounts.access import Perm
from campaigns import actions, forms, learning_bridge, selectors
from campaigns.models import (
    Award,
    CampaignMember,
    ClassEnrolment,
    ClassSession,
    Contest,
    Entry,
    PopulationRule,
    Target,
    TrainingClass,
)
from campaigns.population import compute_population, count_by_rule
from hocvuso.db import ViCollate
from reports import selectors as figures


def _errors(form, exc: ValidationError) -> None:
    """Put an action's ValidationError on the form, by field where it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _form_page(request, form, *, title, act, campaign=None):
    """A form page: on a valid POST, ``act(cleaned_data)`` calls one action and returns where to go next;
    the action's ValidationError goes back on the form, by field where it names one."""
    if request.method == "POST" and form.is_valid():
        try:
            return act(form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
    context = {"form": form, "title": title}
    if campaign is not None:
        context["campaign"] = campaign
    return render(request, "campaigns/form.html", context)


def _on_campaign(request, campaign, action):
    """The ``act`` of a form that feeds its fields to an action on the campaign, then shows the campaign."""

    def act(data):
        action(campaign=campaign, actor=request.user, **data)
        return redirect("campaigns:detail", campaign.slug)

    return act


def _manageable(request, slug):
    campaign = selectors.get_campaign(request.user, slug)
    if not selectors.can_manage(request.user, campaign):
        raise Http404
    return campaign


# --- campaigns ---------------------------------------------------------------------------------


@login_required
def index(request):
    return render(
        request,
        "campaigns/index.html",
        {
            "campaigns": selectors.campaign_rows(request.user),
            "can_create": access.has_perm(request.user, Perm.MANAGE_PEOPLE),
            "taught": selectors.classes_taught(request.user),
        },
    )


@login_required
def create(request):
    if not access.has_perm(request.user, Perm.MANAGE_PEOPLE):
        raise Http404

    def act(data):
        campaign = actions.create_campaign(actor=request.user, **data)
        messages.success(request, _("Campaign created. Now add the segments of its target population."))
        return redirect("campaigns:detail", campaign.slug)

    form = forms.CampaignForm(request.POST or None, user=request.user)
    return _form_page(request, form, title=_("New campaign"), act=act)


@login_required
def detail(request, slug):
    campaign = selectors.get_campaign(request.user, slug)
    manage = selectors.can_manage(request.user, campaign)
    rules = list(campaign.rules.prefetch_related("units", "groups", "unit_kinds"))
    preview = None
    if campaign.is_draft and manage and rules:
        preview = count_by_rule(compute_population(campaign))
    for rule in rules:
        rule.preview = preview.get(rule.pk, 0) if preview is not None else None
    return render(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            "manage": manage,
            "units": campaign.units.order_by("path"),
            "rules": rules,
            "preview_total": sum(preview.values()) if preview else 0,
            "targets": campaign.targets.select_related("unit", "rule", "group"),
            "courses": campaign.courses.all(),
            "changes": campaign.population_changes.select_related("by")[:20],
            "contests": campaign.contests.all(),
            "class_count": campaign.classes.count(),
        },
    )


@login_required
def edit(request, slug):
    campaign = _manageable(request, slug)
    initial = {f: getattr(campaign, f) for f in ("name", "description", "starts_on", "ends_on", "completion_courses")}
    form = forms.CampaignEditForm(request.POST or None, initial=initial)
    return _form_page(
        request,
        form,
        title=_("Edit the campaign"),
        campaign=campaign,
        act=_on_campaign(request, campaign, actions.update_campaign),
    )


@login_required
def rule_add(request, slug):
    campaign = _manageable(request, slug)
    form = forms.RuleForm(request.POST or None, user=request.user)
    return _form_page(
        request,
        form,
        title=_("Add a segment of the population"),
        campaign=campaign,
        act=_on_campaign(request, campaign, actions.add_rule),
    )


@login_required
@require_POST
def rule_delete(request, slug, pk):
    campaign = _manageable(request, slug)
    rule = get_object_or_404(PopulationRule, pk=pk, campaign=campaign)
    try:
        actions.delete_rule(rule=rule, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("campaigns:detail", campaign.slug)


@login_required
def target_add(request, slug):
    campaign = _manageable(request, slug)
    form = forms.TargetForm(request.POST or None, user=request.user, campaign=campaign)
    return _form_page(
        request,
        form,
        title=_("Add a target"),
        campaign=campaign,
        act=_on_campaign(request, campaign, actions.add_target),
    )


@login_required
@require_POST
def target_delete(request, slug, pk):
    campaign = _manageable(request, slug)
    actions.delete_target(target=get_object_or_404(Target, pk=pk, campaign=campaign), actor=request.user)
    return redirect("campaigns:detail", campaign.slug)


@login_required
def courses(request, slug):
    campaign = _manageable(request, slug)
    chosen = [str(c) for c in campaign.courses.values_list("course_id", flat=True)]
    form = forms.CoursesForm(request.POST or None, initial={"courses": chosen})

    def act(data):
        actions.set_courses(campaign=campaign, course_ids=data["courses"], actor=request.user)
        return redirect("campaigns:detail", campaign.slug)

    return _form_page(request, form, title=_("Courses to take"), campaign=campaign, act=act)


@login_required
def open_campaign(request, slug):
    campaign = _manageable(request, slug)
    if request.method == "POST":
        try:
            change = actions.open_campaign(campaign=campaign, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The campaign is open; its population of %(n)s people is frozen.") % {"n": change.total_after},
            )
        return redirect("campaigns:detail", campaign.slug)
    return redirect("campaigns:detail", campaign.slug)


@login_required
def refresh(request, slug):
    campaign = _manageable(request, slug)
    if campaign.is_draft:
        raise Http404
    plan = actions.RefreshPlan(campaign)
    form = forms.RefreshForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change = actions.refresh_population(
                campaign=campaign, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(
                request,
                _("Population refreshed: %(before)s → %(after)s people.")
                % {"before": change.total_before, "after": change.total_after},
            )
            return redirect("campaigns:detail", campaign.slug)
    return render(request, "campaigns/refresh.html", {"campaign": campaign, "plan": plan, "form": form})


@login_required
@require_POST
def close(request, slug):
    campaign = _manageable(request, slug)
    try:
        actions.close_campaign(campaign=campaign, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("campaigns:detail", campaign.slug)


@login_required
def members(request, slug):
    campaign = selectors.get_campaign(request.user, slug)
    unit = selectors.dashboard_unit(request.user, campaign, request.GET.get("unit"))
    status = request.GET.get("status", "")
    qs = figures.members_in(campaign, unit).filter(rule__isnull=False)
    field = "enrolled_at" if campaign.participation == campaign.Participation.ENROLLED else "started_at"
    if status == "pending":
        qs = qs.filter(**{f"{field}__isnull": True})
    elif status == "taking-part":
        qs = qs.filter(**{f"{field}__isnull": False})
    elif status == "completed":
        qs = qs.filter(completed_at__isnull=False)
    rows = qs.values(
        "id",
        "person_id",
        "person__full_name",
        "unit__name",
        "group__name",
        "rule__label",
        "enrolled_at",
        "started_at",
        "completed_at",
    ).order_by("unit_path", ViCollate("person__sort_name"), "id")
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(
        request, "campaigns/members.html", {"campaign": campaign, "unit": unit, "page": page, "status": status}
    )


# --- classes -------------------------------------------------------------------------------------


def _class_for(request, slug, code, *, manage_only=False):
    campaign = selectors.get_campaign(request.user, slug)
    klass = get_object_or_404(TrainingClass, campaign=campaign, code=code)
    manage = selectors.can_manage(request.user, campaign)
    teaches = selectors.teaches(request.user, klass)
    if not (manage or (teaches and not manage_only)):
        raise Http404
    return campaign, klass, manage


@login_required
def classes(request, slug):
    campaign = selectors.get_campaign(request.user, slug)
    manage = selectors.can_manage(request.user, campaign)
    rows = selectors.class_rows(campaign, instructor=None if manage else request.user)
    return render(
        request,
        "campaigns/classes.html",
        {"campaign": campaign, "classes": rows, "manage": manage, "venues": selectors.venues_for(campaign)},
    )


@login_required
def class_create(request, slug):
    campaign = _manageable(request, slug)
    form = forms.ClassForm(request.POST or None, user=request.user)

    def act(data):
        klass = actions.create_class(campaign=campaign, actor=request.user, **data)
        return redirect("campaigns:class", campaign.slug, klass.code)

    return _form_page(request, form, title=_("Open a class"), campaign=campaign, act=act)


@login_required
def venue_create(request, slug):
    campaign = _manageable(request, slug)
    form = forms.VenueForm(request.POST or None, user=request.user)

    def act(data):
        data = dict(data)
        actions.create_venue(unit=data.pop("unit_code"), actor=request.user, **data)
        return redirect("campaigns:classes", campaign.slug)

    return _form_page(request, form, title=_("Add a venue"), campaign=campaign, act=act)


@login_required
def class_detail(request, slug, code):
    campaign, klass, manage = _class_for(request, slug, code)
    learners = list(selectors.class_learners(klass))
    q = request.GET.get("q", "")
    pickable = list(selectors.members_for_picking(klass, q)[:200]) if manage else []
    return render(
        request,
        "campaigns/class_detail.html",
        {
            "campaign": campaign,
            "klass": klass,
            "manage": manage,
            "learners": learners,
            "sessions": klass.sessions.select_related("venue")
            .prefetch_related("instructors")
            .annotate(present=Count("attendance", filter=Q(attendance__present=True))),
            "pickable": pickable,
            "q": q,
            "rule_form": forms.EnrolRuleForm(campaign=campaign),
            "roster_form": forms.RosterForm(),
            "room": klass.max_learners - len(learners),
            "below_minimum": len(learners) < klass.min_learners,
        },
    )


@login_required
@require_safe
def class_certificates(request, slug, code):
    """Every certificate the class's learners have earned for the campaign's courses, as one zip."""
    campaign, klass, _manage = _class_for(request, slug, code)
    person_ids = klass.enrolments.filter(left_at__isnull=True).values_list("member__person_id", flat=True)
    course_ids = campaign.courses.values_list("course_id", flat=True)
    data = learning_bridge.class_certificates_zip(person_ids, course_ids, base_url=request.build_absolute_uri("/"))
    if data is None:
        messages.info(request, _("Nobody in this class has completed a course yet."))
        return redirect("campaigns:class", slug=campaign.slug, code=klass.code)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="chung-nhan-{campaign.slug}-{klass.code}.zip"'
    return response


def _enrol_feedback(request, result) -> None:
    if result.enrolled:
        messages.success(request, _("%(n)s learners enrolled.") % {"n": len(result.enrolled)})
    for member, reason in result.skipped:
        messages.warning(request, f"{member.person.full_name}: {reason}")


@login_required
@require_POST
def class_enrol(request, slug, code):
    campaign, klass, _manage = _class_for(request, slug, code, manage_only=True)
    how = request.POST.get("how")
    try:
        if how == "pick":
            ids = [int(x) for x in request.POST.getlist("member") if x.isdigit()]
            chosen = list(
                CampaignMember.objects.filter(pk__in=ids, campaign=campaign).select_related("person", "campaign")
            )
            if not chosen:
                raise ValidationError(_("Tick the people to enrol."))
            result = actions.enrol_members(
                klass=klass, members=chosen, method=ClassEnrolment.Method.PICKED, actor=request.user
            )
        elif how == "rule":
            form = forms.EnrolRuleForm(request.POST, campaign=campaign)
            if not form.is_valid():
                raise ValidationError(_("Choose a segment or a group from the lists."))
            result = actions.enrol_by_rule(klass=klass, actor=request.user, **form.cleaned_data)
        elif how == "roster":
            form = forms.RosterForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ValidationError(_("Choose a roster file."))
            upload = form.cleaned_data["file"]
            result = actions.enrol_from_roster(klass=klass, upload=upload, filename=upload.name, actor=request.user)
        else:
            raise ValidationError(_("Choose how to enrol."))
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        _enrol_feedback(request, result)
    return redirect("campaigns:class", campaign.slug, klass.code)


@login_required
def learner_move(request, slug, code, pk):
    campaign, klass, _manage = _class_for(request, slug, code, manage_only=True)
    enrolment = get_object_or_404(
        ClassEnrolment.objects.select_related("member__person"), pk=pk, klass_id=klass.pk, left_at__isnull=True
    )
    form = forms.MoveLearnerForm(request.POST or None, enrolment=enrolment)
    name = enrolment.member.person.full_name

    def act(data):
        actions.move_learner(enrolment=enrolment, to_class=data["to_class"], actor=request.user)
        messages.success(request, _("%(name)s moved.") % {"name": name})
        return redirect("campaigns:class", campaign.slug, klass.code)

    return _form_page(
        request, form, title=_("Move %(name)s to another class") % {"name": name}, campaign=campaign, act=act
    )


@login_required
def session_add(request, slug, code):
    campaign, klass, _manage = _class_for(request, slug, code, manage_only=True)
    form = forms.SessionForm(request.POST or None, venues=selectors.venues_for(campaign))

    def act(data):
        actions.add_session(
            klass=klass,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            venue=data["venue"],
            instructors=data["instructors"],
            title=data["title"],
            actor=request.user,
        )
        return redirect("campaigns:class", campaign.slug, klass.code)

    return _form_page(request, form, title=_("Add a session"), campaign=campaign, act=act)


def _session_for(request, slug, pk):
    campaign = selectors.get_campaign(request.user, slug)
    session = get_object_or_404(ClassSession.objects.select_related("klass", "venue"), pk=pk, klass__campaign=campaign)
    if not (selectors.can_manage(request.user, campaign) or selectors.teaches(request.user, session.klass)):
        raise Http404
    return campaign, session


@login_required
def attendance(request, slug, pk):
    campaign, session = _session_for(request, slug, pk)
    if request.method == "POST":
        present = [int(x) for x in request.POST.getlist("present") if x.isdigit()]
        try:
            n = actions.record_attendance(session=session, present=present, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Attendance saved: %(n)s present.") % {"n": n})
            return redirect("campaigns:class", campaign.slug, session.klass.code)
    return render(
        request,
        "campaigns/attendance.html",
        {"campaign": campaign, "session": session, "rows": selectors.attendance_roster(session)},
    )


@login_required
def session_qr(request, slug, pk):
    campaign, session = _session_for(request, slug, pk)
    if request.method == "POST":
        actions.renew_qr(session=session)
        return redirect("campaigns:session_qr", campaign.slug, session.pk)
    url = request.build_absolute_uri(reverse("campaigns:check_in", args=[actions.qr_token(session)]))
    svg = segno.make(url, error="m").svg_inline(scale=8, border=2, title=_("QR code for attendance"))

    return render(
        request,
        "campaigns/session_qr.html",
        {"campaign": campaign, "session": session, "url": url, "qr": mark_safe(svg)},
    )


@login_required
def check_in(request, token):
    person = getattr(request.user, "person", None)
    if request.method == "POST":
        try:
            row = actions.check_in(token=token, person=person)
        except ValidationError as exc:
            return render(
                request, "campaigns/check_in.html", {"error": " ".join(exc.messages), "token": token}, status=400
            )
        return render(request, "campaigns/check_in.html", {"done": row, "token": token})
    return render(request, "campaigns/check_in.html", {"token": token})


@login_required
def plan(request, slug):
    campaign = selectors.get_campaign(request.user, slug)
    if not selectors.can_manage(request.user, campaign) and not selectors.classes_taught(request.user).exists():
        raise Http404
    return render(
        request, "campaigns/plan.html", {"campaign": campaign, "itineraries": selectors.travel_plan(campaign)}
    )


# --- contests ------------------------------------------------------------------------------------


def _contest_for(request, slug, cslug):
    campaign = selectors.get_campaign(request.user, slug)
    return campaign, get_object_or_404(Contest, campaign=campaign, slug=cslug)


@login_required
def contest_create(request, slug):
    campaign = _manageable(request, slug)
    form = forms.ContestForm(request.POST or None)

    def act(data):
        data = dict(data)
        data["judges"] = data.pop("judges_names")
        contest = actions.create_contest(campaign=campaign, actor=request.user, **data)
        return redirect("campaigns:contest", campaign.slug, contest.slug)

    return _form_page(request, form, title=_("New contest"), campaign=campaign, act=act)


@login_required
def contest_detail(request, slug, cslug):
    campaign, contest = _contest_for(request, slug, cslug)
    unit = selectors.dashboard_unit(request.user, campaign, request.GET.get("unit"))
    return render(
        request,
        "campaigns/contest.html",
        {
            "campaign": campaign,
            "contest": contest,
            "unit": unit,
            "manage": selectors.can_manage(request.user, campaign),
            "judge": contest.judges.filter(pk=request.user.pk).exists(),
            "people": figures.individual_leaderboard(contest, unit),
            "units": figures.unit_leaderboard(contest, unit),
            "criteria": contest.criteria.all(),
            "entry_count": contest.entries.filter(withdrawn_at__isnull=True).count(),
        },
    )


@login_required
@require_POST
def contest_recompute(request, slug, cslug):
    campaign = _manageable(request, slug)
    contest = get_object_or_404(Contest, campaign=campaign, slug=cslug)
    n = actions.recompute_scores(contest=contest)
    messages.success(request, _("Points recounted for %(n)s people.") % {"n": n})
    return redirect("campaigns:contest", campaign.slug, contest.slug)


@login_required
def entry_submit(request, slug, cslug):
    # Learners reach this page without VIEW rights: the campaign is found
    # through their own membership, not through the unit scope.
    person = getattr(request.user, "person", None)
    member = (
        get_object_or_404(
            CampaignMember.objects.select_related("campaign"),
            campaign__slug=slug,
            person=person,
            removed_at__isnull=True,
        )
        if person
        else None
    )
    if member is None:
        raise Http404
    contest = get_object_or_404(Contest, campaign=member.campaign, slug=cslug)
    form = forms.EntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.submit_entry(contest=contest, member=member, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("Your entry is in. Good luck!"))
            return redirect("campaigns:entry_submit", slug, cslug)
    mine = contest.entries.filter(member=member)
    return render(
        request,
        "campaigns/entry_form.html",
        {"form": form, "contest": contest, "campaign": member.campaign, "mine": mine},
    )


@login_required
def entries(request, slug, cslug):
    campaign, contest = _contest_for(request, slug, cslug)
    judge = contest.judges.filter(pk=request.user.pk).exists()
    if not (judge or selectors.can_manage(request.user, campaign)):
        raise Http404
    rows = (
        contest.entries.filter(withdrawn_at__isnull=True)
        .select_related("member__person", "member__unit")
        .annotate(judged=Count("scores__judge", distinct=True))
        .order_by("-jury_score", "-submitted_at")
    )
    return render(
        request, "campaigns/entries.html", {"campaign": campaign, "contest": contest, "entries": rows, "judge": judge}
    )


@login_required
def entry_score(request, slug, cslug, pk):
    campaign, contest = _contest_for(request, slug, cslug)
    if not contest.judges.filter(pk=request.user.pk).exists():
        raise Http404
    entry = get_object_or_404(Entry.objects.select_related("member__person"), pk=pk, contest=contest)
    criteria = list(contest.criteria.all())
    mine = {s.criterion_id: s.points for s in entry.scores.filter(judge=request.user)}
    error = None
    if request.method == "POST":
        try:
            points = {c.pk: int(request.POST.get(f"c{c.pk}", "")) for c in criteria}
        except ValueError:
            error = _("Give every criterion a whole number of points.")
        else:
            try:
                actions.score_entry(entry=entry, judge=request.user, points=points)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                return redirect("campaigns:entries", campaign.slug, contest.slug)
    for c in criteria:
        c.mine = mine.get(c.pk, "")
    return render(
        request,
        "campaigns/entry_score.html",
        {"campaign": campaign, "contest": contest, "entry": entry, "criteria": criteria, "error": error},
    )


@login_required
def awards(request, slug, cslug):
    campaign, contest = _contest_for(request, slug, cslug)
    manage = selectors.can_manage(request.user, campaign)
    form = forms.AwardForm(request.POST or None)
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        category = request.POST.get("category")
        member = unit = None
        if category == Award.Category.INDIVIDUAL:
            member = CampaignMember.objects.filter(pk=request.POST.get("member") or 0, campaign=campaign).first()
        else:
            unit = access.units(request.user).filter(pk=request.POST.get("unit") or 0).first()
        if form.is_valid():
            try:
                actions.add_award(
                    contest=contest,
                    category=category,
                    member=member,
                    unit=unit,
                    actor=request.user,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                _errors(form, exc)
            else:
                return redirect("campaigns:awards", campaign.slug, contest.slug)
    return render(
        request,
        "campaigns/awards.html",
        {
            "campaign": campaign,
            "contest": contest,
            "manage": manage,
            "form": form,
            "awards": selectors.award_rows(contest),
            "people": figures.individual_leaderboard(contest, None, limit=100) if manage else [],
            "units": figures.unit_leaderboard(contest, None, level=2)[:100] if manage else [],
        },
    )


@login_required
@require_POST
def award_remove(request, slug, cslug, pk):
    campaign = _manageable(request, slug)
    award = get_object_or_404(Award, pk=pk, contest__campaign=campaign, contest__slug=cslug)
    actions.remove_award(award=award, actor=request.user)
    return redirect("campaigns:awards", campaign.slug, cslug)


@login_required
def awards_export(request, slug, cslug):
    from campaigns.exports import awards_xlsx

    campaign, contest = _contest_for(request, slug, cslug)
    content = awards_xlsx(contest)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"khen-thuong-{campaign.slug}-{contest.slug}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
