"""Where statements live: a small interface and its implementation on the project database.

Everything the xAPI resources, the platform API and the admin pages do with
stored statements goes through :class:`StatementStore`, so a national
deployment can put statements in an analytical engine by writing another
implementation of the same few methods. :class:`DatabaseStore` keeps them in
the project database (SQLite or PostgreSQL) through the ORM.

Writes are batched: one transaction per request, dimension rows (agents,
verbs, activities) resolved in bulk through small per-process caches and one
lookup, then the statements and their extra index rows in one multi-row
insert each (one SQL statement in all on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from hocvuso.db import subtrees_q
from lrs import statements as S
from lrs.models import (
    Activity,
    Agent,
    AttachmentContent,
    Statement,
    StatementActivity,
    StatementAgent,
    Verb,
    Voiding,
)

MAX_LIMIT = 500
# How many StatementRef hops a filter follows ("a targets b targets c").
TARGET_DEPTH = 3


class StoreError(Exception):
    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Conflict(StoreError):
    status = 409


@dataclass(frozen=True)
class ReadScope:
    """Which statements a reader may see: everything, some unit subtrees, and/or only one client's."""

    everything: bool = False
    unit_paths: tuple[str, ...] = ()
    client_id: int | None = None  # statements/read/mine
    person_id: int | None = None  # a learner's own statements (learner tokens)

    def q(self) -> Q:
        q = Q() if self.everything else subtrees_q(self.unit_paths, "unit__path")
        if self.client_id is not None:
            q &= Q(client_id=self.client_id)
        if self.person_id is not None:
            q &= Q(actor__person_id=self.person_id)
        return q


@dataclass
class StatementQuery:
    agent: str | None = None  # ifi key
    verb: str | None = None
    activity: str | None = None
    registration: uuid.UUID | None = None
    related_activities: bool = False
    related_agents: bool = False
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    limit: int = 0
    ascending: bool = False
    # Paging: the last row id served, and the newest row id when paging began.
    after: int | None = None
    bound: int | None = None
    # The platform's own pages filter on these too.
    person_id: int | None = None
    extra: dict = field(default_factory=dict)

    @property
    def has_filters(self) -> bool:
        return any(x is not None for x in (self.agent, self.verb, self.activity, self.registration))


@dataclass
class Page:
    rows: list[tuple[int, str]]  # (row id, statement JSON)
    more: bool
    bound: int | None


@dataclass
class Batch:
    """Statements ready to store, with who stores them."""

    items: list[S.Prepared]
    stored: dt.datetime
    client_id: int | None
    unit_id: int | None
    can_define: bool
    attachments: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # sha2 -> (content type, bytes)


class StatementStore(Protocol):
    def store(self, batch: Batch) -> list[str]: ...

    def get(self, statement_id: uuid.UUID, *, voided: bool, scope: ReadScope) -> str | None: ...

    def find(self, query: StatementQuery, scope: ReadScope) -> Page: ...

    def attachments(self, sha2s: Iterable[str]) -> dict[str, tuple[str, bytes]]: ...

    def definitions(self, iris: Iterable[str]) -> dict[str, dict]: ...

    def activity(self, iri: str) -> dict | None: ...

    def agent_names(self, ifi: str) -> list[str]: ...


# --- per-process caches of dimension ids ------------------------------------------------

_CACHE_MAX = 200_000


class _Cache(dict):
    def remember(self, values: dict) -> None:
        if len(self) + len(values) > _CACHE_MAX:
            self.clear()
        self.update(values)


_verbs = _Cache()  # iri -> id
_agents = _Cache()  # ifi -> id
_activities = _Cache()  # iri -> (id, definition text)


def clear_caches() -> None:
    """Forget cached ids (tests call this: their rows vanish when each test rolls back)."""
    global _refs_seen
    _verbs.clear()
    _agents.clear()
    _activities.clear()
    _refs_seen = False


def _lookup(cache: _Cache, model, field: str, key: str) -> int | None:
    """The id of a dimension row by its key, cached once seen (rows are never deleted)."""
    pk = cache.get(key)
    if pk is None:
        pk = model.objects.filter(**{field: key}).values_list("id", flat=True).first()
        if pk is not None and not transaction.get_connection().in_atomic_block:
            # Outside a transaction the row is committed: safe to remember.
            cache.remember({key: pk})
    return pk


_refs_seen = False


def _statement_refs_exist() -> bool:
    """Whether any statement targets another (StatementRef); once true, true for good (statements stay)."""
    global _refs_seen
    if not _refs_seen:
        seen = Statement.objects.filter(object_statement__isnull=False).exists()
        if seen and not transaction.get_connection().in_atomic_block:
            _refs_seen = True
        return seen
    return True


def _remember_on_commit(cache: _Cache, values: dict) -> None:
    # Rows inserted by this transaction exist for others only once it
    # commits; caching them earlier could hand out ids that a rollback undoes.
    if values:
        transaction.on_commit(lambda: cache.remember(values))


# New dimension rows are inserted in sorted order (and definitions updated in
# id order), so two transactions adding overlapping rows wait for each other
# instead of deadlocking on PostgreSQL.


def _prefetch(verbs: set[str], agents: Iterable[str], activities: Iterable[str]) -> dict[int, dict]:
    """Stored ids of the dimension keys no cache knows, in one round trip for all three tables.

    Returns {0: {verb iri: id}, 1: {agent ifi: id}, 2: {activity iri: (id, definition)}}.
    """
    wanted = (
        (Verb, "iri", [i for i in verbs if i not in _verbs], "''"),
        (Agent, "ifi", [k for k in agents if k not in _agents], "''"),
        (Activity, "iri", [i for i in activities if i not in _activities], '"definition"'),
    )
    q = connection.ops.quote_name
    parts, params = [], []
    postgres = connection.vendor == "postgresql"
    for kind, (model, key, keys, definition) in enumerate(wanted):
        if keys:
            # On PostgreSQL one array parameter keeps the text constant, so the
            # server prepares the query once per connection.
            match = "= ANY(%s::text[])" if postgres else "IN (" + ", ".join(["%s"] * len(keys)) + ")"
            parts.append(
                f"SELECT {kind}, {q(key)}, {q('id')}, {definition} FROM {q(model._meta.db_table)} "
                f"WHERE {q(key)} {match}"
            )
            if postgres:
                params.append(keys)
            else:
                params.extend(keys)
    out: dict[int, dict] = {0: {}, 1: {}, 2: {}}
    if not parts:
        return out
    sql = " UNION ALL ".join(parts)
    if postgres:
        found = _pg_execute(sql, params, True)
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
    for kind, key, pk, definition in found:
        out[kind][key] = (pk, definition) if kind == 2 else pk
    return out


def _insert_new(model, key: str, rows: list[tuple], columns: Sequence[str], read: Sequence[str] = ("id",)) -> dict:
    """Insert dimension rows (key first) unless present; {key: id} or, with several ``read`` fields, {key: tuple}.

    Rows go in sorted by key (see above). A row another transaction inserted
    meanwhile is skipped by the insert and read back as it was stored, so
    concurrent batches bringing the same new learner both succeed.
    """
    rows = sorted(rows)
    found = _insert(model, columns, rows, returning=(key, *read), on_conflict=key)
    late = {r[0] for r in rows} - {r[0] for r in found}
    if late:
        found += list(model.objects.filter(**{f"{key}__in": late}).values_list(key, *read))
    return {r[0]: r[1] if len(read) == 1 else r[1:] for r in found}


def _resolve_verbs(iris: set[str], prefetched: dict[str, int]) -> dict[str, int]:
    found = {i: _verbs[i] for i in iris if i in _verbs}
    missing = iris - found.keys()
    if missing:
        fetched = {i: prefetched[i] for i in missing if i in prefetched}
        new = missing - fetched.keys()
        if new:
            fetched.update(_insert_new(Verb, "iri", [(i,) for i in new], ("iri",)))
        _remember_on_commit(_verbs, fetched)
        found.update(fetched)
    return found


def _person_ids(keys: Iterable[str]) -> dict[str, int]:
    """People of the platform behind agent keys (their account on the platform's home page)."""
    from lrs.auth import PERSON_IFI_PREFIX
    from people.models import Person

    wanted = {}
    for k in keys:
        if k.startswith(PERSON_IFI_PREFIX) and k[len(PERSON_IFI_PREFIX) :].isdigit():
            wanted[int(k[len(PERSON_IFI_PREFIX) :])] = k
    if not wanted:
        return {}
    return {wanted[pk]: pk for pk in Person.objects.filter(pk__in=wanted).values_list("pk", flat=True)}


def _resolve_agents(agents: dict[str, tuple[dict, str]], prefetched: dict[str, int]) -> dict[str, int]:
    found = {k: _agents[k] for k in agents if k in _agents}
    missing = agents.keys() - found.keys()
    if missing:
        fetched = {k: prefetched[k] for k in missing if k in prefetched}
        new = missing - fetched.keys()
        if new:
            person_ids = _person_ids(new)
            rows = [(k, (agents[k][1] or "")[:255], S.dumps(agents[k][0]), person_ids.get(k)) for k in new]
            fetched.update(_insert_new(Agent, "ifi", rows, ("ifi", "name", "data", "person_id")))
        _remember_on_commit(_agents, fetched)
        found.update(fetched)
    return found


@functools.lru_cache(maxsize=4096)
def _parsed_definition(text: str) -> dict:
    """A canonical definition, parsed once per process (merging builds new dicts, never changes it)."""
    return S.loads(text)


def _resolve_activities(
    items: Sequence[S.Prepared], can_define: bool, prefetched: dict[str, tuple[int, str]]
) -> dict[str, int]:
    """Ids of every activity in the batch; canonical definitions created or merged on the way."""
    wanted: dict[str, list[dict]] = {}
    for p in items:
        for iri, definition in p.activities.items():
            defs = wanted.setdefault(iri, [])
            if definition:
                defs.append(definition)
    known = {i: _activities[i] for i in wanted if i in _activities}
    missing = wanted.keys() - known.keys()
    fetched: dict[str, tuple[int, str]] = {}
    if missing:
        fetched = {i: prefetched[i] for i in missing if i in prefetched}
        new = missing - fetched.keys()
        if new:
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            rows = []
            for iri in new:
                merged = None
                for d in wanted[iri]:
                    merged = S.merge_definition(merged, d) if can_define or merged is None else merged
                rows.append((iri, S.dumps(merged) if merged else "", now))
            fetched.update(
                _insert_new(Activity, "iri", rows, ("iri", "definition", "updated_at"), read=("id", "definition"))
            )
        known.update(fetched)
    # Merge the definitions this batch brings into existing canonical ones.
    changed: dict[str, tuple[int, str]] = {}
    for iri, defs in wanted.items():
        if not defs:
            continue
        pk, text = known[iri]
        if text and not can_define:
            continue  # without the "define" scope a client only fills in a missing definition
        current = _parsed_definition(text) if text else None
        merged = current
        for d in defs:
            merged = S.merge_definition(merged, d)
        if merged != current:
            changed[iri] = (pk, S.dumps(merged))
    if changed:
        for pk, text in sorted(changed.values()):
            Activity.objects.filter(pk=pk).update(definition=text)
        known.update(changed)
        fetched.update(changed)
    _remember_on_commit(_activities, fetched)
    return {iri: pk for iri, (pk, _) in known.items()}


# --- raw multi-row inserts ---------------------------------------------------------------------

_STATEMENT_COLUMNS = (
    "statement_id", "stored", "timestamp", "verb_id", "actor_id", "object_agent_id", "object_activity_id",
    "object_statement_id", "registration", "authority_id", "is_voiding", "client_id", "unit_id", "data",
)  # fmt: skip
_CHUNK = 1000


def _adapters():
    """Functions turning UUIDs and datetimes into what the backend's columns hold (as the ORM would)."""
    if connection.vendor == "sqlite":

        def adapt_uuid(value):
            return value.hex if value is not None else None

    else:

        def adapt_uuid(value):
            return value

    return adapt_uuid, connection.ops.adapt_datetimefield_value


def _uuid_key(value) -> str:
    return value.hex if isinstance(value, uuid.UUID) else value.replace("-", "")


def _column_type(model, column: str, cache: dict = {}) -> str:  # noqa: B006 - a deliberate memo
    key = (model, column)
    if key not in cache:
        try:
            field = model._meta.get_field(column)
        except Exception:
            field = model._meta.get_field(column.removesuffix("_id"))
        cache[key] = field.db_type(connection) if not field.is_relation else field.target_field.rel_db_type(connection)
    return cache[key]


# Up to this many rows go to PostgreSQL as VALUES (cheapest for the server to
# plan); more travel as one array per column through unnest, so the statement
# text stays short and constant however many rows there are.
_VALUES_MAX = 20


def _pg_source(types: Sequence[str], rows: list[tuple]) -> tuple[str, list]:
    """Rows as a PostgreSQL row source (SQL and parameters), each column cast to its type."""
    if len(rows) <= _VALUES_MAX:
        one = "(" + ", ".join(f"%s::{t}" for t in types) + ")"
        return "VALUES " + ", ".join([one] * len(rows)), [x for row in rows for x in row]
    arrays = ", ".join(f"%b::{t}[]" for t in types)
    return f"SELECT * FROM unnest({arrays})", [list(col) for col in zip(*rows, strict=True)]


def _pg_execute(sql: str, params: list, fetch: bool) -> list[tuple]:
    import psycopg

    # A server-binding cursor with binary parameters: the JSON text goes out
    # as is, with no quoting into the statement (Django's cursors bind on the
    # client side).
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if fetch else []


def _insert(
    model, columns: Sequence[str], rows: list[tuple], returning: Sequence[str] = (), on_conflict: str | None = None
) -> list[tuple]:
    """INSERT many rows in one statement per chunk, bypassing model instances (the hot path of ingestion).

    With ``on_conflict`` (a unique column), rows that would repeat a stored
    value are skipped and only the inserted ones are returned: no savepoint
    and no failed statement are needed to detect them.
    """
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    cols = ", ".join(q(c) for c in columns)
    tail = f" ON CONFLICT ({q(on_conflict)}) DO NOTHING" if on_conflict else ""
    if returning:
        tail += " RETURNING " + ", ".join(q(c) for c in returning)
    out: list[tuple] = []
    if connection.vendor == "postgresql":
        types = [_column_type(model, c) for c in columns]
        for i in range(0, len(rows), _CHUNK):
            source, params = _pg_source(types, rows[i : i + _CHUNK])
            out.extend(_pg_execute(f"INSERT INTO {table} ({cols}) {source}{tail}", params, bool(returning)))
        return out
    with connection.cursor() as cursor:
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for i in range(0, len(rows), _CHUNK):
            chunk = rows[i : i + _CHUNK]
            sql = f"INSERT INTO {table} ({cols}) VALUES {', '.join([one] * len(chunk))}{tail}"
            cursor.execute(sql, [x for row in chunk for x in row])
            if returning:
                out.extend(cursor.fetchall())
    return out


def _insert_statements(rows: list[tuple], related: dict) -> list[tuple]:
    """Statement rows and their related-agent and related-activity rows; (id, statement_id) of those inserted.

    ``related`` maps a statement's uuid (as in its row) to (agent ids,
    activity ids). A statement skipped as already stored gets no related rows.
    On PostgreSQL it all goes in one SQL statement per chunk: data-modifying
    CTEs join the related rows to the ids the insert returns, one round trip
    instead of three.
    """
    if connection.vendor != "postgresql":
        pks = _insert(Statement, _STATEMENT_COLUMNS, rows, returning=("id", "statement_id"), on_conflict="statement_id")
        pk_of = {_uuid_key(sid): pk for pk, sid in pks}
        for n, (model, column) in enumerate(_RELATED):
            pairs = [
                (dim, pk_of[_uuid_key(sid)])
                for sid, dims in related.items()
                if _uuid_key(sid) in pk_of
                for dim in dims[n]
            ]
            if pairs:
                _insert(model, (column, "statement_id"), pairs)
        return pks
    q = connection.ops.quote_name
    cols = ", ".join(q(c) for c in _STATEMENT_COLUMNS)
    types = [_column_type(Statement, c) for c in _STATEMENT_COLUMNS]
    out: list[tuple] = []
    for i in range(0, len(rows), _CHUNK):
        chunk = rows[i : i + _CHUNK]
        source, params = _pg_source(types, chunk)
        sql = (
            f"WITH s AS (INSERT INTO {q(Statement._meta.db_table)} ({cols}) {source} "
            f"ON CONFLICT ({q('statement_id')}) DO NOTHING RETURNING {q('id')}, {q('statement_id')})"
        )
        for n, (model, column) in enumerate(_RELATED):
            pairs = [(dim, row[0]) for row in chunk if row[0] in related for dim in related[row[0]][n]]
            if pairs:
                pair_source, pair_params = _pg_source(("bigint", "uuid"), pairs)
                sql += (
                    f", r{n} AS (INSERT INTO {q(model._meta.db_table)} ({q(column)}, {q('statement_id')}) "
                    f"SELECT x.dim, s.id FROM ({pair_source}) AS x(dim, sid) JOIN s ON s.statement_id = x.sid)"
                )
                params += pair_params
        out.extend(_pg_execute(sql + " SELECT id, statement_id FROM s", params, True))
    return out


_RELATED = ((StatementAgent, "agent_id"), (StatementActivity, "activity_id"))


# --- the database implementation ------------------------------------------------------------


class DatabaseStore:
    """Statements in the project database."""

    def store(self, batch: Batch) -> list[str]:
        items = batch.items
        # Part of the caller's transaction when there is one (no savepoint).
        with transaction.atomic(savepoint=False):
            return self._store(batch, items)

    def _store(self, batch: Batch, items: list[S.Prepared]) -> list[str]:
        verb_iris = {p.verb for p in items}
        all_agents: dict[str, tuple[dict, str]] = {}
        activity_iris: set[str] = set()
        for p in items:
            all_agents.update(p.agents)
            activity_iris.update(p.activities)
        prefetched = _prefetch(verb_iris, all_agents, activity_iris)
        verbs = _resolve_verbs(verb_iris, prefetched[0])
        agents = _resolve_agents(all_agents, prefetched[1])
        activities = _resolve_activities(items, batch.can_define, prefetched[2])
        voids = self._check_voiding(items)

        adapt_uuid, adapt_time = _adapters()
        stored = adapt_time(batch.stored)
        rows = [
            (
                adapt_uuid(p.uuid),
                stored,
                adapt_time(p.timestamp),
                verbs[p.verb],
                agents.get(p.actor) if p.actor else None,
                agents[p.object_agent] if p.object_agent else None,
                activities[p.object_activity] if p.object_activity else None,
                adapt_uuid(p.object_statement),
                adapt_uuid(p.registration),
                agents.get(p.authority) if p.authority else None,
                p.is_voiding,
                batch.client_id,
                batch.unit_id,
                p.text,
            )
            for p in items
        ]
        related = {
            row[0]: ([agents[k] for k in p.related_agents], [activities[i] for i in p.related_activities])
            for p, row in zip(items, rows, strict=True)
            if p.related_agents or p.related_activities
        }
        pks = _insert_statements(rows, related)
        pk_of = {_uuid_key(sid): pk for pk, sid in pks}
        if len(pk_of) < len(items):
            # Some ids were already stored: identical statements are a no-op,
            # a different one is a conflict (and the transaction rolls back).
            self._check_duplicates([p for p in items if p.uuid.hex not in pk_of])
        if voids:
            Voiding.objects.bulk_create(
                [
                    Voiding(target_id=target, voided_by_id=pk_of[voider.hex])
                    for voider, target in voids.items()
                    if voider.hex in pk_of
                ],
                ignore_conflicts=True,
            )
        if batch.attachments:
            AttachmentContent.objects.bulk_create(
                [
                    AttachmentContent(sha2=h, content_type=ct[:255], content=body)
                    for h, (ct, body) in batch.attachments.items()
                ],
                ignore_conflicts=True,
            )
        return [p.id for p in batch.items]

    def _check_voiding(self, items: list[S.Prepared]) -> dict[uuid.UUID, int]:
        """Map each voiding statement's uuid to the row id it voids (when the target is stored and voidable)."""
        targets = {p.uuid: p.object_statement for p in items if p.is_voiding}
        if not targets:
            return {}
        in_batch = {p.uuid: p for p in items}
        for voider, target in targets.items():
            if target in in_batch and in_batch[target].is_voiding:
                raise StoreError(f"statement {voider}: a voiding statement cannot void another voiding statement")
        found = {
            sid: (pk, is_voiding)
            for sid, pk, is_voiding in Statement.objects.filter(statement_id__in=set(targets.values())).values_list(
                "statement_id", "id", "is_voiding"
            )
        }
        out = {}
        for voider, target in targets.items():
            if target in found:
                pk, is_voiding = found[target]
                if is_voiding:
                    raise StoreError(
                        f"statement {voider}: a voiding statement cannot void another voiding statement ({target})"
                    )
                out[voider] = pk
        if out:
            already = set(Voiding.objects.filter(target_id__in=out.values()).values_list("target_id", flat=True))
            out = {k: pk for k, pk in out.items() if pk not in already}
        return out

    def _check_duplicates(self, skipped: list[S.Prepared]) -> None:
        """Raise Conflict unless each statement whose id was already stored matches its stored twin."""
        existing = dict(
            Statement.objects.filter(statement_id__in=[p.uuid for p in skipped]).values_list("statement_id", "data")
        )
        for p in skipped:
            if p.uuid not in existing or not S.same(S.loads(existing[p.uuid]), p.submitted()):
                raise Conflict(f"statement {p.uuid} is already stored with different content")

    # --- reads ------------------------------------------------------------------------------

    def get(self, statement_id: uuid.UUID, *, voided: bool, scope: ReadScope) -> str | None:
        qs = Statement.objects.filter(scope.q(), statement_id=statement_id)
        is_voided = Exists(Voiding.objects.filter(target_id=OuterRef("id")))
        qs = qs.filter(is_voided) if voided else qs.exclude(is_voided)
        return qs.values_list("data", flat=True).first()

    def _resolve_filters(self, q: StatementQuery) -> dict | None:
        """Ids behind the query's agent, verb, activity and person; None when one is unknown (nothing matches)."""
        ids: dict = {}
        if q.agent is not None:
            ids["agent"] = _lookup(_agents, Agent, "ifi", q.agent)
            if ids["agent"] is None:
                return None
        if q.verb is not None:
            ids["verb"] = _lookup(_verbs, Verb, "iri", q.verb)
            if ids["verb"] is None:
                return None
        if q.activity is not None:
            entry = _activities.get(q.activity)
            ids["activity"] = (
                entry[0] if entry else Activity.objects.filter(iri=q.activity).values_list("id", flat=True).first()
            )
            if ids["activity"] is None:
                return None
        if q.person_id is not None:
            ids["person_agents"] = list(Agent.objects.filter(person_id=q.person_id).values_list("id", flat=True))
            if not ids["person_agents"]:
                return None
        return ids

    def _branches(self, q: StatementQuery, ids: dict, prefix: str) -> list[Q]:
        """The filters as a disjunction of plain conjunctions on the statement reached through ``prefix``.

        Each conjunction is a run of equalities a composite index answers in
        order (actor + verb + id...), which a single query with OR would not
        get from SQLite's planner.
        """
        common = Q()
        if "verb" in ids:
            common &= Q(**{f"{prefix}verb_id": ids["verb"]})
        if q.registration is not None:
            common &= Q(**{f"{prefix}registration": q.registration})
        if "person_agents" in ids:
            common &= Q(**{f"{prefix}actor_id__in": ids["person_agents"]})
        agent_options = [Q()]
        if "agent" in ids:
            a = ids["agent"]
            agent_options = [Q(**{f"{prefix}actor_id": a}), Q(**{f"{prefix}object_agent_id": a})]
            if q.related_agents:
                agent_options.append(Q(**{f"{prefix}authority_id": a}))
                related = StatementAgent.objects.filter(agent_id=a).values("statement_id")
                agent_options.append(Q(**{f"{prefix}id__in": related}))
        activity_options = [Q()]
        if "activity" in ids:
            act = ids["activity"]
            activity_options = [Q(**{f"{prefix}object_activity_id": act})]
            if q.related_activities:
                related = StatementActivity.objects.filter(activity_id=act).values("statement_id")
                activity_options.append(Q(**{f"{prefix}id__in": related}))
        return [common & a & c for a in agent_options for c in activity_options]

    def find(self, query: StatementQuery, scope: ReadScope) -> Page:
        limit = query.limit if 0 < query.limit <= MAX_LIMIT else MAX_LIMIT
        base = Statement.objects.filter(scope.q()).exclude(Exists(Voiding.objects.filter(target_id=OuterRef("id"))))
        if query.since is not None:
            base = base.filter(stored__gt=query.since)
        if query.until is not None:
            base = base.filter(stored__lte=query.until)
        bound = query.bound
        if query.ascending:
            if bound is None:
                bound = Statement.objects.order_by("-id").values_list("id", flat=True).first() or 0
            base = base.filter(id__lte=bound)
            if query.after is not None:
                base = base.filter(id__gt=query.after)
            order = "id"
        else:
            if query.after is not None:
                base = base.filter(id__lt=query.after)
            order = "-id"

        if not (query.has_filters or query.person_id is not None):
            result = list(base.order_by(order).values_list("id", "data")[: limit + 1])
            return Page(rows=result[:limit], more=len(result) > limit, bound=bound)

        ids = self._resolve_filters(query)
        if ids is None:
            return Page(rows=[], more=False, bound=bound)
        # Statements match directly, or through the statement they target
        # (StatementRef), recursively; each branch brings its first limit+1
        # ids in order and the union is cut to the page.
        depth = TARGET_DEPTH if _statement_refs_exist() else 0
        branches = self._branches(query, ids, "")
        plain = not (query.related_agents or query.related_activities)
        if depth == 0 and (len(branches) == 1 or (plain and connection.vendor == "postgresql")):
            # The common case in one round trip. PostgreSQL combines the
            # branches' indexes itself (BitmapOr); SQLite's planner is only
            # trusted with one conjunction at a time.
            cond = branches[0]
            for other in branches[1:]:
                cond |= other
            result = list(base.filter(cond).order_by(order).values_list("id", "data")[: limit + 1])
            return Page(rows=result[:limit], more=len(result) > limit, bound=bound)
        found: set[int] = set()
        for level in range(depth + 1):
            for cond in self._branches(query, ids, "object_statement__" * level):
                found.update(base.filter(cond).order_by(order).values_list("id", flat=True)[: limit + 1])
        ordered = sorted(found, reverse=not query.ascending)[: limit + 1]
        rows = dict(Statement.objects.filter(id__in=ordered).values_list("id", "data")) if ordered else {}
        result = [(i, rows[i]) for i in ordered]
        return Page(rows=result[:limit], more=len(result) > limit, bound=bound)

    def attachments(self, sha2s: Iterable[str]) -> dict[str, tuple[str, bytes]]:
        return {
            sha2: (ct, bytes(content))
            for sha2, ct, content in AttachmentContent.objects.filter(sha2__in=set(sha2s)).values_list(
                "sha2", "content_type", "content"
            )
        }

    def definitions(self, iris: Iterable[str]) -> dict[str, dict]:
        return {
            iri: S.loads(d)
            for iri, d in Activity.objects.filter(iri__in=set(iris))
            .exclude(definition="")
            .values_list("iri", "definition")
        }

    def activity(self, iri: str) -> dict | None:
        row = Activity.objects.filter(iri=iri).values_list("definition", flat=True).first()
        if row is None:
            return None
        out = {"objectType": "Activity", "id": iri}
        if row:
            out["definition"] = S.loads(row)
        return out

    def agent_names(self, ifi: str) -> list[str] | None:
        row = Agent.objects.filter(ifi=ifi).values_list("name", flat=True).first()
        if row is None:
            return None
        return [row] if row else []


store: StatementStore = DatabaseStore()
