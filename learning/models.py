"""Courses, question banks, quizzes, learner progress and certificates.

Structure: Course → Module → Lesson; a quiz lesson has a Quiz that draws
questions from a QuestionBank. Every course, module, lesson, bank and question
carries a stable ``iri`` (its xAPI activity id), assigned once and never
changed, so records made against it stay meaningful after edits and when a
content pack is imported again.

Learner records are xAPI statements in the Learning Record Store (written
through ``learning/events.py``); ``LessonProgress`` and ``CourseProgress`` are
summaries kept current from those events.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from org.models import Unit
from people.models import Person

# --- competence frameworks ---------------------------------------------------


class Framework(models.Model):
    """A digital competence framework loaded as data (learning/data/frameworks/*.yaml)."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(pgettext_lazy("competence framework", "short name"), max_length=60)
    reference = models.CharField(_("legal reference"), max_length=255, blank=True)
    url = models.URLField(blank=True)
    version = models.CharField(max_length=20, blank=True)
    # [{"number": 1, "name": "Cơ bản 1"}, ...]
    levels = models.JSONField(default=list, blank=True)
    # Target groups the framework distinguishes (QĐ 757 has four).
    audiences = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.short_name


class Competence(models.Model):
    """A domain (no parent) or a competence within a domain."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="competences")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    sort_order = models.PositiveIntegerField(default=0)
    # Alignment between frameworks (Thông tư 02/2025 competences map onto DigComp 2.2).
    aligned = models.ManyToManyField("self", symmetrical=True, blank=True)

    class Meta:
        ordering = ["framework", "sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="learning_competence_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def ref(self) -> str:
        """How packs and forms name it: ``tt02-2025:4.2``."""
        return f"{self.framework.slug}:{self.code}"


# --- content packs -----------------------------------------------------------


class ContentPack(models.Model):
    """A content pack that was imported (see content/FORMAT.md)."""

    pack_id = models.CharField(max_length=120, unique=True)
    version = models.CharField(max_length=40)
    title = models.CharField(max_length=255)
    checksum = models.CharField(max_length=64)
    manifest = models.JSONField(default=dict)
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.pack_id} {self.version}"


# --- courses -------------------------------------------------------------------


class Course(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    class Audience(models.TextChoices):
        EVERYONE = "everyone", pgettext_lazy("course audience", "Everyone")
        OFFICIALS = "officials", _("Officials and public employees")
        CITIZENS = "citizens", _("Citizens")
        WORKERS = "workers", _("Workers")
        STUDENTS = "students", _("Pupils and students")

    key = models.SlugField(pgettext_lazy("identifier", "key"), max_length=100, unique=True)
    iri = models.CharField(max_length=255, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    description_md = models.TextField(_("description"), blank=True)
    description_html = models.TextField(blank=True, editable=False)
    # Null: a national course (the starter curriculum), authored by system administrators.
    owner = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="courses", verbose_name=_("owner unit")
    )
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE)
    level = models.PositiveSmallIntegerField(_("proficiency level"), null=True, blank=True)
    language = models.CharField(max_length=10, default="vi")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    open_enrolment = models.BooleanField(_("learners may enrol themselves"), default=True)
    # Completion rules.
    require_all_lessons = models.BooleanField(_("every lesson viewed"), default=True)
    require_all_quizzes = models.BooleanField(_("every quiz passed"), default=True)
    required_sessions = models.PositiveSmallIntegerField(_("class sessions attended"), default=0)
    certificate_enabled = models.BooleanField(_("certificate on completion"), default=True)
    estimated_minutes = models.PositiveIntegerField(_("estimated minutes"), default=0)
    # Kept by learning.actions.refresh_course_outline when lessons change.
    lesson_count = models.PositiveSmallIntegerField(default=0, editable=False)
    quiz_count = models.PositiveSmallIntegerField(default=0, editable=False)
    competences = models.ManyToManyField(Competence, blank=True, related_name="courses")
    pack = models.ForeignKey(ContentPack, null=True, blank=True, on_delete=models.SET_NULL, related_name="courses")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["status", "owner"], name="learning_course_status_owner")]

    def __str__(self) -> str:
        return self.title


class CourseShare(models.Model):
    """A course offered to another unit (and its subtree) besides its owner."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="shares")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="shared_courses")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "unit"], name="learning_courseshare_unique")]

    def __str__(self) -> str:
        return f"{self.course_id} → {self.unit_id}"


class Module(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    key = models.SlugField(pgettext_lazy("identifier", "key"), max_length=100)
    iri = models.CharField(max_length=255, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    position = models.PositiveSmallIntegerField(pgettext_lazy("order", "position"), default=0)
    competences = models.ManyToManyField(Competence, blank=True, related_name="modules")

    class Meta:
        ordering = ["course", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["course", "key"], name="learning_module_key_unique")]

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Reading")
        VIDEO = "video", _("Video")
        FILE = "file", _("Documents to download")
        PRACTICE = "practice", _("Practice")
        QUIZ = "quiz", _("Quiz")

    class Practice(models.TextChoices):
        NONE = "", pgettext_lazy("lesson practice", "None")
        PASSWORD = "password-strength", _("Password strength")
        PHISHING = "phishing", _("Recognising scam messages")
        PROMPTS = "prompt-library", _("Prompt templates")
        CHECKLIST = "checklist", _("Step-by-step checklist")

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    # Denormalised from module so a learner's course page is one indexed query.
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons", editable=False)
    key = models.SlugField(pgettext_lazy("identifier", "key"), max_length=100)
    iri = models.CharField(max_length=255, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(pgettext_lazy("lesson", "kind"), max_length=20, choices=Kind.choices, default=Kind.TEXT)
    position = models.PositiveSmallIntegerField(pgettext_lazy("order", "position"), default=0)
    # Order within the whole course, kept by learning.actions.refresh_course_outline.
    seq = models.PositiveIntegerField(default=0, editable=False)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body_md = models.TextField(_("text"), blank=True)
    body_html = models.TextField(blank=True, editable=False)
    video = models.FileField(_("video"), upload_to="learning/video/%Y/", blank=True)
    video_type = models.CharField(max_length=60, blank=True)
    video_size = models.BigIntegerField(default=0)
    poster = models.FileField(_("poster image"), upload_to="learning/poster/%Y/", blank=True)
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), null=True, blank=True)
    practice = models.CharField(_("practice"), max_length=40, choices=Practice.choices, blank=True)
    practice_data = models.JSONField(default=dict, blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=5)
    competences = models.ManyToManyField(Competence, blank=True, related_name="lessons")

    class Meta:
        ordering = ["course", "seq", "id"]
        constraints = [models.UniqueConstraint(fields=["module", "key"], name="learning_lesson_key_unique")]
        indexes = [models.Index(fields=["course", "seq"], name="learning_lesson_course_seq")]

    def __str__(self) -> str:
        return self.title


class LessonFile(models.Model):
    """A file of a lesson: a download offered to learners or an image its text shows."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="learning/files/%Y/")
    name = models.CharField(_("file name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.BigIntegerField(default=0)
    is_download = models.BooleanField(_("offer for download"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["lesson", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["lesson", "name"], name="learning_lessonfile_name_unique")]

    # --- questions -------------------------------------------------------------------

    def __str__(self) -> str:
        return self.name


class QuestionBank(models.Model):
    key = models.SlugField(pgettext_lazy("identifier", "key"), max_length=100, unique=True)
    iri = models.CharField(max_length=255, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="question_banks",
        verbose_name=_("owner unit"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class QuestionCategory(models.Model):
    """A category of a bank; ``path`` is the full name, segments joined by "/"."""

    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="categories")
    path = models.CharField(max_length=500)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    info = models.TextField(blank=True)

    class Meta:
        ordering = ["bank", "path"]
        constraints = [models.UniqueConstraint(fields=["bank", "path"], name="learning_category_path_unique")]

    def __str__(self) -> str:
        return self.path


class Question(models.Model):
    class Type(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TRUE_FALSE = "truefalse", _("True/false")
        SHORT = "short", _("Short answer")
        NUMERICAL = "numerical", _("Numerical")
        MATCHING = "matching", _("Matching")
        ORDERING = "ordering", _("Ordering")
        ESSAY = "essay", _("Essay")

    class Format(models.TextChoices):
        HTML = "html", "HTML"
        MOODLE = "moodle", _("Moodle auto-format")
        PLAIN = "plain", _("Plain text")
        MARKDOWN = "markdown", "Markdown"

    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="questions")
    category = models.ForeignKey(QuestionCategory, on_delete=models.PROTECT, related_name="questions")
    # Stable within the bank: Moodle idnumber, else the name; re-importing updates in place.
    key = models.CharField(pgettext_lazy("identifier", "key"), max_length=200)
    iri = models.CharField(max_length=255, unique=True, editable=False)
    qtype = models.CharField(_("type"), max_length=20, choices=Type.choices)
    name = models.CharField(_("name"), max_length=255)
    text = models.TextField(_("question text"))
    text_format = models.CharField(max_length=10, choices=Format.choices, default=Format.HTML)
    general_feedback = models.TextField(_("general feedback"), blank=True)
    # Per-type answers and options; shape documented in learning/questions.py.
    data = models.JSONField(default=dict)
    default_mark = models.FloatField(_("mark"), default=1.0)
    tags = models.JSONField(default=list, blank=True)
    competences = models.ManyToManyField(Competence, blank=True, related_name="questions")
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["bank", "category", "id"]
        constraints = [models.UniqueConstraint(fields=["bank", "key"], name="learning_question_key_unique")]

    def __str__(self) -> str:
        return self.name


class QuestionFile(models.Model):
    """A file embedded in a question's text (Moodle's @@PLUGINFILE@@/name)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=200)
    file = models.FileField(upload_to="learning/questions/%Y/")
    content_type = models.CharField(max_length=100, blank=True)
    size = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["question", "name"], name="learning_questionfile_unique")]

    # --- quizzes -----------------------------------------------------------------------

    def __str__(self) -> str:
        return self.name


class Quiz(models.Model):
    lesson = models.OneToOneField(Lesson, on_delete=models.CASCADE, related_name="quiz")
    bank = models.ForeignKey(QuestionBank, null=True, blank=True, on_delete=models.PROTECT, related_name="quizzes")
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=70)
    time_limit_minutes = models.PositiveSmallIntegerField(_("time limit (minutes)"), null=True, blank=True)
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed"), null=True, blank=True)
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    shuffle_answers = models.BooleanField(_("shuffle answers"), default=True)

    def __str__(self) -> str:
        return self.lesson.title


class QuizRule(models.Model):
    """Draw ``count`` random questions from a category (and its subcategories)."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="rules")
    category = models.ForeignKey(QuestionCategory, on_delete=models.PROTECT, related_name="+")
    count = models.PositiveSmallIntegerField(_("number of questions"))
    include_subcategories = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["quiz", "position", "id"]

    def __str__(self) -> str:
        return f"{self.count} × {self.category_id}"


class Attempt(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Waiting for marking")
        GRADED = "graded", _("Marked")

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="quiz_attempts")
    number = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.IN_PROGRESS)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)
    # One entry per slot: the question as it was when the attempt started
    # (text, options, display order), so later edits never change a started attempt.
    layout = models.JSONField(default=list)
    score = models.FloatField(null=True, blank=True)
    max_score = models.FloatField(default=0)
    percent = models.FloatField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["quiz", "person", "number"], name="learning_attempt_number_unique"),
        ]
        indexes = [models.Index(fields=["person", "quiz"], name="learning_attempt_person_quiz")]

    def __str__(self) -> str:
        return f"{self.person_id} #{self.number}"


class AttemptAnswer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    slot = models.PositiveSmallIntegerField()
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    max_mark = models.FloatField(default=1.0)
    response = models.JSONField(null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    fraction = models.FloatField(null=True, blank=True)
    mark = models.FloatField(null=True, blank=True)
    needs_grading = models.BooleanField(default=False)
    grader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    grader_comment = models.TextField(blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attempt", "slot"], name="learning_answer_slot_unique")]
        indexes = [
            models.Index(fields=["question"], name="learning_answer_question"),
            models.Index(
                fields=["needs_grading"], name="learning_answer_needs_grading", condition=Q(needs_grading=True)
            ),
        ]

    # --- enrolment, events and progress --------------------------------------------------

    def __str__(self) -> str:
        return f"{self.attempt_id}:{self.slot}"


class Enrolment(models.Model):
    class Source(models.TextChoices):
        SELF = "self", _("Enrolled themself")
        STAFF = "staff", _("Enrolled by staff")
        CLASS = "class", _("Class")
        CAMPAIGN = "campaign", _("Campaign")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="enrolments")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.SELF)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    enrolled_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "course"], name="learning_enrolment_unique")]
        indexes = [models.Index(fields=["course", "enrolled_at"], name="learning_enrolment_course")]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.course_id}"


class LessonProgress(models.Model):
    """Summary: what a learner did with a lesson (kept from events)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    first_viewed_at = models.DateTimeField(null=True, blank=True)
    last_viewed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    best_percent = models.FloatField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "lesson"], name="learning_lessonprogress_unique")]
        indexes = [models.Index(fields=["person", "course"], name="learning_lessonprogress_pc")]

    def __str__(self) -> str:
        return f"{self.person_id} / {self.lesson_id}"


class CourseProgress(models.Model):
    """Summary: a learner's standing in a course (kept from events)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="course_progress")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="progress")
    lessons_done = models.PositiveSmallIntegerField(default=0)
    quizzes_passed = models.PositiveSmallIntegerField(default=0)
    sessions_attended = models.PositiveSmallIntegerField(default=0)
    percent = models.PositiveSmallIntegerField(default=0)
    last_lesson = models.ForeignKey(Lesson, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    last_activity_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "course"], name="learning_courseprogress_unique")]
        indexes = [models.Index(fields=["course", "completed_at"], name="learning_courseprogress_done")]

    def __str__(self) -> str:
        return f"{self.person_id} / {self.course_id}"


class SessionAttendance(models.Model):
    """Attendance at a class session of a course, from "attended" events (classes come later)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    session_iri = models.CharField(max_length=255)
    attended_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "course", "session_iri"], name="learning_attendance_unique"),
        ]

    # --- certificates --------------------------------------------------------------------

    def __str__(self) -> str:
        return f"{self.person_id} at {self.session_iri}"


class Certificate(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="certificates")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="certificates")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # What the certificate says, as printed: later renames do not change an issued certificate.
    holder_name = models.CharField(max_length=200)
    course_title = models.CharField(max_length=200)
    unit_name = models.CharField(max_length=255)
    issued_at = models.DateTimeField()
    pdf = models.FileField(upload_to="learning/certificates/%Y/", blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "course"],
                condition=Q(revoked_at__isnull=True),
                name="learning_certificate_one_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None
