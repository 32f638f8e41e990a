"""Forms of the campaign pages. They parse input; the rules live in campaigns.actions."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts import access
from accounts.access import Perm
from campaigns import learning_bridge
from campaigns.models import Campaign, ClassEnrolment, Contest, Entry, PopulationRule, Target, TrainingClass, Venue
from hocvuso.lib.text import nfc
from org.models import Unit, UnitKind
from people.models import PersonGroup

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]
_CODE_SPLIT = re.compile(r"[\s,;]+")


class DateField(forms.DateField):
    widget = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        super().__init__(**kwargs)


class UnitCodesField(forms.CharField):
    """Units typed by code (several, separated by spaces, commas or new lines), within the user's scope."""

    widget = forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocomplete": "off"})

    def __init__(self, *, user, perm: Perm = Perm.VIEW, single: bool = False, **kwargs):
        self.user, self.perm, self.single = user, perm, single
        if single:
            kwargs.setdefault("widget", forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Unit):
            return value.code
        if isinstance(value, list | tuple) and value and isinstance(value[0], Unit):
            return "\n".join(u.code for u in value)
        return value

    def clean(self, value):
        value = super().clean(value)
        codes = [c for c in _CODE_SPLIT.split(nfc(value or "")) if c]
        if not codes:
            return None if self.single else []
        if self.single and len(codes) > 1:
            raise ValidationError(_("Type one unit code."))
        found = {u.code: u for u in access.units(self.user, self.perm).filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise ValidationError(
                _("No unit within your reach has the code %(codes)s.") % {"codes": ", ".join(missing)}
            )
        units = [found[c] for c in dict.fromkeys(codes)]
        return units[0] if self.single else units


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Short name"),
        max_length=80,
        required=False,
        help_text=_("Used in addresses and file names; made from the name when left empty."),
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    starts_on = DateField(label=_("Starts on"))
    ends_on = DateField(label=_("Ends on"))
    participation = forms.ChoiceField(label=_("Taking part means"), choices=Campaign.Participation.choices)
    completion_courses = forms.IntegerField(
        label=_("Courses to complete"),
        min_value=0,
        initial=0,
        help_text=_("How many of the campaign's courses make a member complete; 0 means all of them."),
    )
    population_on = DateField(
        label=_("Population as of"),
        required=False,
        help_text=_("Leave empty to take today's people; give a date to count the people of that day."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        national = access.is_system_admin(user)
        self.fields["organiser"] = UnitCodesField(
            user=user,
            perm=Perm.MANAGE_PEOPLE,
            single=True,
            required=not national,
            label=_("Organising unit (code)"),
            help_text=_("Empty for a national campaign.") if national else "",
        )
        self.fields["units"] = UnitCodesField(
            user=user,
            perm=Perm.MANAGE_PEOPLE,
            label=_("Units in scope (codes)"),
            help_text=_("One or more unit codes, e.g. 09787 09817 for two communes."),
        )


class CampaignEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    starts_on = DateField(label=_("Starts on"))
    ends_on = DateField(label=_("Ends on"))
    completion_courses = forms.IntegerField(label=_("Courses to complete"), min_value=0)


class RuleForm(forms.Form):
    label = forms.CharField(
        label=_("Segment name"),
        max_length=120,
        help_text=_("As reports should call it, e.g. “Cán bộ, công chức cấp xã”."),
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Groups"),
        queryset=PersonGroup.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every group."),
    )
    unit_kinds = forms.ModelMultipleChoiceField(
        label=_("Unit types"),
        queryset=UnitKind.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("None chosen: units of every type."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"] = UnitCodesField(
            user=user,
            label=_("Units (codes)"),
            required=False,
            help_text=_("Empty: all the campaign's units. People are counted in these units and below."),
        )


class TargetForm(forms.Form):
    measure = forms.ChoiceField(label=_("Measure"), choices=Target.Measure.choices)
    percent = forms.DecimalField(label=_("Target (%)"), min_value=0, max_value=100, decimal_places=2)
    deadline = DateField(label=_("Deadline"))
    rule = forms.ModelChoiceField(
        label=_("Segment"), queryset=PopulationRule.objects.none(), required=False, empty_label=_("Every segment")
    )
    group = forms.ModelChoiceField(
        label=pgettext_lazy("people", "Group"),
        queryset=PersonGroup.objects.all(),
        required=False,
        empty_label=_("Every group"),
    )

    def __init__(self, *args, user, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = campaign.rules.all()
        self.fields["unit"] = UnitCodesField(
            user=user,
            single=True,
            required=False,
            label=_("Unit (code)"),
            help_text=_("Empty: every unit is measured against the target."),
        )


class CoursesForm(forms.Form):
    courses = forms.MultipleChoiceField(label=_("Courses"), widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["courses"].choices = [(str(c["id"]), c["title"]) for c in learning_bridge.course_rows()]

    def clean_courses(self):
        return [int(c) for c in self.cleaned_data["courses"]]


class RefreshForm(forms.Form):
    reason = forms.CharField(
        label=_("Why refresh?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Reports show this next to the change of population."),
    )


# --- classes -------------------------------------------------------------------------


class VenueForm(forms.ModelForm):
    class Meta:
        model = Venue
        fields = ["name", "address", "capacity"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_code"] = UnitCodesField(user=user, single=True, label=_("Unit (code)"))


class ClassForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    min_learners = forms.IntegerField(label=_("Fewest learners"), min_value=1, initial=30)
    max_learners = forms.IntegerField(label=_("Most learners"), min_value=1, initial=40)
    instructors = forms.CharField(
        label=_("Instructors (user names)"),
        required=False,
        help_text=_("User names separated by spaces or commas."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"] = UnitCodesField(
            user=user, label=_("Units served (codes)"), help_text=_("Typically two or three communes.")
        )

    def clean_instructors(self):
        return clean_usernames(self.cleaned_data["instructors"])

    def clean(self):
        data = super().clean()
        low, high = data.get("min_learners"), data.get("max_learners")
        if low and high and low > high:
            self.add_error("max_learners", _("The most must be at least the fewest."))
        return data


def clean_usernames(value: str) -> list:
    from accounts.models import User

    names = [n for n in _CODE_SPLIT.split(nfc(value or "")) if n]
    users = {u.username: u for u in User.objects.filter(username__in=names, is_active=True)}
    missing = [n for n in names if n not in users]
    if missing:
        raise ValidationError(_("No active user is called %(names)s.") % {"names": ", ".join(missing)})
    return [users[n] for n in dict.fromkeys(names)]


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Topic"), max_length=200, required=False)
    day = DateField(label=_("Day of the session"))
    start = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    venue = forms.ModelChoiceField(label=_("Venue"), queryset=Venue.objects.none())
    instructors = forms.CharField(label=_("Instructors (user names)"), required=False)

    def __init__(self, *args, venues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = venues

    def clean_instructors(self):
        return clean_usernames(self.cleaned_data["instructors"])

    def clean(self):
        data = super().clean()
        if all(data.get(k) for k in ("day", "start", "end")):
            tz = timezone.get_current_timezone()
            data["starts_at"] = dt.datetime.combine(data["day"], data["start"], tzinfo=tz)
            data["ends_at"] = dt.datetime.combine(data["day"], data["end"], tzinfo=tz)
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end", _("A session must end after it starts."))
        return data


class EnrolRuleForm(forms.Form):
    rule = forms.ModelChoiceField(
        label=_("Segment"), queryset=PopulationRule.objects.none(), required=False, empty_label=_("Every segment")
    )
    group = forms.ModelChoiceField(
        label=pgettext_lazy("people", "Group"),
        queryset=PersonGroup.objects.all(),
        required=False,
        empty_label=_("Every group"),
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = campaign.rules.all()


class RosterForm(forms.Form):
    file = forms.FileField(
        label=_("Roster (.xlsx or .csv)"),
        help_text=_("One learner per row, with a column “Số CCCD”, “Số điện thoại” or “Họ và tên”."),
    )


class MoveLearnerForm(forms.Form):
    to_class = forms.ModelChoiceField(label=_("Move to class"), queryset=TrainingClass.objects.none())

    def __init__(self, *args, enrolment: ClassEnrolment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_class"].queryset = enrolment.klass.campaign.classes.exclude(pk=enrolment.klass_id)


# --- contests ----------------------------------------------------------------------------


class ContestForm(forms.ModelForm):
    class Meta:
        model = Contest
        fields = [
            "name",
            "slug",
            "starts_on",
            "ends_on",
            "points_per_lesson",
            "points_per_quiz",
            "points_per_entry",
            "points_per_attendance",
        ]
        field_classes = {"starts_on": DateField, "ends_on": DateField}

    judges_names = forms.CharField(label=_("Jury (user names)"), required=False)
    criteria = forms.CharField(
        label=_("Rubric"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One criterion per line, with its most points after a bar: “Sáng tạo | 10”."),
    )

    def clean_judges_names(self):
        return clean_usernames(self.cleaned_data["judges_names"])

    def clean_criteria(self):
        criteria = []
        for number, line in enumerate((self.cleaned_data["criteria"] or "").splitlines(), start=1):
            line = nfc(line)
            if not line:
                continue
            name, _sep, points = line.partition("|")
            try:
                most = int(points.strip() or 10)
            except ValueError:
                raise ValidationError(
                    _("Line %(n)s: “%(points)s” is not a number of points.") % {"n": number, "points": points.strip()}
                ) from None
            if not name.strip() or most <= 0:
                raise ValidationError(_("Line %(n)s: give a criterion and its most points.") % {"n": number})
            criteria.append((name.strip(), most))
        return criteria


class EntryForm(forms.ModelForm):
    class Meta:
        model = Entry
        fields = ["kind", "title", "url", "text"]

    def clean(self):
        data = super().clean()
        if not data.get("url") and not data.get("text"):
            raise ValidationError(_("Give a link or write the entry out."))
        return data


class AwardForm(forms.Form):
    prize = forms.CharField(label=_("Prize"), max_length=120)
    reason = forms.CharField(label=_("For"), max_length=255, required=False)
