from hocvuso.testing import BaseTestCase
from people.actions import add_membership
from people.tests.helpers import ApiMixin


class ApiGetPersonTests(ApiMixin, BaseTestCase):
    def test_it_returns_the_person_with_memberships(self):
        add_membership(person=self.p_mai, unit=self.cell, group=self.groups["dang-vien"], position="Bí thư", actor=None)
        response = self.api("get", f"/{self.p_mai.pk}", self.minh)
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(
            {k: body[k] for k in ("full_name", "given_name", "cccd", "can_manage")},
            {"full_name": "Nguyễn Thị Mai", "given_name": "Mai", "cccd": "001185012345", "can_manage": True},
        )
        self.assertEqual(
            [(m["unit_code"], m["group"], m["position"], m["is_primary"]) for m in body["memberships"]],
            [("TH-LM", "giao-vien", "", True), ("CB-LM-1", "dang-vien", "Bí thư", False)],
        )
        self.assertEqual(
            body["memberships"][0]["unit_label"], "Trường Tiểu học Liên Minh, Xã Liên Minh, Thành phố Hà Nội"
        )

    def test_viewers_get_a_masked_cccd(self):
        body = self.api("get", f"/{self.p_mai.pk}", self.tuan).json()
        self.assertEqual((body["cccd"], body["can_manage"]), ("0011******45", False))

    def test_a_person_outside_the_scope_is_missing(self):
        token = self.token_for(self.minh)
        self.assertEqual(self.api("get", f"/{self.p_odien.pk}", token=token).status_code, 404)
        self.assertEqual(self.api("get", f"/{self.p_gialai.pk}", token=token).status_code, 404)
        self.assertEqual(self.api("get", "/999999", token=token).status_code, 404)
