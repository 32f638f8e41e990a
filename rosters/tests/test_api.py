"""/api/v1/imports: upload and check or import, follow, commit; scope as on the pages."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import ApiToken
from people.models import Person
from rosters.models import ImportJob
from rosters.tests.helpers import RosterTestCase, xlsx

HEADER = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Đơn vị"]
GOOD = ["Nguyễn Văn Hùng", "15/03/1985", "Nam", "001085001234", "Trường Tiểu học Liên Minh"]
BAD = ["Lê Văn Cường", "02/09/1990", "Nam", "0011850123", ""]


class ImportApiTests(RosterTestCase):
    def token_for(self, user) -> str:
        raw = ApiToken.generate()
        ApiToken.objects.create(user=user, name="test", prefix=raw[:8], digest=ApiToken.hash(raw))
        return raw

    def setUp(self):
        super().setUp()
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {self.token_for(self.minh)}", "HTTP_ACCEPT_LANGUAGE": "en"}

    def post_file(self, rows, **fields):
        data = {"file": SimpleUploadedFile("ds.xlsx", xlsx([HEADER, *rows])), "org": "09787", **fields}
        return self.client.post("/api/v1/imports", data, **self.auth)

    def test_a_dry_run_checks_the_file_and_lists_the_problems(self):
        response = self.post_file([GOOD, BAD], dry_run="true")
        self.assertEqual(response.status_code, 201)
        body = response.json()
        self.assertEqual(body["status"], "previewed")
        self.assertEqual(body["counts"], {"rows": 2, "created": 1, "updated": 0, "unchanged": 0, "rejected": 1})
        self.assertEqual(
            body["problems"],
            [
                {
                    "row": 3,
                    "column": "Số CCCD",
                    "value": "0011850123",
                    "code": "cccd_length",
                    "reason": "CCCD must have 12 digits; this one has 10.",
                }
            ],
        )
        self.assertFalse(body["written"])
        self.assertFalse(Person.objects.filter(cccd="001085001234").exists())

    def test_a_checked_job_is_committed_with_only_valid(self):
        job_id = self.post_file([GOOD, BAD], dry_run="true").json()["id"]
        refused = self.client.post(f"/api/v1/imports/{job_id}/commit", **self.auth)
        self.assertEqual(refused.status_code, 422)
        response = self.client.post(f"/api/v1/imports/{job_id}/commit", {"only_valid": "true"}, **self.auth)
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual((body["status"], body["written"], body["counts"]["created"]), ("done", True, 1))
        self.assertTrue(Person.objects.filter(cccd="001085001234").exists())

    def test_without_dry_run_a_clean_file_is_imported_at_once(self):
        body = self.post_file([GOOD]).json()
        self.assertEqual((body["status"], body["counts"]["created"]), ("done", 1))
        again = self.client.get(f"/api/v1/imports/{body['id']}", **self.auth).json()
        self.assertEqual((again["rows_done"], again["rows_total"]), (1, 1))

    def test_without_dry_run_a_file_with_problems_writes_nothing(self):
        body = self.post_file([GOOD, BAD]).json()
        self.assertEqual((body["status"], body["written"], body["counts"]["rejected"]), ("previewed", False, 1))
        self.assertEqual(body["error"], "Some rows have problems, so nothing was written.")
        self.assertFalse(Person.objects.filter(cccd="001085001234").exists())

    def test_mapping_and_unit_codes_can_be_given_up_front(self):
        rows = [["Ngô Thị Hạnh", "01/01/1980", "Nữ", "", "xã Hồng Hà, huyện Đan Phượng"]]
        data = {
            "file": SimpleUploadedFile("ds.xlsx", xlsx([HEADER, *rows])),
            "org": "01",
            "mapping": json.dumps({"Giới tính": "ignore"}),
            "units": json.dumps({"xã Hồng Hà, huyện Đan Phượng": "09817"}),
        }
        auth = {"HTTP_AUTHORIZATION": f"Bearer {self.token_for(self.hoa)}"}
        body = self.client.post("/api/v1/imports", data, **auth).json()
        self.assertEqual((body["status"], body["counts"]["created"]), ("done", 1))
        person = Person.objects.get(full_name="Ngô Thị Hạnh")
        self.assertEqual((person.gender, person.memberships.get().unit), ("", self.odien))

    def test_an_organisation_outside_the_scope_is_not_found(self):
        response = self.post_file([GOOD], org="01")
        self.assertEqual(response.status_code, 404)
        self.assertFalse(ImportJob.objects.exists())

    def test_another_provinces_job_is_not_found(self):
        job_id = self.post_file([GOOD], dry_run="true").json()["id"]
        other = {"HTTP_AUTHORIZATION": f"Bearer {self.token_for(self.pleiku)}"}
        self.assertEqual(self.client.get(f"/api/v1/imports/{job_id}", **other).status_code, 404)
        self.assertEqual(self.client.post(f"/api/v1/imports/{job_id}/commit", **other).status_code, 404)

    def test_an_unreadable_file_is_invalid_input(self):
        data = {"file": SimpleUploadedFile("ds.xlsx", b"PK\x03\x04 broken"), "org": "09787"}
        response = self.client.post("/api/v1/imports", data, **self.auth)
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["detail"][0]["loc"], ["form", "file"])

    def test_a_request_without_token_is_unauthorised(self):
        data = {"file": SimpleUploadedFile("ds.xlsx", xlsx([HEADER, GOOD])), "org": "09787"}
        self.assertEqual(self.client.post("/api/v1/imports", data).status_code, 401)
