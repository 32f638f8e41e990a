from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hocvuso.lib.text import nfc
from learning import questions as qt
from learning.actions.courses import COURSE_FIELDS
from learning.models import Competence, Course, Lesson, Question, QuestionCategory

MAX_UPLOAD = 20 * 1024 * 1024
MAX_VIDEO = 500 * 1024 * 1024


class CompetenceField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=Competence.objects.filter(parent__isnull=False)
            .select_related("framework")
            .order_by("framework__slug", "sort_order"),
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 8}),
            label=_("Competences"),
            **kwargs,
        )

    def label_from_instance(self, obj):
        return f"{obj.framework.short_name} · {obj.code} {obj.name}"


class UnitCodeField(forms.CharField):
    """A unit typed by its code (lists of thousands of communes do not fit a select), within ``units``."""

    def __init__(self, *, units=None, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)
        self.units = units

    def prepare_value(self, value):
        if isinstance(value, int):
            from org.models import Unit

            value = Unit.objects.filter(pk=value).values_list("code", flat=True).first() or ""
        return getattr(value, "code", value)

    def clean(self, value):
        code = super().clean(value)
        if not code:
            return None
        unit = self.units.filter(code=code.strip()).first() if self.units is not None else None
        if unit is None:
            raise ValidationError(_("No unit with the code “%(code)s” in your area.") % {"code": code})
        return unit


def _owner_field(units, allow_national: bool) -> UnitCodeField:
    help_text = _("The code of the owner unit, e.g. 09787.")
    if allow_national:
        help_text = _("The code of the owner unit, e.g. 09787. Leave empty for a national course.")
    return UnitCodeField(units=units, required=not allow_national, label=_("Owner unit"), help_text=help_text)


class CourseForm(forms.ModelForm):
    competences = CompetenceField()

    class Meta:
        model = Course
        # The fields the course actions accept, plus the competence tags.
        fields = [*COURSE_FIELDS, "competences"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 2}), "description_md": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, units=None, allow_national=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = _owner_field(units, allow_national)
        self.fields["level"].widget = forms.Select(choices=[("", "—")] + [(i, str(i)) for i in range(1, 9)])


class ModuleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    position = forms.IntegerField(label=pgettext_lazy("order", "Position"), required=False, min_value=0)


class LessonForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=pgettext_lazy("lesson", "Kind"), choices=Lesson.Kind.choices)
    summary = forms.CharField(label=_("Summary"), max_length=300, required=False)
    body_md = forms.CharField(label=_("Text (Markdown)"), required=False, widget=forms.Textarea(attrs={"rows": 14}))
    practice = forms.ChoiceField(label=_("Practice exercise"), choices=Lesson.Practice.choices, required=False)
    estimated_minutes = forms.IntegerField(label=_("Estimated minutes"), min_value=0, max_value=600, initial=5)
    position = forms.IntegerField(label=pgettext_lazy("order", "Position"), required=False, min_value=0)
    competences = CompetenceField()


class LessonFileForm(forms.Form):
    file = forms.FileField(label=_("File"))
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    is_download = forms.BooleanField(
        label=_("Offer for download (untick for an image used in the text)"), required=False, initial=True
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD:
            raise ValidationError(_("The file is larger than 20 MB."))
        return f


class VideoForm(forms.Form):
    video = forms.FileField(label=_("Video file (MP4)"))
    poster = forms.FileField(label=_("Poster image"), required=False)
    duration_seconds = forms.IntegerField(label=_("Duration (seconds)"), required=False, min_value=0)

    def clean_video(self):
        f = self.cleaned_data["video"]
        if f.size > MAX_VIDEO:
            raise ValidationError(_("The video is larger than 500 MB."))
        return f


class QuizForm(forms.Form):
    pass_mark = forms.IntegerField(label=_("Pass mark (%)"), min_value=0, max_value=100, initial=70)
    time_limit_minutes = forms.IntegerField(
        label=_("Time limit (minutes, empty for none)"), required=False, min_value=1, max_value=600
    )
    max_attempts = forms.IntegerField(
        label=_("Attempts allowed (empty for no limit)"), required=False, min_value=1, max_value=100
    )
    shuffle_questions = forms.BooleanField(label=_("Shuffle questions"), required=False, initial=True)
    shuffle_answers = forms.BooleanField(label=_("Shuffle answers"), required=False, initial=True)


class ShareForm(forms.Form):
    unit_code = forms.CharField(label=_("Unit code"), max_length=40)


class BankForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, units=None, allow_national=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = _owner_field(units, allow_national)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Question file (GIFT, Moodle XML, Aiken or the Excel template)"))
    check_only = forms.BooleanField(label=_("Only check the file, import nothing"), required=False)

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD:
            raise ValidationError(_("The file is larger than 20 MB."))
        return f


class PackImportForm(forms.Form):
    file = forms.FileField(label=_("Content pack (.zip)"))
    check_only = forms.BooleanField(label=_("Only check the pack, import nothing"), required=False)

    def __init__(self, *args, units=None, allow_national=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = _owner_field(units, allow_national)

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > 200 * 1024 * 1024:
            raise ValidationError(_("The pack is larger than 200 MB."))
        return f


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class GradeForm(forms.Form):
    mark = forms.FloatField(label=_("Mark"), min_value=0)
    comment = forms.CharField(
        label=_("Comment for the learner"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class QuestionForm(forms.Form):
    """One form for the common question types; answers one per line.

    Choice lines may start with the weight in percent: "100 | Right answer | feedback".
    """

    category = forms.ModelChoiceField(label=_("Category"), queryset=QuestionCategory.objects.none())
    qtype = forms.ChoiceField(label=_("Type"), choices=Question.Type.choices)
    name = forms.CharField(label=_("Name"), max_length=255, required=False)
    text = forms.CharField(label=_("Question text"), widget=forms.Textarea(attrs={"rows": 4}))
    answers = forms.CharField(
        label=_("Answers, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Choices, short and numerical answers: “weight | text | feedback”, e.g. “100 | Right | Well done” "
            "and “0 | Wrong”. True/false: “true” or “false”. Numerical: “42”, “42:0.5” or “40..44”. "
            "Matching: “left => right”. Ordering: the items in the right order."
        ),
    )
    general_feedback = forms.CharField(
        label=_("General feedback"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    default_mark = forms.FloatField(label=_("Mark"), min_value=0, initial=1)
    competences = CompetenceField()

    def __init__(self, *args, bank=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = QuestionCategory.objects.filter(bank=bank)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        qtype = data["qtype"]
        lines = [nfc(line) for line in data.get("answers", "").splitlines() if line.strip()]
        try:
            data["data"] = answers_to_data(qtype, lines)
        except ValueError as exc:
            raise ValidationError({"answers": str(exc)}) from None
        problems = qt.validate(qtype, data["text"], data["data"], data["default_mark"])
        if problems:
            raise ValidationError({"answers": problems})
        return data


def answers_to_data(qtype: str, lines: list[str]) -> dict:
    from learning.formats.excel import _number_with_margin
    from learning.questions import choice_ids, parse_decimal

    if qtype in (qt.SINGLE, qt.MULTIPLE):
        choices = []
        for cid, line in zip(choice_ids(len(lines)), lines, strict=True):
            parts = [p.strip() for p in line.split("|")]
            weight = parse_decimal(parts[0]) if len(parts) > 1 else None
            if len(parts) > 1 and weight is None:
                raise ValueError(_("“%(w)s” is not a weight in percent") % {"w": parts[0]})
            text = parts[1] if len(parts) > 1 else parts[0]
            feedback = parts[2] if len(parts) > 2 else ""
            choices.append(
                {
                    "id": cid,
                    "text": text,
                    "fraction": float(weight / 100) if weight is not None else 0.0,
                    "feedback": feedback,
                }
            )
        return {"choices": choices, "shuffle": True}
    if qtype == qt.TRUE_FALSE:
        value = lines[0].lower() if lines else ""
        if value not in ("true", "false", "đúng", "sai"):
            raise ValueError(_("Write “true” or “false” on the first line."))
        return {"correct": value in ("true", "đúng"), "feedback_true": "", "feedback_false": ""}
    if qtype in (qt.SHORT, qt.NUMERICAL):
        answers = []
        for line in lines:
            parts = [p.strip() for p in line.split("|")]
            weight = parse_decimal(parts[0]) if len(parts) > 1 else Decimal(100)
            if weight is None:
                raise ValueError(_("“%(w)s” is not a weight in percent") % {"w": parts[0]})
            text = parts[1] if len(parts) > 1 else parts[0]
            feedback = parts[2] if len(parts) > 2 else ""
            if qtype == qt.SHORT:
                answers.append({"text": text, "fraction": float(weight / 100), "feedback": feedback})
                continue
            value, tolerance = _number_with_margin(text)
            if value is None:
                raise ValueError(_("“%(line)s” is not a number (write 42, 42:0.5 or 40..44)") % {"line": text})
            answers.append(
                {"value": value, "tolerance": tolerance, "fraction": float(weight / 100), "feedback": feedback}
            )
        if qtype == qt.SHORT:
            return {"answers": answers, "case_sensitive": False}
        return {"answers": answers, "other_feedback": "", "units": []}
    if qtype == qt.MATCHING:
        pairs = []
        for line in lines:
            sep = "=>" if "=>" in line else "->" if "->" in line else None
            if not sep:
                raise ValueError(_("“%(line)s” is not a pair “left => right”") % {"line": line})
            left, right = line.split(sep, 1)
            pairs.append({"left": left.strip(), "right": right.strip()})
        return {"pairs": pairs, "shuffle": True}
    if qtype == qt.ORDERING:
        return {"items": lines}
    return {"grader_info": "\n".join(lines), "response_template": ""}


def data_to_answers(question: Question) -> str:
    d = question.data
    from learning.formats.native import _w

    if question.qtype in (qt.SINGLE, qt.MULTIPLE):
        return "\n".join(
            f"{_w(c['fraction'])} | {c['text']}" + (f" | {c['feedback']}" if c.get("feedback") else "")
            for c in d["choices"]
        )
    if question.qtype == qt.TRUE_FALSE:
        return "true" if d["correct"] else "false"
    if question.qtype == qt.SHORT:
        return "\n".join(
            f"{_w(a['fraction'])} | {a['text']}" + (f" | {a['feedback']}" if a.get("feedback") else "")
            for a in d["answers"]
        )
    if question.qtype == qt.NUMERICAL:
        return "\n".join(
            f"{_w(a['fraction'])} | {a['value']}:{a.get('tolerance') or '0'}"
            + (f" | {a['feedback']}" if a.get("feedback") else "")
            for a in d["answers"]
        )
    if question.qtype == qt.MATCHING:
        return "\n".join(f"{p['left']} => {p['right']}" for p in d["pairs"])
    if question.qtype == qt.ORDERING:
        return "\n".join(d["items"])
    return d.get("grader_info", "")
