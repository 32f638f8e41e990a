"""The document resources: State, Activity Profile and Agent Profile.

A document is any bytes with a content type. POST merges JSON objects into an
existing JSON document (top-level keys, xAPI 1.0.3 Communication 2.2); PUT
replaces. ETags (a quoted SHA-1 of the content) implement the optimistic
concurrency of Communication 3.1 with If-Match / If-None-Match: 412 when a
precondition fails, 409 when a PUT would overwrite without one (profiles, and
the state as well under xAPI 2.0).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone

from lrs import statements as S
from lrs import validation as v
from lrs import writer
from lrs.auth import Principal
from lrs.http import XapiError, XRequest, bad, http_date, json_response
from lrs.models import Document, Scope


@dataclass(frozen=True)
class Resource:
    kind: str
    id_param: str  # stateId or profileId
    needs_activity: bool
    needs_agent: bool
    allows_registration: bool
    write_scope: str
    # xAPI 1.0.3 exempts the State resource from the 409 rule; 2.0 does not.
    conflict_in_v1: bool


STATE = Resource(Document.Kind.STATE, "stateId", True, True, True, Scope.STATE, False)
ACTIVITY_PROFILE = Resource(Document.Kind.ACTIVITY_PROFILE, "profileId", True, False, False, Scope.PROFILE, True)
AGENT_PROFILE = Resource(Document.Kind.AGENT_PROFILE, "profileId", False, True, False, Scope.PROFILE, True)


def etag_of(content: bytes) -> str:
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()


def _check_scope(xr: XRequest, res: Resource, writing: bool) -> None:
    p: Principal = xr.principal
    allowed = {res.write_scope, Scope.ALL} if writing else {res.write_scope, Scope.ALL, Scope.ALL_READ}
    if not p.has(*allowed):
        raise XapiError(
            403,
            f"this credential may not {'write' if writing else 'read'} these documents "
            f"(needs the {res.write_scope} scope)",
        )
    if p.agent_key is not None and writing and res.kind == Document.Kind.ACTIVITY_PROFILE:
        raise XapiError(403, "a learner's content may not change activity profiles")


def _key(xr: XRequest, res: Resource, method: str) -> dict:
    params = xr.params
    allowed = {res.id_param}
    if res.needs_activity:
        allowed.add("activityId")
    if res.needs_agent:
        allowed.add("agent")
    if res.allows_registration:
        allowed.add("registration")
    if method == "GET":
        allowed.add("since")
    unknown = set(params) - allowed
    if unknown:
        raise bad(f"unknown parameter(s): {', '.join(sorted(unknown))}")
    key = {
        "kind": res.kind,
        "namespace": xr.principal.namespace,
        "activity_iri": "",
        "agent_ifi": "",
        "registration": "",
    }
    if res.needs_activity:
        iri = params.get("activityId")
        if iri is None:
            raise bad("the activityId parameter is required")
        if not v.is_iri(iri):
            raise bad("activityId must be an IRI")
        key["activity_iri"] = iri
    if res.needs_agent:
        raw = params.get("agent")
        if raw is None:
            raise bad("the agent parameter is required")
        try:
            agent = v.agent_param(json.loads(raw), "agent", allow_group=res.kind == Document.Kind.AGENT_PROFILE)
        except ValueError as exc:
            raise bad(str(exc) if isinstance(exc, v.XapiValidationError) else "agent must be JSON") from None
        key["agent_ifi"] = v.ifi_key(agent)
        p: Principal = xr.principal
        if p.agent_key is not None and key["agent_ifi"] != p.agent_key:
            raise XapiError(403, "a learner's content may use only that learner's documents")
    if "registration" in params:
        if not v.is_uuid(params["registration"]):
            raise bad("registration must be a UUID")
        key["registration"] = str(uuid.UUID(params["registration"]))
    return key


def _doc_id(xr: XRequest, res: Resource, required: bool) -> str | None:
    doc_id = xr.params.get(res.id_param)
    if doc_id is None and required:
        raise bad(f"the {res.id_param} parameter is required")
    return doc_id


def _preconditions(change: DocumentChange, doc: Document | None) -> None:
    if_match, if_none, res = change.if_match, change.if_none_match, change.resource
    current = doc.etag if doc else None
    if if_match is not None:
        tags = _tags(if_match)
        if current is None or ("*" not in tags and current not in tags):
            raise XapiError(412, "If-Match does not match the current document's ETag")
    if if_none is not None:
        tags = _tags(if_none)
        if current is not None and ("*" in tags or current in tags):
            raise XapiError(412, "If-None-Match: the document exists (or has that ETag)")
    needs_header = res.conflict_in_v1 or change.version == v.V2
    if change.method == "PUT" and if_match is None and if_none is None and needs_header:
        if doc is not None:
            raise XapiError(
                409,
                "the document exists: send If-Match with its ETag to overwrite it, "
                "or If-None-Match: * to create it only if absent",
            )
        if res.conflict_in_v1 and change.version == v.V1:
            # The 1.0.3 conformance requirement XAPI-00273/00286: a profile PUT
            # must carry a concurrency header even when creating.
            raise bad("a profile document PUT needs If-Match or If-None-Match (If-None-Match: * to create it)")


def _tags(header: str) -> set[str]:
    out = set()
    for part in header.split(","):
        part = part.strip()
        if part.startswith("W/"):
            part = part[2:]
        out.add(part.strip('"'))
    return out


def _content_type(xr: XRequest) -> str:
    return xr.headers.get("content-type") or "application/octet-stream"


def _is_json(ctype: str) -> bool:
    return ctype.split(";")[0].strip().lower() == "application/json"


def _json_object(content: bytes, what: str) -> dict:
    try:
        obj = json.loads(content)
    except ValueError:
        raise bad(f"{what} is not valid JSON") from None
    if type(obj) is not dict:
        raise bad(f"{what} is not a JSON object")
    return obj


@dataclass(frozen=True)
class DocumentChange:
    """A checked PUT, POST or DELETE of documents, to apply in one transaction (here or in lrs.writer)."""

    resource: Resource
    key: dict
    doc_id: str | None  # None: a DELETE of every state document under key
    method: str
    version: str
    if_match: str | None
    if_none_match: str | None
    content: bytes = b""
    content_type: str = ""


def _change(xr: XRequest, res: Resource, method: str, key: dict, doc_id: str | None, **content) -> DocumentChange:
    return DocumentChange(
        resource=res,
        key=key,
        doc_id=doc_id,
        method=method,
        version=xr.version,
        if_match=xr.headers.get("if-match"),
        if_none_match=xr.headers.get("if-none-match"),
        **content,
    )


def _apply(change: DocumentChange) -> None:
    # On SQLite the statement writer applies it: a commit from any other
    # connection would empty that process's page cache (lrs.writer).
    try:
        writer.run("change_documents", change)
    except writer.WriterGone as exc:
        raise XapiError(503, f"the LRS writer stopped before answering ({exc}); send the request again") from None


def apply_change(change: DocumentChange) -> None:
    """Apply ``change`` (preconditions, merge, write) in one transaction; raises XapiError (409, 412, 400)."""
    if change.method == "DELETE":
        _delete(change)
    else:
        _store(change)


def write(xr: XRequest, res: Resource) -> HttpResponse:
    _check_scope(xr, res, writing=True)
    key = _key(xr, res, xr.method)
    doc_id = _doc_id(xr, res, required=True)
    ctype = _content_type(xr)
    content = xr.body
    if xr.method == "POST" or _is_json(ctype):
        if _is_json(ctype):
            if xr.method == "POST":
                _json_object(content, "the document")
            else:
                try:
                    json.loads(content)
                except ValueError:
                    raise bad("the document is declared application/json but is not valid JSON") from None
    _apply(_change(xr, res, xr.method, key, doc_id, content=content, content_type=ctype))
    return HttpResponse(status=204)


def _store(change: DocumentChange) -> None:
    content, ctype = change.content, change.content_type
    with transaction.atomic():
        doc = Document.objects.select_for_update().filter(**change.key, doc_id=change.doc_id).first()
        _preconditions(change, doc)
        if change.method == "POST" and doc is not None:
            if not (_is_json(ctype) and _is_json(doc.content_type)):
                raise bad("POST merges JSON objects only: both documents must be application/json")
            merged = _json_object(bytes(doc.content), "the stored document")
            merged.update(_json_object(content, "the document"))
            content = S.dumps(merged).encode("utf-8")
            ctype = "application/json"
        elif change.method == "POST" and not _is_json(ctype):
            pass  # a first POST of a non-JSON document stores it as is
        now = timezone.now()
        if doc is None:
            try:
                with transaction.atomic():
                    Document.objects.create(
                        **change.key,
                        doc_id=change.doc_id,
                        content=content,
                        content_type=ctype[:255],
                        etag=etag_of(content),
                        updated=now,
                    )
            except IntegrityError:
                raise XapiError(409, "the document was created concurrently; retry with If-Match") from None
        else:
            doc.content = content
            doc.content_type = ctype[:255]
            doc.etag = etag_of(content)
            doc.updated = now
            doc.save(update_fields=["content", "content_type", "etag", "updated"])


def get(xr: XRequest, res: Resource) -> HttpResponse:
    _check_scope(xr, res, writing=False)
    key = _key(xr, res, "GET")
    doc_id = _doc_id(xr, res, required=False)
    if doc_id is not None:
        if "since" in xr.params:
            raise bad(f"since is for listing documents, not with {res.id_param}")
        doc = Document.objects.filter(**key, doc_id=doc_id).first()
        if doc is None:
            raise XapiError(404, "no such document")
        resp = HttpResponse(bytes(doc.content), content_type=doc.content_type)
        resp["ETag"] = f'"{doc.etag}"'
        resp["Last-Modified"] = http_date(doc.updated)
        return resp
    qs = Document.objects.filter(**key)
    if "since" in xr.params:
        since = v.parse_timestamp(xr.params["since"])
        if since is None:
            raise bad("since must be an ISO 8601 timestamp")
        qs = qs.filter(updated__gt=since)
    rows = list(qs.order_by("updated", "id").values_list("doc_id", "updated"))
    resp = json_response(S.dumps([r[0] for r in rows]))
    if rows:
        resp["Last-Modified"] = http_date(max(r[1] for r in rows))
    return resp


def delete(xr: XRequest, res: Resource) -> HttpResponse:
    _check_scope(xr, res, writing=True)
    key = _key(xr, res, "DELETE")
    doc_id = _doc_id(xr, res, required=res.kind != Document.Kind.STATE)
    _apply(_change(xr, res, "DELETE", key, doc_id))
    return HttpResponse(status=204)


def _delete(change: DocumentChange) -> None:
    with transaction.atomic():
        if change.doc_id is None:
            Document.objects.filter(**change.key).delete()
        else:
            doc = Document.objects.select_for_update().filter(**change.key, doc_id=change.doc_id).first()
            _preconditions(change, doc)
            if doc is not None:
                doc.delete()
