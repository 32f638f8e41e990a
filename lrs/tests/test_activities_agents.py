"""The Activities and Agents resources."""

from __future__ import annotations

import json

from lrs.tests.base import LrsTestCase, statement

ACT = "http://www.example.com/verify/complete/34534100123"


class ActivitiesTest(LrsTestCase):
    def test_it_returns_the_activity_with_every_language_any_statement_gave(self):
        first = {
            "objectType": "Activity",
            "id": ACT,
            "definition": {"name": {"en-US": "example meeting"}, "type": "http://example.org/meeting"},
        }
        second = {"objectType": "Activity", "id": ACT, "definition": {"name": {"fr-FR": "réunion"}}}
        self.store(statement(object=first), statement(object=second))
        resp = self.xapi("GET", "activities", {"activityId": ACT})
        self.assertEqual(resp.status_code, 200)
        body = resp.json()
        self.assertEqual(body["definition"]["name"], {"en-US": "example meeting", "fr-FR": "réunion"})
        self.assertEqual(body["definition"]["type"], "http://example.org/meeting")

    def test_it_returns_the_definition_exactly_as_given_once(self):
        obj = {
            "objectType": "Activity",
            "id": "http://example.org/once",
            "definition": {
                "name": {"en-US": "Once"},
                "interactionType": "choice",
                "choices": [{"id": "a", "description": {"en-US": "A"}}],
            },
        }
        self.store(statement(object=obj))
        self.assertEqual(self.xapi("GET", "activities", {"activityId": obj["id"]}).json(), obj)

    def test_a_client_without_define_only_fills_in_a_missing_definition(self):
        from lrs.actions import create_client
        from lrs.tests.base import basic

        row, secret = create_client(name="writer", scopes="statements/write")
        writer = basic(row.key, secret)
        first = {"id": "http://example.org/guarded", "definition": {"name": {"en-US": "First"}}}
        self.store(statement(object=first), auth=writer)
        second = {"id": "http://example.org/guarded", "definition": {"name": {"en-US": "Second"}}}
        self.store(statement(object=second), auth=writer)
        body = self.xapi("GET", "activities", {"activityId": first["id"]}).json()
        self.assertEqual(body["definition"]["name"], {"en-US": "First"})

    def test_an_unknown_activity_is_still_an_activity(self):
        resp = self.xapi("GET", "activities", {"activityId": "http://example.org/unknown"})
        self.assertEqual(resp.json(), {"objectType": "Activity", "id": "http://example.org/unknown"})

    def test_activity_id_is_required_and_must_be_an_iri(self):
        self.error(self.xapi("GET", "activities"))
        self.error(self.xapi("GET", "activities", {"activityId": "nope"}))
        self.error(self.xapi("GET", "activities", {"activityId": ACT, "extra": "1"}))


class AgentsTest(LrsTestCase):
    def test_it_returns_a_person_object_for_a_known_agent(self):
        self.store(statement(actor={"objectType": "Agent", "name": "Mai", "mbox": "mailto:mai@example.org"}))
        resp = self.xapi("GET", "agents", {"agent": json.dumps({"mbox": "mailto:mai@example.org"})})
        self.assertEqual(resp.json(), {"objectType": "Person", "name": ["Mai"], "mbox": ["mailto:mai@example.org"]})

    def test_it_returns_a_person_object_for_an_unknown_agent_too(self):
        agent = {"account": {"homePage": "http://example.org", "name": "u1"}}
        resp = self.xapi("GET", "agents", {"agent": json.dumps(agent)})
        self.assertEqual(resp.json(), {"objectType": "Person", "account": [agent["account"]]})

    def test_the_agent_parameter_is_required_and_must_be_an_agent(self):
        self.error(self.xapi("GET", "agents"))
        self.error(self.xapi("GET", "agents", {"agent": "nope"}))
        self.error(
            self.xapi("GET", "agents", {"agent": json.dumps({"objectType": "Group", "mbox": "mailto:g@example.org"})})
        )
