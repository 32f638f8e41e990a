"""The Statements resource: PUT, POST and GET at /xapi/statements."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from hocvuso.db import writer_turn
from lrs import jws, progress, writer
from lrs import statements as S
from lrs import validation as v
from lrs.auth import READ_SCOPES, WRITE_SCOPES, Principal
from lrs.http import XapiError, XRequest, bad, build_multipart, json_response, parse_multipart
from lrs.models import Scope
from lrs.signals import announce
from lrs.storage import Batch, ReadScope, StatementQuery, StoreError, store

# Statements a concurrent transaction is still writing may carry a stored
# time up to this much before they become visible.
CONSISTENCY_MARGIN = dt.timedelta(milliseconds=getattr(settings, "LRS_CONSISTENCY_MARGIN_MS", 100))
_MORE_SALT = "lrs.more"
_HASHES = {56: hashlib.sha224, 64: hashlib.sha256, 96: hashlib.sha384, 128: hashlib.sha512}

GET_PARAMS = frozenset(
    (
        "statementId",
        "voidedStatementId",
        "agent",
        "verb",
        "activity",
        "registration",
        "related_activities",
        "related_agents",
        "since",
        "until",
        "limit",
        "format",
        "attachments",
        "ascending",
        "more",
    )
)
_SINGLE_PARAMS = frozenset(("statementId", "voidedStatementId", "format", "attachments"))


def forbidden(message: str) -> XapiError:
    return XapiError(403, message)


# --- writing ------------------------------------------------------------------------------


def _decode_json(raw: bytes, what: str):
    try:
        return S.loads(raw)
    except UnicodeDecodeError:
        raise bad(f"{what} is not UTF-8") from None
    except ValueError as exc:
        raise bad(f"{what} is not valid JSON: {exc}") from None
    except RecursionError:
        raise bad(f"{what} nests too deeply") from None


def _parse_body(xr: XRequest) -> tuple[object, dict[str, tuple[str, bytes, dict]]]:
    """The statement JSON and the attachment parts (sha2 -> (content type, bytes, headers))."""
    if xr.content_type == "multipart/mixed":
        parts = parse_multipart(xr.body, xr.content_type_params.get("boundary", ""))
        if not parts:
            raise bad("the multipart body has no parts")
        first = parts[0]
        ctype = first.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != "application/json":
            raise bad("the first part of a multipart/mixed request must be application/json (the statements)")
        payload = _decode_json(first.body, "the first multipart part")
        files: dict[str, tuple[str, bytes, dict]] = {}
        for i, part in enumerate(parts[1:], start=2):
            h = part.headers.get("x-experience-api-hash")
            if not h:
                raise bad(f"multipart part {i} has no X-Experience-API-Hash header")
            cte = part.headers.get("content-transfer-encoding")
            if cte is None and xr.version == v.V1:
                raise bad(f"multipart part {i} needs Content-Transfer-Encoding: binary")
            if cte is not None and cte.lower() != "binary":
                raise bad(f"multipart part {i}: Content-Transfer-Encoding must be binary (got {cte!r})")
            hasher = _HASHES.get(len(h))
            if hasher is None or hasher(part.body).hexdigest() != h.lower():
                raise bad(f"multipart part {i}: its content does not match its X-Experience-API-Hash")
            files[h.lower()] = (part.headers.get("content-type", "application/octet-stream"), part.body, part.headers)
        return payload, files
    if xr.content_type != "application/json":
        raise bad(f"statements must be sent as application/json or multipart/mixed (got {xr.content_type or 'none'!r})")
    return _decode_json(xr.body, "the body"), {}


def _attachments_of(st: dict):
    yield from st.get("attachments", ())
    obj = st.get("object", {})
    if obj.get("objectType") == "SubStatement":
        yield from obj.get("attachments", ())


def _check_attachments(statements: list[dict], files: dict, version: str) -> dict[str, tuple[str, bytes]]:
    used: set[str] = set()
    for i, st in enumerate(statements):
        for j, att in enumerate(_attachments_of(st)):
            sha2 = att["sha2"].lower()
            if sha2 in files:
                used.add(sha2)
                if att["usageType"] == v.SIGNATURE_USAGE:
                    try:
                        jws.verify(files[sha2][1], st)
                    except jws.SignatureError as exc:
                        raise bad(f"statement[{i}].attachments[{j}]: {exc}") from None
            elif "fileUrl" not in att:
                raise bad(
                    f"statement[{i}].attachments[{j}]: no fileUrl and no multipart part with its sha2 ({att['sha2']})"
                )
    extra = set(files) - used
    if extra:
        raise bad(f"multipart parts match no attachment of the statements (hash {sorted(extra)[0]})")
    return {h: (files[h][0], files[h][1]) for h in used}


def _check_learner(principal: Principal, statements: list[dict]) -> None:
    if principal.agent_key is None:
        return
    for i, st in enumerate(statements):
        if v.ifi_key(st["actor"]) != principal.agent_key:
            raise forbidden(f"statement[{i}].actor: a learner's content may record only that learner's statements")


def save(xr: XRequest, payload, files: dict, *, single_id: str | None = None) -> list[str]:
    principal: Principal = xr.principal
    if not principal.has(*WRITE_SCOPES):
        raise forbidden("this credential may not write statements (needs the statements/write scope)")
    try:
        if single_id is not None:
            if type(payload) is not dict:
                raise bad("a PUT body must be a single statement object")
            statements = [v.statement(payload, "statement", version=xr.version)]
            if "id" in payload and uuid.UUID(payload["id"]) != uuid.UUID(single_id):
                raise bad("statement.id differs from the statementId parameter")
            if "id" not in payload:
                payload = {**payload, "id": single_id}
                statements = [payload]
        else:
            statements = v.statements(payload, version=xr.version)
    except v.XapiValidationError as exc:
        raise bad(str(exc)) from None
    seen: dict[uuid.UUID, int] = {}
    for i, st in enumerate(statements):
        if "id" in st:
            u = uuid.UUID(st["id"])
            if u in seen:
                raise bad(f"statement[{i}].id repeats statement[{seen[u]}].id in the same batch")
            seen[u] = i
    _check_learner(principal, statements)
    attachments = _check_attachments(statements, files, xr.version)
    return record_statements(statements, principal=principal, version=xr.version, attachments=attachments)


def record_statements(
    statements: list[dict],
    *,
    principal: Principal,
    version: str,
    attachments: dict | None = None,
) -> list[str]:
    """Store validated statements for ``principal``; returns their ids. Raises XapiError."""
    now = S.truncate_ms(timezone.now())
    stored_text = S.format_time(now)
    authority = principal.authority
    authority_key = principal.authority_key
    items = [
        S.prepare(
            st, stored=now, stored_text=stored_text, authority=authority, authority_key=authority_key, version=version
        )
        for st in statements
    ]
    batch = Batch(
        items=items,
        stored=now,
        client_id=principal.client_id,
        unit_id=principal.unit_id,
        can_define=principal.can_define,
        attachments=attachments or {},
    )
    try:
        return writer.run("write_batch", batch, principal)
    except writer.WriterGone as exc:
        raise XapiError(503, f"the statement writer stopped before answering ({exc}); send the batch again") from None


def write_batch(batch: Batch, principal: Principal) -> list[str]:
    """Store a prepared batch in one transaction (here, or in the SQLite writer process: lrs.writer)."""
    try:
        with writer_turn(), transaction.atomic():
            # Summaries of the platform's learners change with their records.
            stale = progress.voided_pairs(batch.items)
            ids = store.store(batch)
            progress.refresh(stale | progress.pairs_of(batch.items))
            announce(batch.items, principal=principal)
    except StoreError as exc:
        raise XapiError(exc.status, exc.message) from None
    return ids


def post(xr: XRequest) -> HttpResponse:
    if xr.params:
        raise bad(f"POST /statements takes no parameters (got {', '.join(sorted(xr.params))})")
    payload, files = _parse_body(xr)
    ids = save(xr, payload, files)
    return json_response(S.dumps(ids))


def put(xr: XRequest) -> HttpResponse:
    extra = set(xr.params) - {"statementId"}
    if extra:
        raise bad(f"PUT /statements takes only statementId (got {', '.join(sorted(extra))})")
    sid = xr.params.get("statementId")
    if sid is None:
        raise bad("PUT /statements needs the statementId parameter")
    if not v.is_uuid(sid):
        raise bad("statementId must be a UUID")
    payload, files = _parse_body(xr)
    save(xr, payload, files, single_id=sid)
    return HttpResponse(status=204)


# --- reading ------------------------------------------------------------------------------


def read_scope(principal: Principal) -> ReadScope:
    if principal.has(*READ_SCOPES):
        if principal.unit_path is None:
            return ReadScope(everything=True)
        return ReadScope(unit_paths=(principal.unit_path,))
    if principal.has(Scope.STATEMENTS_READ_MINE):
        if principal.person_id is not None:
            return ReadScope(everything=True, person_id=principal.person_id)
        return ReadScope(everything=True, client_id=principal.client_id)
    raise forbidden("this credential may not read statements (needs statements/read or statements/read/mine)")


def _bool(params: dict, name: str) -> bool:
    raw = params.get(name)
    if raw is None:
        return False
    if raw not in ("true", "false"):
        raise bad(f"{name} must be true or false")
    return raw == "true"


def _agent_param(raw: str, name: str = "agent") -> dict:
    try:
        obj = json.loads(raw)
    except ValueError:
        raise bad(f"{name} must be a JSON Agent or identified Group") from None
    try:
        return v.agent_param(obj, name)
    except v.XapiValidationError as exc:
        raise bad(str(exc)) from None


def _time_param(params: dict, name: str) -> dt.datetime | None:
    raw = params.get(name)
    if raw is None:
        return None
    parsed = v.parse_timestamp(raw)
    if parsed is None:
        raise bad(f"{name} must be an ISO 8601 timestamp")
    return parsed


def _query(params: dict) -> StatementQuery:
    q = StatementQuery()
    if "agent" in params:
        q.agent = v.ifi_key(_agent_param(params["agent"]))
    if "verb" in params:
        if not v.is_iri(params["verb"]):
            raise bad("verb must be an IRI")
        q.verb = params["verb"]
    if "activity" in params:
        if not v.is_iri(params["activity"]):
            raise bad("activity must be an IRI")
        q.activity = params["activity"]
    if "registration" in params:
        if not v.is_uuid(params["registration"]):
            raise bad("registration must be a UUID")
        q.registration = uuid.UUID(params["registration"])
    q.related_activities = _bool(params, "related_activities")
    q.related_agents = _bool(params, "related_agents")
    q.since = _time_param(params, "since")
    q.until = _time_param(params, "until")
    q.ascending = _bool(params, "ascending")
    if "limit" in params:
        raw = params["limit"]
        if not raw.isdigit():
            raise bad("limit must be a non-negative integer")
        q.limit = int(raw)
    return q


def _format(params: dict) -> str:
    fmt = params.get("format", "exact")
    if fmt not in ("exact", "ids", "canonical"):
        raise bad("format must be ids, exact or canonical")
    return fmt


def _shape(texts: list[str], fmt: str, xr: XRequest) -> list[str]:
    if fmt == "exact":
        return texts
    parsed = [S.loads(t) for t in texts]
    if fmt == "ids":
        return [S.dumps(S.ids_format(st)) for st in parsed]
    accepted = S.parse_accept_language(xr.headers.get("accept-language", ""))
    iris: set[str] = set()
    for st in parsed:
        iris |= S.activity_iris(st)
    definitions = store.definitions(iris)
    return [S.dumps(S.canonical_format(st, definitions, accepted)) for st in parsed]


def _with_attachments(result_json: str, texts: list[str]) -> HttpResponse:
    wanted: list[str] = []
    for text in texts:
        if '"attachments"' not in text:
            continue
        for att in _attachments_of(S.loads(text)):
            h = att["sha2"].lower()
            if h not in wanted:
                wanted.append(h)
    found = store.attachments(wanted)
    parts = [(h, found[h][0], found[h][1]) for h in wanted if h in found]
    body, boundary = build_multipart(result_json, parts)
    return HttpResponse(body, content_type=f"multipart/mixed; boundary={boundary}")


def get(xr: XRequest) -> HttpResponse:
    principal: Principal = xr.principal
    scope = read_scope(principal)
    params = xr.params
    unknown = set(params) - GET_PARAMS
    if unknown:
        raise bad(f"unknown parameter(s) for GET /statements: {', '.join(sorted(unknown))}")
    if "more" in params:
        if len(params) > 1:
            raise bad("a 'more' link takes no other parameters")
        params, after, bound = _decode_more(params["more"])
    else:
        after = bound = None
    fmt = _format(params)
    attachments = _bool(params, "attachments")

    single = params.get("statementId"), params.get("voidedStatementId")
    if any(x is not None for x in single):
        if all(x is not None for x in single):
            raise bad("use statementId or voidedStatementId, not both")
        extra = set(params) - _SINGLE_PARAMS
        if extra:
            raise bad(f"statementId/voidedStatementId allow only format and attachments (got {', '.join(extra)})")
        raw = single[0] if single[0] is not None else single[1]
        if not v.is_uuid(raw):
            raise bad("statementId and voidedStatementId must be UUIDs")
        text = store.get(uuid.UUID(raw), voided=single[1] is not None, scope=scope)
        if text is None:
            raise XapiError(404, f"no statement {raw} here")
        shaped = _shape([text], fmt, xr)[0]
        resp = _with_attachments(shaped, [text]) if attachments else json_response(shaped)
        resp["Last-Modified"] = _http_date(S.loads(text)["stored"])
        return resp

    q = _query(params)
    q.after, q.bound = after, bound
    page = store.find(q, scope)
    texts = [t for _, t in page.rows]
    more = ""
    if page.more and page.rows:
        more = _more_link(params, page.rows[-1][0], page.bound)
    body = '{"statements":[' + ",".join(_shape(texts, fmt, xr)) + '],"more":' + S.dumps(more) + "}"
    resp = _with_attachments(body, texts) if attachments else json_response(body)
    if texts:
        newest = max(S.loads(t)["stored"] for t in (texts[0], texts[-1]))
        resp["Last-Modified"] = _http_date(newest)
    return resp


def _http_date(stored: str) -> str:
    from lrs.http import http_date

    parsed = v.parse_timestamp(stored)
    return http_date(parsed) if parsed else ""


def _more_link(params: dict, after: int, bound: int | None) -> str:
    token = signing.dumps({"p": params, "a": after, "b": bound}, salt=_MORE_SALT, compress=True)
    return reverse("lrs:statements") + "?more=" + token


def _decode_more(token: str) -> tuple[dict, int, int | None]:
    try:
        data = signing.loads(token, salt=_MORE_SALT)
        return dict(data["p"]), int(data["a"]), data["b"]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise bad("the 'more' link is not valid") from None


def consistent_through() -> str:
    return S.format_time(timezone.now() - CONSISTENCY_MARGIN)
