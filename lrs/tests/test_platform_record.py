"""``lrs.record``: the platform's own events, their progress summaries and the statement_recorded signal."""

from __future__ import annotations

import uuid

import lrs
from lrs import storage
from lrs.models import Progress, Statement
from lrs.platform import RecordError, activity_iri
from lrs.signals import statement_recorded
from lrs.tests.base import LrsTestCase, statement

COURSE = activity_iri("course", 42)


class RecordTest(LrsTestCase):
    def test_it_records_a_statement_about_the_person_with_the_platform_as_authority(self):
        sid = lrs.record(
            verb="completed",
            person=self.p_mai,
            activity=COURSE,
            activity_name="Kỹ năng số cơ bản",
            activity_type="course",
            unit=self.school,
        )
        row = Statement.objects.get(statement_id=sid)
        self.assertEqual(row.unit_id, self.school.pk)
        self.assertIsNone(row.client_id)
        st = self.get_one(sid)
        self.assertEqual(st["actor"]["account"]["name"], f"person/{self.p_mai.pk}")
        self.assertEqual(st["verb"]["id"], "http://adlnet.gov/expapi/verbs/completed")
        self.assertEqual(st["object"]["definition"]["name"], {"vi": "Kỹ năng số cơ bản"})
        self.assertEqual(st["authority"]["account"]["name"], "platform")

    def test_activity_identifiers_are_stable_iris(self):
        self.assertEqual(lrs.activity_iri("course", 42), "https://hocvuso.vn/activities/course/42")

    def test_recording_the_same_event_id_twice_stores_it_once(self):
        eid, when = uuid.uuid4(), self.now()
        for _ in range(2):
            lrs.record(verb="registered", person=self.p_mai, activity=COURSE, statement_id=eid, timestamp=when)
        self.assertEqual(Statement.objects.filter(statement_id=eid).count(), 1)

    def test_invalid_events_raise_a_record_error(self):
        with self.assertRaisesMessage(RecordError, "unknown platform verb"):
            lrs.record(verb="liked", person=self.p_mai, activity=COURSE)
        with self.assertRaisesMessage(RecordError, "statement.object.id"):
            lrs.record(verb="completed", person=self.p_mai, activity="not an iri")

    def test_the_signal_is_sent_once_the_transaction_commits(self):
        received = []

        def receiver(sender, statements, principal, **kw):
            received.extend(statements)

        statement_recorded.connect(receiver)
        self.addCleanup(statement_recorded.disconnect, receiver)
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            lrs.record(verb="launched", person=self.p_mai, activity=COURSE)
            self.assertEqual(received, [])
        for cb in callbacks:
            cb()
        storage.clear_caches()  # the callbacks above also filled the id caches
        self.assertEqual(len(received), 1)
        self.assertEqual(received[0]["verb"]["id"], "http://adlnet.gov/expapi/verbs/launched")

    def now(self):
        from django.utils import timezone

        return timezone.now()


class ProgressTest(LrsTestCase):
    def progress(self):
        return Progress.objects.get(person=self.p_mai, activity__iri=COURSE)

    def test_summaries_follow_the_learners_records(self):
        lrs.record(verb="registered", person=self.p_mai, activity=COURSE)
        lrs.record(verb="launched", person=self.p_mai, activity=COURSE)
        lrs.record(verb="attended", person=self.p_mai, activity=COURSE)
        p = self.progress()
        self.assertIsNotNone(p.registered_at)
        self.assertEqual(p.attempts, 2)
        self.assertIsNone(p.completed_at)
        lrs.record(verb="failed", person=self.p_mai, activity=COURSE, result={"score": {"scaled": 0.4}})
        lrs.record(verb="passed", person=self.p_mai, activity=COURSE, result={"score": {"scaled": 0.9}})
        lrs.record(verb="completed", person=self.p_mai, activity=COURSE)
        p = self.progress()
        self.assertEqual(p.best_scaled, 0.9)
        self.assertIsNotNone(p.passed_at)
        self.assertIsNotNone(p.failed_at)
        self.assertIsNotNone(p.completed_at)
        self.assertEqual(p.statements, 6)
        self.assertEqual(p.last_verb, "http://adlnet.gov/expapi/verbs/completed")

    def test_voiding_a_record_updates_the_summary(self):
        sid = lrs.record(verb="passed", person=self.p_mai, activity=COURSE, result={"score": {"scaled": 0.9}})
        lrs.record(verb="failed", person=self.p_mai, activity=COURSE, result={"score": {"scaled": 0.3}})
        self.store(
            statement(
                verb={"id": "http://adlnet.gov/expapi/verbs/voided"}, object={"objectType": "StatementRef", "id": sid}
            )
        )
        p = self.progress()
        self.assertIsNone(p.passed_at)
        self.assertEqual(p.best_scaled, 0.3)
        self.assertEqual(p.statements, 1)

    def test_statements_about_other_agents_make_no_summary(self):
        self.store(statement())
        self.assertFalse(Progress.objects.exists())

    def test_browser_content_of_a_learner_updates_the_summary_too(self):
        from lrs.auth import person_agent

        done = statement(
            actor=person_agent(self.p_mai),
            verb={"id": "http://adlnet.gov/expapi/verbs/completed"},
            object={"id": COURSE},
        )
        self.store(done)
        self.assertIsNotNone(self.progress().completed_at)
