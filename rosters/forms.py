from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rosters import columns as C
from rosters.actions import ALLOWED_EXTENSIONS, MAX_UPLOAD_BYTES


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file"),
        help_text=_("Excel (.xlsx) or CSV, with a header row such as “Họ và tên”, “Ngày sinh”, “Số CCCD”."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_EXTENSIONS)}),
    )
    org = forms.ModelChoiceField(
        label=_("Unit the people belong to"),
        queryset=None,
        help_text=_("Rows with an empty unit column go here; other rows must name units inside it."),
        error_messages={"invalid_choice": _("Choose one of your units.")},
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = units

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(max)d MB; split it into several files."), params={"max": 50}
            )
        if not upload.name.lower().endswith(ALLOWED_EXTENSIONS):
            raise forms.ValidationError(_("Upload an Excel (.xlsx) or CSV file."))
        return upload


def _field_choices():
    return [(key, label) for key, label in C.FIELD_LABELS.items()]


class MappingForm(forms.Form):
    """One select per column of the file: which roster field it holds."""

    def __init__(self, *args, headers, mapping, **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or _("(column %(n)s without a header)") % {"n": index + 1},
                choices=_field_choices(),
                required=False,
                initial=mapping[index] if index < len(mapping) else C.IGNORE,
            )

    def mapping(self) -> list[str]:
        return [self.cleaned_data.get(f"col_{i}") or C.IGNORE for i in range(len(self.headers))]

    def columns(self):
        return [self[f"col_{i}"] for i in range(len(self.headers))]


class UnitChoicesForm(forms.Form):
    """For unit values the file leaves open (old communes that were split, names found twice)."""

    def __init__(self, *args, questions, chosen, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for index, question in enumerate(questions):
            self.fields[f"unit_{index}"] = forms.TypedChoiceField(
                label=question["value"],
                choices=[("", _("— choose —"))] + [(str(pk), label) for pk, label in question["candidates"]],
                coerce=int,
                empty_value=None,
                required=False,
                initial=chosen.get(question["key"]),
            )

    def choices(self) -> dict[str, int | None]:
        return {q["value"]: self.cleaned_data.get(f"unit_{i}") for i, q in enumerate(self.questions)}

    def rows(self):
        return [(q, self[f"unit_{i}"]) for i, q in enumerate(self.questions)]
