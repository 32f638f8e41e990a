"""Forms of the unit pages. They parse input; the rules live in org.actions."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hocvuso.lib.text import nfc
from org.actions import CODE_MAX_LENGTH, NAME_MAX_LENGTH
from org.models import Unit, UnitKind


class KindChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: UnitKind) -> str:
        return obj.name


class OrganisationForm(forms.Form):
    """A new organisation under a unit."""

    kind = KindChoiceField(label=_("Type"), queryset=UnitKind.objects.none(), empty_label=_("Choose a type"))
    name = forms.CharField(
        label=_("Name"), max_length=NAME_MAX_LENGTH, help_text=_("For example: Trường Tiểu học Liên Minh")
    )
    code = forms.CharField(
        label=_("Code"),
        max_length=CODE_MAX_LENGTH,
        help_text=_("Short and unique, for imports and the API. For example: TH-LM"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = UnitKind.objects.filter(category=UnitKind.Category.ORGANISATION)


class UnitEditForm(forms.Form):
    kind = KindChoiceField(label=_("Type"), queryset=UnitKind.objects.none(), empty_label=None)
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX_LENGTH)
    code = forms.CharField(label=_("Code"), max_length=CODE_MAX_LENGTH)

    def __init__(self, *args, unit: Unit, **kwargs):
        kwargs.setdefault("initial", {"kind": unit.kind, "name": unit.name, "code": unit.code})
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = UnitKind.objects.filter(category=unit.kind.category)
        if unit.kind.category != UnitKind.Category.ORGANISATION:
            # Official codes come from the national map and never change here.
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("Official code from the national map.")


class UnitCodeField(forms.CharField):
    """A unit picked by its code among ``choices`` (a queryset the view scopes)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", CODE_MAX_LENGTH)
        super().__init__(*args, **kwargs)
        self.units: QuerySet[Unit] = Unit.objects.none()

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "list": "unit-choices", "autocomplete": "off"}

    def clean(self, value):
        code = nfc(super().clean(value))
        unit = self.units.filter(code__iexact=code).select_related("kind").first()
        if unit is None:
            raise ValidationError(
                _("No current unit within your reach has the code “%(code)s”."), params={"code": code}, code="unknown"
            )
        return unit


class MoveForm(forms.Form):
    new_parent = UnitCodeField(
        label=_("New parent unit (code)"),
        help_text=_("The code of the unit to move it under; the suggestions list the units you manage."),
    )

    def __init__(self, *args, units: QuerySet[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].units = units


class MergeForm(forms.Form):
    target = UnitCodeField(
        label=_("Merge into (code)"),
        help_text=_("The code of the unit that takes over its sub-units and members."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that this unit becomes a former unit and its members move to the other unit."),
    )

    def __init__(self, *args, units: QuerySet[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].units = units


class DeactivateForm(forms.Form):
    ended_on = forms.DateField(
        label=pgettext_lazy("unit", "Ended on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty for today."),
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search units"), required=False, max_length=200)
    former = forms.BooleanField(label=_("Include former units"), required=False)
