"""The HTTP rules every resource follows: versions, CORS, HEAD, alternate request syntax, About."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.test import override_settings

from lrs.actions import create_client
from lrs.models import Statement
from lrs.tests.base import LrsTestCase, basic, new_id, statement


class VersionHeaderTest(LrsTestCase):
    def test_requests_without_the_version_header_are_rejected(self):
        for method in ("GET", "POST", "PUT"):
            with self.subTest(method=method):
                resp = self.xapi(
                    method,
                    "statements",
                    {"statementId": new_id()} if method == "PUT" else None,
                    statement() if method != "GET" else None,
                    version="",
                )
                self.assertIn("X-Experience-API-Version", self.error(resp))
                self.assertIn(resp["X-Experience-API-Version"], ("1.0.3", "2.0.0"))

    def test_unsupported_versions_are_rejected(self):
        for version in ("0.9", "0.95", "1.1.0", "3.0", "BAD", "1.0.x"):
            with self.subTest(version=version):
                self.error(self.get_statements(version=version))

    def test_1_0_x_requests_are_answered_as_1_0_3_and_2_0_x_as_2_0_0(self):
        for sent, answered in (
            ("1.0", "1.0.3"),
            ("1.0.0", "1.0.3"),
            ("1.0.3", "1.0.3"),
            ("1.0.9", "1.0.3"),
            ("2.0", "2.0.0"),
            ("2.0.0", "2.0.0"),
        ):
            with self.subTest(sent=sent):
                self.assertEqual(self.get_statements(version=sent)["X-Experience-API-Version"], answered)

    def test_errors_carry_the_version_header_too(self):
        resp = self.get_statements({"statementId": "nope"})
        self.assertEqual(resp["X-Experience-API-Version"], "1.0.3")


class UnversionedLabelTest(LrsTestCase):
    """The version header of the 400 answer to a request that names no version (CONFORMANCE.md note 1)."""

    def unversioned(self, client_row=None, secret=None, **kw):
        if client_row is not None:
            kw["auth"] = basic(client_row.key, secret)
        return self.get_statements(version="", **kw)

    def test_a_1_0_3_credential_gets_its_refusal_labelled_1_0_3(self):
        row, secret = create_client(name="ADL 1.0.3 suite", scopes="all", xapi_version="1.0.3")
        resp = self.unversioned(row, secret)
        self.assertIn("X-Experience-API-Version", self.error(resp))
        self.assertEqual(resp["X-Experience-API-Version"], "1.0.3")

    @override_settings(LRS_UNVERSIONED_RESPONSE_VERSION="1.0.3")
    def test_a_2_0_0_credential_gets_2_0_0_whatever_the_server_setting(self):
        row, secret = create_client(name="ADL 2.0 suite", scopes="all", xapi_version="2.0.0")
        resp = self.unversioned(row, secret)
        self.error(resp)
        self.assertEqual(resp["X-Experience-API-Version"], "2.0.0")

    def test_a_credential_without_a_version_follows_the_server_setting(self):
        for setting in ("1.0.3", "2.0.0"):
            with self.subTest(setting=setting), override_settings(LRS_UNVERSIONED_RESPONSE_VERSION=setting):
                resp = self.unversioned()
                self.error(resp)
                self.assertEqual(resp["X-Experience-API-Version"], setting)

    def test_an_unsupported_version_is_labelled_like_a_missing_one(self):
        row, secret = create_client(name="ADL 1.0.3 suite", scopes="all", xapi_version="1.0.3")
        resp = self.get_statements(version="0.95", auth=basic(row.key, secret))
        self.error(resp)
        self.assertEqual(resp["X-Experience-API-Version"], "1.0.3")

    def test_a_credentials_version_does_not_change_versioned_requests(self):
        row, secret = create_client(name="ADL 1.0.3 suite", scopes="all", xapi_version="1.0.3")
        resp = self.get_statements(version="2.0.0", auth=basic(row.key, secret))
        self.assertEqual(resp.status_code, 200)
        self.assertEqual(resp["X-Experience-API-Version"], "2.0.0")

    def test_bad_credentials_get_the_server_settings_label(self):
        row, _ = create_client(name="ADL 1.0.3 suite", scopes="all", xapi_version="1.0.3")
        for setting in ("1.0.3", "2.0.0"):
            for header in (basic(row.key, "wrong"), ""):
                with (
                    self.subTest(setting=setting, header=header),
                    override_settings(LRS_UNVERSIONED_RESPONSE_VERSION=setting),
                ):
                    resp = self.unversioned(auth=header)
                    self.error(resp, 401)
                    self.assertEqual(resp["X-Experience-API-Version"], setting)

    def test_a_401_to_a_versioned_request_carries_the_requests_version(self):
        for sent, answered in (("1.0.3", "1.0.3"), ("2.0", "2.0.0")):
            with self.subTest(sent=sent):
                resp = self.get_statements(version=sent, auth="")
                self.error(resp, 401)
                self.assertEqual(resp["X-Experience-API-Version"], answered)

    @override_settings(LRS_UNVERSIONED_RESPONSE_VERSION="1.0.3")
    def test_about_without_a_version_follows_the_server_setting(self):
        self.assertEqual(self.client.get("/xapi/about")["X-Experience-API-Version"], "1.0.3")


class AboutTest(LrsTestCase):
    def test_about_needs_neither_credentials_nor_version_and_lists_versions(self):
        resp = self.client.get("/xapi/about")
        self.assertEqual(resp.status_code, 200)
        body = resp.json()
        self.assertIn("1.0.3", body["version"])
        self.assertIn("2.0.0", body["version"])
        self.assertEqual(body["extensions"], {})

    def test_about_answers_head(self):
        resp = self.client.head("/xapi/about")
        self.assertEqual(resp.status_code, 200)
        self.assertEqual(resp.content, b"")


class CorsTest(LrsTestCase):
    def test_a_preflight_needs_no_credentials_and_allows_xapi_headers(self):
        resp = self.client.options(
            "/xapi/statements", HTTP_ORIGIN="https://content.example.org", HTTP_ACCESS_CONTROL_REQUEST_METHOD="PUT"
        )
        self.assertEqual(resp.status_code, 200)
        self.assertEqual(resp["Access-Control-Allow-Origin"], "https://content.example.org")
        for header in ("Authorization", "X-Experience-API-Version", "If-Match", "Content-Type"):
            self.assertIn(header, resp["Access-Control-Allow-Headers"])
        self.assertIn("PUT", resp["Access-Control-Allow-Methods"])

    def test_responses_expose_the_xapi_headers_to_scripts(self):
        resp = self.get_statements(headers={"Origin": "https://content.example.org"})
        self.assertIn("X-Experience-API-Consistent-Through", resp["Access-Control-Expose-Headers"])
        self.assertIn("ETag", resp["Access-Control-Expose-Headers"])


class MethodsTest(LrsTestCase):
    def test_unsupported_methods_get_405(self):
        resp = self.xapi("DELETE", "statements")
        self.error(resp, 405)
        self.error(self.xapi("POST", "activities", {"activityId": "http://example.org/a"}, {}), 405)


class AlternateRequestSyntaxTest(LrsTestCase):
    def alt(
        self,
        method: str,
        form: dict,
        *,
        query: dict | None = None,
        http_method: str = "POST",
        content_type: str = "application/x-www-form-urlencoded",
        body: bytes | None = None,
    ):
        params = {"method": method, **(query or {})}
        data = body if body is not None else urlencode(form).encode()
        return self.client.generic(
            http_method, "/xapi/statements?" + urlencode(params), data, content_type=content_type
        )

    def form(self, **extra) -> dict:
        return {"Authorization": self.auth, "X-Experience-API-Version": "1.0.3", **extra}

    def test_a_get_can_be_sent_as_a_form_post(self):
        self.store(statement())
        resp = self.alt("GET", self.form(limit="1"))
        self.assertEqual(resp.status_code, 200, resp.content)
        body = resp.json()
        self.assertEqual(len(body["statements"]), 1)
        self.assertIn("more", body)

    def test_a_put_can_be_sent_as_a_form_post_with_its_content(self):
        sid = new_id()
        resp = self.alt("PUT", self.form(statementId=sid, content=json.dumps(statement())))
        self.assertEqual(resp.status_code, 204, resp.content)
        self.assertTrue(Statement.objects.filter(statement_id=sid).exists())

    def test_headers_in_the_form_are_headers(self):
        resp = self.alt(
            "PUT",
            {**self.form(statementId=new_id(), content=json.dumps(statement())), "X-Experience-API-Version": "0.8"},
        )
        self.error(resp)
        resp = self.alt("GET", {**self.form(), "Authorization": "Basic Zm9vOmJhcg=="})
        self.error(resp, 401)

    def test_it_must_be_a_post_without_other_query_parameters(self):
        form = self.form(statementId=new_id(), content=json.dumps(statement()))
        self.error(self.alt("PUT", form, http_method="PUT"))
        self.error(self.alt("PUT", form, query={"statementId": form["statementId"]}))

    def test_it_needs_a_url_encoded_content_field(self):
        self.error(self.alt("PUT", self.form(statementId=new_id())))
        form = self.form(statementId=new_id(), content=json.dumps(statement()))
        self.error(self.alt("PUT", form, content_type="application/json", body=json.dumps(form).encode()))

    def test_xapi_2_0_has_no_alternate_request_syntax(self):
        resp = self.alt("GET", {**self.form(), "X-Experience-API-Version": "2.0.0"})
        self.assertIn("2.0", self.error(resp))


class ErrorsTest(LrsTestCase):
    def test_errors_are_json_naming_the_problem_never_a_server_error(self):
        resp = self.post_statements([statement(), statement(actor=5)])
        self.assertEqual(resp["Content-Type"], "application/json")
        self.assertEqual(resp.json()["error"]["code"], 400)
        self.assertIn("statement[1].actor", resp.json()["error"]["message"])

    def test_a_body_nested_too_deeply_is_a_400(self):
        resp = self.post_statements("[" * 100_000 + "]" * 100_000)
        self.assertIn("nests too deeply", self.error(resp))

    def test_a_body_over_the_upload_limit_is_a_413(self):
        with self.settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000):
            resp = self.post_statements([statement() for _ in range(20)])
        self.error(resp, 413)
