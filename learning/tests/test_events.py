from hocvuso.testing import BaseTestCase
from learning import events
from learning.tests.factories import make_course


class EventTests(BaseTestCase):
    def test_events_go_to_the_learning_record_store_scoped_to_the_learners_unit(self):
        from lrs.models import Statement

        course, _lessons = make_course()
        events.record_event(
            person=self.p_mai,
            verb="registered",
            activity_iri=course.iri,
            activity_name=course.title,
            activity_type="http://adlnet.gov/expapi/activities/course",
        )
        row = Statement.objects.get(verb__iri="http://adlnet.gov/expapi/verbs/registered")
        self.assertEqual(row.unit, self.school)
        [event] = events.history(self.p_mai)
        self.assertEqual((event["verb"], event["activity_iri"]), ("registered", course.iri))

    def test_course_iris_are_the_record_stores_own(self):
        import lrs

        course, _lessons = make_course()
        self.assertEqual(course.iri, lrs.activity_iri("course", course.key))

    def test_an_unknown_verb_is_refused(self):
        with self.assertRaises(ValueError):
            events.record_event(person=self.p_mai, verb="liked", activity_iri="https://example.org/x")

    def test_results_carry_the_xapi_score(self):
        result = events.score_result(raw=8, maximum=10, success=True)
        self.assertEqual(result["score"], {"raw": 8, "min": 0, "max": 10, "scaled": 0.8})


class AttendanceTests(BaseTestCase):
    def test_attendance_at_class_sessions_counts_towards_completion(self):
        from learning import actions

        course, lessons = make_course(required_sessions=2, require_all_quizzes=False)
        actions.enrol(person=self.p_mai, course=course)
        for lesson in lessons[:2]:
            actions.view_lesson(person=self.p_mai, lesson=lesson)
        progress = course.progress.get(person=self.p_mai)
        self.assertIsNone(progress.completed_at)
        for n in (1, 2, 2):
            events.record_event(
                person=self.p_mai,
                verb="attended",
                activity_iri=f"https://hocvuso.vn/session/{n}",
                context=events.parent_context(course.iri),
            )
        progress.refresh_from_db()
        self.assertEqual(progress.sessions_attended, 2)
        self.assertIsNotNone(progress.completed_at)
