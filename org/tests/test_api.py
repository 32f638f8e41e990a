from accounts.models import ApiToken
from audit.models import AuditEvent
from hocvuso.testing import BaseTestCase
from org.models import Unit, UnitMove


class UnitApiTests(BaseTestCase):
    def call(self, method, url, user, data=None):
        raw = ApiToken.generate()
        ApiToken.objects.create(user=user, name=raw[-8:], prefix=raw[4:12], digest=ApiToken.hash(raw))
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        if data is not None:
            kwargs.update(data=data, content_type="application/json")
        return getattr(self.client, method)("/api/v1" + url, **kwargs)

    # --- reading -----------------------------------------------------------

    def test_listing_needs_a_token(self):
        self.assertEqual(self.client.get("/api/v1/units").status_code, 401)

    def test_the_list_holds_only_units_in_scope(self):
        body = self.call("get", "/units", self.minh).json()
        self.assertEqual(body["count"], 3)
        self.assertEqual([u["code"] for u in body["results"]], ["09787", "CB-LM-1", "TH-LM"])
        first = body["results"][0]
        self.assertEqual((first["kind"], first["category"], first["depth"]), ("xa", "commune", 1))

    def test_the_list_filters_by_parent_kind_name_and_state(self):
        hoa = self.hoa
        codes = lambda query: [u["code"] for u in self.call("get", "/units" + query, hoa).json()["results"]]  # noqa: E731
        self.assertEqual(codes(f"?parent={self.hanoi.pk}"), ["09787", "09817"])
        self.assertEqual(codes("?kind=chi-bo"), ["CB-LM-1"])
        self.assertEqual(codes("?q=o dien"), ["09817"])
        self.assertEqual(codes("?q=th-lm"), ["TH-LM"])
        Unit.objects.filter(pk=self.cell.pk).update(is_active=False)
        self.assertEqual(codes("?active=false"), ["CB-LM-1"])
        self.assertEqual(len(codes("?active=all")), 5)
        self.assertNotIn("CB-LM-1", codes(""))

    def test_the_list_is_paginated(self):
        body = self.call("get", "/units?page=2&page_size=2", self.hoa).json()
        self.assertEqual((body["count"], body["page"], body["page_size"]), (5, 2, 2))
        self.assertEqual(len(body["results"]), 2)

    def test_a_parent_outside_the_scope_is_not_found(self):
        self.assertEqual(self.call("get", f"/units?parent={self.phutho.pk}", self.hoa).status_code, 404)

    def test_a_bad_filter_is_a_422(self):
        response = self.call("get", "/units?active=maybe", self.hoa)
        self.assertEqual(response.status_code, 422)

    def test_one_unit_comes_with_its_label_and_ancestors(self):
        body = self.call("get", f"/units/{self.school.pk}", self.minh).json()
        self.assertEqual(body["label"], "Trường Tiểu học Liên Minh, Xã Liên Minh, Thành phố Hà Nội")
        self.assertEqual([a["code"] for a in body["ancestors"]], ["01", "09787"])
        self.assertEqual((body["predecessors"], body["successors"]), ([], []))

    def test_a_unit_outside_the_scope_is_not_found(self):
        self.assertEqual(self.call("get", f"/units/{self.lienminh_pt.pk}", self.minh).status_code, 404)

    def test_unit_kinds_are_listed_and_filtered_by_category(self):
        kinds = self.call("get", "/unit-kinds", self.tuan).json()
        self.assertIn(
            {
                "slug": "chi-bo",
                "name": "Chi bộ",
                "name_en": "Party cell",
                "category": "organisation",
                "sort_order": kinds[[k["slug"] for k in kinds].index("chi-bo")]["sort_order"],
            },
            kinds,
        )
        provinces = self.call("get", "/unit-kinds?category=province", self.tuan).json()
        self.assertEqual({k["slug"] for k in provinces}, {"tinh", "thanh-pho-trung-uong"})

    # --- writing -----------------------------------------------------------

    def test_a_manager_creates_an_organisation_under_a_unit_in_scope(self):
        response = self.call(
            "post",
            "/units",
            self.minh,
            {"parent_id": self.lienminh.pk, "kind": "thon", "code": "THON-1", "name": "Thôn 1"},
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(
            (body["code"], body["parent_id"], body["label"]),
            ("THON-1", self.lienminh.pk, "Thôn 1, Xã Liên Minh, Thành phố Hà Nội"),
        )
        self.assertTrue(AuditEvent.objects.filter(action="unit.create", actor=self.minh).exists())

    def test_creating_with_bad_fields_names_each_field(self):
        response = self.call(
            "post", "/units", self.minh, {"parent_id": self.lienminh.pk, "kind": "xa", "code": "TH-LM", "name": ""}
        )
        self.assertEqual(response.status_code, 422)
        locs = {tuple(item["loc"]) for item in response.json()["detail"]}
        self.assertEqual(locs, {("body", "payload", "kind"), ("body", "payload", "code"), ("body", "payload", "name")})

    def test_an_unknown_kind_is_a_422(self):
        response = self.call(
            "post", "/units", self.minh, {"parent_id": self.lienminh.pk, "kind": "nope", "code": "X1", "name": "X"}
        )
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["detail"][0]["loc"], ["body", "payload", "kind"])

    def test_creating_outside_the_scope_or_without_the_right_is_not_found(self):
        data = {"parent_id": self.lienminh_pt.pk, "kind": "thon", "code": "THON-1", "name": "Thôn 1"}
        self.assertEqual(self.call("post", "/units", self.minh, data).status_code, 404)
        data["parent_id"] = self.lienminh.pk
        self.assertEqual(self.call("post", "/units", self.tuan, data).status_code, 404)
        self.assertFalse(Unit.objects.filter(code="THON-1").exists())

    def test_patch_changes_only_the_fields_sent(self):
        response = self.call("patch", f"/units/{self.school.pk}", self.minh, {"name": "Trường TH Liên Minh"})
        self.assertEqual(response.status_code, 200, response.content)
        self.school.refresh_from_db()
        self.assertEqual((self.school.name, self.school.code), ("Trường TH Liên Minh", "TH-LM"))

    def test_patch_refuses_a_scope_root_and_a_bad_code(self):
        self.assertEqual(self.call("patch", f"/units/{self.lienminh.pk}", self.minh, {"name": "X"}).status_code, 404)
        response = self.call("patch", f"/units/{self.school.pk}", self.minh, {"code": "CB-LM-1"})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["detail"][0]["loc"], ["body", "payload", "code"])

    def test_patch_refuses_unknown_fields(self):
        response = self.call("patch", f"/units/{self.school.pk}", self.minh, {"path": "/1/"})
        self.assertEqual(response.status_code, 422)

    def test_move_puts_the_unit_under_another_in_scope(self):
        response = self.call("post", f"/units/{self.cell.pk}/move", self.hoa, {"parent_id": self.odien.pk})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["parent_id"], self.odien.pk)
        self.assertEqual(UnitMove.objects.get(unit=self.cell).moved_by, self.hoa)

    def test_move_to_a_parent_outside_the_scope_is_refused_on_the_field(self):
        response = self.call("post", f"/units/{self.cell.pk}/move", self.hoa, {"parent_id": self.phutho.pk})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["detail"][0]["loc"], ["body", "payload", "parent_id"])

    def test_move_into_its_own_subtree_is_refused_on_the_field(self):
        response = self.call("post", f"/units/{self.lienminh.pk}/move", self.hoa, {"parent_id": self.school.pk})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["detail"][0]["loc"], ["body", "payload", "parent_id"])

    def test_a_commune_admin_cannot_move_their_commune(self):
        response = self.call("post", f"/units/{self.lienminh.pk}/move", self.minh, {"parent_id": self.school.pk})
        self.assertEqual(response.status_code, 404)
