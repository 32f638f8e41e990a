"""Forms of the people pages. They parse input; the rules live in people.validation and people.actions."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts import access
from accounts.access import Perm
from hocvuso.lib.text import nfc
from org.models import Unit
from people.models import Person, PersonGroup
from people.selectors import group_label, phone_display, unit_choices
from people.validation import PERSON_FIELDS, clean_person_fields

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]


class DateField(forms.DateField):
    """A date picker where browsers have one; typed dates in Vietnamese order (31/12/1985) work too."""

    widget = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        super().__init__(**kwargs)


class UnitField(forms.Field):
    """An active unit within the user's scope for ``perm``.

    A select when the scope is small; when it holds more units than a select
    can usefully show, a text box for the unit's code.
    """

    default_error_messages = {
        "invalid_choice": _("Choose a unit from the list."),
        "unknown_code": _("No active unit within your reach has this code."),
    }

    def __init__(self, *, user, perm: Perm, **kwargs):
        self.queryset = access.units(user, perm).filter(is_active=True)
        choices = unit_choices(user, perm)
        self.by_code = choices is None
        if self.by_code:
            kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
            kwargs.setdefault("help_text", _("Type the unit's code, e.g. 09787 for a commune."))
        else:
            kwargs.setdefault("widget", forms.Select(choices=[("", "———"), *choices]))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Unit):
            return value.code if self.by_code else value.pk
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Unit):
            value = value.pk
        try:
            if self.by_code:
                return self.queryset.get(code=nfc(value))
            return self.queryset.get(pk=int(value))
        except (Unit.DoesNotExist, ValueError, TypeError):
            raise ValidationError(
                self.error_messages["unknown_code" if self.by_code else "invalid_choice"],
                code="invalid_choice",
            ) from None


class Form(forms.Form):
    """Labels without Django's trailing colon, which reads oddly beside checkboxes and in filter bars."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class GroupField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PersonGroup) -> str:
        return group_label(obj.name, obj.name_en)


def group_field(**kwargs) -> forms.ModelChoiceField:
    return GroupField(
        queryset=PersonGroup.objects.order_by("sort_order", "name"),
        required=False,
        label=_("Group"),
        empty_label="———",
        **kwargs,
    )


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show an action's ``ValidationError`` on ``form``: next to the field it names, or above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class PersonForm(Form):
    """A person's own details, checked by ``clean_person_fields`` (the importer's rules)."""

    full_name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", "———"), *Person.Gender.choices], required=False)
    birth_date = DateField(label=_("Birth date"), required=False, help_text=_("e.g. 31/12/1985"))
    cccd = forms.CharField(
        label=_("Citizen ID (CCCD)"),
        max_length=40,
        required=False,
        help_text=_("12 digits."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        help_text=_("e.g. 0912 345 678"),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.CharField(
        label=_("Email"), max_length=254, required=False, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )

    def __init__(self, *args, person: Person | None = None, **kwargs):
        self.person = person
        if person is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(person, name) for name in PERSON_FIELDS}
            # Stored as E.164; shown as people write it. The field takes either form back.
            kwargs["initial"]["phone"] = phone_display(person.phone)
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        fields = {name: data[name] for name in PERSON_FIELDS if name in data}
        try:
            data.update(clean_person_fields(fields, person=self.person))
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                if field not in self._errors:
                    self.add_error(field, errors)
        return data

    def person_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in PERSON_FIELDS}


class NewPersonForm(PersonForm):
    field_order = ["full_name", "unit", "group", "position"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitField(user=user, perm=Perm.MANAGE_PEOPLE, label=_("Unit"))
        self.fields["group"] = group_field()
        self.fields["position"] = forms.CharField(label=_("Position"), max_length=200, required=False)
        self.order_fields(self.field_order)


class MembershipForm(Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitField(user=user, perm=Perm.MANAGE_PEOPLE, label=_("Unit"))
        self.fields["group"] = group_field()
        self.fields["position"] = forms.CharField(label=_("Position"), max_length=200, required=False)


class EndMembershipForm(Form):
    ended_on = DateField(
        label=pgettext_lazy("membership", "Ended on"), required=False, help_text=_("Leave empty for today.")
    )


class MoveForm(Form):
    on = DateField(label=_("Moved on"), required=False, help_text=_("Leave empty for today."))

    def __init__(self, *args, user, current: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.current_units = {m["unit_id"]: m for m in current}
        self.fields["from_unit"] = forms.TypedChoiceField(
            label=_("From"),
            coerce=int,
            choices=[(m["unit_id"], m["unit_label"]) for m in current],
        )
        self.fields["to_unit"] = UnitField(user=user, perm=Perm.MANAGE_PEOPLE, label=_("To"))
        self.order_fields(["from_unit", "to_unit", "on"])


class PeopleFilterForm(Form):
    """The list's search and filters. Bad values are reported, the rest still applies."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Name (accents optional), CCCD or phone."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    group = forms.ChoiceField(label=_("Group"), required=False)
    only_this_unit = forms.BooleanField(
        label=_("Only people directly in this unit, not in its sub-units"), required=False
    )

    def __init__(self, data, *, user, unit: Unit | None):
        super().__init__(data)
        self.groups = {g.slug: g for g in PersonGroup.objects.order_by("sort_order", "name")}
        self.fields["group"].choices = [("", _("All groups"))] + [
            (g.slug, group_label(g.name, g.name_en)) for g in self.groups.values()
        ]
        choices = unit_choices(user, Perm.VIEW)
        if choices is None:
            self.fields["unit_code"] = forms.CharField(
                label=_("Unit code"), required=False, max_length=40, initial=unit.code if unit else ""
            )
        else:
            if unit is not None and unit.pk not in {pk for pk, _ in choices}:
                choices.append((unit.pk, unit.name))
            self.fields["unit"] = forms.TypedChoiceField(
                label=_("Unit"), required=False, coerce=int, choices=[("", _("All units")), *choices]
            )
        self.order_fields(["q", "unit", "unit_code", "only_this_unit", "group"])


__all__ = [
    "DateField",
    "EndMembershipForm",
    "MembershipForm",
    "MoveForm",
    "NewPersonForm",
    "PeopleFilterForm",
    "PersonForm",
    "UnitField",
    "apply_errors",
]
