from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hocvuso.testing import BaseTestCase
from org.actions import create_unit
from people.actions import add_membership, create_person
from people.tests.helpers import add_people, many_names

URL = reverse("people:list")


class PersonListViewTests(BaseTestCase):
    def test_it_needs_signing_in(self):
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)

    def test_it_lists_the_people_in_scope_in_vietnamese_order(self):
        self.login(self.minh)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertEqual([row["full_name"] for row in response.context["rows"]], ["Trần Thị Huyền", "Nguyễn Thị Mai"])
        self.assertContains(response, reverse("people:detail", args=[self.p_mai.pk]))
        self.assertNotContains(response, "Lê Văn Đức")

    def test_it_searches_without_accents(self):
        self.login(self.root)
        response = self.client.get(URL, {"q": "van duc"})
        self.assertEqual([row["full_name"] for row in response.context["rows"]], ["Lê Văn Đức"])

    def test_it_filters_by_unit_and_group(self):
        self.login(self.hoa)
        response = self.client.get(URL, {"unit": self.lienminh.pk, "group": "giao-vien"})
        self.assertEqual([row["full_name"] for row in response.context["rows"]], ["Nguyễn Thị Mai"])
        self.assertContains(response, "Xã Liên Minh")

    def test_a_unit_outside_the_scope_is_missing(self):
        self.login(self.minh)
        self.assertEqual(self.client.get(URL, {"unit": self.odien.pk}).status_code, 404)
        self.assertEqual(self.client.get(URL, {"unit": "abc"}).status_code, 404)

    def test_an_unknown_group_is_reported_and_the_rest_still_applies(self):
        self.login(self.minh)
        response = self.client.get(URL, {"group": "khong-co", "q": "mai"})
        self.assertEqual([row["full_name"] for row in response.context["rows"]], ["Nguyễn Thị Mai"])
        self.assertTrue(response.context["form"].errors["group"])

    def test_viewers_see_masked_cccds(self):
        self.login(self.tuan)
        response = self.client.get(URL)
        self.assertContains(response, "0011******45")
        self.assertNotContains(response, "001185012345")
        self.assertNotContains(response, reverse("people:new"))

    def test_managers_see_full_cccds_and_the_add_button(self):
        self.login(self.lan)
        response = self.client.get(URL)
        self.assertContains(response, "001185012345")
        self.assertContains(response, reverse("people:new"))

    def test_a_learner_without_view_rights_is_refused(self):
        self.login(self.mai)
        self.assertEqual(self.client.get(URL).status_code, 403)

    def test_it_pages_by_fifty(self):
        unit = create_unit(kind=self.kinds["co-quan"], code="CQ", name="Cơ quan", parent=self.lienminh)
        add_people(unit, many_names(60))
        self.login(self.minh)
        first = self.client.get(URL)
        self.assertEqual(len(first.context["rows"]), 50)
        self.assertEqual(first.context["page"].paginator.count, 62)
        second = self.client.get(URL, {"page": 2})
        self.assertEqual(len(second.context["rows"]), 12)
        self.assertContains(first, "?page=2")

    def add_party_members(self, count: int, code: str) -> None:
        unit = create_unit(kind=self.kinds["co-quan"], code=code, name="Cơ quan", parent=self.lienminh)
        for person in add_people(unit, many_names(count)):
            add_membership(person=person, unit=self.cell, group=self.groups["dang-vien"], position="", actor=None)

    def count_queries(self, expected_rows: int) -> int:
        self.login(self.minh)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(URL, {"unit": self.lienminh.pk, "group": "dang-vien", "q": "van"})
        self.assertEqual(len(response.context["rows"]), expected_rows)
        self.assertTrue(all(row["groups"] == ["Đảng viên"] for row in response.context["rows"]))
        return len(queries)

    def test_the_page_costs_the_same_queries_for_5_or_30_people(self):
        self.add_party_members(5, "CQ-1")
        five = self.count_queries(5)
        self.add_party_members(25, "CQ-2")
        self.assertEqual(self.count_queries(30), five)
        # Session, user, grants, filter unit, groups, unit choices, count, rows, group names.
        self.assertEqual(five, 9)

    def test_the_page_has_labelled_filters(self):
        create_person(full_name="Nguyễn Thị Huyền", unit=self.lienminh)
        self.login(self.minh)
        response = self.client.get(URL)
        self.assertContains(response, '<label for="id_q"')
        self.assertContains(response, '<label for="id_unit"')
        self.assertContains(response, '<label for="id_group"')
        self.assertContains(response, 'role="search"')
