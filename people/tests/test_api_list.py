from django.db import connection
from django.test.utils import CaptureQueriesContext

from hocvuso.testing import BaseTestCase
from org.actions import create_unit
from people.actions import add_membership, create_person
from people.tests.helpers import ApiMixin, add_people, many_names


class ApiListPeopleTests(ApiMixin, BaseTestCase):
    def test_it_needs_a_token(self):
        self.assertEqual(self.client.get("/api/v1/people").status_code, 401)
        response = self.client.get("/api/v1/people", headers={"Authorization": "Bearer hvs_wrong"})
        self.assertEqual(response.status_code, 401)

    def test_it_lists_people_in_scope_in_vietnamese_order(self):
        response = self.api("get", "", self.minh)
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["count"], 2)
        self.assertEqual([p["full_name"] for p in body["results"]], ["Trần Thị Huyền", "Nguyễn Thị Mai"])
        self.assertEqual(
            body["results"][1],
            {
                "id": self.p_mai.pk,
                "full_name": "Nguyễn Thị Mai",
                "gender": "female",
                "birth_date": "1985-04-12",
                "cccd": "001185012345",
                "phone": "",
                "unit_id": self.school.pk,
                "unit_name": "Trường Tiểu học Liên Minh",
                "groups": ["Giáo viên"],
            },
        )

    def test_it_searches_and_filters(self):
        create_person(full_name="Nguyễn Thị Huyền", unit=self.odien, group=self.groups["dang-vien"])
        body = self.api("get", "", self.hoa, q="nguyen thi huyen").json()
        self.assertEqual([p["full_name"] for p in body["results"]], ["Nguyễn Thị Huyền"])
        body = self.api("get", "", self.hoa, unit=self.lienminh.pk, group="dang-vien").json()
        self.assertEqual([p["full_name"] for p in body["results"]], ["Trần Thị Huyền"])
        body = self.api("get", "", self.hoa, unit=self.lienminh.pk, include_subunits="false").json()
        self.assertEqual(body["count"], 0)

    def test_viewers_get_masked_cccds(self):
        body = self.api("get", "", self.tuan, q="mai").json()
        self.assertEqual(body["results"][0]["cccd"], "0011******45")

    def test_it_pages(self):
        unit = create_unit(kind=self.kinds["co-quan"], code="CQ", name="Cơ quan", parent=self.lienminh)
        add_people(unit, many_names(7))
        token = self.token_for(self.minh)
        first = self.api("get", "", token=token, page_size=5).json()
        second = self.api("get", "", token=token, page_size=5, page=2).json()
        self.assertEqual((first["count"], len(first["results"]), len(second["results"])), (9, 5, 4))
        ids = [p["id"] for p in first["results"] + second["results"]]
        self.assertEqual(len(set(ids)), 9)

    def test_a_page_size_above_200_is_refused(self):
        response = self.api("get", "", self.minh, page_size=201)
        self.assertEqual(response.status_code, 422)

    def test_a_unit_outside_the_scope_is_missing(self):
        self.assertEqual(self.api("get", "", self.minh, unit=self.odien.pk).status_code, 404)

    def test_an_unknown_group_is_a_validation_error(self):
        response = self.api("get", "", self.minh, group="khong-co")
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["detail"][0]["loc"], ["query", "group"])

    def count_queries(self, token: str, expected: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            body = self.api("get", "", token=token, group="dang-vien", page_size=200).json()
        self.assertEqual(body["count"], expected)
        return len(queries)

    def add_party_members(self, count: int, code: str) -> None:
        unit = create_unit(kind=self.kinds["co-quan"], code=code, name="Cơ quan", parent=self.lienminh)
        for person in add_people(unit, many_names(count)):
            add_membership(person=person, unit=self.cell, group=self.groups["dang-vien"], position="", actor=None)

    def test_the_list_costs_the_same_queries_for_5_or_30_people(self):
        token = self.token_for(self.minh)
        self.api("get", "/groups", token=token)  # the token's first use is recorded once
        self.add_party_members(4, "CQ-1")
        five = self.count_queries(token, 5)
        self.add_party_members(25, "CQ-2")
        self.assertEqual(self.count_queries(token, 30), five)
        # Token, grants, group, rows, group names, count.
        self.assertEqual(five, 6)
