from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts import access, actions, selectors
from accounts.access import Perm
from accounts.decorators import perm_required
from accounts.forms import GrantForm, SignInForm, ThrottledPasswordChangeForm, TokenForm, UserCreateForm, UserSearchForm
from accounts.models import ApiToken, Role

USERS_PER_PAGE = 50


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.block is not None:
            response.status_code = 429
            response["Retry-After"] = str(form.block.retry_after())
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ThrottledPasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        actions.change_own_password(user=self.request.user, new_password=form.cleaned_data["new_password1"])
        # Keep this session signed in; the password change logs out the others.
        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return redirect(self.get_success_url())

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error("old_password", "throttled"):
            response.status_code = 429
        return response


# --- users and roles ---------------------------------------------------------
#
# The list and the creation form are pages a role either may use or not (403);
# the pages of one user answer 404 to anyone who cannot reach that user,
# including users with no right to manage roles at all, as for any object.


def _add_refusal(form, exc: actions.ActionRefused) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _grant_form(request, data=None) -> GrantForm:
    return GrantForm(
        data,
        roles=access.grantable_roles(request.user),
        units=access.units(request.user, Perm.MANAGE_ROLES),
    )


@perm_required(Perm.MANAGE_ROLES)
def user_list(request):
    search = UserSearchForm(request.GET)
    search.is_valid()
    q = search.cleaned_data.get("q", "")
    role = search.cleaned_data.get("role", "")
    page = Paginator(selectors.user_list(request.user, q=q, role=role), USERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "accounts/user_list.html", {"search": search, "page": page})


@perm_required(Perm.MANAGE_ROLES)
@sensitive_post_parameters("password")
@never_cache
def user_create(request):
    people = access.people(request.user, Perm.MANAGE_ROLES)
    form_kwargs = {
        "roles": access.grantable_roles(request.user),
        "units": access.units(request.user, Perm.MANAGE_ROLES),
        "people": people,
    }
    if request.method == "POST":
        form = UserCreateForm(request.POST, **form_kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user, generated = actions.create_user(
                    actor=request.user,
                    username=data["username"],
                    full_name=data["full_name"],
                    email=data["email"],
                    password=data["password"] or None,
                    role=data["role"],
                    unit=data["unit"] if data["role"] != Role.SYSTEM_ADMIN else None,
                    person=data["person"],
                )
            except actions.ActionRefused as exc:
                _add_refusal(form, exc)
            else:
                messages.success(request, _("The account %(username)s has been created.") % {"username": user.username})
                if generated:
                    # Shown in this response only; it is stored nowhere in clear.
                    return _user_page(request, user, new_password=generated)
                return redirect("accounts:user", pk=user.pk)
    else:
        initial = {}
        person = None
        if request.GET.get("person", "").isdigit():
            person = people.filter(pk=request.GET["person"]).first()
        if person is not None:
            initial = {"person": str(person.pk), "full_name": person.full_name, "email": person.email}
        form = UserCreateForm(initial=initial, **form_kwargs)
    return render(
        request,
        "accounts/user_create.html",
        {"form": form, "unit_suggestions": selectors.unit_suggestions(request.user)},
    )


def _user_page(request, user, *, grant_form=None, new_password=None, status=200):
    grants = selectors.user_grants(request.user, user)
    for grant in grants:
        grant.can_revoke = grant.user_id != request.user.pk and access.can_grant(request.user, grant.role, grant.unit)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "subject": user,
            "grants": grants,
            "grant_form": grant_form or _grant_form(request),
            "unit_suggestions": selectors.unit_suggestions(request.user),
            "can_manage": access.can_manage_user(request.user, user),
            "can_reset": access.can_reset_password(request.user, user),
            "can_grant": bool(access.grantable_roles(request.user)),
            "new_password": new_password,
        },
        status=status,
    )


@login_required
@never_cache
def user_detail(request, pk):
    user = access.get_user(request.user, pk)
    return _user_page(request, user)


@require_POST
@login_required
def grant_create(request, pk):
    user = access.get_user(request.user, pk)
    form = _grant_form(request, request.POST)
    if form.is_valid():
        role, unit = form.cleaned_data["role"], form.cleaned_data["unit"]
        try:
            actions.grant_role(
                actor=request.user, user=user, role=role, unit=unit if role != Role.SYSTEM_ADMIN else None
            )
        except actions.ActionRefused as exc:
            _add_refusal(form, exc)
        else:
            messages.success(request, _("Role granted."))
            return redirect("accounts:user", pk=user.pk)
    return _user_page(request, user, grant_form=form, status=400)


@require_POST
@login_required
def grant_revoke(request, pk, grant_pk):
    user = access.get_user(request.user, pk)
    grant = get_object_or_404(access.grants(request.user).select_related("unit", "user"), pk=grant_pk, user=user)
    try:
        actions.revoke_role(actor=request.user, grant=grant)
    except actions.ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Role revoked."))
    return redirect("accounts:user", pk=user.pk)


@require_POST
@login_required
def user_set_active(request, pk):
    user = access.get_user(request.user, pk)
    active = request.POST.get("active") == "1"
    try:
        actions.set_user_active(actor=request.user, user=user, active=active)
    except actions.ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            (_("%(username)s can sign in again.") if active else _("%(username)s can no longer sign in."))
            % {"username": user.username},
        )
    return redirect("accounts:user", pk=user.pk)


@require_POST
@login_required
@never_cache
def user_reset_password(request, pk):
    user = access.get_user(request.user, pk)
    try:
        password = actions.reset_password(actor=request.user, user=user)
    except actions.ActionRefused as exc:
        messages.error(request, exc.message)
        return redirect("accounts:user", pk=user.pk)
    return _user_page(request, user, new_password=password)


# --- API tokens ----------------------------------------------------------------


@login_required
@never_cache
def token_list(request):
    raw = None
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                token, raw = actions.create_token(user=request.user, name=form.cleaned_data["name"])
            except actions.ActionRefused as exc:
                _add_refusal(form, exc)
            else:
                form = TokenForm()
    else:
        form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "tokens": selectors.tokens_of(request.user),
            "raw_token": raw,
            "api_url": request.build_absolute_uri(reverse("api:api-root")),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    actions.revoke_token(user=request.user, token=token)
    messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("accounts:tokens")
