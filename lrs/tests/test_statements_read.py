"""GET /xapi/statements: single statements, every filter, paging, formats, voiding."""

from __future__ import annotations

import json
import time

from lrs import validation as v
from lrs.tests.base import ACTIVITY, VERB, LrsTestCase, new_id, statement

ALICE = {"objectType": "Agent", "mbox": "mailto:alice@example.org"}
BOB = {"objectType": "Agent", "mbox": "mailto:bob@example.org"}
TEAM = {"objectType": "Group", "mbox": "mailto:team@example.org", "member": [BOB]}
COURSE = "http://example.org/course/1"
OTHER_VERB = "http://example.org/verbs/other"


def voiding(target: str) -> dict:
    return statement(verb={"id": v.VOIDED_VERB}, object={"objectType": "StatementRef", "id": target})


class SingleStatementTest(LrsTestCase):
    def test_it_answers_404_for_an_unknown_id(self):
        self.error(self.get_statements({"statementId": new_id()}), 404)

    def test_it_returns_the_statement_exactly_as_stored(self):
        st = statement(id=new_id(), result={"duration": "P1DT12H36M0.12567S", "extensions": {"http://x.org/e": None}})
        self.store(st)
        got = self.get_one(st["id"])
        for key in ("actor", "verb", "object", "result"):
            self.assertEqual(got[key], st[key])

    def test_it_rejects_statement_id_with_filters_but_allows_format_and_attachments(self):
        sid = self.store(statement())[0]
        for extra in (
            {"agent": json.dumps(ALICE)},
            {"verb": VERB},
            {"limit": "1"},
            {"ascending": "true"},
            {"since": "2015-01-01T00:00:00Z"},
            {"voidedStatementId": sid},
        ):
            with self.subTest(extra=extra):
                self.error(self.get_statements({"statementId": sid, **extra}))
        self.assertEqual(self.get_statements({"statementId": sid, "format": "ids"}).status_code, 200)
        self.assertEqual(self.get_statements({"statementId": sid, "attachments": "false"}).status_code, 200)

    def test_it_sends_last_modified_and_consistent_through(self):
        sid = self.store(statement())[0]
        resp = self.get_statements({"statementId": sid})
        self.assertIn("Last-Modified", resp)
        self.assertIsNotNone(v.parse_timestamp(resp["X-Experience-API-Consistent-Through"]))
        bad = self.get_statements({"statementId": "nope"})
        self.assertEqual(bad.status_code, 400)
        self.assertIn("X-Experience-API-Consistent-Through", bad)


class VoidingTest(LrsTestCase):
    def test_a_voided_statement_is_found_only_by_voided_statement_id(self):
        target = self.store(statement(id=new_id()))[0]
        voider = self.store(voiding(target))[0]
        self.error(self.get_statements({"statementId": target}), 404)
        self.assertEqual(self.get_one(voider)["object"]["id"], target)
        resp = self.get_statements({"voidedStatementId": target})
        self.assertEqual(resp.json()["id"], target)
        self.error(self.get_statements({"voidedStatementId": voider}), 404)

    def test_a_voiding_statement_cannot_void_another_voiding_statement(self):
        target = self.store(statement())[0]
        voider = self.store(voiding(target))[0]
        msg = self.error(self.post_statements(voiding(voider)))
        self.assertIn("cannot void", msg)
        self.assertEqual(self.get_one(voider)["id"], voider)

    def test_voiding_an_unknown_statement_is_accepted_and_voids_nothing(self):
        self.store(voiding(new_id()))

    def test_lists_leave_out_voided_statements_but_keep_those_that_target_them(self):
        verb = "http://example.org/verbs/" + new_id()
        target = self.store(statement(verb={"id": verb}))[0]
        voider = self.store(voiding(target))[0]
        ref = self.store(statement(verb={"id": verb}, object={"objectType": "StatementRef", "id": target}))[0]
        ids = self.ids(self.get_statements({"verb": verb}))
        self.assertEqual(ids, [ref, voider])
        self.assertEqual(self.ids(self.get_statements({"verb": verb, "limit": "1"})), [ref])


class FiltersTest(LrsTestCase):
    def setUp(self):
        super().setUp()
        self.a1 = self.store(statement(actor=ALICE))[0]
        self.a2 = self.store(statement(actor=ALICE, verb={"id": OTHER_VERB}))[0]
        ctx = {
            "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
            "instructor": BOB,
            "team": TEAM,
            "contextActivities": {"parent": [{"id": COURSE}]},
        }
        self.b1 = self.store(statement(actor=BOB, context=ctx))[0]
        self.obj = self.store(statement(actor=BOB, object=ALICE))[0]
        sub = {
            "objectType": "SubStatement",
            "actor": ALICE,
            "verb": {"id": VERB},
            "object": {"id": "http://example.org/sub"},
        }
        self.s1 = self.store(statement(actor=BOB, object=sub))[0]

    def query(self, **params):
        return self.ids(
            self.get_statements({k: json.dumps(x) if isinstance(x, dict) else x for k, x in params.items()})
        )

    def test_without_filters_it_returns_newest_first(self):
        self.assertEqual(self.query(), [self.s1, self.obj, self.b1, self.a2, self.a1])

    def test_ascending_returns_oldest_first(self):
        self.assertEqual(self.query(ascending="true"), [self.a1, self.a2, self.b1, self.obj, self.s1])

    def test_agent_matches_actor_or_object(self):
        self.assertEqual(self.query(agent=ALICE), [self.obj, self.a2, self.a1])

    def test_related_agents_adds_instructor_team_members_substatements_and_authority(self):
        self.assertEqual(self.query(agent=ALICE, related_agents="true"), [self.s1, self.obj, self.a2, self.a1])
        self.assertIn(self.b1, self.query(agent=TEAM, related_agents="true"))
        self.assertNotIn(self.b1, self.query(agent=TEAM))
        authority = self.get_one(self.a1)["authority"]
        self.assertEqual(len(self.query(agent=authority, related_agents="true")), 5)

    def test_verb_activity_and_registration_filters(self):
        self.assertEqual(self.query(verb=OTHER_VERB), [self.a2])
        self.assertEqual(self.query(activity=ACTIVITY), [self.b1, self.a2, self.a1])
        self.assertEqual(self.query(registration="ec531277-b57b-4c15-8d91-d292c5b2b8f7"), [self.b1])
        self.assertEqual(self.query(activity=COURSE), [])
        self.assertEqual(self.query(activity=COURSE, related_activities="true"), [self.b1])
        self.assertEqual(self.query(activity="http://example.org/sub", related_activities="true"), [self.s1])

    def test_filters_combine(self):
        self.assertEqual(self.query(agent=ALICE, verb=VERB), [self.obj, self.a1])
        self.assertEqual(self.query(agent=BOB, verb=OTHER_VERB), [])

    def test_unknown_agents_verbs_and_activities_match_nothing(self):
        self.assertEqual(self.query(agent={"mbox": "mailto:nobody@example.org"}), [])
        self.assertEqual(self.query(verb="http://example.org/never"), [])

    def test_since_and_until_use_the_stored_time(self):
        stored = self.get_one(self.b1)["stored"]
        later = self.query(since=stored)
        self.assertNotIn(self.b1, later)
        self.assertNotIn(self.a1, later)
        earlier = self.query(until=stored)
        self.assertIn(self.b1, earlier)
        self.assertNotIn(self.s1, earlier)

    def test_limit_and_more_page_through_every_statement_once(self):
        seen = []
        resp = self.get_statements({"limit": "2"})
        while True:
            body = resp.json()
            seen += [s["id"] for s in body["statements"]]
            if not body["more"]:
                break
            self.assertTrue(body["more"].startswith("/xapi/statements?more="))
            resp = self.client.get(body["more"], HTTP_AUTHORIZATION=self.auth, HTTP_X_EXPERIENCE_API_VERSION="1.0.3")
        self.assertEqual(seen, [self.s1, self.obj, self.b1, self.a2, self.a1])

    def test_more_links_in_ascending_order_ignore_statements_stored_later(self):
        first = self.get_statements({"limit": "3", "ascending": "true"}).json()
        self.store(statement())
        rest = self.client.get(
            first["more"], HTTP_AUTHORIZATION=self.auth, HTTP_X_EXPERIENCE_API_VERSION="1.0.3"
        ).json()
        self.assertEqual([s["id"] for s in rest["statements"]], [self.obj, self.s1])
        self.assertEqual(rest["more"], "")

    def test_a_tampered_more_link_is_rejected(self):
        self.error(self.get_statements({"more": "garbage"}))

    def test_bad_parameters_are_rejected(self):
        for params in (
            {"agent": "not json"},
            {"agent": json.dumps({"name": "no ifi"})},
            {"verb": "nope"},
            {"activity": "nope"},
            {"registration": "nope"},
            {"since": "yesterday"},
            {"limit": "-1"},
            {"ascending": "yes"},
            {"format": "full"},
            {"related_agents": "1"},
            {"Verb": VERB},
            {"unknown": "1"},
        ):
            with self.subTest(params=params):
                self.error(self.get_statements(params))

    def test_an_empty_result_is_a_statement_result(self):
        resp = self.get_statements({"verb": "http://example.org/never"})
        self.assertEqual(resp.json(), {"statements": [], "more": ""})


class FormatsTest(LrsTestCase):
    def test_ids_format_keeps_only_identifiers(self):
        obj = {"objectType": "Activity", "id": ACTIVITY, "definition": {"name": {"en-US": "Meeting"}}}
        sid = self.store(statement(object=obj))[0]
        st = self.get_one(sid, format="ids")
        self.assertEqual(st["actor"], {"objectType": "Agent", "mbox": "mailto:xapi@adlnet.gov"})
        self.assertEqual(st["verb"], {"id": VERB})
        self.assertEqual(st["object"], {"id": ACTIVITY})

    def test_canonical_format_picks_the_accepted_language_and_the_canonical_definition(self):
        obj = {"id": "http://example.org/act/lang", "definition": {"name": {"en-US": "Meeting", "vi": "Cuộc họp"}}}
        sid = self.store(statement(object=obj))[0]
        later = {"id": "http://example.org/act/lang", "definition": {"description": {"vi": "Mô tả"}}}
        self.store(statement(object=later))
        resp = self.xapi(
            "GET",
            "statements",
            {"statementId": sid, "format": "canonical"},
            headers={"Accept-Language": "vi, en;q=0.5"},
        )
        st = resp.json()
        self.assertEqual(st["object"]["definition"]["name"], {"vi": "Cuộc họp"})
        self.assertEqual(st["object"]["definition"]["description"], {"vi": "Mô tả"})
        self.assertEqual(len(st["verb"]["display"]), 1)
        exact = self.get_one(sid)
        self.assertEqual(exact["object"]["definition"]["name"], {"en-US": "Meeting", "vi": "Cuộc họp"})


class HeadTest(LrsTestCase):
    def test_head_answers_like_get_without_a_body(self):
        sid = self.store(statement())[0]
        get = self.get_statements({"statementId": sid})
        head = self.xapi("HEAD", "statements", {"statementId": sid})
        self.assertEqual(head.status_code, 200)
        self.assertEqual(head.content, b"")
        self.assertEqual(head["Content-Length"], str(len(get.content)))
        self.assertIn("X-Experience-API-Consistent-Through", head)


class ConsistencyTest(LrsTestCase):
    def test_consistent_through_is_not_in_the_future(self):
        resp = self.get_statements()
        through = v.parse_timestamp(resp["X-Experience-API-Consistent-Through"])
        self.assertLessEqual(through.timestamp(), time.time())
