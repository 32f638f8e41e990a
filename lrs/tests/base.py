"""Helpers shared by the LRS tests: credentials, xAPI requests, statements."""

from __future__ import annotations

import base64
import copy
import json
import uuid
from urllib.parse import urlencode

from hocvuso.testing import BaseTestCase
from lrs import auth, storage
from lrs.actions import create_client

VERB = "http://adlnet.gov/expapi/verbs/attended"
ACTIVITY = "http://www.example.com/meetings/occurances/34534"
MBOX = "mailto:xapi@adlnet.gov"

STATEMENT = {
    "actor": {"objectType": "Agent", "name": "xAPI mbox", "mbox": MBOX},
    "verb": {"id": VERB, "display": {"en-GB": "attended", "en-US": "attended"}},
    "object": {"objectType": "Activity", "id": ACTIVITY},
}


def statement(**overrides) -> dict:
    st = copy.deepcopy(STATEMENT)
    for key, value in overrides.items():
        if value is None:
            st.pop(key, None)
        else:
            st[key] = value
    return st


def basic(key: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


class LrsTestCase(BaseTestCase):
    """A national client with every scope (``self.key``/``self.secret``) and request helpers."""

    version = "1.0.3"

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.client_row, cls.secret = create_client(name="Test client", scopes="all")

    def setUp(self):
        super().setUp()
        # Cached ids and credentials would outlive the rows each test rolls back.
        storage.clear_caches()
        auth.clear_cache()
        self.auth = basic(self.client_row.key, self.secret)

    def xapi(
        self,
        method: str,
        path: str,
        params: dict | None = None,
        body=None,
        *,
        auth: str | None = None,
        version: str | None = None,
        content_type: str = "application/json",
        headers: dict | None = None,
    ):
        url = f"/xapi/{path}"
        if params:
            url += "?" + urlencode(params)
        extra = {"HTTP_AUTHORIZATION": auth if auth is not None else self.auth}
        if auth == "":
            del extra["HTTP_AUTHORIZATION"]
        ver = self.version if version is None else version
        if ver:
            extra["HTTP_X_EXPERIENCE_API_VERSION"] = ver
        for name, value in (headers or {}).items():
            extra["HTTP_" + name.upper().replace("-", "_")] = value
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        kwargs = {"content_type": content_type} if body is not None else {}
        return self.client.generic(method, url, body if body is not None else b"", **kwargs, **extra)

    def post_statements(self, body, **kw):
        return self.xapi("POST", "statements", body=body, **kw)

    def get_statements(self, params=None, **kw):
        return self.xapi("GET", "statements", params, **kw)

    def store(self, *statements, **kw) -> list[str]:
        resp = self.post_statements(list(statements), **kw)
        self.assertEqual(resp.status_code, 200, resp.content)
        return resp.json()

    def get_one(self, sid: str, **params) -> dict:
        resp = self.get_statements({"statementId": sid, **params})
        self.assertEqual(resp.status_code, 200, resp.content)
        return resp.json()

    def ids(self, resp) -> list[str]:
        self.assertEqual(resp.status_code, 200, resp.content)
        return [s["id"] for s in resp.json()["statements"]]

    def error(self, resp, status: int = 400) -> str:
        self.assertEqual(resp.status_code, status, resp.content)
        return resp.json()["error"]["message"]


def new_id() -> str:
    return str(uuid.uuid4())
