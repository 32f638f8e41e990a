"""State, Activity Profile and Agent Profile documents: storage, merging, listing, concurrency."""

from __future__ import annotations

import hashlib
import json

from lrs.tests.base import LrsTestCase

ACT = "http://example.org/activities/doc"
AGENT = json.dumps({"objectType": "Agent", "mbox": "mailto:learner@example.org"})
REG = "ec531277-b57b-4c15-8d91-d292c5b2b8f7"


class StateTest(LrsTestCase):
    def params(self, **extra):
        return {"activityId": ACT, "agent": AGENT, "stateId": "bookmark", **extra}

    def put(self, body, content_type="application/json", **params):
        return self.xapi("PUT", "activities/state", self.params(**params), body, content_type=content_type)

    def get(self, **params):
        return self.xapi("GET", "activities/state", self.params(**params))

    def test_it_stores_and_returns_a_document_with_its_type_etag_and_date(self):
        self.assertEqual(self.put({"page": 3}).status_code, 204)
        resp = self.get()
        self.assertEqual(resp.json(), {"page": 3})
        self.assertEqual(resp["Content-Type"], "application/json")
        self.assertEqual(resp["ETag"], '"' + hashlib.sha1(resp.content).hexdigest() + '"')
        self.assertIn("Last-Modified", resp)

    def test_it_stores_any_content_type_as_bytes(self):
        self.put(b"\x00\x01binary", content_type="application/octet-stream")
        resp = self.get()
        self.assertEqual(resp.content, b"\x00\x01binary")
        self.assertEqual(resp["Content-Type"], "application/octet-stream")

    def test_post_merges_json_objects_at_the_top_level(self):
        self.put({"a": 1, "b": {"x": 1}})
        resp = self.xapi("POST", "activities/state", self.params(), {"b": {"y": 2}, "c": 3})
        self.assertEqual(resp.status_code, 204)
        self.assertEqual(self.get().json(), {"a": 1, "b": {"y": 2}, "c": 3})

    def test_post_refuses_to_merge_anything_but_json_objects(self):
        self.put(b"plain text", content_type="text/plain")
        self.error(self.xapi("POST", "activities/state", self.params(), {"a": 1}))
        self.put({"a": 1})
        self.error(self.xapi("POST", "activities/state", self.params(), "[1, 2]"))
        self.assertEqual(self.get().json(), {"a": 1})

    def test_registration_keeps_documents_apart(self):
        self.put({"r": "none"})
        self.put({"r": "one"}, registration=REG)
        self.assertEqual(self.get().json(), {"r": "none"})
        self.assertEqual(self.get(registration=REG).json(), {"r": "one"})

    def test_without_state_id_it_lists_ids_and_filters_by_since(self):
        self.put({"a": 1}, stateId="one")
        stamp = self.xapi("GET", "activities/state", self.params(stateId="one"))["Last-Modified"]
        self.put({"b": 2}, stateId="two")
        params = {"activityId": ACT, "agent": AGENT}
        self.assertEqual(sorted(self.xapi("GET", "activities/state", params).json()), ["one", "two"])
        since = "2000-01-01T00:00:00Z"
        self.assertEqual(len(self.xapi("GET", "activities/state", {**params, "since": since}).json()), 2)
        self.assertTrue(stamp)
        self.error(self.xapi("GET", "activities/state", {**params, "since": "nope"}))

    def test_delete_removes_one_document_or_all_of_an_agents_states(self):
        self.put({"a": 1}, stateId="one")
        self.put({"b": 2}, stateId="two")
        self.assertEqual(self.xapi("DELETE", "activities/state", self.params(stateId="one")).status_code, 204)
        self.error(self.get(stateId="one"), 404)
        self.xapi("DELETE", "activities/state", {"activityId": ACT, "agent": AGENT})
        self.error(self.get(stateId="two"), 404)

    def test_missing_or_malformed_parameters_are_rejected(self):
        for params in (
            {"agent": AGENT, "stateId": "s"},
            {"activityId": ACT, "stateId": "s"},
            {"activityId": "nope", "agent": AGENT, "stateId": "s"},
            {"activityId": ACT, "agent": '{"name":"no ifi"}', "stateId": "s"},
            {"activityId": ACT, "agent": json.dumps({"objectType": "Group", "mbox": "mailto:g@x.org"}), "stateId": "s"},
            {"activityId": ACT, "agent": AGENT, "stateId": "s", "registration": "nope"},
            {"activityId": ACT, "agent": AGENT, "stateId": "s", "profileId": "p"},
        ):
            with self.subTest(params=params):
                self.error(self.xapi("PUT", "activities/state", params, {"a": 1}))
        self.error(self.xapi("PUT", "activities/state", {"activityId": ACT, "agent": AGENT}, {"a": 1}))

    def test_a_json_document_that_is_not_json_is_rejected(self):
        self.error(self.put("{broken", content_type="application/json"))

    def test_state_overwrites_without_concurrency_headers_under_1_0_but_not_2_0(self):
        self.put({"v": 1})
        self.assertEqual(self.put({"v": 2}).status_code, 204)
        resp = self.xapi("PUT", "activities/state", self.params(), {"v": 3}, version="2.0.0")
        self.error(resp, 409)
        self.assertEqual(self.get().json(), {"v": 2})


class ConcurrencyTest(LrsTestCase):
    """Activity and agent profiles under If-Match / If-None-Match."""

    resources = {
        "activities/profile": {"activityId": ACT, "profileId": "p"},
        "agents/profile": {"agent": AGENT, "profileId": "p"},
    }

    def test_put_with_if_none_match_star_creates_only_once(self):
        for path, params in self.resources.items():
            with self.subTest(path=path):
                first = self.xapi("PUT", path, params, {"v": 1}, headers={"If-None-Match": "*"})
                self.assertEqual(first.status_code, 204)
                self.error(self.xapi("PUT", path, params, {"v": 2}, headers={"If-None-Match": "*"}), 412)

    def test_put_without_headers_is_refused_409_when_the_document_exists(self):
        for path, params in self.resources.items():
            with self.subTest(path=path):
                self.xapi("PUT", path, params, {"v": 1}, headers={"If-None-Match": "*"})
                msg = self.error(self.xapi("PUT", path, params, {"v": 2}), 409)
                self.assertIn("If-Match", msg)
                self.assertEqual(self.xapi("GET", path, params).json(), {"v": 1})

    def test_put_without_headers_creating_a_profile_is_400_under_1_0_and_allowed_under_2_0(self):
        for path, params in self.resources.items():
            with self.subTest(path=path):
                self.error(self.xapi("PUT", path, params, {"v": 1}))
                self.assertEqual(self.xapi("PUT", path, params, {"v": 1}, version="2.0.0").status_code, 204)

    def test_if_match_guards_put_post_and_delete(self):
        for path, params in self.resources.items():
            with self.subTest(path=path):
                self.xapi("PUT", path, params, {"name": "old"}, headers={"If-None-Match": "*"})
                etag = self.xapi("GET", path, params)["ETag"]
                wrong = {"If-Match": '"1234"'}
                self.error(self.xapi("PUT", path, params, {"name": "x"}, headers=wrong), 412)
                self.error(self.xapi("POST", path, params, {"name": "x"}, headers=wrong), 412)
                self.error(self.xapi("DELETE", path, params, headers=wrong), 412)
                self.assertEqual(self.xapi("GET", path, params).json(), {"name": "old"})
                ok = self.xapi("POST", path, params, {"name": "new"}, headers={"If-Match": etag})
                self.assertEqual(ok.status_code, 204)
                etag = self.xapi("GET", path, params)["ETag"]
                self.assertEqual(self.xapi("DELETE", path, params, headers={"If-Match": etag}).status_code, 204)
                self.error(self.xapi("GET", path, params), 404)

    def test_if_match_star_needs_an_existing_document(self):
        params = self.resources["agents/profile"]
        self.error(self.xapi("PUT", "agents/profile", params, {"v": 1}, headers={"If-Match": "*"}), 412)

    def test_profiles_list_their_ids_and_delete_needs_a_profile_id(self):
        self.xapi(
            "PUT", "activities/profile", {"activityId": ACT, "profileId": "a"}, {"v": 1}, headers={"If-None-Match": "*"}
        )
        self.xapi(
            "PUT", "activities/profile", {"activityId": ACT, "profileId": "b"}, {"v": 1}, headers={"If-None-Match": "*"}
        )
        resp = self.xapi("GET", "activities/profile", {"activityId": ACT})
        self.assertEqual(sorted(resp.json()), ["a", "b"])
        self.error(self.xapi("DELETE", "activities/profile", {"activityId": ACT}))

    def test_agent_profiles_accept_identified_groups(self):
        group = json.dumps({"objectType": "Group", "mbox": "mailto:team@example.org"})
        resp = self.xapi(
            "PUT", "agents/profile", {"agent": group, "profileId": "p"}, {"v": 1}, headers={"If-None-Match": "*"}
        )
        self.assertEqual(resp.status_code, 204)

    def test_head_on_a_document_answers_without_body(self):
        params = self.resources["agents/profile"]
        self.xapi("PUT", "agents/profile", params, {"v": 1}, headers={"If-None-Match": "*"})
        resp = self.xapi("HEAD", "agents/profile", params)
        self.assertEqual(resp.status_code, 200)
        self.assertEqual(resp.content, b"")
        self.assertIn("ETag", resp)
