"""Strict validation of xAPI statements and their parts (xAPI 1.0.3 and 2.0).

Framework-free and hand-written for speed: a statement is checked in one walk
over plain dicts and lists as they come out of ``json.loads``. Every rule the
specification states with MUST or MUST NOT is checked here; the first
violation raises :class:`XapiValidationError` whose message names the JSON
path, e.g. ``statement[3].actor.mbox: must be a mailto IRI``.

The checks that depend on the request (the version header, the 2.0 context
agents and groups) take a ``version`` argument: ``"1.0"`` or ``"2.0"``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

V1 = "1.0"
V2 = "2.0"


class XapiValidationError(ValueError):
    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def _fail(path: str, message: str):
    raise XapiValidationError(path, message)


# --- scalar formats ----------------------------------------------------------

# RFC 3987 IRIs: a scheme, a colon and a non-empty rest without whitespace or
# the characters IRIs exclude. Full RFC parsing would cost much more and reject
# nothing real content sends.
_IRI_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`\x00-\x1f\x7f]+\Z")
_UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
_SHA1_RE = re.compile(r"[0-9a-fA-F]{40}\Z")
_MBOX_RE = re.compile(r"mailto:[^@\s:/?#]+@[^@\s/?#]+\Z")
_SHA2_RE = re.compile(r"(?:[0-9a-fA-F]{56}|[0-9a-fA-F]{64}|[0-9a-fA-F]{96}|[0-9a-fA-F]{128})\Z")

# RFC 5646 language tags (BCP 47), case-insensitive.
_LANG_RE = re.compile(
    r"(?:"
    r"(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})"  # language and extlang
    r"(?:-[a-z]{4})?"  # script
    r"(?:-(?:[a-z]{2}|[0-9]{3}))?"  # region
    r"(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"  # variants
    r"(?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*"  # extensions
    r"(?:-x(?:-[a-z0-9]{1,8})+)?"  # private use
    r"|x(?:-[a-z0-9]{1,8})+"  # private use only
    r")\Z",
    re.IGNORECASE,
)
_GRANDFATHERED = frozenset(
    t.lower()
    for t in (
        "en-GB-oed i-ami i-bnn i-default i-enochian i-hak i-klingon i-lux i-mingo i-navajo i-pwn i-tao i-tay "
        "i-tsu sgn-BE-FR sgn-BE-NL sgn-CH-DE art-lojban cel-gaulish no-bok no-nyn zh-guoyu zh-hakka zh-min "
        "zh-min-nan zh-xiang"
    ).split()
)

_TIMESTAMP_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?\Z"
)
# ISO 8601:2004 4.4.3.2 durations: weeks alone, or date and time parts.
_NUM = r"\d+(?:[.,]\d+)?"
_DURATION_RE = re.compile(
    rf"P(?:{_NUM}W|(?=\d|T\d)(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}D)?(?:T(?=\d)(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?)\Z"
)

INTERACTION_TYPES = frozenset(
    (
        "true-false",
        "choice",
        "fill-in",
        "long-fill-in",
        "matching",
        "performance",
        "sequencing",
        "likert",
        "numeric",
        "other",
    )
)
# Which interaction-component lists each interaction type may carry.
_COMPONENT_LISTS = {
    "choice": ("choices",),
    "sequencing": ("choices",),
    "likert": ("scale",),
    "matching": ("source", "target"),
    "performance": ("steps",),
}
_ALL_COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"


def is_iri(value) -> bool:
    return type(value) is str and _IRI_RE.match(value) is not None


def is_uuid(value) -> bool:
    return type(value) is str and _UUID_RE.match(value) is not None


def is_language_tag(value) -> bool:
    return type(value) is str and (_LANG_RE.match(value) is not None or value.lower() in _GRANDFATHERED)


@functools.lru_cache(maxsize=4096)
def _parse_timestamp(value: str) -> dt.datetime | None:
    m = _TIMESTAMP_RE.match(value)
    if m is None:
        return None
    year, month, day, hour, minute, second, frac, zulu, sign, off_h, off_m = m.groups()
    try:
        micro = int((frac or "0")[:6].ljust(6, "0"))
        sec = int(second or 0)
        leap = sec == 60
        result = dt.datetime(int(year), int(month), int(day), int(hour), int(minute), 59 if leap else sec, micro)
        if sign is not None:
            oh, om = int(off_h), int(off_m or 0)
            if oh > 23 or om > 59 or (sign == "-" and oh == 0 and om == 0):
                return None
            delta = dt.timedelta(hours=oh, minutes=om)
            tz = dt.timezone(-delta if sign == "-" else delta)
        else:
            tz = dt.UTC
        result = result.replace(tzinfo=tz)
    except ValueError:
        return None
    if leap:
        result += dt.timedelta(seconds=1)
    return result


def parse_timestamp(value) -> dt.datetime | None:
    """An ISO 8601 date and time as an aware datetime, or None if malformed.

    A timestamp without an offset is read as UTC. The offset ``-00:00`` (and
    ``-00``, ``-0000``), which RFC 3339 reserves for "unknown", is refused.
    Cached: a statement's timestamp is read when validated and again when stored.
    """
    if type(value) is not str:
        return None
    return _parse_timestamp(value)


def is_duration(value) -> bool:
    return type(value) is str and _DURATION_RE.match(value) is not None


def _is_number(value) -> bool:
    t = type(value)
    return t is int or t is float


# --- building blocks ---------------------------------------------------------


def _object(value, path: str) -> dict:
    if type(value) is not dict:
        _fail(path, "must be a JSON object")
    return value


def _string(value, path: str) -> str:
    if type(value) is not str:
        _fail(path, "must be a string")
    return value


def _iri(value, path: str) -> str:
    if type(value) is not str:
        _fail(path, "must be an IRI string")
    if _IRI_RE.match(value) is None:
        _fail(path, f"must be an absolute IRI (got {value[:80]!r})")
    return value


def _uuid(value, path: str) -> str:
    if type(value) is not str or _UUID_RE.match(value) is None:
        _fail(path, "must be a UUID (8-4-4-4-12 hexadecimal digits)")
    return value


def _unknown(obj: dict, allowed: frozenset, path: str) -> None:
    for key in obj:
        if key not in allowed:
            _fail(f"{path}.{key}", "is not a property allowed here")


def language_map(value, path: str) -> dict:
    if type(value) is not dict:
        _fail(path, "must be a language map (an object of language tags to strings)")
    for tag, text in value.items():
        if not is_language_tag(tag):
            _fail(f"{path}.{tag}", "is not an RFC 5646 language tag")
        if type(text) is not str:
            _fail(f"{path}.{tag}", "must be a string")
    return value


def extensions(value, path: str) -> dict:
    if type(value) is not dict:
        _fail(path, "must be an object whose keys are IRIs")
    for key in value:
        if _IRI_RE.match(key) is None:
            _fail(f"{path}.{key}", "extension keys must be IRIs")
    return value


def timestamp(value, path: str) -> dt.datetime:
    if type(value) is not str:
        _fail(path, "must be an ISO 8601 timestamp string")
    parsed = parse_timestamp(value)
    if parsed is None:
        _fail(path, f"must be an ISO 8601 timestamp with a valid offset (got {value[:40]!r})")
    return parsed


# --- actors ----------------------------------------------------------------------

_IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
_AGENT_KEYS = frozenset(("objectType", "name", *_IFIS))
_GROUP_KEYS = frozenset(("objectType", "name", "member", *_IFIS))
_ACCOUNT_KEYS = frozenset(("homePage", "name"))


def _ifi_count(obj: dict, path: str) -> int:
    count = 0
    if "mbox" in obj:
        count += 1
        mbox = obj["mbox"]
        if type(mbox) is not str or _MBOX_RE.match(mbox) is None:
            _fail(f"{path}.mbox", "must be a mailto IRI (mailto:name@example.org)")
    if "mbox_sha1sum" in obj:
        count += 1
        if type(obj["mbox_sha1sum"]) is not str or _SHA1_RE.match(obj["mbox_sha1sum"]) is None:
            _fail(f"{path}.mbox_sha1sum", "must be the 40 hexadecimal digits of a SHA-1")
    if "openid" in obj:
        count += 1
        _iri(obj["openid"], f"{path}.openid")
    if "account" in obj:
        count += 1
        account = _object(obj["account"], f"{path}.account")
        _unknown(account, _ACCOUNT_KEYS, f"{path}.account")
        if "homePage" not in account:
            _fail(f"{path}.account.homePage", "is required")
        _iri(account["homePage"], f"{path}.account.homePage")
        if "name" not in account:
            _fail(f"{path}.account.name", "is required")
        _string(account["name"], f"{path}.account.name")
    return count


def agent(value, path: str, *, object_type_required: bool = False) -> dict:
    """An Agent: an optional name and exactly one inverse functional identifier."""
    obj = _object(value, path)
    ot = obj.get("objectType")
    if ot is None:
        if object_type_required:
            _fail(f"{path}.objectType", 'is required here ("Agent")')
        if "objectType" in obj:
            _fail(f"{path}.objectType", 'must be "Agent"')
    elif ot != "Agent":
        _fail(f"{path}.objectType", 'must be "Agent"')
    _unknown(obj, _AGENT_KEYS, path)
    if "name" in obj:
        _string(obj["name"], f"{path}.name")
    n = _ifi_count(obj, path)
    if n != 1:
        _fail(
            path,
            "an Agent must have exactly one of mbox, mbox_sha1sum, openid, account" + (f" (found {n})" if n else ""),
        )
    return obj


def group(value, path: str) -> dict:
    obj = _object(value, path)
    if obj.get("objectType") != "Group":
        _fail(f"{path}.objectType", 'must be "Group"')
    _unknown(obj, _GROUP_KEYS, path)
    if "name" in obj:
        _string(obj["name"], f"{path}.name")
    n = _ifi_count(obj, path)
    if n > 1:
        _fail(path, f"a Group must not have more than one of mbox, mbox_sha1sum, openid, account (found {n})")
    if "member" in obj:
        members = obj["member"]
        if type(members) is not list:
            _fail(f"{path}.member", "must be an array of Agents")
        for i, m in enumerate(members):
            mpath = f"{path}.member[{i}]"
            if type(m) is dict and m.get("objectType") == "Group":
                _fail(f"{mpath}.objectType", "a Group's members must be Agents, not Groups")
            agent(m, mpath)
        if n == 0 and not members:
            _fail(f"{path}.member", "an anonymous Group must list at least one member")
    elif n == 0:
        _fail(path, "a Group needs an identifier (mbox, mbox_sha1sum, openid, account) or a member list")
    return obj


def actor(value, path: str, *, object_type_required: bool = False) -> dict:
    obj = _object(value, path)
    ot = obj.get("objectType")
    if ot == "Group":
        return group(obj, path)
    if ot is not None and type(ot) is not str:
        _fail(f"{path}.objectType", 'must be "Agent" or "Group"')
    return agent(obj, path, object_type_required=object_type_required)


def identified_group(value, path: str) -> dict:
    obj = group(value, path)
    if not any(k in obj for k in _IFIS):
        _fail(path, "must be an identified Group here")
    return obj


def authority(value, path: str) -> dict:
    obj = _object(value, path)
    if obj.get("objectType") == "Group":
        group(obj, path)
        if any(k in obj for k in _IFIS):
            _fail(path, "an authority Group must be anonymous (OAuth consumer and user)")
        if len(obj.get("member", ())) != 2:
            _fail(f"{path}.member", "an authority Group must have exactly two Agent members")
        return obj
    return agent(obj, path)


# --- verbs and activities ----------------------------------------------------------

_VERB_KEYS = frozenset(("id", "display"))


def verb(value, path: str) -> dict:
    obj = _object(value, path)
    _unknown(obj, _VERB_KEYS, path)
    if "id" not in obj:
        _fail(f"{path}.id", "is required")
    _iri(obj["id"], f"{path}.id")
    if "display" in obj:
        language_map(obj["display"], f"{path}.display")
    return obj


_ACTIVITY_KEYS = frozenset(("objectType", "id", "definition"))
_DEFINITION_KEYS = frozenset(
    (
        "name",
        "description",
        "type",
        "moreInfo",
        "extensions",
        "interactionType",
        "correctResponsesPattern",
        *_ALL_COMPONENT_LISTS,
    )
)
_COMPONENT_KEYS = frozenset(("id", "description"))


def _components(value, path: str) -> None:
    if type(value) is not list:
        _fail(path, "must be an array of interaction components")
    seen = set()
    for i, comp in enumerate(value):
        cpath = f"{path}[{i}]"
        comp = _object(comp, cpath)
        _unknown(comp, _COMPONENT_KEYS, cpath)
        if "id" not in comp:
            _fail(f"{cpath}.id", "is required")
        cid = _string(comp["id"], f"{cpath}.id")
        if cid in seen:
            _fail(f"{cpath}.id", f"{cid!r} is used twice; interaction component ids must be distinct")
        seen.add(cid)
        if "description" in comp:
            language_map(comp["description"], f"{cpath}.description")


def activity_definition(value, path: str) -> dict:
    d = _object(value, path)
    _unknown(d, _DEFINITION_KEYS, path)
    if "name" in d:
        language_map(d["name"], f"{path}.name")
    if "description" in d:
        language_map(d["description"], f"{path}.description")
    if "type" in d:
        _iri(d["type"], f"{path}.type")
    if "moreInfo" in d:
        _iri(d["moreInfo"], f"{path}.moreInfo")
    if "extensions" in d:
        extensions(d["extensions"], f"{path}.extensions")
    itype = d.get("interactionType")
    if "interactionType" in d and (type(itype) is not str or itype not in INTERACTION_TYPES):
        _fail(f"{path}.interactionType", "must be one of " + ", ".join(sorted(INTERACTION_TYPES)))
    if "correctResponsesPattern" in d:
        if itype is None:
            _fail(f"{path}.correctResponsesPattern", "needs an interactionType")
        crp = d["correctResponsesPattern"]
        if type(crp) is not list:
            _fail(f"{path}.correctResponsesPattern", "must be an array of strings")
        for i, item in enumerate(crp):
            _string(item, f"{path}.correctResponsesPattern[{i}]")
    allowed = _COMPONENT_LISTS.get(itype, ())
    for key in _ALL_COMPONENT_LISTS:
        if key in d:
            if itype is None:
                _fail(f"{path}.{key}", "needs an interactionType")
            if key not in allowed:
                _fail(f"{path}.{key}", f"is not allowed for interactionType {itype!r}")
            _components(d[key], f"{path}.{key}")
    return d


def activity(value, path: str) -> dict:
    obj = _object(value, path)
    if "objectType" in obj and obj["objectType"] != "Activity":
        _fail(f"{path}.objectType", 'must be "Activity"')
    _unknown(obj, _ACTIVITY_KEYS, path)
    if "id" not in obj:
        _fail(f"{path}.id", "is required")
    _iri(obj["id"], f"{path}.id")
    if "definition" in obj:
        activity_definition(obj["definition"], f"{path}.definition")
    return obj


_STATEMENT_REF_KEYS = frozenset(("objectType", "id"))


def statement_ref(value, path: str) -> dict:
    obj = _object(value, path)
    if obj.get("objectType") != "StatementRef":
        _fail(f"{path}.objectType", 'must be "StatementRef"')
    _unknown(obj, _STATEMENT_REF_KEYS, path)
    if "id" not in obj:
        _fail(f"{path}.id", "is required")
    _uuid(obj["id"], f"{path}.id")
    return obj


# --- result and context ------------------------------------------------------------

_RESULT_KEYS = frozenset(("score", "success", "completion", "response", "duration", "extensions"))
_SCORE_KEYS = frozenset(("scaled", "raw", "min", "max"))


def result(value, path: str) -> dict:
    r = _object(value, path)
    _unknown(r, _RESULT_KEYS, path)
    if "score" in r:
        spath = f"{path}.score"
        s = _object(r["score"], spath)
        _unknown(s, _SCORE_KEYS, spath)
        for key in ("scaled", "raw", "min", "max"):
            if key in s and not _is_number(s[key]):
                _fail(f"{spath}.{key}", "must be a number")
        if "scaled" in s and not -1 <= s["scaled"] <= 1:
            _fail(f"{spath}.scaled", "must be between -1 and 1")
        lo, hi, raw = s.get("min"), s.get("max"), s.get("raw")
        if lo is not None and hi is not None and lo >= hi:
            _fail(f"{spath}.min", "must be less than max")
        if raw is not None:
            if lo is not None and raw < lo:
                _fail(f"{spath}.raw", "must not be less than min")
            if hi is not None and raw > hi:
                _fail(f"{spath}.raw", "must not be greater than max")
    for key in ("success", "completion"):
        if key in r and type(r[key]) is not bool:
            _fail(f"{path}.{key}", "must be true or false")
    if "response" in r:
        _string(r["response"], f"{path}.response")
    if "duration" in r and not is_duration(r["duration"]):
        _fail(f"{path}.duration", "must be an ISO 8601 duration (such as PT1H30M or P2D)")
    if "extensions" in r:
        extensions(r["extensions"], f"{path}.extensions")
    return r


_CONTEXT_KEYS_V1 = frozenset(
    (
        "registration",
        "instructor",
        "team",
        "contextActivities",
        "revision",
        "platform",
        "language",
        "statement",
        "extensions",
    )
)
_CONTEXT_KEYS_V2 = _CONTEXT_KEYS_V1 | {"contextAgents", "contextGroups"}
_CONTEXT_ACTIVITY_KEYS = frozenset(("parent", "grouping", "category", "other"))
_CONTEXT_AGENT_KEYS = frozenset(("objectType", "agent", "relevantTypes"))
_CONTEXT_GROUP_KEYS = frozenset(("objectType", "group", "relevantTypes"))


def _relevant_types(value, path: str) -> None:
    if type(value) is not list or not value:
        _fail(path, "must be a non-empty array of IRIs")
    for i, item in enumerate(value):
        _iri(item, f"{path}[{i}]")


def context(value, path: str, *, object_is_activity: bool, version: str) -> dict:
    c = _object(value, path)
    _unknown(c, _CONTEXT_KEYS_V2 if version == V2 else _CONTEXT_KEYS_V1, path)
    if "registration" in c:
        _uuid(c["registration"], f"{path}.registration")
    if "instructor" in c:
        actor(c["instructor"], f"{path}.instructor")
    if "team" in c:
        group(c["team"], f"{path}.team")
    if "contextActivities" in c:
        cpath = f"{path}.contextActivities"
        ca = _object(c["contextActivities"], cpath)
        _unknown(ca, _CONTEXT_ACTIVITY_KEYS, cpath)
        for key, acts in ca.items():
            if type(acts) is dict:
                activity(acts, f"{cpath}.{key}")
            elif type(acts) is list:
                for i, a in enumerate(acts):
                    activity(a, f"{cpath}.{key}[{i}]")
            else:
                _fail(f"{cpath}.{key}", "must be an Activity or an array of Activities")
    for key in ("revision", "platform"):
        if key in c:
            _string(c[key], f"{path}.{key}")
            if not object_is_activity:
                _fail(f"{path}.{key}", "must not be used when the object is not an Activity")
    if "language" in c and not is_language_tag(c["language"]):
        _fail(f"{path}.language", "must be an RFC 5646 language tag")
    if "statement" in c:
        statement_ref(c["statement"], f"{path}.statement")
    if "extensions" in c:
        extensions(c["extensions"], f"{path}.extensions")
    _context_members(c, "contextAgents", "contextAgent", "agent", agent, _CONTEXT_AGENT_KEYS, path)
    _context_members(c, "contextGroups", "contextGroup", "group", group, _CONTEXT_GROUP_KEYS, path)
    return c


def _context_members(c: dict, key: str, object_type: str, member: str, check, keys, path: str) -> None:
    """xAPI 2.0 context.contextAgents / context.contextGroups: typed wrappers with relevantTypes."""
    if key not in c:
        return
    lpath = f"{path}.{key}"
    if type(c[key]) is not list:
        _fail(lpath, f"must be an array of {object_type} objects")
    for i, item in enumerate(c[key]):
        ipath = f"{lpath}[{i}]"
        item = _object(item, ipath)
        _unknown(item, keys, ipath)
        if item.get("objectType") != object_type:
            _fail(f"{ipath}.objectType", f'must be "{object_type}"')
        if member not in item:
            _fail(f"{ipath}.{member}", "is required")
        check(item[member], f"{ipath}.{member}")
        if "relevantTypes" in item:
            _relevant_types(item["relevantTypes"], f"{ipath}.relevantTypes")


# --- attachments --------------------------------------------------------------------

_ATTACHMENT_KEYS = frozenset(("usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"))
SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"


def attachment(value, path: str) -> dict:
    a = _object(value, path)
    _unknown(a, _ATTACHMENT_KEYS, path)
    for key in ("usageType", "display", "contentType", "length", "sha2"):
        if key not in a:
            _fail(f"{path}.{key}", "is required")
    _iri(a["usageType"], f"{path}.usageType")
    language_map(a["display"], f"{path}.display")
    if "description" in a:
        language_map(a["description"], f"{path}.description")
    ctype = _string(a["contentType"], f"{path}.contentType")
    if "/" not in ctype:
        _fail(f"{path}.contentType", "must be an Internet Media Type such as text/plain")
    if type(a["length"]) is not int or a["length"] < 0:
        _fail(f"{path}.length", "must be a non-negative integer")
    if type(a["sha2"]) is not str or _SHA2_RE.match(a["sha2"]) is None:
        _fail(f"{path}.sha2", "must be the hexadecimal SHA-2 (224, 256, 384 or 512) of the content")
    if "fileUrl" in a:
        _iri(a["fileUrl"], f"{path}.fileUrl")
    if a["usageType"] == SIGNATURE_USAGE and ctype.split(";")[0].strip() != "application/octet-stream":
        _fail(f"{path}.contentType", "a signature attachment must be application/octet-stream")
    return a


def _attachments(value, path: str) -> None:
    if type(value) is not list:
        _fail(path, "must be an array of attachments")
    for i, a in enumerate(value):
        attachment(a, f"{path}[{i}]")


# --- statements --------------------------------------------------------------------

_STATEMENT_KEYS = frozenset(
    ("id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority", "version", "attachments")
)
_SUBSTATEMENT_KEYS = frozenset(
    ("objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments")
)
_VERSION_RE = {
    V1: re.compile(r"1\.0(?:\.\d+)?\Z"),
    V2: re.compile(r"(?:1\.0(?:\.\d+)?|2\.0(?:\.\d+)?)\Z"),
}


def _statement_object(value, path: str, *, version: str, in_substatement: bool) -> str:
    """Check a statement's object; return its objectType."""
    obj = _object(value, path)
    ot = obj.get("objectType", "Activity")
    if ot == "Activity":
        activity(obj, path)
    elif ot == "Agent":
        agent(obj, path)
    elif ot == "Group":
        group(obj, path)
    elif ot == "StatementRef":
        statement_ref(obj, path)
    elif ot == "SubStatement":
        if in_substatement:
            _fail(f"{path}.objectType", "a SubStatement must not contain another SubStatement")
        _statement_body(obj, path, version=version, substatement=True)
    else:
        _fail(f"{path}.objectType", "must be one of Activity, Agent, Group, StatementRef, SubStatement")
    return ot


def _statement_body(st: dict, path: str, *, version: str, substatement: bool) -> None:
    _unknown(st, _SUBSTATEMENT_KEYS if substatement else _STATEMENT_KEYS, path)
    for key in ("actor", "verb", "object"):
        if key not in st:
            _fail(f"{path}.{key}", "is required")
    actor(st["actor"], f"{path}.actor")
    verb(st["verb"], f"{path}.verb")
    ot = _statement_object(st["object"], f"{path}.object", version=version, in_substatement=substatement)
    if "result" in st:
        result(st["result"], f"{path}.result")
    if "context" in st:
        context(st["context"], f"{path}.context", object_is_activity=ot == "Activity", version=version)
    if "timestamp" in st:
        timestamp(st["timestamp"], f"{path}.timestamp")
    if "attachments" in st:
        _attachments(st["attachments"], f"{path}.attachments")


def statement(value, path: str = "statement", *, version: str = V1) -> dict:
    """Validate one statement as a client sent it. Returns it unchanged."""
    st = _object(value, path)
    _statement_body(st, path, version=version, substatement=False)
    if "id" in st:
        _uuid(st["id"], f"{path}.id")
    if "stored" in st:
        timestamp(st["stored"], f"{path}.stored")
    if "authority" in st:
        authority(st["authority"], f"{path}.authority")
    if "version" in st:
        v = st["version"]
        if type(v) is not str or _VERSION_RE[version].match(v) is None:
            allowed = "1.0.x" if version == V1 else "1.0.x or 2.0.x"
            _fail(f"{path}.version", f"must be {allowed}")
    if st["verb"]["id"] == VOIDED_VERB and st["object"].get("objectType") != "StatementRef":
        _fail(f"{path}.object.objectType", 'a voiding statement\'s object must be a "StatementRef"')
    return st


def statements(payload, *, version: str = V1) -> list[dict]:
    """Validate the body of a POST: one statement or an array of them."""
    if type(payload) is dict:
        return [statement(payload, "statement", version=version)]
    if type(payload) is not list:
        _fail("statement", "the body must be a statement object or an array of statements")
    if not payload:
        _fail("statement", "the array of statements is empty")
    for i, st in enumerate(payload):
        statement(st, f"statement[{i}]", version=version)
    return payload


# --- query parameters -------------------------------------------------------------


def agent_param(value, path: str = "agent", *, allow_group: bool = True) -> dict:
    """An Agent (or identified Group) given as a query parameter (already parsed JSON)."""
    obj = _object(value, path)
    if obj.get("objectType") == "Group":
        if not allow_group:
            _fail(f"{path}.objectType", "must be an Agent here")
        return identified_group(obj, path)
    return agent(obj, path)


def ifi_key(obj: dict) -> str | None:
    """A string that identifies an Agent or identified Group, or None if anonymous.

    Agents and identified Groups match when they use the same inverse
    functional identifier and the same objectType.
    """
    kind = "g" if obj.get("objectType") == "Group" else "a"
    if "mbox" in obj:
        return f"{kind}|mbox|{obj['mbox']}"
    if "mbox_sha1sum" in obj:
        return f"{kind}|sha1|{obj['mbox_sha1sum'].lower()}"
    if "openid" in obj:
        return f"{kind}|openid|{obj['openid']}"
    account = obj.get("account")
    if account is not None:
        return f"{kind}|account|{account['homePage']}|{account['name']}"
    return None


def ifi_only(obj: dict) -> dict:
    """The agent or group reduced to objectType and identifier (the ``ids`` format)."""
    out = {"objectType": obj.get("objectType", "Agent")}
    for key in _IFIS:
        if key in obj:
            out[key] = obj[key]
            break
    if "member" in obj and not any(k in obj for k in _IFIS):
        out["member"] = [ifi_only(m) for m in obj["member"]]
    return out
