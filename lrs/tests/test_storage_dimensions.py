"""Verbs, agents and activities of a batch are found or created in few round trips, and never twice."""

from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lrs import statements as S
from lrs import storage
from lrs import validation as v
from lrs.auth import platform_agent
from lrs.models import Activity, Agent, Verb
from lrs.tests.base import LrsTestCase, statement

VERB = "http://adlnet.gov/expapi/verbs/answered"
AGENT = "a|mbox|mailto:hoc.vien@example.vn"
LESSON = "https://hocvuso.vn/activities/lesson/7"


class DimensionTest(LrsTestCase):
    def setUp(self):
        super().setUp()
        storage.clear_caches()

    def prepared(self, **overrides) -> S.Prepared:
        st = v.statement(statement(**overrides), "statement", version=v.V1)
        now = timezone.now()
        authority = platform_agent()
        return S.prepare(
            st,
            stored=now,
            stored_text=S.format_time(now),
            authority=authority,
            authority_key=v.ifi_key(authority),
            version=v.V1,
        )

    def test_one_query_finds_what_the_three_tables_already_hold(self):
        verb = Verb.objects.create(iri=VERB)
        agent = Agent.objects.create(ifi=AGENT, data="{}")
        lesson = Activity.objects.create(iri=LESSON, definition='{"type":"http://adlnet.gov/expapi/activities/lesson"}')
        raw = []  # PostgreSQL statements go through a server-binding cursor Django does not log
        real = storage._pg_execute
        with (
            mock.patch.object(storage, "_pg_execute", lambda *a: raw.append(a) or real(*a)),
            CaptureQueriesContext(connection) as ctx,
        ):
            found = storage._prefetch({VERB}, [AGENT, "a|mbox|mailto:new@example.vn"], {LESSON})
        assert len(ctx.captured_queries) + len(raw) == 1
        assert found[0] == {VERB: verb.pk}
        assert found[1] == {AGENT: agent.pk}
        assert found[2] == {LESSON: (lesson.pk, lesson.definition)}

    def test_a_row_another_batch_inserted_meanwhile_is_read_back_not_duplicated(self):
        # Not prefetched (as when a concurrent transaction commits it in between): the insert skips it.
        existing = Verb.objects.create(iri=VERB)
        ids = storage._insert_new(Verb, "iri", [(VERB,), ("http://adlnet.gov/expapi/verbs/passed",)], ("iri",))
        assert ids[VERB] == existing.pk
        assert Verb.objects.filter(iri=VERB).count() == 1
        assert (
            Verb.objects.get(iri="http://adlnet.gov/expapi/verbs/passed").pk
            == ids["http://adlnet.gov/expapi/verbs/passed"]
        )

    def test_an_activity_stored_meanwhile_keeps_its_stored_definition(self):
        stored = Activity.objects.create(iri=LESSON, definition='{"name":{"vi":"Bài 7"}}')
        items = [self.prepared(object={"objectType": "Activity", "id": LESSON})]
        ids = storage._resolve_activities(items, can_define=False, prefetched={})
        assert ids[LESSON] == stored.pk
        assert Activity.objects.get(pk=stored.pk).definition == '{"name":{"vi":"Bài 7"}}'

    def test_new_agents_and_activities_are_created_with_their_data(self):
        st = {
            "actor": {"objectType": "Agent", "name": "Học viên", "mbox": "mailto:hoc.vien@example.vn"},
            "object": {"objectType": "Activity", "id": LESSON, "definition": {"name": {"vi": "Bài 7"}}},
        }
        items = [self.prepared(**st)]
        agents = storage._resolve_agents(items[0].agents, prefetched={})
        activities = storage._resolve_activities(items, can_define=True, prefetched={})
        agent = Agent.objects.get(pk=agents[AGENT])
        assert agent.name == "Học viên"
        assert Activity.objects.get(pk=activities[LESSON]).definition == '{"name":{"vi":"Bài 7"}}'
