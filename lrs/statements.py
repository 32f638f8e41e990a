"""What the LRS does to a valid statement before and after storing it.

``prepare`` adds the properties the LRS sets (id, stored, authority, version,
timestamp), normalises what the specification lets it normalise (context
activities as arrays) and gathers every value the store indexes. ``same``
compares statements by the specification's rules (for conflicting ids and for
signatures). ``ids_format`` and ``canonical_format`` shape statements for GET.
Framework-free: no Django here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass, field, fields
from operator import attrgetter

import orjson

from lrs import validation as v

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode
# An integer of 19 digits or more may not fit in 64 bits, and orjson would
# read it as a float: such texts go to the standard library, which keeps it.
# They are found by mapping every ASCII digit to "0" and every other byte to a
# space, then searching for 19 zeros: two passes in C, several times quicker
# than a regular expression that tries a match at every digit.
_DIGITS_TO_ZEROS = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
_LONG_RUN = b"0" * 19


def dumps(obj) -> str:
    """Compact JSON text (UTF-8, no escaping of non-ASCII), as stored and served."""
    try:
        return orjson.dumps(obj).decode()
    except TypeError:  # an integer beyond 64 bits
        return _dumps(obj)


def loads(raw: bytes | str):
    """json.loads, through orjson (several times faster) whenever it reads the text the same way."""
    if not _has_long_number(raw):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass  # invalid, or only the standard library's leniency reads it: its answer and its error decide
    return json.loads(raw)


def _has_long_number(raw: bytes | str) -> bool:
    """Whether ``raw`` holds a run of 19 ASCII digits (JSON numbers have no other digits)."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    return _LONG_RUN in raw.translate(_DIGITS_TO_ZEROS)


def format_time(value: dt.datetime) -> str:
    """ISO 8601 in UTC with milliseconds, the form the LRS writes."""
    value = value.astimezone(dt.UTC)
    return f"{value:%Y-%m-%dT%H:%M:%S}.{value.microsecond // 1000:03d}Z"


def truncate_ms(value: dt.datetime) -> dt.datetime:
    return value.replace(microsecond=value.microsecond - value.microsecond % 1000)


@dataclass(slots=True)
class Prepared:
    uuid: uuid.UUID
    # The statement as stored, and its JSON text. ``data`` is None in the SQLite
    # writer process, which gets only the text (see __reduce__): use ``stored()``.
    data: dict | None
    text: str
    timestamp: dt.datetime
    verb: str
    actor: str | None
    object_agent: str | None
    object_activity: str | None
    object_statement: uuid.UUID | None
    registration: uuid.UUID | None
    authority: str | None
    is_voiding: bool
    # Every identified agent or group: ifi key -> (identifier JSON, name).
    agents: dict[str, tuple[dict, str]] = field(default_factory=dict)
    related_agents: set[str] = field(default_factory=set)
    # Every activity: iri -> definition given in this statement (or None).
    activities: dict[str, dict | None] = field(default_factory=dict)
    related_activities: set[str] = field(default_factory=set)
    provided_id: bool = False
    # As the client sent it, for comparisons; None in the writer process: use ``submitted()``.
    original: dict | None = None
    timestamp_given: bool = True
    # The id as it appears in the stored statement (the client's spelling).
    id: str = ""

    def stored(self) -> dict:
        """The statement as stored."""
        return self.data if self.data is not None else loads(self.text)

    def submitted(self) -> dict:
        """The statement as the client sent it, or one that compares the same (``same``)."""
        if self.original is not None:
            return self.original
        # The stored statement differs from the submitted one only by what the
        # LRS sets, which the comparison ignores, and by the timestamp when the
        # client gave none.
        st = self.stored()
        if not self.timestamp_given:
            st = {k: x for k, x in st.items() if k != "timestamp"}
        return st

    def __reduce__(self):
        # What the web workers send to the SQLite writer (lrs.writer): every
        # field but the dicts of the stored and the submitted statement (read
        # back from the text only for a conflicting id), uuids as integers.
        # Pickling those dicts cost more than parsing the batch.
        return (
            _unpickle_prepared,
            tuple(
                (None if value is None else value.int) if name in _UUID_FIELDS else value
                for name, value in zip(_WIRE_FIELDS, attrgetter(*_WIRE_FIELDS)(self), strict=True)
            ),
        )


_UUID_FIELDS = frozenset(("uuid", "object_statement", "registration"))
_WIRE_FIELDS = tuple(f.name for f in fields(Prepared) if f.name not in ("data", "original"))


def _uuid_of_int(value: int) -> uuid.UUID:
    # What uuid.UUID(int=...) does, without its argument checks: the value came
    # from a UUID.
    u = object.__new__(uuid.UUID)
    object.__setattr__(u, "int", value)
    object.__setattr__(u, "is_safe", uuid.SafeUUID.unknown)
    return u


def _unpickle_prepared(*values) -> Prepared:
    kwargs = dict(zip(_WIRE_FIELDS, values, strict=True))
    for name in _UUID_FIELDS:
        if kwargs[name] is not None:
            kwargs[name] = _uuid_of_int(kwargs[name])
    return Prepared(data=None, **kwargs)


class _Collector:
    __slots__ = ("agents", "activities", "related_agents", "related_activities")

    def __init__(self):
        self.agents: dict[str, tuple[dict, str]] = {}
        self.activities: dict[str, dict | None] = {}
        self.related_agents: set[str] = set()
        self.related_activities: set[str] = set()

    def agent(self, obj: dict, related: bool) -> str | None:
        key = v.ifi_key(obj)
        if key is not None:
            if key not in self.agents:
                self.agents[key] = (v.ifi_only(obj), obj.get("name", ""))
            if related:
                self.related_agents.add(key)
        for member in obj.get("member", ()):
            # Members of a group are related to the statement (a broad match
            # for related_agents), never its actor.
            self.agent(member, True)
        return key

    def activity(self, obj: dict, related: bool) -> str:
        iri = obj["id"]
        definition = obj.get("definition")
        if definition is not None or iri not in self.activities:
            self.activities[iri] = definition
        if related:
            self.related_activities.add(iri)
        return iri

    def context(self, ctx: dict) -> None:
        if "instructor" in ctx:
            self.agent(ctx["instructor"], True)
        if "team" in ctx:
            self.agent(ctx["team"], True)
        for item in ctx.get("contextAgents", ()):
            self.agent(item["agent"], True)
        for item in ctx.get("contextGroups", ()):
            self.agent(item["group"], True)
        for acts in ctx.get("contextActivities", {}).values():
            for a in acts if type(acts) is list else (acts,):
                self.activity(a, True)


def _normalise_context(ctx: dict) -> dict:
    """contextActivities values always as arrays (the LRS returns them so)."""
    ca = ctx.get("contextActivities")
    if ca and any(type(x) is dict for x in ca.values()):
        ctx = dict(ctx)
        ctx["contextActivities"] = {k: (x if type(x) is list else [x]) for k, x in ca.items()}
    return ctx


def prepare(
    st: dict,
    *,
    stored: dt.datetime,
    stored_text: str,
    authority: dict,
    authority_key: str | None,
    version: str,
) -> Prepared:
    """Complete a validated statement with what the LRS sets and gather its index values."""
    provided = "id" in st
    sid = uuid.UUID(st["id"]) if provided else uuid.uuid4()
    data = dict(st)
    if not provided:
        data["id"] = str(sid)
    data["stored"] = stored_text
    data["authority"] = authority
    if "version" not in data:
        data["version"] = "2.0.0" if version == v.V2 else "1.0.0"
    if "timestamp" in data:
        ts = v.parse_timestamp(data["timestamp"])
    else:
        ts = stored
        data["timestamp"] = stored_text
    if "context" in data:
        data["context"] = _normalise_context(data["context"])

    col = _Collector()
    actor = col.agent(data["actor"], False)
    obj = data["object"]
    ot = obj.get("objectType", "Activity")
    object_agent = object_activity = object_statement = None
    if ot == "Activity":
        object_activity = col.activity(obj, False)
    elif ot in ("Agent", "Group"):
        object_agent = col.agent(obj, False)
    elif ot == "StatementRef":
        object_statement = uuid.UUID(obj["id"])
    else:  # SubStatement: everything in it is related
        sub = obj
        col.agent(sub["actor"], True)
        sobj = sub["object"]
        sot = sobj.get("objectType", "Activity")
        if sot == "Activity":
            col.activity(sobj, True)
        elif sot in ("Agent", "Group"):
            col.agent(sobj, True)
        if "context" in sub:
            sub = dict(sub)
            sub["context"] = _normalise_context(sub["context"])
            data["object"] = sub
            col.context(sub["context"])
    registration = None
    if "context" in data:
        ctx = data["context"]
        col.context(ctx)
        if "registration" in ctx:
            registration = uuid.UUID(ctx["registration"])
    if authority_key is not None:
        col.agents.setdefault(authority_key, (v.ifi_only(authority), authority.get("name", "")))
    else:
        col.agent(authority, True)
    col.related_agents.discard(actor)
    col.related_agents.discard(object_agent)
    col.related_agents.discard(authority_key)
    col.related_activities.discard(object_activity)
    return Prepared(
        uuid=sid,
        data=data,
        text=dumps(data),
        timestamp=ts,
        verb=data["verb"]["id"],
        actor=actor,
        object_agent=object_agent,
        object_activity=object_activity,
        object_statement=object_statement,
        registration=registration,
        authority=authority_key,
        is_voiding=data["verb"]["id"] == v.VOIDED_VERB,
        agents=col.agents,
        related_agents=col.related_agents,
        activities=col.activities,
        related_activities=col.related_activities,
        provided_id=provided,
        original=st,
        timestamp_given="timestamp" in st,
        id=data["id"],
    )


# --- comparison -----------------------------------------------------------------------

_IGNORED = frozenset(("authority", "stored", "version", "attachments"))
_UUID_KEYS = frozenset(("id", "registration"))
_DURATION_FRACTION = re.compile(r"(\d+)[.,](\d+)S\Z")


def _norm(value, key: str | None = None):
    t = type(value)
    if t is dict:
        out = {}
        for k, x in value.items():
            if k == "definition" or (k in ("display", "name", "description") and type(x) is dict and key != "account"):
                # Activity definitions and language maps may be completed
                # by the LRS; language tags are case-insensitive.
                if k == "definition":
                    continue
                out[k] = {tag.lower(): text for tag, text in x.items()}
                continue
            if k == "member" and type(x) is list:
                out[k] = sorted((_norm(m) for m in x), key=dumps)
                continue
            if k == "contextActivities" and type(x) is dict:
                out[k] = {ck: [_norm(a) for a in (cv if type(cv) is list else [cv])] for ck, cv in x.items()}
                continue
            out[k] = _norm(x, k)
        if "timestamp" in out and type(out["timestamp"]) is str:
            parsed = v.parse_timestamp(out["timestamp"])
            if parsed is not None:
                out["timestamp"] = truncate_ms(parsed).timestamp()
        if "duration" in out and type(out["duration"]) is str:
            # Precision beyond 0.01 s is not compared.
            out["duration"] = _DURATION_FRACTION.sub(lambda m: f"{m[1]}.{m[2][:2].ljust(2, '0')}S", out["duration"])
        if out.get("objectType") in ("Activity", "Agent"):
            # The defaults where objectType is optional.
            del out["objectType"]
        return out
    if t is list:
        return [_norm(x) for x in value]
    if t is str and key in _UUID_KEYS and v.is_uuid(value):
        return value.lower()
    if t is float and value.is_integer():
        return int(value)
    return value


def comparable(st: dict) -> dict:
    out = {k: x for k, x in st.items() if k not in _IGNORED}
    out = _norm(out)
    return out


def same(a: dict, b: dict) -> bool:
    """Whether two statements match by the statement comparison requirements.

    Ignored: what the LRS sets (authority, stored, version), attachments,
    activity definitions, the id and timestamp when one side lacks them,
    the order of group members, the case of UUIDs and language tags, the
    form of timestamps, and duration precision beyond hundredths of a second.
    """
    ca, cb = comparable(a), comparable(b)
    for key in ("id", "timestamp"):
        if key not in ca or key not in cb:
            ca.pop(key, None)
            cb.pop(key, None)
    return ca == cb


# --- formats for GET ---------------------------------------------------------------------


def _ids_activity(obj: dict) -> dict:
    return {"id": obj["id"]}


def _ids_object(obj: dict) -> dict:
    ot = obj.get("objectType", "Activity")
    if ot == "Activity":
        return _ids_activity(obj)
    if ot in ("Agent", "Group"):
        return v.ifi_only(obj)
    if ot == "SubStatement":
        return _ids_body(obj)
    return obj


def _ids_context(ctx: dict) -> dict:
    ctx = dict(ctx)
    for key in ("instructor", "team"):
        if key in ctx:
            ctx[key] = v.ifi_only(ctx[key])
    if "contextActivities" in ctx:
        ctx["contextActivities"] = {k: [_ids_activity(a) for a in acts] for k, acts in ctx["contextActivities"].items()}
    if "contextAgents" in ctx:
        ctx["contextAgents"] = [dict(x, agent=v.ifi_only(x["agent"])) for x in ctx["contextAgents"]]
    if "contextGroups" in ctx:
        ctx["contextGroups"] = [dict(x, group=v.ifi_only(x["group"])) for x in ctx["contextGroups"]]
    return ctx


def _ids_body(st: dict) -> dict:
    out = dict(st)
    out["actor"] = v.ifi_only(st["actor"])
    out["verb"] = {"id": st["verb"]["id"]}
    out["object"] = _ids_object(st["object"])
    if "context" in st:
        out["context"] = _ids_context(st["context"])
    if "authority" in st:
        out["authority"] = v.ifi_only(st["authority"])
    return out


def ids_format(st: dict) -> dict:
    """Agents, groups, activities and verbs reduced to what identifies them."""
    return _ids_body(st)


def pick_language(langmap: dict, accepted: list[str]) -> dict:
    """Reduce a language map to the entry the reader prefers (Accept-Language)."""
    if not langmap:
        return langmap
    lower = {k.lower(): k for k in langmap}
    for want in accepted:
        if want == "*":
            break
        if want in lower:
            k = lower[want]
            return {k: langmap[k]}
        prefix = want.split("-")[0]
        for lk, k in lower.items():
            if lk == prefix or lk.startswith(prefix + "-"):
                return {k: langmap[k]}
    first = next(iter(langmap))
    return {first: langmap[first]}


def parse_accept_language(header: str) -> list[str]:
    ranked = []
    for i, part in enumerate(header.split(",")):
        part = part.strip()
        if not part:
            continue
        tag, _, params = part.partition(";")
        q = 1.0
        for p in params.split(";"):
            p = p.strip()
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            ranked.append((-q, i, tag.strip().lower()))
    ranked.sort()
    return [tag for _, _, tag in ranked]


def _filter_definition(d: dict, accepted: list[str]) -> dict:
    d = dict(d)
    for key in ("name", "description"):
        if key in d:
            d[key] = pick_language(d[key], accepted)
    for key in ("choices", "scale", "source", "target", "steps"):
        if key in d:
            d[key] = [
                dict(c, description=pick_language(c["description"], accepted)) if "description" in c else c
                for c in d[key]
            ]
    return d


def canonical_format(st: dict, definitions: dict[str, dict], accepted: list[str]) -> dict:
    """Activities with their canonical definitions, every language map reduced to one language."""

    def act(a: dict) -> dict:
        a = dict(a)
        d = definitions.get(a["id"], a.get("definition"))
        if d:
            a["definition"] = _filter_definition(d, accepted)
        return a

    def body(s: dict) -> dict:
        s = dict(s)
        verb = dict(s["verb"])
        if "display" in verb:
            verb["display"] = pick_language(verb["display"], accepted)
        s["verb"] = verb
        obj = s["object"]
        ot = obj.get("objectType", "Activity")
        if ot == "Activity":
            s["object"] = act(obj)
        elif ot == "SubStatement":
            s["object"] = body(obj)
        if "context" in s and "contextActivities" in s["context"]:
            ctx = dict(s["context"])
            ctx["contextActivities"] = {k: [act(a) for a in acts] for k, acts in ctx["contextActivities"].items()}
            s["context"] = ctx
        if "attachments" in s:
            s["attachments"] = [
                dict(
                    att,
                    display=pick_language(att["display"], accepted),
                    **({"description": pick_language(att["description"], accepted)} if "description" in att else {}),
                )
                for att in s["attachments"]
            ]
        return s

    return body(st)


def activity_iris(st: dict) -> set[str]:
    """Every activity id in a statement (for fetching canonical definitions)."""
    out: set[str] = set()

    def body(s: dict) -> None:
        obj = s["object"]
        ot = obj.get("objectType", "Activity")
        if ot == "Activity":
            out.add(obj["id"])
        elif ot == "SubStatement":
            body(obj)
        for acts in s.get("context", {}).get("contextActivities", {}).values():
            for a in acts if type(acts) is list else (acts,):
                out.add(a["id"])

    body(st)
    return out


def merge_definition(old: dict | None, new: dict) -> dict:
    """The canonical definition after a statement brings ``new``: language maps and extensions merged."""
    if not old:
        return new
    merged = dict(old)
    for key, value in new.items():
        if key in ("name", "description", "extensions") and type(old.get(key)) is dict:
            merged[key] = {**old[key], **value}
        else:
            merged[key] = value
    return merged
