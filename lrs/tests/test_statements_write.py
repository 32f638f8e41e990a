"""PUT and POST /xapi/statements: storing, ids, conflicts, atomic batches, LRS-set properties."""

from __future__ import annotations

from lrs.models import Statement, StatementActivity
from lrs.tests.base import LrsTestCase, new_id, statement


class PostStatementsTest(LrsTestCase):
    def test_it_stores_one_statement_and_returns_its_id_in_an_array(self):
        resp = self.post_statements(statement())
        self.assertEqual(resp.status_code, 200)
        ids = resp.json()
        self.assertEqual(len(ids), 1)
        self.assertEqual(self.get_one(ids[0])["id"], ids[0])

    def test_it_stores_a_batch_in_order_and_keeps_given_ids(self):
        given = new_id()
        ids = self.store(statement(), statement(id=given), statement())
        self.assertEqual(len(ids), 3)
        self.assertEqual(ids[1], given)
        self.assertEqual(Statement.objects.count(), 3)

    def test_it_sets_id_stored_authority_version_and_timestamp(self):
        sid = self.store(statement())[0]
        st = self.get_one(sid)
        self.assertEqual(st["version"], "1.0.0")
        self.assertEqual(st["timestamp"], st["stored"])
        self.assertTrue(st["stored"].endswith("Z"))
        self.assertEqual(st["authority"]["account"]["name"], self.client_row.key)

    def test_it_overrides_a_given_authority_and_stored_time_with_its_own(self):
        other = {"objectType": "Agent", "mbox": "mailto:impostor@example.org"}
        sid = self.store(statement(authority=other, stored="2001-01-01T00:00:00Z"))[0]
        st = self.get_one(sid)
        self.assertEqual(st["authority"]["account"]["name"], self.client_row.key)
        self.assertNotEqual(st["stored"], "2001-01-01T00:00:00Z")

    def test_it_keeps_the_version_a_client_gave(self):
        sid = self.store(statement(version="1.0.1"))[0]
        self.assertEqual(self.get_one(sid)["version"], "1.0.1")

    def test_it_sets_version_2_0_0_for_a_2_0_request(self):
        sid = self.store(statement(), version="2.0.0")[0]
        self.assertEqual(
            self.get_one(
                sid,
            )["version"],
            "2.0.0",
        )

    def test_it_returns_context_activities_as_arrays(self):
        ctx = {"contextActivities": {"parent": {"id": "http://example.org/course"}}}
        sid = self.store(statement(context=ctx))[0]
        self.assertEqual(
            self.get_one(sid)["context"]["contextActivities"]["parent"], [{"id": "http://example.org/course"}]
        )

    def test_it_rejects_a_whole_batch_when_one_statement_is_invalid(self):
        good, bad = statement(id=new_id()), statement(verb={"id": "not an iri"})
        msg = self.error(self.post_statements([good, bad]))
        self.assertIn("statement[1].verb.id", msg)
        self.assertEqual(Statement.objects.count(), 0)

    def test_it_rejects_two_statements_with_the_same_id_in_one_batch(self):
        sid = new_id()
        msg = self.error(self.post_statements([statement(id=sid), statement(id=sid)]))
        self.assertIn("statement[1].id", msg)

    def test_it_answers_409_when_an_id_is_reused_with_other_content_and_keeps_the_first(self):
        sid = new_id()
        self.store(statement(id=sid))
        changed = statement(id=sid, verb={"id": "http://example.org/other"})
        self.error(self.post_statements(changed), 409)
        self.assertEqual(self.get_one(sid)["verb"]["id"], statement()["verb"]["id"])

    def test_it_accepts_the_same_statement_again_without_storing_it_twice(self):
        sid = new_id()
        self.store(statement(id=sid))
        # Differences the LRS may cause itself (objectType defaults, id case) are not conflicts.
        again = statement(id=sid.upper())
        del again["object"]["objectType"]
        self.assertEqual(self.store(again), [sid.upper()])
        self.assertEqual(Statement.objects.count(), 1)

    def test_it_rejects_a_body_that_is_not_json(self):
        msg = self.error(self.post_statements("{not json"))
        self.assertIn("not valid JSON", msg)

    def test_it_rejects_other_content_types(self):
        resp = self.post_statements(statement(), content_type="text/plain")
        self.assertIn("application/json", self.error(resp))

    def test_it_rejects_query_parameters_on_post(self):
        resp = self.xapi("POST", "statements", {"statementId": new_id()}, statement())
        self.error(resp)

    def test_it_indexes_context_activities_for_related_queries(self):
        ctx = {
            "contextActivities": {
                "parent": [{"id": "http://example.org/course"}],
                "grouping": [{"id": "http://example.org/campaign"}],
            }
        }
        self.store(statement(context=ctx))
        self.assertEqual(StatementActivity.objects.count(), 2)

    def test_it_stores_utf8_text_as_given(self):
        st = statement(verb={"id": "http://example.org/verb", "display": {"vi": "đã tham dự lớp Bình dân học vụ số"}})
        sid = self.store(st)[0]
        self.assertEqual(self.get_one(sid)["verb"]["display"]["vi"], "đã tham dự lớp Bình dân học vụ số")


class PutStatementTest(LrsTestCase):
    def put(self, sid, body, **kw):
        return self.xapi("PUT", "statements", {"statementId": sid} if sid else None, body, **kw)

    def test_it_stores_under_the_statement_id_parameter_and_answers_204(self):
        sid = new_id()
        resp = self.put(sid, statement())
        self.assertEqual(resp.status_code, 204)
        self.assertEqual(self.get_one(sid)["id"], sid)

    def test_it_requires_the_statement_id_parameter(self):
        self.assertIn("statementId", self.error(self.put(None, statement())))

    def test_it_rejects_a_statement_id_that_differs_from_the_body(self):
        self.error(self.put(new_id(), statement(id=new_id())))

    def test_it_rejects_an_array(self):
        self.error(self.put(new_id(), [statement()]))

    def test_it_does_not_modify_a_stored_statement(self):
        sid = new_id()
        self.put(sid, statement())
        self.assertEqual(self.put(sid, statement(verb={"id": "http://example.org/changed"})).status_code, 409)
        self.assertEqual(self.put(sid, statement()).status_code, 204)
        self.assertEqual(self.get_one(sid)["verb"]["id"], statement()["verb"]["id"])

    def test_it_rejects_a_parameter_with_the_wrong_case(self):
        resp = self.xapi("PUT", "statements", {"StatementId": new_id()}, statement())
        self.error(resp)
