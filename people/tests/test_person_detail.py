import datetime as dt

from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from hocvuso.testing import BaseTestCase
from people.actions import add_membership, move_person
from people.selectors import person_detail


class PersonDetailTests(BaseTestCase):
    def test_it_lists_current_memberships_then_history_with_ancestor_labels(self):
        add_membership(person=self.p_mai, unit=self.cell, group=self.groups["dang-vien"], position="Bí thư", actor=None)
        move_person(person=self.p_mai, from_unit=self.school, to_unit=self.odien, actor=self.hoa)
        detail = person_detail(self.hoa, self.p_mai.pk)
        current = [
            (m["unit_label"], m["group_name"], m["position"], m["is_primary"]) for m in detail.current_memberships
        ]
        self.assertEqual(
            current,
            [
                ("Xã Ô Diên, Thành phố Hà Nội", "Giáo viên", "", True),
                ("Chi bộ thôn 1, Xã Liên Minh, Thành phố Hà Nội", "Đảng viên", "Bí thư", False),
            ],
        )
        self.assertEqual(
            [(m["unit_label"], m["ended_on"]) for m in detail.past_memberships],
            [("Trường Tiểu học Liên Minh, Xã Liên Minh, Thành phố Hà Nội", dt.date.today())],
        )

    def test_it_costs_the_same_few_queries_however_many_memberships(self):
        def queries() -> int:
            self.hoa._hocvuso_grants = None
            with CaptureQueriesContext(connection) as captured:
                person_detail(self.hoa, self.p_mai.pk)
            return len(captured)

        one = queries()
        add_membership(person=self.p_mai, unit=self.cell, group=None, position="", actor=None)
        add_membership(person=self.p_mai, unit=self.odien, group=None, position="", actor=None)
        self.assertEqual(one, 4)  # grants, person, memberships, ancestors
        self.assertEqual(queries(), 4)

    def test_managers_see_the_full_cccd_and_viewers_a_masked_one(self):
        manager = person_detail(self.lan, self.p_mai.pk)
        viewer = person_detail(self.tuan, self.p_mai.pk)
        self.assertEqual((manager.can_manage, manager.cccd_display), (True, "001185012345"))
        self.assertEqual((viewer.can_manage, viewer.cccd_display), (False, "0011******45"))

    def test_only_memberships_within_the_manage_scope_can_be_managed(self):
        add_membership(person=self.p_mai, unit=self.cell, group=None, position="", actor=None)
        detail = person_detail(self.lan, self.p_mai.pk)
        self.assertEqual(
            {m["unit_name"]: m["can_manage"] for m in detail.memberships},
            {
                "Trường Tiểu học Liên Minh": True,
                "Chi bộ thôn 1": False,
            },
        )

    def test_a_person_outside_the_scope_is_missing(self):
        with self.assertRaises(Http404):
            person_detail(self.minh, self.p_odien.pk)
        with self.assertRaises(Http404):
            person_detail(self.pleiku, self.p_mai.pk)
