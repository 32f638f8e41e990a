"""Administration pages: statements browser, learner timeline, JSON-lines export, credentials."""

from __future__ import annotations

import json

from django.urls import reverse

import lrs
from lrs.actions import create_client
from lrs.models import LrsClient
from lrs.tests.base import LrsTestCase, basic, statement

COURSE = lrs.activity_iri("course", 7)


class StatementsBrowserTest(LrsTestCase):
    def setUp(self):
        super().setUp()
        hanoi, s1 = create_client(name="Hà Nội content", scopes="all", unit=self.lienminh)
        gialai, s2 = create_client(name="Gia Lai content", scopes="all", unit=self.gialai)
        self.hanoi_id = self.store(
            statement(actor={"name": "Học viên Hà Nội", "mbox": "mailto:hn@example.org"}), auth=basic(hanoi.key, s1)
        )[0]
        self.gialai_id = self.store(
            statement(actor={"name": "Học viên Gia Lai", "mbox": "mailto:gl@example.org"}), auth=basic(gialai.key, s2)
        )[0]

    def test_a_province_admin_sees_only_statements_of_the_province(self):
        self.login(self.hoa)
        resp = self.client.get(reverse("lrs:statement_list"))
        self.assertContains(resp, "Học viên Hà Nội")
        self.assertNotContains(resp, "Học viên Gia Lai")
        self.login(self.pleiku)
        resp = self.client.get(reverse("lrs:statement_list"))
        self.assertContains(resp, "Học viên Gia Lai")
        self.assertNotContains(resp, "Học viên Hà Nội")

    def test_a_system_admin_sees_everything(self):
        self.login(self.root)
        resp = self.client.get(reverse("lrs:statement_list"))
        self.assertContains(resp, "Học viên Hà Nội")
        self.assertContains(resp, "Học viên Gia Lai")

    def test_a_learner_without_view_rights_is_refused(self):
        self.login(self.mai)
        self.assertEqual(self.client.get(reverse("lrs:statement_list")).status_code, 403)

    def test_filters_narrow_the_list_and_bad_filters_say_why(self):
        self.login(self.root)
        resp = self.client.get(reverse("lrs:statement_list"), {"agent": "gl@example.org"})
        self.assertContains(resp, "Học viên Gia Lai")
        self.assertNotContains(resp, "Học viên Hà Nội")
        resp = self.client.get(reverse("lrs:statement_list"), {"verb": "not an iri"})
        self.assertEqual(resp.status_code, 400)
        self.assertIn("verb", resp.context["form"].errors)

    def test_the_list_costs_the_same_queries_for_more_rows(self):
        self.login(self.root)
        self.client.get(reverse("lrs:statement_list"))  # warm the session
        # Session, user, role grants, one page of statements.
        with self.assertNumQueries(4):
            self.client.get(reverse("lrs:statement_list"))
        self.store(*[statement() for _ in range(20)])
        with self.assertNumQueries(4):
            resp = self.client.get(reverse("lrs:statement_list"))
        self.assertEqual(len(resp.context["page"]["rows"]), 22)

    def test_older_statements_are_reached_by_a_cursor(self):
        self.store(*[statement() for _ in range(60)])
        self.login(self.root)
        first = self.client.get(reverse("lrs:statement_list")).context["page"]
        self.assertEqual(len(first["rows"]), 50)
        second = self.client.get(reverse("lrs:statement_list"), {"after": first["next"]}).context["page"]
        self.assertEqual(len(second["rows"]), 12)
        self.assertIsNone(second["next"])


class ExportTest(LrsTestCase):
    def test_it_streams_json_lines_within_scope(self):
        hanoi, secret = create_client(name="Hà Nội", scopes="all", unit=self.hanoi)
        inside = self.store(statement(), statement(), auth=basic(hanoi.key, secret))
        self.store(statement())
        self.login(self.hoa)
        resp = self.client.get(reverse("lrs:export"))
        self.assertEqual(resp["Content-Type"], "application/x-ndjson; charset=utf-8")
        lines = b"".join(resp.streaming_content).decode().splitlines()
        self.assertEqual([json.loads(line)["id"] for line in lines], inside)

    def test_an_instructor_cannot_export(self):
        self.login(self.tuan)
        self.assertEqual(self.client.get(reverse("lrs:export")).status_code, 403)


class TimelineTest(LrsTestCase):
    def test_it_shows_the_learners_progress_and_statements(self):
        lrs.record(verb="registered", person=self.p_mai, activity=COURSE, unit=self.school)
        lrs.record(
            verb="passed",
            person=self.p_mai,
            activity=COURSE,
            unit=self.school,
            result={"score": {"scaled": 0.85}, "success": True},
        )
        self.login(self.minh)
        resp = self.client.get(reverse("lrs:timeline", args=[self.p_mai.pk]))
        self.assertContains(resp, COURSE)
        self.assertContains(resp, "85%")
        self.assertEqual(len(resp.context["page"]["rows"]), 2)

    def test_a_person_outside_the_scope_is_not_found(self):
        self.login(self.pleiku)
        self.assertEqual(self.client.get(reverse("lrs:timeline", args=[self.p_mai.pk])).status_code, 404)


class CredentialPagesTest(LrsTestCase):
    def test_a_province_admin_creates_a_credential_in_the_province_and_sees_the_secret_once(self):
        self.login(self.hoa)
        resp = self.client.post(
            reverse("lrs:client_create"),
            {"name": "Kho dữ liệu Hà Nội", "scopes": ["statements/read", "state"], "unit": "01"},
        )
        self.assertEqual(resp.status_code, 200)
        row = LrsClient.objects.get(name="Kho dữ liệu Hà Nội")
        self.assertEqual(row.unit, self.hanoi)
        secret = resp.context["secret"]
        self.assertContains(resp, secret)
        self.assertEqual(row.secret_digest, LrsClient.hash(secret))
        self.assertNotContains(self.client.get(reverse("lrs:client_detail", args=[row.pk])), secret)

    def test_a_province_admin_cannot_bind_a_credential_outside_the_province_or_nationally(self):
        self.login(self.hoa)
        for unit in ("52", ""):
            with self.subTest(unit=unit):
                resp = self.client.post(reverse("lrs:client_create"), {"name": "X", "scopes": ["all"], "unit": unit})
                self.assertEqual(resp.status_code, 400)
        self.assertFalse(LrsClient.objects.filter(name="X").exists())

    def test_the_form_sets_the_clients_xapi_version_and_the_page_shows_it(self):
        self.login(self.root)
        resp = self.client.get(reverse("lrs:client_create"))
        self.assertContains(resp, 'name="xapi_version"')
        resp = self.client.post(
            reverse("lrs:client_create"), {"name": "ADL 1.0.3", "scopes": ["all"], "unit": "", "xapi_version": "1.0.3"}
        )
        self.assertEqual(resp.status_code, 200)
        row = LrsClient.objects.get(name="ADL 1.0.3")
        self.assertEqual(row.xapi_version, "1.0.3")
        self.assertContains(self.client.get(reverse("lrs:client_detail", args=[row.pk])), "xAPI 1.0.3")

    def test_the_xapi_version_is_optional_and_checked(self):
        self.login(self.root)
        resp = self.client.post(reverse("lrs:client_create"), {"name": "Plain", "scopes": ["all"], "unit": ""})
        self.assertEqual(resp.status_code, 200)
        self.assertEqual(LrsClient.objects.get(name="Plain").xapi_version, "")
        resp = self.client.post(
            reverse("lrs:client_create"), {"name": "Odd", "scopes": ["all"], "unit": "", "xapi_version": "0.95"}
        )
        self.assertEqual(resp.status_code, 400)
        self.assertFalse(LrsClient.objects.filter(name="Odd").exists())

    def test_credentials_of_another_province_are_invisible(self):
        row, _ = create_client(name="Gia Lai", scopes="all", unit=self.gialai)
        self.login(self.hoa)
        self.assertNotContains(self.client.get(reverse("lrs:client_list")), "Gia Lai")
        self.assertEqual(self.client.get(reverse("lrs:client_detail", args=[row.pk])).status_code, 404)

    def test_a_system_admin_can_make_a_national_credential(self):
        self.login(self.root)
        resp = self.client.post(reverse("lrs:client_create"), {"name": "National", "scopes": ["all"], "unit": ""})
        self.assertEqual(resp.status_code, 200)
        self.assertIsNone(LrsClient.objects.get(name="National").unit)

    def test_disable_enable_and_rotate(self):
        row, old = create_client(name="Content", scopes="statements/write", unit=self.lienminh)
        self.login(self.minh)
        url = reverse("lrs:client_detail", args=[row.pk])
        self.client.post(url, {"action": "disable"})
        row.refresh_from_db()
        self.assertFalse(row.is_active)
        self.client.post(url, {"action": "enable"})
        row.refresh_from_db()
        self.assertTrue(row.is_active)
        resp = self.client.post(url, {"action": "rotate"})
        row.refresh_from_db()
        self.assertEqual(row.secret_digest, LrsClient.hash(resp.context["secret"]))
        self.assertNotEqual(row.secret_digest, LrsClient.hash(old))

    def test_instructors_cannot_manage_credentials(self):
        self.login(self.tuan)
        self.assertEqual(self.client.get(reverse("lrs:client_list")).status_code, 403)
