"""A prepared statement crosses to the SQLite writer process as a compact pickle (lrs.writer)."""

import pickle
import uuid

from django.test import SimpleTestCase
from django.utils import timezone

from lrs import statements as S
from lrs.auth import platform_principal
from lrs.tests.base import new_id, statement


def _prepared(st: dict) -> S.Prepared:
    principal = platform_principal()
    now = S.truncate_ms(timezone.now())
    return S.prepare(
        st,
        stored=now,
        stored_text=S.format_time(now),
        authority=principal.authority,
        authority_key=principal.authority_key,
        version="1.0.3",
    )


class PreparedPicklingTest(SimpleTestCase):
    def test_every_value_the_store_indexes_survives_the_crossing(self):
        registration = str(uuid.uuid4())
        p = _prepared(statement(id=new_id(), context={"registration": registration}))
        q = pickle.loads(pickle.dumps(p))
        for name in ("uuid", "text", "timestamp", "verb", "actor", "object_agent", "object_activity",
                     "object_statement", "registration", "authority", "is_voiding", "agents", "related_agents",
                     "activities", "related_activities", "provided_id", "id"):  # fmt: skip
            self.assertEqual(getattr(q, name), getattr(p, name), name)
        self.assertEqual(q.registration, uuid.UUID(registration))
        self.assertEqual(q.uuid.hex, p.uuid.hex)

    def test_the_dicts_stay_behind_and_are_read_back_from_the_text(self):
        p = _prepared(statement(id=new_id()))
        q = pickle.loads(pickle.dumps(p))
        self.assertIsNone(q.data)
        self.assertIsNone(q.original)
        self.assertEqual(q.stored(), p.data)

    def test_the_submitted_statement_compares_the_same_after_the_crossing(self):
        for st in (statement(id=new_id(), timestamp="2025-09-01T08:00:00.5+07:00"), statement(id=new_id())):
            q = pickle.loads(pickle.dumps(_prepared(st)))
            self.assertTrue(S.same(q.submitted(), st))
            self.assertFalse(S.same(q.submitted(), {**st, "verb": {"id": "http://adlnet.gov/expapi/verbs/failed"}}))

    def test_a_statement_ref_keeps_its_target(self):
        target = new_id()
        p = _prepared(statement(id=new_id(), object={"objectType": "StatementRef", "id": target}))
        q = pickle.loads(pickle.dumps(p))
        self.assertEqual(q.object_statement, uuid.UUID(target))
