"""The statement validator: every MUST of xAPI 1.0.3 / 2.0 data, with the JSON path in the message."""

from __future__ import annotations

import copy
from unittest import TestCase

from lrs import validation as v

BASE = {
    "actor": {"objectType": "Agent", "name": "xAPI mbox", "mbox": "mailto:xapi@adlnet.gov"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"en-US": "attended"}},
    "object": {"objectType": "Activity", "id": "http://www.example.com/meetings/34534"},
}
AGENT = {"mbox": "mailto:a@example.org"}
GROUP = {"objectType": "Group", "member": [{"mbox": "mailto:m@example.org"}]}
SUB = {
    "objectType": "SubStatement",
    "actor": {"mbox": "mailto:s@example.org"},
    "verb": {"id": "http://example.org/verb"},
    "object": {"id": "http://example.org/act"},
}


def make(**changes) -> dict:
    st = copy.deepcopy(BASE)
    for path, value in changes.items():
        node = st
        keys = path.split("__")
        for k in keys[:-1]:
            node = node.setdefault(k, {})
        if value is _DEL:
            node.pop(keys[-1], None)
        else:
            node[keys[-1]] = value
    return st


_DEL = object()


class ValidStatementsTest(TestCase):
    def assertValid(self, st, version=v.V1):
        v.statement(st, version=version)

    def test_it_accepts_the_minimal_statement(self):
        self.assertValid(make())

    def test_it_accepts_every_inverse_functional_identifier(self):
        for ifi in (
            {"mbox": "mailto:x@example.org"},
            {"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"},
            {"openid": "http://openid.example.org/12345"},
            {"account": {"homePage": "http://www.example.com", "name": "xAPI account name"}},
        ):
            with self.subTest(ifi=ifi):
                self.assertValid(make(actor=ifi))

    def test_it_accepts_anonymous_and_identified_groups_as_actor(self):
        self.assertValid(make(actor=GROUP))
        self.assertValid(make(actor={"objectType": "Group", "mbox": "mailto:g@example.org"}))

    def test_it_accepts_every_interaction_type_with_its_component_lists(self):
        cases = {
            "true-false": {},
            "choice": {"choices": [{"id": "a", "description": {"en-US": "A"}}]},
            "fill-in": {},
            "long-fill-in": {},
            "matching": {"source": [{"id": "s"}], "target": [{"id": "t"}]},
            "performance": {"steps": [{"id": "1"}]},
            "sequencing": {"choices": [{"id": "a"}, {"id": "b"}]},
            "likert": {"scale": [{"id": "1"}, {"id": "2"}]},
            "numeric": {},
            "other": {},
        }
        for itype, lists in cases.items():
            with self.subTest(itype=itype):
                d = {"interactionType": itype, "correctResponsesPattern": ["a"], **lists}
                self.assertValid(make(object__definition=d))

    def test_it_accepts_extension_values_of_any_json_type(self):
        for value in (None, "", {}, 1, True, [1]):
            with self.subTest(value=value):
                self.assertValid(make(result={"extensions": {"http://example.com/ex": value}}))

    def test_it_accepts_scores_at_their_bounds(self):
        self.assertValid(make(result={"score": {"scaled": -1.0, "raw": 0, "min": 0, "max": 10}}))
        self.assertValid(make(result={"score": {"scaled": 1, "raw": 10, "min": 0, "max": 10}}))

    def test_it_accepts_iso_8601_durations(self):
        for d in ("PT1H0M0.1S", "PT4H35M59.14S", "PT16559.14S", "P3Y1M29DT4H35M59.14S", "P3Y", "P4W"):
            with self.subTest(d=d):
                self.assertValid(make(result={"duration": d}))

    def test_it_accepts_timestamps_with_offsets_and_rfc_3339_forms(self):
        for ts in (
            "2013-05-18T05:32:34.804Z",
            "2008-09-15T15:53:00.601+00:00",
            "2015-01-01T12:00:00+0700",
            "2015-01-01T12:00:00",
            "2016-12-31T23:59:60Z",
        ):
            with self.subTest(ts=ts):
                self.assertValid(make(timestamp=ts))

    def test_it_accepts_context_activities_as_object_or_array(self):
        act = {"id": "http://example.org/parent"}
        self.assertValid(make(context={"contextActivities": {"parent": act, "grouping": [act]}}))

    def test_it_accepts_a_substatement_with_its_own_context(self):
        sub = dict(SUB, context={"registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7", "platform": "x"})
        self.assertValid(make(object=sub))

    def test_it_accepts_context_agents_and_groups_under_2_0(self):
        ctx = {
            "contextAgents": [
                {"objectType": "contextAgent", "agent": AGENT, "relevantTypes": ["http://example.org/type"]}
            ],
            "contextGroups": [{"objectType": "contextGroup", "group": GROUP}],
        }
        self.assertValid(make(context=ctx), version=v.V2)

    def test_it_accepts_language_tags_of_rfc_5646(self):
        for tag in ("en", "en-US", "zh-Hant-TW", "sgn-BE-FR", "x-private", "vi", "tlh", "es-419", "de-CH-1901"):
            with self.subTest(tag=tag):
                self.assertValid(make(verb__display={tag: "x"}))

    def test_it_accepts_an_authority_group_of_exactly_two_agents(self):
        self.assertValid(make(authority={"objectType": "Group", "member": [AGENT, {"mbox": "mailto:b@x.org"}]}))


class InvalidStatementsTest(TestCase):
    def assertInvalid(self, st, path, version=v.V1):
        with self.assertRaises(v.XapiValidationError) as ctx:
            v.statement(st, version=version)
        self.assertTrue(ctx.exception.path.startswith(path), f"{ctx.exception} (wanted {path})")
        return str(ctx.exception)

    def test_it_names_the_path_and_the_reason(self):
        msg = self.assertInvalid(make(actor={"mbox": "xapi@adlnet.gov"}), "statement.actor.mbox")
        self.assertEqual(msg, "statement.actor.mbox: must be a mailto IRI (mailto:name@example.org)")

    def test_it_names_the_statement_index_in_a_batch(self):
        with self.assertRaises(v.XapiValidationError) as ctx:
            v.statements([make(), make(), make(), make(actor={"mbox": "nope"})])
        self.assertEqual(ctx.exception.path, "statement[3].actor.mbox")

    def test_it_rejects_missing_required_properties(self):
        for key in ("actor", "verb", "object"):
            with self.subTest(key=key):
                self.assertInvalid(make(**{key: _DEL}), f"statement.{key}")

    def test_it_rejects_unknown_properties_anywhere(self):
        self.assertInvalid(make(extra=1), "statement.extra")
        self.assertInvalid(make(verb__foo=1), "statement.verb.foo")
        self.assertInvalid(make(actor={"mbox": "mailto:a@b.org", "age": 3}), "statement.actor.age")
        self.assertInvalid(make(result={"scor": {}}), "statement.result.scor")

    def test_it_rejects_bad_uuids(self):
        for bad in ("AA97B177-9383-4934-8543-0F91A7A028368", "MA97B177-9383-4934-8543-0F91A7A02836", 12345, {}):
            with self.subTest(bad=bad):
                self.assertInvalid(make(id=bad), "statement.id")
                self.assertInvalid(make(context={"registration": bad}), "statement.context.registration")
                self.assertInvalid(make(object={"objectType": "StatementRef", "id": bad}), "statement.object.id")

    def test_it_rejects_non_iri_identifiers(self):
        self.assertInvalid(make(verb__id="should fail"), "statement.verb.id")
        self.assertInvalid(make(object__id="not an iri"), "statement.object.id")
        self.assertInvalid(make(object__definition={"type": "nope"}), "statement.object.definition.type")
        self.assertInvalid(make(object__definition={"moreInfo": "nope"}), "statement.object.definition.moreInfo")
        self.assertInvalid(make(result={"extensions": {"not iri": 1}}), "statement.result.extensions.not iri")

    def test_it_rejects_invalid_language_maps(self):
        self.assertInvalid(make(verb__display={"a12345678": "x"}), "statement.verb.display.a12345678")
        self.assertInvalid(make(verb__display="attended"), "statement.verb.display")
        self.assertInvalid(make(object__definition={"name": {"en-US": 5}}), "statement.object.definition.name")
        self.assertInvalid(make(object__definition={"description": 12}), "statement.object.definition.description")

    def test_it_rejects_agents_without_exactly_one_identifier(self):
        self.assertInvalid(make(actor={"name": "nobody"}), "statement.actor")
        both = {"mbox": "mailto:a@b.org", "openid": "http://openid.example.org/1"}
        msg = self.assertInvalid(make(actor=both), "statement.actor")
        self.assertIn("exactly one", msg)
        self.assertInvalid(make(context={"instructor": both}), "statement.context.instructor")

    def test_it_rejects_bad_identifier_formats(self):
        self.assertInvalid(make(actor={"mbox_sha1sum": "xyz"}), "statement.actor.mbox_sha1sum")
        self.assertInvalid(make(actor={"openid": "nope"}), "statement.actor.openid")
        self.assertInvalid(make(actor={"account": {"name": "x"}}), "statement.actor.account.homePage")
        self.assertInvalid(make(actor={"account": {"homePage": "http://x.org"}}), "statement.actor.account.name")
        self.assertInvalid(
            make(actor={"account": {"homePage": "not a url", "name": "x"}}), "statement.actor.account.homePage"
        )

    def test_it_rejects_object_types_that_are_not_strings_or_misspelt(self):
        self.assertInvalid(make(actor={"objectType": 5, "mbox": "mailto:a@b.org"}), "statement.actor.objectType")
        for ot in ("activity", "agent", "group", "statementref", "substatement"):
            with self.subTest(ot=ot):
                self.assertInvalid(
                    make(object={"objectType": ot, "id": "http://x.org/1"}), "statement.object.objectType"
                )

    def test_it_rejects_groups_that_nest_groups_or_identify_nothing(self):
        self.assertInvalid(make(actor={"objectType": "Group", "member": [GROUP]}), "statement.actor.member[0]")
        self.assertInvalid(make(actor={"objectType": "Group"}), "statement.actor")
        self.assertInvalid(make(context={"team": AGENT}), "statement.context.team.objectType")

    def test_it_requires_an_object_type_for_agents_as_objects(self):
        # Without objectType an object is an Activity, which needs an id.
        self.assertInvalid(make(object={"mbox": "mailto:a@b.org"}), "statement.object")

    def test_it_rejects_authorities_that_are_not_two_agent_oauth_groups(self):
        three = {"objectType": "Group", "member": [AGENT, AGENT, AGENT]}
        self.assertInvalid(make(authority=three), "statement.authority.member")
        one = {"objectType": "Group", "member": [AGENT]}
        self.assertInvalid(make(authority=one), "statement.authority.member")
        identified = {"objectType": "Group", "mbox": "mailto:g@x.org", "member": [AGENT, AGENT]}
        self.assertInvalid(make(authority=identified), "statement.authority")

    def test_it_rejects_bad_interaction_definitions(self):
        self.assertInvalid(
            make(object__definition={"interactionType": "bogus"}), "statement.object.definition.interactionType"
        )
        self.assertInvalid(
            make(object__definition={"interactionType": 5}), "statement.object.definition.interactionType"
        )
        self.assertInvalid(
            make(object__definition={"interactionType": "true-false", "choices": [{"id": "a"}]}),
            "statement.object.definition.choices",
        )
        dup = {"interactionType": "choice", "choices": [{"id": "a"}, {"id": "a"}]}
        self.assertInvalid(make(object__definition=dup), "statement.object.definition.choices[1].id")
        self.assertInvalid(
            make(object__definition={"interactionType": "choice", "correctResponsesPattern": "a"}),
            "statement.object.definition.correctResponsesPattern",
        )
        self.assertInvalid(make(object__definition="not an object"), "statement.object.definition")

    def test_it_rejects_revision_and_platform_unless_the_object_is_an_activity(self):
        for obj in (
            dict(AGENT, objectType="Agent"),
            GROUP,
            {"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"},
            SUB,
        ):
            for key in ("revision", "platform"):
                with self.subTest(obj=obj.get("objectType"), key=key):
                    self.assertInvalid(make(object=obj, context={key: "x"}), f"statement.context.{key}")
        sub = dict(SUB, object=dict(AGENT, objectType="Agent"), context={"revision": "r"})
        self.assertInvalid(make(object=sub), "statement.object.context.revision")

    def test_it_rejects_context_values_of_the_wrong_type(self):
        self.assertInvalid(make(context={"contextActivities": "x"}), "statement.context.contextActivities")
        self.assertInvalid(
            make(context={"contextActivities": {"cousin": []}}), "statement.context.contextActivities.cousin"
        )
        self.assertInvalid(make(context={"revision": 5}), "statement.context.revision")
        self.assertInvalid(make(context={"language": "a12345678"}), "statement.context.language")
        self.assertInvalid(
            make(context={"statement": {"id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"}}),
            "statement.context.statement.objectType",
        )

    def test_it_rejects_context_agents_under_1_0_and_malformed_ones_under_2_0(self):
        ctx = {"contextAgents": [{"objectType": "contextAgent", "agent": AGENT}]}
        self.assertInvalid(make(context=ctx), "statement.context.contextAgents", version=v.V1)
        v.statement(make(context=ctx), version=v.V2)
        bad_type = {"contextAgents": [{"objectType": "Agent", "agent": AGENT}]}
        self.assertInvalid(make(context=bad_type), "statement.context.contextAgents[0].objectType", version=v.V2)
        group_as_agent = {"contextAgents": [{"objectType": "contextAgent", "agent": GROUP}]}
        self.assertInvalid(make(context=group_as_agent), "statement.context.contextAgents[0].agent", version=v.V2)
        empty_types = {"contextGroups": [{"objectType": "contextGroup", "group": GROUP, "relevantTypes": []}]}
        self.assertInvalid(make(context=empty_types), "statement.context.contextGroups[0].relevantTypes", version=v.V2)

    def test_it_rejects_substatements_with_forbidden_properties_or_nesting(self):
        for key, value in (
            ("id", "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"),
            ("stored", "2015-01-01T00:00:00Z"),
            ("version", "1.0.0"),
            ("authority", AGENT),
        ):
            with self.subTest(key=key):
                self.assertInvalid(make(object=dict(SUB, **{key: value})), f"statement.object.{key}")
        self.assertInvalid(make(object=dict(SUB, object=SUB)), "statement.object.object.objectType")

    def test_it_rejects_results_out_of_range_or_mistyped(self):
        self.assertInvalid(make(result={"score": {"scaled": 1.01}}), "statement.result.score.scaled")
        self.assertInvalid(make(result={"score": {"scaled": -1.00001}}), "statement.result.score.scaled")
        self.assertInvalid(make(result={"score": {"raw": 11, "max": 10}}), "statement.result.score.raw")
        self.assertInvalid(make(result={"score": {"raw": -1, "min": 0}}), "statement.result.score.raw")
        self.assertInvalid(make(result={"score": {"min": 5, "max": 1}}), "statement.result.score.min")
        self.assertInvalid(make(result={"score": 5}), "statement.result.score")
        self.assertInvalid(make(result={"success": "true"}), "statement.result.success")
        self.assertInvalid(make(result={"completion": "false"}), "statement.result.completion")
        self.assertInvalid(make(result={"response": 12}), "statement.result.response")
        self.assertInvalid(make(result={"score": {"raw": True}}), "statement.result.score.raw")

    def test_it_rejects_invalid_durations(self):
        for d in ("PA1H0M0S", "should fail", 12345, {"key": "x"}, "P4W1D", "P", "PT", "P1DT"):
            with self.subTest(d=d):
                self.assertInvalid(make(result={"duration": d}), "statement.result.duration")

    def test_it_rejects_invalid_timestamps_including_unknown_offsets(self):
        for ts in (
            "should fail",
            "01/011/2015",
            "2008-09-15T15:53:00.601-00",
            "2008-09-15T15:53:00.601-0000",
            "2008-09-15T15:53:00.601-00:00",
            "2015-02-30T00:00:00Z",
            "2015-01-01",
            20150101,
        ):
            with self.subTest(ts=ts):
                self.assertInvalid(make(timestamp=ts), "statement.timestamp")
                self.assertInvalid(make(object=dict(SUB, timestamp=ts)), "statement.object.timestamp")

    def test_it_rejects_versions_other_than_1_0_x_or_2_0_x(self):
        self.assertInvalid(make(version="0.95"), "statement.version")
        self.assertInvalid(make(version="2.0.0"), "statement.version", version=v.V1)
        v.statement(make(version="2.0.0"), version=v.V2)
        v.statement(make(version="1.0.3"), version=v.V1)

    def test_it_rejects_a_voiding_statement_whose_object_is_not_a_statement_ref(self):
        self.assertInvalid(make(verb__id=v.VOIDED_VERB), "statement.object.objectType")

    def test_it_rejects_malformed_attachments(self):
        good = {
            "usageType": "http://example.com/usage",
            "display": {"en-US": "A"},
            "contentType": "text/plain",
            "length": 27,
            "sha2": "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a",
        }
        v.statement(make(attachments=[good]))
        self.assertInvalid(make(attachments=good), "statement.attachments")
        self.assertInvalid(make(attachments=[5]), "statement.attachments[0]")
        for key, bad in (
            ("usageType", "nope"),
            ("display", {"a12345678": "x"}),
            ("contentType", 5),
            ("length", "27"),
            ("sha2", 5),
            ("fileUrl", "nope"),
            ("description", "x"),
        ):
            with self.subTest(key=key):
                self.assertInvalid(make(attachments=[dict(good, **{key: bad})]), f"statement.attachments[0].{key}")
        for key in ("usageType", "display", "contentType", "length", "sha2"):
            with self.subTest(missing=key):
                a = dict(good)
                del a[key]
                self.assertInvalid(make(attachments=[a]), f"statement.attachments[0].{key}")
        sig = dict(good, usageType=v.SIGNATURE_USAGE)
        self.assertInvalid(make(attachments=[sig]), "statement.attachments[0].contentType")

    def test_it_rejects_bodies_that_are_not_statements(self):
        for body in ([], "x", 5, None):
            with self.subTest(body=body), self.assertRaises(v.XapiValidationError):
                v.statements(body)


class FormatsTest(TestCase):
    def test_timestamps_are_read_with_their_offset(self):
        ts = v.parse_timestamp("2023-05-04T12:00:00-05:00")
        self.assertEqual(ts.isoformat(), "2023-05-04T12:00:00-05:00")
        self.assertEqual(v.parse_timestamp("2023-05-04T17:00:00Z").timestamp(), ts.timestamp())

    def test_ifi_keys_tell_agents_from_groups(self):
        agent = {"mbox": "mailto:a@b.org"}
        group = {"objectType": "Group", "mbox": "mailto:a@b.org"}
        self.assertNotEqual(v.ifi_key(agent), v.ifi_key(group))
        self.assertEqual(v.ifi_key(agent), v.ifi_key({"objectType": "Agent", "mbox": "mailto:a@b.org", "name": "A"}))
        self.assertIsNone(v.ifi_key({"objectType": "Group", "member": [agent]}))
