"""Campaigns, their frozen target populations, classes and contests.

A campaign's figures are rates over a population that must not move under
the reader's feet, so the population is copied into ``CampaignMember`` rows
when the campaign opens (and only changes through a recorded refresh).
Each member row carries the path of the unit it is counted in, and
``MemberTally`` keeps counts per (unit, rule, group) that the same
transaction updates whenever a member row changes; rollups up the unit tree
are then one GROUP BY over path prefixes of a few thousand tally rows.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hocvuso.db import PathField
from org.models import Unit, UnitKind
from people.models import Person, PersonGroup


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Participation(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled in a course")
        STARTED = "started", _("Started a course")

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Null: a national campaign, run by system administrators.
    organiser = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organised_campaigns",
        verbose_name=_("organising unit"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    participation = models.CharField(
        _("taking part means"), max_length=10, choices=Participation.choices, default=Participation.STARTED
    )
    # How many of the campaign's courses a member must complete; 0 = all of them.
    completion_courses = models.PositiveSmallIntegerField(_("courses to complete"), default=0)
    # The date memberships are read on when the population is computed
    # (campaigns recorded after the fact count the people of their time).
    population_on = models.DateField(_("population as of"), null=True, blank=True)
    units = models.ManyToManyField(Unit, related_name="campaigns", verbose_name=_("units in scope"))
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def organiser_name(self) -> str:
        return self.organiser.name if self.organiser_id else _("National")

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class CampaignCourse(models.Model):
    """A course of the learning app that the campaign asks its members to take.

    ``course_id`` is the learning app's id, resolved through
    ``campaigns.learning_bridge`` so that this app depends on learning in one
    place only; ``title`` is copied so reports still read well if a course
    is renamed later.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="courses")
    course_id = models.BigIntegerField()
    title = models.CharField(_("title"), max_length=255)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "course_id"], name="campaigns_course_once")]

    def __str__(self) -> str:
        return self.title


class PopulationRule(models.Model):
    """One segment of the target population: people of some groups in some units.

    A person is in the segment when one of their memberships current on the
    campaign's population date is in a unit under one of ``units`` (all the
    campaign's units when empty), with a group among ``groups`` (any group
    when empty) and a unit kind among ``unit_kinds`` (any when empty). The
    label is how reports name the segment ("Cán bộ, công chức cấp xã").
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rules")
    label = models.CharField(_("label"), max_length=120)
    sort_order = models.PositiveSmallIntegerField(default=0)
    units = models.ManyToManyField(Unit, blank=True, related_name="+", verbose_name=_("units"))
    groups = models.ManyToManyField(PersonGroup, blank=True, related_name="+", verbose_name=_("groups"))
    unit_kinds = models.ManyToManyField(UnitKind, blank=True, related_name="+", verbose_name=_("unit types"))

    class Meta:
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.label


class Target(models.Model):
    class Measure(models.TextChoices):
        PARTICIPATION = "participation", _("taking part")
        COMPLETION = "completion", pgettext_lazy("campaign target", "completed")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    measure = models.CharField(_("measure"), max_length=16, choices=Measure.choices)
    percent = models.DecimalField(
        _("target (%)"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    deadline = models.DateField(_("deadline"))
    # Null unit: the target applies to every unit (each unit is measured against it).
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey(PopulationRule, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(PersonGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return f"{self.get_measure_display()} ≥ {self.percent}% ({self.deadline:%d/%m/%Y})"


class CampaignMember(models.Model):
    """A person counted by a campaign, in the unit they were counted in.

    ``rule`` is the segment that brought them in; members without a rule took
    part without being in the target population (a clan that joined a staff
    campaign) and are reported apart, outside every rate's denominator.
    Progress columns are summaries of the learning records, written only by
    ``campaigns.actions`` together with the tallies.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="campaign_memberships")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    unit_path = PathField(max_length=255)
    # RESTRICT, not PROTECT: a rule cannot go while members cite it, except
    # when the whole campaign (and so its members) is deleted.
    rule = models.ForeignKey(PopulationRule, null=True, blank=True, on_delete=models.RESTRICT, related_name="+")
    group = models.ForeignKey(PersonGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()
    # Set when a refresh finds the person no longer in the population; the
    # row stays (with its progress) but is no longer counted.
    removed_at = models.DateTimeField(null=True, blank=True)
    enrolled_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    courses_completed = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "person"], name="campaigns_member_once")]
        indexes = [
            # Subtree scans for lists and forecasts read only the index.
            models.Index(
                fields=[
                    "campaign",
                    "unit_path",
                    "rule",
                    "group",
                    "removed_at",
                    "enrolled_at",
                    "started_at",
                    "completed_at",
                ],
                name="campaigns_member_path",
            ),
            models.Index(fields=["person"], name="campaigns_member_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.unit_id}"

    @property
    def in_target(self) -> bool:
        return self.rule_id is not None


class MemberTally(models.Model):
    """Counts of the current members of one campaign in one unit, segment and group.

    Kept equal to ``COUNT(*)`` over the member rows by updating both in the
    same transaction with F() expressions, so a reader sees a completion
    either everywhere or nowhere. ``rule`` null = members outside the target.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tallies")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    unit_path = PathField(max_length=255)
    rule = models.ForeignKey(PopulationRule, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(PersonGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    members = models.IntegerField(default=0)
    enrolled = models.IntegerField(default=0)
    started = models.IntegerField(default=0)
    completed = models.IntegerField(default=0)

    class Meta:
        constraints = [
            # NULLs are distinct in unique indexes, so the null cases get their own.
            models.UniqueConstraint(
                fields=["campaign", "unit", "rule", "group"],
                condition=Q(rule__isnull=False, group__isnull=False),
                name="campaigns_tally_key",
            ),
            models.UniqueConstraint(
                fields=["campaign", "unit", "group"],
                condition=Q(rule__isnull=True, group__isnull=False),
                name="campaigns_tally_key_no_rule",
            ),
            models.UniqueConstraint(
                fields=["campaign", "unit", "rule"],
                condition=Q(rule__isnull=False, group__isnull=True),
                name="campaigns_tally_key_no_group",
            ),
            models.UniqueConstraint(
                fields=["campaign", "unit"],
                condition=Q(rule__isnull=True, group__isnull=True),
                name="campaigns_tally_key_none",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "unit_path"], name="campaigns_tally_path")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.rule_id}/{self.group_id}: {self.members}"


class PopulationChange(models.Model):
    """The population was frozen (on opening) or refreshed: when, by whom, why, and what changed."""

    class Kind(models.TextChoices):
        OPEN = "open", _("Frozen on opening")
        REFRESH = "refresh", _("Refreshed")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="population_changes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    added = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    moved = models.PositiveIntegerField(default=0)
    total_before = models.PositiveIntegerField(default=0)
    total_after = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%d/%m/%Y}"


class MemberMove(models.Model):
    """A member's unit changed during the campaign (history; progress moves with them)."""

    member = models.ForeignKey(CampaignMember, on_delete=models.CASCADE, related_name="moves")
    from_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.from_unit_id} → {self.to_unit_id}"


# --- classes -------------------------------------------------------------------


class Venue(models.Model):
    """A place where sessions are held (a commune hall, a school's computer room)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="venues", verbose_name=_("unit"))
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=255, blank=True)
    capacity = models.PositiveIntegerField(_("seats"), null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class TrainingClass(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="classes")
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    units = models.ManyToManyField(Unit, related_name="+", verbose_name=_("units served"))
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="taught_classes", verbose_name=_("instructors")
    )
    min_learners = models.PositiveSmallIntegerField(_("fewest learners"), default=30)
    max_learners = models.PositiveSmallIntegerField(_("most learners"), default=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="campaigns_class_code")]

    def __str__(self) -> str:
        return self.name


class ClassEnrolment(models.Model):
    """A member in a class. Moving to another class ends this row and starts one there."""

    class Method(models.TextChoices):
        PICKED = "picked", _("Picked from the population")
        RULE = "rule", _("By rule")
        ROSTER = "roster", _("Roster import")
        MOVED = "moved", _("Moved from another class")

    klass = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="enrolments")
    member = models.ForeignKey(CampaignMember, on_delete=models.CASCADE, related_name="class_enrolments")
    method = models.CharField(max_length=10, choices=Method.choices)
    enrolled_at = models.DateTimeField()
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    left_at = models.DateTimeField(null=True, blank=True)
    moved_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            # One current class per member (and so per person) in a campaign.
            models.UniqueConstraint(
                fields=["member"], condition=Q(left_at__isnull=True), name="campaigns_enrolment_one_current"
            )
        ]
        indexes = [models.Index(fields=["klass", "left_at"], name="campaigns_enrolment_class")]

    def __str__(self) -> str:
        return f"{self.member_id} in {self.klass_id}"


class ClassSession(models.Model):
    klass = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("topic"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("venue"))
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="taught_sessions", verbose_name=_("instructors")
    )
    # Secret part of the session's QR code; a new one invalidates printed codes.
    qr_secret = models.CharField(max_length=32)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["venue", "starts_at"], name="campaigns_session_venue")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="campaigns_session_order")
        ]

    def __str__(self) -> str:
        return f"{self.klass_id} {self.starts_at:%d/%m/%Y %H:%M}"


class Attendance(models.Model):
    class Method(models.TextChoices):
        ROSTER = "roster", _("Instructor's roster")
        QR = "qr", _("QR code")

    session = models.ForeignKey(ClassSession, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(CampaignMember, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(default=True)
    method = models.CharField(max_length=10, choices=Method.choices)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="campaigns_attendance_once")]
        indexes = [models.Index(fields=["member", "present"], name="campaigns_attendance_member")]

    def __str__(self) -> str:
        return f"{self.member_id} at {self.session_id}: {self.present}"


# --- contests -----------------------------------------------------------------


class Contest(models.Model):
    """A race within a campaign ("Cuộc đua luyện AI") with a points rule, a jury and awards."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="contests")
    slug = models.SlugField(_("short name"), max_length=80)
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    points_per_lesson = models.PositiveSmallIntegerField(_("points per lesson completed"), default=1)
    points_per_quiz = models.PositiveSmallIntegerField(_("points per quiz passed"), default=2)
    points_per_entry = models.PositiveSmallIntegerField(_("points per entry submitted"), default=5)
    points_per_attendance = models.PositiveSmallIntegerField(_("points per session attended"), default=1)
    judges = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="judged_contests")
    scores_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "slug"], name="campaigns_contest_slug")]

    def __str__(self) -> str:
        return self.name


class ContestScore(models.Model):
    """Points of one member in one contest (a summary, recomputed from the records)."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="scores")
    member = models.ForeignKey(CampaignMember, on_delete=models.CASCADE, related_name="contest_scores")
    unit_path = PathField(max_length=255)
    lessons = models.PositiveIntegerField(default=0)
    quizzes = models.PositiveIntegerField(default=0)
    entries = models.PositiveIntegerField(default=0)
    attendance = models.PositiveIntegerField(default=0)
    points = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contest", "member"], name="campaigns_score_once")]
        indexes = [
            models.Index(fields=["contest", "unit_path", "points"], name="campaigns_score_path"),
            models.Index(fields=["contest", "-points"], name="campaigns_score_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.points}"


class Entry(models.Model):
    """Something a learner made for the contest: a lesson designed with AI, a prompt, a video link."""

    class Kind(models.TextChoices):
        LESSON = "lesson", _("Lesson designed with AI")
        PROMPT = "prompt", _("Prompt")
        VIDEO = "video", _("Video")
        OTHER = "other", _("Other")

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="entries")
    member = models.ForeignKey(CampaignMember, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), blank=True)
    text = models.TextField(_("text"), blank=True)
    submitted_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Average over judges of each judge's rubric total; recomputed on scoring.
    jury_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["contest", "member"], name="campaigns_entry_member")]

    def __str__(self) -> str:
        return self.title


class RubricCriterion(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=200)
    max_points = models.PositiveSmallIntegerField(_("most points"), default=10)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class EntryScore(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="scores")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.CASCADE, related_name="+")
    points = models.PositiveSmallIntegerField()
    scored_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "judge", "criterion"], name="campaigns_entry_score_once")
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}/{self.criterion_id}: {self.points}"


class Award(models.Model):
    class Category(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        COLLECTIVE = "collective", _("Collective")

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="awards")
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    prize = models.CharField(_("prize"), max_length=120)
    rank = models.PositiveSmallIntegerField(_("order"), default=0)
    member = models.ForeignKey(CampaignMember, null=True, blank=True, on_delete=models.RESTRICT, related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(Entry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(_("for"), max_length=255, blank=True)

    class Meta:
        ordering = ["category", "rank", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(category="individual", member__isnull=False, unit__isnull=True))
                | (Q(category="collective", unit__isnull=False, member__isnull=True)),
                name="campaigns_award_winner",
            ),
            models.UniqueConstraint(fields=["contest", "member"], name="campaigns_award_member_once"),
            models.UniqueConstraint(fields=["contest", "unit"], name="campaigns_award_unit_once"),
        ]

    def __str__(self) -> str:
        return self.prize
