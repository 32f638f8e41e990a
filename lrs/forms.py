from __future__ import annotations

import datetime as dt
import json

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import access
from lrs import validation as v
from lrs.models import LrsClient, Scope


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class StatementFilterForm(forms.Form):
    agent = forms.CharField(
        label=_("Learner or agent"),
        required=False,
        max_length=500,
        help_text=_("An e-mail address, or an xAPI agent in JSON"),
    )
    verb = forms.CharField(label=_("Verb (IRI)"), required=False, max_length=1000)
    activity = forms.CharField(label=_("Activity (IRI)"), required=False, max_length=1000)
    registration = forms.UUIDField(label=_("Registration"), required=False)
    since = forms.DateField(label=_("Stored from"), required=False, widget=DateInput, input_formats=["%Y-%m-%d"])
    until = forms.DateField(label=_("Stored until"), required=False, widget=DateInput, input_formats=["%Y-%m-%d"])

    def clean_agent(self):
        raw = self.cleaned_data["agent"].strip()
        if not raw or ("@" in raw and not raw.startswith("{")):
            if raw and not v.is_iri("mailto:" + raw):
                raise forms.ValidationError(_("Enter an e-mail address or an agent in JSON."))
            return raw
        try:
            v.agent_param(json.loads(raw), "agent")
        except ValueError as exc:
            raise forms.ValidationError(_("Not an xAPI agent: %(reason)s") % {"reason": exc}) from None
        return raw

    def _iri(self, name):
        raw = self.cleaned_data[name].strip()
        if raw and not v.is_iri(raw):
            raise forms.ValidationError(_("Enter an absolute IRI, such as http://adlnet.gov/expapi/verbs/completed."))
        return raw

    def clean_verb(self):
        return self._iri("verb")

    def clean_activity(self):
        return self._iri("activity")

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return data

    def filters(self) -> dict:
        """The cleaned values as the selectors take them (dates as aware datetimes, whole days)."""
        data = dict(self.cleaned_data)
        if data.get("since"):
            data["since"] = _day_start(data["since"]) - dt.timedelta(microseconds=1)
        if data.get("until"):
            data["until"] = _day_start(data["until"] + dt.timedelta(days=1)) - dt.timedelta(microseconds=1)
        return {k: x for k, x in data.items() if x}


class ClientForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("Who uses it, e.g. the province's data warehouse")
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple, initial=[Scope.STATEMENTS_WRITE]
    )
    unit = forms.CharField(
        label=_("Unit code"),
        max_length=40,
        required=False,
        help_text=_("The credential reads and writes only within this unit's subtree; empty means national"),
    )
    xapi_version = forms.ChoiceField(
        label=_("Client's xAPI version"),
        choices=LrsClient.XapiVersion.choices,
        required=False,
        initial=LrsClient.XapiVersion.SERVER,
        help_text=_(
            "Used to label the answers to requests that name no xAPI version; "
            "choose 1.0.3 for xAPI 1.0.3 content, or leave it to the server setting"
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not access.scope(user, access.Perm.MANAGE_ROLES).everything:
            self.fields["unit"].required = True
            self.fields["unit"].help_text = _("The credential reads and writes only within this unit's subtree")

    def clean_unit(self):
        code = self.cleaned_data["unit"].strip()
        if not code:
            return None
        unit = access.units(self.user, access.Perm.MANAGE_ROLES).filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(_("No unit with this code in your scope."))
        return unit
