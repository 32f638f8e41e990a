"""The HTTP side of xAPI: requests (with the alternate request syntax), errors, headers, multipart bodies.

Views see an :class:`XRequest`, the same whether the client sent a plain
request or a ``POST ?method=PUT`` form (xAPI 1.0.3 Communication 1.3), and
raise :class:`XapiError` for anything wrong; ``respond_error`` turns it into
the JSON error response with the xAPI headers.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass, field
from email.utils import format_datetime
from urllib.parse import parse_qsl

from django.conf import settings
from django.http import HttpResponse

from lrs import statements as S
from lrs import validation as v

# The version answered for 1.0.x and 2.0.x requests.
V1_HEADER = "1.0.3"
V2_HEADER = "2.0.0"
SUPPORTED = ["1.0.0", "1.0.1", "1.0.2", "1.0.3", "2.0.0"]
_VERSION_RE = re.compile(r"(1|2)\.0(?:\.(\d+))?\Z")


def unversioned_label(principal=None) -> str:
    """The version header on a response to a request that names no (supported) version.

    The 1.0.3 and 2.0 conformance suites want different labels for the same
    request (lrs/CONFORMANCE.md note 1), so an authenticated credential's own
    version wins; anyone else gets the server setting, read per request (not
    at import) so override_settings reaches it.
    """
    label = getattr(principal, "xapi_version", "")
    return label or getattr(settings, "LRS_UNVERSIONED_RESPONSE_VERSION", V2_HEADER)


# Header names the alternate request syntax carries as form fields.
_FORM_HEADERS = {
    "authorization": "authorization",
    "x-experience-api-version": "x-experience-api-version",
    "content-type": "content-type",
    "content-length": "content-length",
    "if-match": "if-match",
    "if-none-match": "if-none-match",
}

CORS_HEADERS = {
    "Access-Control-Allow-Methods": "HEAD, GET, POST, PUT, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": (
        "Content-Type, Content-Length, Authorization, X-Experience-API-Version, If-Match, If-None-Match, "
        "Accept-Language"
    ),
    "Access-Control-Expose-Headers": (
        "ETag, Last-Modified, Content-Type, Content-Length, X-Experience-API-Version, "
        "X-Experience-API-Consistent-Through"
    ),
    "Access-Control-Max-Age": "86400",
}


class XapiError(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def bad(message: str) -> XapiError:
    return XapiError(400, message)


@dataclass
class XRequest:
    method: str
    params: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes
    content_type: str  # media type, lower case, without parameters
    content_type_params: dict[str, str] = field(default_factory=dict)
    version: str = v.V1
    version_header: str = V1_HEADER
    alternate: bool = False
    principal: object = None
    django: object = None

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name, default)


def parse_media_type(value: str) -> tuple[str, dict[str, str]]:
    mtype, _, rest = value.partition(";")
    params = {}
    for part in rest.split(";"):
        key, eq, val = part.strip().partition("=")
        if eq:
            params[key.strip().lower()] = val.strip().strip('"')
    return mtype.strip().lower(), params


def build(request) -> XRequest:
    """An XRequest from a Django request, unwrapping the alternate request syntax."""
    meta = request.META
    headers = {}
    for key, value in meta.items():
        if key.startswith("HTTP_"):
            headers[key[5:].replace("_", "-").lower()] = value
    if "CONTENT_TYPE" in meta:
        headers["content-type"] = meta["CONTENT_TYPE"]
    if meta.get("CONTENT_LENGTH"):
        headers["content-length"] = meta["CONTENT_LENGTH"]
    method = request.method.upper()
    params = {k: request.GET[k] for k in request.GET}
    body = request.body
    alternate = False

    if "method" in params:
        alternate = True
        if method != "POST":
            raise bad("the alternate request syntax (method=...) must be sent as a POST")
        if len(params) > 1:
            extra = ", ".join(sorted(k for k in params if k != "method"))
            raise bad(f"the alternate request syntax allows no query parameter but method (found {extra})")
        target = params["method"].upper()
        if target not in ("GET", "HEAD", "PUT", "POST", "DELETE"):
            raise bad(f"method={params['method']!r} is not an HTTP method xAPI uses")
        mtype, _ = parse_media_type(headers.get("content-type", ""))
        if mtype != "application/x-www-form-urlencoded":
            raise bad("an alternate request syntax body must be application/x-www-form-urlencoded")
        try:
            form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body)))
        except (UnicodeDecodeError, ValueError):
            raise bad("the alternate request syntax body is not a valid url-encoded form") from None
        params = {}
        content = None
        headers.pop("content-type", None)
        for key, value in form.items():
            lower = key.lower()
            if lower in _FORM_HEADERS:
                headers[_FORM_HEADERS[lower]] = value
            elif key == "content":
                content = value
            else:
                params[key] = value
        if target in ("PUT", "POST") and content is None:
            raise bad("an alternate request syntax PUT or POST needs a form field named 'content'")
        body = (content or "").encode("utf-8")
        if content is not None and "content-type" not in headers:
            headers["content-type"] = "application/json"
        method = target

    mtype, mparams = parse_media_type(headers.get("content-type", ""))
    return XRequest(
        method=method,
        params=params,
        headers=headers,
        body=body,
        content_type=mtype,
        content_type_params=mparams,
        alternate=alternate,
        django=request,
    )


def negotiate_version(xr: XRequest) -> None:
    """The xAPI version of the request from its header; XapiError(400) without a supported one.

    Call it after authentication: the refusal is labelled with the caller's version (see unversioned_label).
    """
    raw = xr.headers.get("x-experience-api-version")
    if raw is None:
        xr.version_header = unversioned_label(xr.principal)
        raise bad("the X-Experience-API-Version header is required")
    m = _VERSION_RE.match(raw.strip())
    if m is None:
        xr.version_header = unversioned_label(xr.principal)
        raise bad(f"X-Experience-API-Version {raw!r} is not supported (use 1.0.x or 2.0.x)")
    if m.group(1) == "2":
        xr.version, xr.version_header = v.V2, V2_HEADER
    else:
        xr.version, xr.version_header = v.V1, V1_HEADER


def json_response(text: str | bytes, status: int = 200, content_type: str = "application/json") -> HttpResponse:
    return HttpResponse(text, status=status, content_type=content_type)


def error_response(err: XapiError) -> HttpResponse:
    resp = json_response(S.dumps({"error": {"code": err.status, "message": err.message}}), status=err.status)
    for k, val in err.headers.items():
        resp[k] = val
    return resp


def http_date(value: dt.datetime) -> str:
    return format_datetime(value.astimezone(dt.UTC), usegmt=True)


# --- multipart/mixed ------------------------------------------------------------------


@dataclass
class Part:
    headers: dict[str, str]
    body: bytes


def parse_multipart(body: bytes, boundary: str) -> list[Part]:
    """Split a multipart/mixed body (RFC 2046) into parts; XapiError(400) when malformed."""
    if not boundary:
        raise bad("a multipart/mixed request needs a boundary parameter in its Content-Type")
    delim = b"--" + boundary.encode("latin-1")
    start = body.find(delim)
    if start == -1 or (start > 0 and body[start - 2 : start] != b"\r\n" and body[start - 1 : start] != b"\n"):
        raise bad("the multipart body does not contain its boundary")
    parts = []
    pos = start + len(delim)
    while True:
        if body[pos : pos + 2] == b"--":
            break  # closing delimiter
        eol = body.find(b"\n", pos)
        if eol == -1:
            raise bad("the multipart body ends without its closing boundary")
        pos = eol + 1
        nxt = body.find(b"\r\n" + delim, pos)
        crlf = 2
        if nxt == -1:
            nxt = body.find(b"\n" + delim, pos)
            crlf = 1
        if nxt == -1:
            raise bad("the multipart body ends without its closing boundary")
        raw = body[pos:nxt]
        head, sep, content = raw.partition(b"\r\n\r\n")
        if not sep:
            head, sep, content = raw.partition(b"\n\n")
            if not sep:
                if raw.startswith(b"\r\n") or raw.startswith(b"\n"):
                    head, content = b"", raw.split(b"\n", 1)[1]
                else:
                    raise bad("a multipart part has no blank line after its headers")
        headers = {}
        for line in head.decode("latin-1").splitlines():
            if not line.strip():
                continue
            name, colon, value = line.partition(":")
            if not colon:
                raise bad(f"a multipart part has a malformed header line {line[:60]!r}")
            headers[name.strip().lower()] = value.strip()
        parts.append(Part(headers, content))
        pos = nxt + crlf + len(delim)
    return parts


def build_multipart(first_json: str, attachments: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/mixed body: the JSON, then each (sha2, content type, content)."""
    boundary = "hvs-" + secrets.token_hex(16)
    out = [
        f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n".encode(),
        first_json.encode("utf-8"),
        b"\r\n",
    ]
    for sha2, ctype, content in attachments:
        out.append(
            f"--{boundary}\r\nContent-Type: {ctype}\r\nContent-Transfer-Encoding: binary\r\n"
            f"X-Experience-API-Hash: {sha2}\r\n\r\n".encode()
        )
        out.append(content)
        out.append(b"\r\n")
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), boundary
