"""Tables of the Learning Record Store.

Statements are write-once: a row holds the statement exactly as stored (the
JSON text served for ``format=exact``) plus one indexed column per query
filter. Agents, verbs and activities are small dimension tables the indexed
columns point to. Voiding never updates a statement; it adds a ``Voiding`` row.
Only related agents and activities beyond the actor, the object and the
authority get rows of their own, so a plain statement is one insert.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from org.models import Unit


class Scope(models.TextChoices):
    """The xAPI OAuth scopes, used here for key/secret credentials."""

    STATEMENTS_WRITE = "statements/write", _("Write statements")
    STATEMENTS_READ = "statements/read", _("Read statements")
    STATEMENTS_READ_MINE = "statements/read/mine", _("Read its own statements")
    STATE = "state", _("Read and write state documents")
    DEFINE = "define", _("Define activities")
    PROFILE = "profile", _("Read and write profile documents")
    ALL_READ = "all/read", _("Read everything")
    ALL = "all", _("Everything")


class LrsClient(models.Model):
    """A key/secret credential for a client of the LRS (content, another LMS, a data warehouse).

    Bound to a unit: everything it writes belongs to that unit, and it reads
    only statements of that unit's subtree. A client without a unit is
    national. Only a SHA-256 of the (random, 256-bit) secret is stored.
    """

    class XapiVersion(models.TextChoices):
        # Only labels the 400 answer to a request that names no version: the
        # 1.0.3 and 2.0 conformance suites want different labels for the same
        # request, and a credential is what tells their clients apart.
        SERVER = "", _("As the server setting")
        V1_0_3 = "1.0.3", "xAPI 1.0.3"
        V2_0_0 = "2.0.0", "xAPI 2.0"

    name = models.CharField(_("name"), max_length=100)
    key = models.CharField(_("key"), max_length=40, unique=True)
    secret_digest = models.CharField(max_length=64)
    scopes = models.CharField(_("scopes"), max_length=200)  # space-separated Scope values
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="lrs_clients", verbose_name=_("unit")
    )
    is_active = models.BooleanField(_("active"), default=True)
    xapi_version = models.CharField(
        _("client's xAPI version"),
        max_length=5,
        blank=True,
        default=XapiVersion.SERVER,
        choices=XapiVersion.choices,
        help_text=_(
            "Used to label the answers to requests that name no xAPI version (X-Experience-API-Version); "
            "empty follows the server setting."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())

    @staticmethod
    def hash(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @staticmethod
    def generate_key() -> str:
        return "hvs" + secrets.token_hex(12)

    @staticmethod
    def generate_secret() -> str:
        # URL-safe base64 may begin with "-", which command-line tools then
        # take for an option (`-p -x…`): such secrets are drawn again.
        while True:
            secret = secrets.token_urlsafe(32)
            if secret[0] != "-":
                return secret


class Agent(models.Model):
    """An Agent or identified Group, by its inverse functional identifier (see validation.ifi_key)."""

    ifi = models.CharField(max_length=700, unique=True)
    name = models.CharField(max_length=255, blank=True)
    # The platform's own learners: the Person this agent stands for.
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="lrs_agents"
    )
    # The agent's JSON (objectType and identifier), as used in the Person object.
    data = models.TextField()

    def __str__(self) -> str:
        return self.ifi


class Verb(models.Model):
    iri = models.CharField(max_length=1000, unique=True)

    def __str__(self) -> str:
        return self.iri


class Activity(models.Model):
    """An activity with its canonical definition (JSON text, empty when none was ever given)."""

    iri = models.CharField(max_length=1000, unique=True)
    definition = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.iri


class Statement(models.Model):
    """One stored statement (write-once).

    The references to agents, verbs, activities, the client and the unit have
    no database constraints: the store resolves them in the same transaction
    before inserting, dimension rows are never deleted, and the ORM still
    protects clients and units from deletion. Per-row constraint checks (a
    locking lookup per reference at commit) would cost more than the rest of
    an insert under concurrent ingestion.
    """

    # Insertion order: the order of GET results and the cursor of "more" links.
    id = models.BigAutoField(primary_key=True)
    statement_id = models.UUIDField(unique=True)
    stored = models.DateTimeField(db_index=True)
    timestamp = models.DateTimeField()
    verb = models.ForeignKey(Verb, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False)
    # Null when the actor is an anonymous Group.
    actor = models.ForeignKey(
        Agent, null=True, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    object_agent = models.ForeignKey(
        Agent, null=True, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    object_activity = models.ForeignKey(
        Activity, null=True, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    # The UUID a StatementRef object points to (voiding statements included);
    # the target may not be stored (yet), hence no database constraint.
    object_statement = models.ForeignKey(
        "self",
        to_field="statement_id",
        null=True,
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
    )
    registration = models.UUIDField(null=True)
    authority = models.ForeignKey(
        Agent, null=True, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    is_voiding = models.BooleanField(default=False)
    client = models.ForeignKey(
        LrsClient, null=True, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    # Whose statement this is for scoping: the client's unit, or the unit the
    # platform recorded it for. Null means national.
    unit = models.ForeignKey(
        Unit, null=True, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    # The statement as stored (with id, stored, authority, version, timestamp).
    data = models.TextField()

    class Meta:
        indexes = [
            # Sparse columns get partial indexes, so the common statement
            # (an activity as object, no registration) costs no entry there.
            models.Index(fields=["actor", "verb", "id"], name="lrs_stmt_actor_verb"),
            models.Index(fields=["verb", "id"], name="lrs_stmt_verb"),
            models.Index(
                fields=["object_agent", "id"], name="lrs_stmt_obj_agent", condition=Q(object_agent__isnull=False)
            ),
            models.Index(
                fields=["object_activity", "id"],
                name="lrs_stmt_obj_activity",
                condition=Q(object_activity__isnull=False),
            ),
            models.Index(
                fields=["registration", "id"], name="lrs_stmt_registration", condition=Q(registration__isnull=False)
            ),
            models.Index(
                fields=["object_statement"], name="lrs_stmt_target", condition=Q(object_statement__isnull=False)
            ),
            models.Index(fields=["id"], name="lrs_stmt_refs", condition=Q(object_statement__isnull=False)),
            models.Index(fields=["authority", "id"], name="lrs_stmt_authority"),
            models.Index(fields=["client", "id"], name="lrs_stmt_client"),
            models.Index(fields=["unit", "id"], name="lrs_stmt_unit"),
        ]

    def __str__(self) -> str:
        return str(self.statement_id)


class StatementAgent(models.Model):
    """An agent related to a statement other than its actor, agent object and authority.

    Instructor, team, group members, context agents and groups, and everything
    inside a sub-statement: what the ``related_agents`` filter needs beyond the
    statement's own columns. The key (agent, statement) is the lookup index.
    """

    pk = models.CompositePrimaryKey("agent", "statement")
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False)
    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )

    def __str__(self) -> str:
        return f"{self.statement_id} ~ agent {self.agent_id}"


class StatementActivity(models.Model):
    """An activity related to a statement other than its object (context activities, sub-statement).

    The key (activity, statement) is the lookup index of ``related_activities``.
    """

    pk = models.CompositePrimaryKey("activity", "statement")
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )

    def __str__(self) -> str:
        return f"{self.statement_id} ~ activity {self.activity_id}"


class Voiding(models.Model):
    """Statement ``target`` is voided by statement ``voided_by`` (kept apart so statements stay write-once)."""

    target = models.OneToOneField(Statement, on_delete=models.CASCADE, related_name="voiding")
    voided_by = models.OneToOneField(Statement, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"{self.target_id} voided by {self.voided_by_id}"


class AttachmentContent(models.Model):
    """The raw content of a statement attachment, stored once per SHA-2."""

    sha2 = models.CharField(max_length=128, unique=True)
    content_type = models.CharField(max_length=255)
    content = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.sha2


class Document(models.Model):
    """A state, activity profile or agent profile document.

    ``namespace`` keeps each credential's documents apart: the id of the
    writing client's unit ("" for national clients and the platform), so a
    province's client neither reads nor overwrites another province's documents.
    """

    class Kind(models.TextChoices):
        STATE = "state", _("State")
        ACTIVITY_PROFILE = "activity_profile", _("Activity profile")
        AGENT_PROFILE = "agent_profile", _("Agent profile")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    namespace = models.CharField(max_length=20, blank=True)
    activity_iri = models.CharField(max_length=1000, blank=True)
    agent_ifi = models.CharField(max_length=700, blank=True)
    registration = models.CharField(max_length=36, blank=True)
    doc_id = models.CharField(max_length=1000)
    content = models.BinaryField()
    content_type = models.CharField(max_length=255)
    etag = models.CharField(max_length=64)
    updated = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "namespace", "activity_iri", "agent_ifi", "registration", "doc_id"],
                name="lrs_document_unique_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["kind", "namespace", "activity_iri", "agent_ifi", "registration", "updated"],
                name="lrs_document_list",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.doc_id}"


class Progress(models.Model):
    """A learner's standing on one activity of the platform, kept current from the statements recorded.

    Raw statements stay write-once; this summary is what progress pages read.
    """

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="progress")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="progress")
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="lrs_progress"
    )
    registered_at = models.DateTimeField(null=True, blank=True)
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)  # launches and attendances
    completed_at = models.DateTimeField(null=True, blank=True)
    passed_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    best_scaled = models.FloatField(null=True, blank=True)
    last_verb = models.CharField(max_length=1000)
    statements = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agent", "activity"], name="lrs_progress_agent_activity"),
        ]
        indexes = [models.Index(fields=["person", "last_at"], name="lrs_progress_person")]

    def __str__(self) -> str:
        return f"{self.agent_id} on {self.activity_id}"
