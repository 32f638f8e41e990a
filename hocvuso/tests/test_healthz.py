from unittest import mock

from django.db.utils import OperationalError
from django.test import TestCase


class HealthzTests(TestCase):
    def test_it_reports_ok_when_the_database_answers(self):
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok", "database": "ok"})

    def test_it_answers_503_with_the_reason_when_the_database_is_unreachable(self):
        with mock.patch("hocvuso.views.connection.cursor", side_effect=OperationalError("connection refused")):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        body = response.json()
        self.assertEqual(body["database"], "unreachable")
        self.assertIn("connection refused", body["reason"])

    def test_it_needs_no_sign_in(self):
        self.assertEqual(self.client.head("/healthz").status_code, 200)
