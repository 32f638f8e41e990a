from audit.models import AuditEvent
from hocvuso.testing import BaseTestCase
from people.tests.helpers import ApiMixin


class ApiUpdatePersonTests(ApiMixin, BaseTestCase):
    def test_it_changes_only_the_fields_sent_and_records_the_diff(self):
        response = self.api("patch", f"/{self.p_mai.pk}", self.lan, data={"phone": "0912345678"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["phone"], "+84912345678")
        self.p_mai.refresh_from_db()
        self.assertEqual((self.p_mai.phone, self.p_mai.cccd), ("+84912345678", "001185012345"))
        self.assertEqual(AuditEvent.objects.get().changes, {"phone": ["", "+84912345678"]})

    def test_null_clears_an_optional_field(self):
        response = self.api("patch", f"/{self.p_mai.pk}", self.lan, data={"cccd": None})
        self.assertEqual(response.status_code, 200)
        self.p_mai.refresh_from_db()
        self.assertIsNone(self.p_mai.cccd)

    def test_a_birth_date_that_contradicts_the_cccd_is_refused(self):
        response = self.api("patch", f"/{self.p_mai.pk}", self.lan, data={"birth_date": "1990-04-12"})
        self.assertEqual(response.status_code, 422)
        item = response.json()["detail"][0]
        self.assertEqual((item["loc"], item["type"]), (["body", "payload", "birth_date"], "birth_year_mismatch"))

    def test_an_empty_name_is_refused(self):
        response = self.api("patch", f"/{self.p_mai.pk}", self.lan, data={"full_name": " "})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["detail"][0]["loc"], ["body", "payload", "full_name"])

    def test_viewers_and_strangers_get_404(self):
        self.assertEqual(self.api("patch", f"/{self.p_mai.pk}", self.tuan, data={"phone": ""}).status_code, 404)
        self.assertEqual(self.api("patch", f"/{self.p_mai.pk}", self.pleiku, data={"phone": ""}).status_code, 404)
        self.assertFalse(AuditEvent.objects.exists())
