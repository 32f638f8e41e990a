"""Credentials: HTTP Basic keys and secrets, scopes, unit subtrees, learner tokens."""

from __future__ import annotations

import base64
import datetime as dt
import json
from unittest import mock

from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from lrs import auth
from lrs.actions import create_client, rotate_secret, set_client_active
from lrs.models import LrsClient, Statement
from lrs.tests.base import LrsTestCase, basic, statement


class AuthenticationTest(LrsTestCase):
    def test_requests_without_credentials_get_401_with_a_challenge(self):
        resp = self.get_statements(auth="")
        self.error(resp, 401)
        self.assertIn("Basic", resp["WWW-Authenticate"])

    def test_wrong_secrets_unknown_keys_and_malformed_headers_get_401(self):
        for header in (
            basic(self.client_row.key, "wrong"),
            basic("RobCIsNot", "AUserOnThisLRS123"),
            "Basic !!!",
            "Basic " + base64.b64encode(b"no-colon").decode(),
            "Digest abc",
        ):
            with self.subTest(header=header):
                self.error(self.get_statements(auth=header), 401)

    def test_a_disabled_credential_is_refused(self):
        set_client_active(client=self.client_row, active=False)
        self.error(self.get_statements(), 401)

    def test_a_rotated_secret_replaces_the_old_one(self):
        new = rotate_secret(client=self.client_row)
        auth.clear_cache()
        self.error(self.get_statements(), 401)
        self.assertEqual(self.get_statements(auth=basic(self.client_row.key, new)).status_code, 200)

    def test_the_principal_carries_the_credentials_xapi_version_and_is_cached_with_it(self):
        row, secret = create_client(name="ADL 1.0.3 suite", scopes="all", xapi_version="1.0.3")
        self.assertEqual(auth.authenticate(basic(row.key, secret)).xapi_version, "1.0.3")
        with self.assertNumQueries(0):
            self.assertEqual(auth.authenticate(basic(row.key, secret)).xapi_version, "1.0.3")
        self.assertEqual(auth.authenticate(self.auth).xapi_version, "")

    def test_unknown_xapi_versions_are_refused_when_creating_a_credential(self):
        for version in ("1.0", "2.0", "0.95", "x"):
            with self.subTest(version=version), self.assertRaises(ValidationError) as caught:
                create_client(name="X", scopes="all", xapi_version=version)
            self.assertIn("xapi_version", caught.exception.message_dict)
        self.assertFalse(LrsClient.objects.filter(name="X").exists())

    def test_a_secret_never_begins_with_a_dash_that_command_lines_would_take_for_an_option(self):
        draws = iter(["-dash-first", "_fine-secret"])
        with mock.patch("lrs.models.secrets.token_urlsafe", side_effect=lambda n: next(draws)):
            self.assertEqual(LrsClient.generate_secret(), "_fine-secret")

    def test_only_a_digest_of_the_secret_is_stored(self):
        row = LrsClient.objects.get(pk=self.client_row.pk)
        self.assertNotIn(self.secret, row.secret_digest)
        self.assertEqual(row.secret_digest, LrsClient.hash(self.secret))


class ScopesTest(LrsTestCase):
    def client_with(self, scopes, unit=None):
        row, secret = create_client(name=f"scoped {scopes}", scopes=scopes, unit=unit)
        return basic(row.key, secret)

    def test_writing_needs_statements_write_or_all(self):
        reader = self.client_with("statements/read")
        self.error(self.post_statements(statement(), auth=reader), 403)
        writer = self.client_with("statements/write")
        self.assertEqual(self.post_statements(statement(), auth=writer).status_code, 200)

    def test_reading_needs_a_read_scope(self):
        writer = self.client_with("statements/write")
        self.error(self.get_statements(auth=writer), 403)
        for scope in ("statements/read", "all/read", "all"):
            with self.subTest(scope=scope):
                self.assertEqual(self.get_statements(auth=self.client_with(scope)).status_code, 200)

    def test_read_mine_returns_only_the_credentials_own_statements(self):
        mine = self.client_with("statements/write statements/read/mine")
        own = self.store(statement(), auth=mine)[0]
        other = self.store(statement())[0]
        self.assertEqual(self.ids(self.get_statements(auth=mine)), [own])
        self.error(self.get_statements({"statementId": other}, auth=mine), 404)

    def test_documents_need_their_scopes(self):
        writer = self.client_with("statements/write")
        params = {"activityId": "http://example.org/a", "agent": '{"mbox":"mailto:a@example.org"}', "stateId": "s"}
        self.error(self.xapi("PUT", "activities/state", params, {"x": 1}, auth=writer), 403)
        reader = self.client_with("all/read")
        self.error(self.xapi("PUT", "activities/state", params, {"x": 1}, auth=reader), 403)
        self.assertEqual(self.xapi("GET", "activities/state", params, auth=reader).status_code, 404)

    def test_unknown_scopes_are_refused_when_creating_a_credential(self):
        with self.assertRaises(ValidationError):
            create_client(name="bad", scopes="statements/delete")
        with self.assertRaises(ValidationError):
            create_client(name="none", scopes="")


class SubtreeTest(LrsTestCase):
    """A province's client never reads another province's records."""

    def setUp(self):
        super().setUp()
        hanoi, s1 = create_client(name="Hà Nội warehouse", scopes="all", unit=self.hanoi)
        lienminh, s2 = create_client(name="Liên Minh content", scopes="statements/write", unit=self.lienminh)
        gialai, s3 = create_client(name="Gia Lai warehouse", scopes="all", unit=self.gialai)
        self.hanoi_auth, self.lienminh_auth, self.gialai_auth = (
            basic(hanoi.key, s1),
            basic(lienminh.key, s2),
            basic(gialai.key, s3),
        )
        self.in_hanoi = self.store(statement(), auth=self.hanoi_auth)[0]
        self.in_lienminh = self.store(statement(), auth=self.lienminh_auth)[0]
        self.in_gialai = self.store(statement(), auth=self.gialai_auth)[0]
        self.national = self.store(statement())[0]

    def test_statements_belong_to_the_unit_of_the_credential_that_wrote_them(self):
        self.assertEqual(Statement.objects.get(statement_id=self.in_lienminh).unit_id, self.lienminh.pk)

    def test_a_province_reads_its_whole_subtree_and_nothing_else(self):
        ids = self.ids(self.get_statements(auth=self.hanoi_auth))
        self.assertEqual(set(ids), {self.in_hanoi, self.in_lienminh})
        self.assertEqual(self.ids(self.get_statements(auth=self.gialai_auth)), [self.in_gialai])

    def test_another_provinces_statement_is_not_found(self):
        self.error(self.get_statements({"statementId": self.in_hanoi}, auth=self.gialai_auth), 404)
        self.error(self.get_statements({"statementId": self.national}, auth=self.gialai_auth), 404)

    def test_filters_stay_inside_the_subtree(self):
        agent = '{"mbox":"mailto:xapi@adlnet.gov"}'
        ids = self.ids(self.get_statements({"agent": agent}, auth=self.gialai_auth))
        self.assertEqual(ids, [self.in_gialai])

    def test_a_national_client_reads_everything(self):
        self.assertEqual(len(self.ids(self.get_statements())), 4)

    def test_documents_of_one_province_are_invisible_to_another(self):
        params = {"activityId": "http://example.org/a", "agent": '{"mbox":"mailto:a@example.org"}', "stateId": "s"}
        self.xapi("PUT", "activities/state", params, {"province": "Hà Nội"}, auth=self.hanoi_auth)
        self.error(self.xapi("GET", "activities/state", params, auth=self.gialai_auth), 404)
        self.xapi("PUT", "activities/state", params, {"province": "Gia Lai"}, auth=self.gialai_auth)
        resp = self.xapi("GET", "activities/state", params, auth=self.hanoi_auth)
        self.assertEqual(resp.json(), {"province": "Hà Nội"})


class LearnerTokenTest(LrsTestCase):
    def setUp(self):
        super().setUp()
        self.client.force_login(self.mai)
        resp = self.client.post(reverse("lrs:token"))
        self.assertEqual(resp.status_code, 200)
        self.launch = resp.json()
        self.client.logout()
        self.token_auth = self.launch["auth"]
        self.me = self.launch["actor"]

    def test_the_token_names_the_endpoint_and_the_learners_agent(self):
        self.assertTrue(self.launch["endpoint"].endswith("/xapi/"))
        self.assertEqual(self.me["account"]["name"], f"person/{self.p_mai.pk}")

    def test_content_records_the_learners_own_statements_with_a_two_member_authority(self):
        sid = self.store(statement(actor=self.me), auth=self.token_auth)[0]
        st = self.get_one(sid)
        self.assertEqual(st["authority"]["objectType"], "Group")
        self.assertEqual(len(st["authority"]["member"]), 2)
        self.assertEqual(Statement.objects.get(statement_id=sid).unit_id, self.school.pk)

    def test_content_cannot_record_for_someone_else(self):
        self.error(self.post_statements(statement(), auth=self.token_auth), 403)

    def test_content_reads_only_the_learners_statements(self):
        mine = self.store(statement(actor=self.me), auth=self.token_auth)[0]
        self.store(statement())
        self.assertEqual(self.ids(self.get_statements(auth=self.token_auth)), [mine])

    def test_content_keeps_state_for_the_learner_only(self):
        me = {"activityId": "http://example.org/a", "agent": json.dumps(self.me), "stateId": "s"}
        self.assertEqual(self.xapi("PUT", "activities/state", me, {"page": 3}, auth=self.token_auth).status_code, 204)
        other = dict(me, agent='{"mbox":"mailto:someone@example.org"}')
        self.error(self.xapi("PUT", "activities/state", other, {"page": 3}, auth=self.token_auth), 403)

    def test_an_expired_token_is_refused(self):
        later = dt.datetime.now().timestamp() + auth.TOKEN_SECONDS + 60
        with mock.patch("time.time", return_value=later):
            self.error(self.get_statements(auth=self.token_auth), 401)

    def test_a_user_without_a_person_gets_no_token(self):
        self.client.force_login(self.hoa)
        self.assertEqual(self.client.post(reverse("lrs:token")).status_code, 403)

    def test_a_token_is_refused_once_the_user_is_disabled(self):
        self.mai.is_active = False
        self.mai.save(update_fields=["is_active"])
        self.error(self.get_statements(auth=self.token_auth), 401)

    def test_an_unversioned_request_with_a_token_is_labelled_with_the_server_setting(self):
        for setting in ("1.0.3", "2.0.0"):
            with self.subTest(setting=setting), override_settings(LRS_UNVERSIONED_RESPONSE_VERSION=setting):
                resp = self.get_statements(auth=self.token_auth, version="")
                self.error(resp)
                self.assertEqual(resp["X-Experience-API-Version"], setting)

    def test_bearer_tokens_work_too(self):
        token = base64.b64decode(self.token_auth.split()[1]).decode().split(":", 1)[1]
        self.assertEqual(self.get_statements(auth=f"Bearer {token}").status_code, 200)
