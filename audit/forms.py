from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        # type="date" always submits ISO dates, whatever the display locale.
        super().__init__(attrs, format="%Y-%m-%d")


class EventFilterForm(forms.Form):
    q = forms.CharField(label=_("Target contains"), required=False, max_length=100)
    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=60,
        help_text=_("e.g. role.grant, or person. for every action on people"),
    )
    target_type = forms.CharField(label=_("Target type"), required=False, max_length=40)
    actor = forms.CharField(label=_("By (username)"), required=False, max_length=150)
    date_from = forms.DateField(
        label=pgettext_lazy("date range", "From"), required=False, widget=DateInput, input_formats=["%Y-%m-%d"]
    )
    date_to = forms.DateField(
        label=pgettext_lazy("date range", "To"), required=False, widget=DateInput, input_formats=["%Y-%m-%d"]
    )

    def __init__(self, *args, **kwargs):
        # Labels sit above their inputs, without Django's trailing colon (as on the people forms).
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
