from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_variables

from accounts import throttle
from accounts.models import Role, User
from hocvuso.lib.text import nfc
from org.models import Unit
from people.models import Person


def blocked_message(block: throttle.Block) -> str:
    now = timezone.now()
    minutes = max(1, -(-block.retry_after(now) // 60))  # rounded up
    return ngettext(
        "Too many failed sign-in attempts. To protect the account, sign-in is paused until %(time)s "
        "(in about %(minutes)d minute). Please try again then, or ask your administrator to reset "
        "your password.",
        "Too many failed sign-in attempts. To protect the account, sign-in is paused until %(time)s "
        "(in about %(minutes)d minutes). Please try again then, or ask your administrator to reset "
        "your password.",
        minutes,
    ) % {"time": formats.time_format(timezone.localtime(block.until), "H:i"), "minutes": minutes}


class NoColonLabels:
    """Labels without Django's trailing colon: they sit above their input, as on the people forms."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class Form(NoColonLabels, forms.Form):
    pass


class SignInForm(NoColonLabels, AuthenticationForm):
    """Django's sign-in form with throttling of failed attempts (see accounts/throttle.py).

    ``block`` is set when the attempt was refused without checking the
    password, so the view can answer 429.
    """

    error_messages = {
        "invalid_login": _(
            "The username or password is not correct. Check that Caps Lock is off: both are case-sensitive."
        ),
        "inactive": _("This account is inactive."),
        "throttled": "%(message)s",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.block: throttle.Block | None = None
        self.fields["username"].label = _("Username")
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        )
        self.fields["password"].label = _("Password")

    @sensitive_variables("password")
    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return self.cleaned_data
        ip = throttle.client_ip(self.request) if self.request is not None else ""
        state = throttle.status(username=username, ip=ip)
        if state.block:
            self.block = state.block
            raise ValidationError(
                self.error_messages["throttled"], code="throttled", params={"message": blocked_message(state.block)}
            )
        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is None:
            throttle.record_failure(username=username, ip=ip)
            left = state.remaining - 1
            errors = [self.get_invalid_login_error()]
            now_blocked = throttle.check(username=username, ip=ip) if left <= 0 else None
            if now_blocked:
                # Say so now rather than let the next, refused attempt be a surprise.
                errors.append(ValidationError(blocked_message(now_blocked), code="throttled"))
            elif 0 < left <= 2:
                errors.append(
                    ValidationError(
                        ngettext(
                            "%(count)d attempt left before sign-in is paused for a while.",
                            "%(count)d attempts left before sign-in is paused for a while.",
                            left,
                        ),
                        code="attempts_left",
                        params={"count": left},
                    )
                )
            raise ValidationError(errors)
        self.confirm_login_allowed(self.user_cache)
        throttle.clear_username(username)
        return self.cleaned_data


class ThrottledPasswordChangeForm(NoColonLabels, PasswordChangeForm):
    """The old password is a secret too: wrong guesses count like failed sign-ins.

    Otherwise someone who found a signed-in phone could try passwords here
    without limit and take the account over.
    """

    def __init__(self, user, *args, request=None, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request
        self.fields["new_password1"].help_text = password_validators_help_text_html()

    @sensitive_variables("old_password")
    def clean_old_password(self):
        ip = throttle.client_ip(self.request) if self.request is not None else ""
        block = throttle.check(username=self.user.get_username(), ip=ip)
        if block:
            raise ValidationError(blocked_message(block), code="throttled")
        old_password = self.cleaned_data["old_password"]
        if not self.user.check_password(old_password):
            throttle.record_failure(username=self.user.get_username(), ip=ip)
            raise ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


# --- users and roles -------------------------------------------------------------


class UnitCodeField(forms.CharField):
    """A unit typed by its code, looked up among ``queryset`` (the units in the user's scope)."""

    def __init__(self, *args, queryset=None, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)
        self.queryset = queryset if queryset is not None else Unit.objects.none()

    def clean(self, value):
        code = nfc(super().clean(value))
        if not code:
            return None
        unit = self.queryset.select_related("kind").filter(code__iexact=code).first()
        if unit is None:
            raise ValidationError(
                _("No unit with the code “%(code)s” among the units you manage."), code="unknown", params={"code": code}
            )
        return unit


class PersonRefField(forms.CharField):
    """A person typed by citizen ID (12 digits) or record number, looked up among ``queryset``."""

    def __init__(self, *args, queryset=None, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)
        self.queryset = queryset if queryset is not None else Person.objects.none()

    def clean(self, value):
        ref = nfc(super().clean(value)).replace(" ", "")
        if not ref:
            return None
        if not ref.isdigit():
            raise ValidationError(_("Enter a citizen ID (12 digits) or a record number."), code="invalid")
        lookup = {"cccd": ref} if len(ref) == 12 else {"pk": int(ref)}
        person = self.queryset.filter(**lookup).first()
        if person is None:
            raise ValidationError(
                _("No person “%(ref)s” among the people of your units."), code="unknown", params={"ref": ref}
            )
        return person


def _role_choices(roles: list[str]) -> list[tuple[str, str]]:
    # No role preselected: granting one, above all an administrator's, must be a deliberate choice.
    return [("", _("— choose a role —")), *((value, label) for value, label in Role.choices if value in roles)]


class GrantForm(Form):
    role = forms.ChoiceField(label=_("Role"))
    unit = UnitCodeField(
        label=_("Unit code"),
        required=False,
        help_text=_("The code of the unit, e.g. 09787 for a commune; the role covers everything under it."),
    )

    def __init__(self, *args, roles: list[str], units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(roles)
        self.fields["unit"].queryset = units
        self.fields["unit"].widget.attrs.update({"list": "unit-codes", "autocomplete": "off"})

    def clean(self):
        data = super().clean()
        if data.get("role") and data["role"] != Role.SYSTEM_ADMIN and not data.get("unit"):
            if "unit" not in self.errors:
                self.add_error("unit", _("Enter the code of the unit the role applies to."))
        return data


class UserCreateForm(GrantForm):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @ . + - _ only, e.g. “minh.nv”. Used to sign in."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to generate a strong password, shown once after the account is created."),
    )
    person = PersonRefField(
        label=_("Linked person (optional)"),
        required=False,
        help_text=_("Citizen ID (12 digits) or record number of the person in your units who will use this account."),
    )

    field_order = ["username", "full_name", "email", "password", "role", "unit", "person"]

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["username"].widget.attrs.update({"autocapitalize": "none", "spellcheck": "false"})
        self.fields["full_name"].widget.attrs["autocomplete"] = "off"

    def clean_username(self):
        username = nfc(self.cleaned_data["username"])
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("The username “%(username)s” is already taken."), params={"username": username})
        return username

    def clean(self):
        data = super().clean()
        person = data.get("person")
        if not nfc(data.get("full_name")) and not person:
            self.add_error("full_name", _("Enter the full name, or link a person."))
        if person is not None and User.objects.filter(person=person).exists():
            self.add_error("person", _("%(name)s already has a sign-in account.") % {"name": person.full_name})
        password = data.get("password")
        if password and data.get("username"):
            candidate = User(username=data["username"], full_name=nfc(data.get("full_name")), email=data.get("email"))
            try:
                validate_password(password, candidate)
            except ValidationError as exc:
                self.add_error("password", exc)
        return data


class TokenForm(Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What will use the token, e.g. “roster sync script”."),
    )


class UserSearchForm(Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices])
