"""A batch stores each statement's related agents and activities with it, small or large, and never twice."""

import json

from lrs.models import StatementActivity, StatementAgent
from lrs.tests.base import LrsTestCase, new_id, statement

COURSE = "https://hocvuso.vn/activities/course/an-toan-thong-tin"


def with_context(n: int) -> dict:
    return statement(
        id=new_id(),
        context={
            "instructor": {"objectType": "Agent", "mbox": f"mailto:giang.vien{n % 3}@example.vn"},
            "contextActivities": {"parent": [{"id": COURSE}], "grouping": [{"id": f"{COURSE}/lop/{n % 2}"}]},
        },
    )


class BatchRelatedRowsTest(LrsTestCase):
    def test_a_large_batch_can_be_found_through_its_related_activities_and_agents(self):
        # Larger than the few rows sent as VALUES: the rows travel as arrays.
        batch = [with_context(n) for n in range(45)]
        self.store(*batch)
        assert StatementActivity.objects.count() == 90
        assert StatementAgent.objects.count() == 45
        found = self.ids(self.get_statements({"activity": COURSE, "related_activities": "true", "limit": 100}))
        assert sorted(found) == sorted(s["id"] for s in batch)
        instructor = json.dumps({"mbox": "mailto:giang.vien1@example.vn"})
        found = self.ids(self.get_statements({"agent": instructor, "related_agents": "true", "limit": 100}))
        assert sorted(found) == sorted(s["id"] for n, s in enumerate(batch) if n % 3 == 1)

    def test_a_small_batch_stores_its_related_rows_too(self):
        batch = [with_context(n) for n in range(3)]
        self.store(*batch)
        assert StatementActivity.objects.count() == 6
        assert StatementAgent.objects.count() == 3

    def test_sending_a_stored_batch_again_adds_no_related_rows(self):
        batch = [with_context(n) for n in range(25)]
        self.store(*batch)
        self.store(*batch)  # identical statements: a no-op
        assert StatementActivity.objects.count() == 50
        assert StatementAgent.objects.count() == 25
