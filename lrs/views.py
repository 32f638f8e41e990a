"""The xAPI resources at /xapi/.

Each URL has one view that hands the request to :func:`dispatch`: CORS
preflight, the alternate request syntax, authentication, the version header,
the method's handler, HEAD (a GET without its body), and the headers every
xAPI response carries. Handlers raise :class:`lrs.http.XapiError`.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging

from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from lrs import auth, document_api, statement_api
from lrs import statements as S
from lrs import validation as v
from lrs.http import (
    CORS_HEADERS,
    SUPPORTED,
    XapiError,
    bad,
    build,
    error_response,
    json_response,
    negotiate_version,
    unversioned_label,
)
from lrs.models import Scope
from lrs.storage import store

log = logging.getLogger(__name__)


def _cors(request, resp: HttpResponse) -> HttpResponse:
    origin = request.META.get("HTTP_ORIGIN")
    resp["Access-Control-Allow-Origin"] = origin or "*"
    if origin:
        resp["Vary"] = "Origin"
    for k, val in CORS_HEADERS.items():
        resp[k] = val
    return resp


def dispatch(request, handlers: dict, *, public: bool = False, consistent: bool = False) -> HttpResponse:
    if request.method == "OPTIONS":
        resp = HttpResponse(status=200)
        resp["Allow"] = ", ".join(["OPTIONS", "HEAD", *handlers])
        return _cors(request, resp)
    xr = None
    version_header = None
    try:
        xr = build(request)
        if public:
            try:
                negotiate_version(xr)
            except XapiError:
                pass  # the About resource answers every client, whatever its version
        else:
            try:
                xr.principal = auth.authenticate(xr.headers.get("authorization"))
            except auth.AuthError as exc:
                # Label the 401 with the version the request names, or the server setting without one.
                try:
                    negotiate_version(xr)
                except XapiError:
                    pass
                raise XapiError(401, exc.message, {"WWW-Authenticate": 'Basic realm="xAPI"'}) from None
            negotiate_version(xr)
            if xr.alternate and xr.version == v.V2:
                raise bad("xAPI 2.0 has no alternate request syntax (method=...); send the request itself")
        version_header = xr.version_header
        method = "GET" if xr.method == "HEAD" else xr.method
        handler = handlers.get(method)
        if handler is None:
            resp = error_response(XapiError(405, f"{xr.method} is not allowed here"))
            resp["Allow"] = ", ".join(["OPTIONS", "HEAD", *handlers])
        else:
            resp = handler(xr)
        if xr.method == "HEAD":
            length = len(resp.content)
            resp.content = b""
            resp["Content-Length"] = str(length)
    except XapiError as exc:
        resp = error_response(exc)
        if xr is not None:
            version_header = xr.version_header
    except RequestDataTooBig:
        resp = error_response(XapiError(413, "the request body is larger than this LRS accepts"))
    except Exception:  # never a 500 without a log line; the client still gets JSON
        log.exception("LRS request failed: %s %s", request.method, request.get_full_path())
        resp = error_response(XapiError(500, "internal error"))
    resp["X-Experience-API-Version"] = version_header or unversioned_label()
    if consistent:
        resp["X-Experience-API-Consistent-Through"] = statement_api.consistent_through()
    return _cors(request, resp)


@csrf_exempt
def statements(request):
    return dispatch(
        request,
        {"GET": statement_api.get, "PUT": statement_api.put, "POST": statement_api.post},
        consistent=True,
    )


def _documents(request, res):
    return dispatch(
        request,
        {
            "GET": lambda xr: document_api.get(xr, res),
            "PUT": lambda xr: document_api.write(xr, res),
            "POST": lambda xr: document_api.write(xr, res),
            "DELETE": lambda xr: document_api.delete(xr, res),
        },
    )


@csrf_exempt
def state(request):
    return _documents(request, document_api.STATE)


@csrf_exempt
def activity_profile(request):
    return _documents(request, document_api.ACTIVITY_PROFILE)


@csrf_exempt
def agent_profile(request):
    return _documents(request, document_api.AGENT_PROFILE)


_LOOKUP_SCOPES = (
    Scope.STATEMENTS_READ,
    Scope.STATEMENTS_READ_MINE,
    Scope.ALL_READ,
    Scope.ALL,
    Scope.DEFINE,
    Scope.PROFILE,
    Scope.STATE,
)


def _get_activity(xr):
    if not xr.principal.has(*_LOOKUP_SCOPES):
        raise XapiError(403, "this credential may not read activities")
    unknown = set(xr.params) - {"activityId"}
    if unknown:
        raise bad(f"unknown parameter(s): {', '.join(sorted(unknown))}")
    iri = xr.params.get("activityId")
    if iri is None:
        raise bad("the activityId parameter is required")
    if not v.is_iri(iri):
        raise bad("activityId must be an IRI")
    # Without a definition the LRS still answers with the Activity itself (xAPI 2.0 4.1.6.4).
    activity = store.activity(iri) or {"objectType": "Activity", "id": iri}
    return json_response(S.dumps(activity))


def _get_agent(xr):
    if not xr.principal.has(*_LOOKUP_SCOPES):
        raise XapiError(403, "this credential may not read agents")
    unknown = set(xr.params) - {"agent"}
    if unknown:
        raise bad(f"unknown parameter(s): {', '.join(sorted(unknown))}")
    raw = xr.params.get("agent")
    if raw is None:
        raise bad("the agent parameter is required")
    try:
        agent = v.agent_param(json.loads(raw), "agent", allow_group=False)
    except ValueError as exc:
        raise bad(str(exc) if isinstance(exc, v.XapiValidationError) else "agent must be JSON") from None
    names = store.agent_names(v.ifi_key(agent)) or []
    if not names and agent.get("name"):
        names = [agent["name"]]
    person = {"objectType": "Person"}
    if names:
        person["name"] = names
    for key in ("mbox", "mbox_sha1sum", "openid", "account"):
        if key in agent:
            person[key] = [agent[key]]
    return json_response(S.dumps(person))


@csrf_exempt
def activities(request):
    return dispatch(request, {"GET": _get_activity})


@csrf_exempt
def agents(request):
    return dispatch(request, {"GET": _get_agent})


def _about(xr):
    return json_response(S.dumps({"version": SUPPORTED, "extensions": {}}))


@csrf_exempt
def about(request):
    return dispatch(request, {"GET": _about}, public=True)


@login_required
@require_POST
def token(request):
    """A short-lived token for the signed-in learner's browser content (POST, CSRF-protected)."""
    if request.user.person_id is None:
        return JsonResponse({"error": "this account is not linked to a person"}, status=403)
    tok = auth.learner_token(request.user)
    return JsonResponse(
        {
            "endpoint": request.build_absolute_uri(reverse("lrs:about").removesuffix("about")),
            "auth": f"Basic {_basic('token', tok)}",
            "actor": auth.person_agent(request.user.person),
            "expires": S.format_time(timezone.now() + dt.timedelta(seconds=auth.TOKEN_SECONDS)),
        }
    )


def _basic(user: str, secret: str) -> str:
    return base64.b64encode(f"{user}:{secret}".encode()).decode("ascii")
