from hocvuso.testing import BaseTestCase
from learning import actions
from learning.events import history
from learning.models import Certificate, CourseProgress, LessonProgress
from learning.tests.factories import answer_everything_right, make_course


class CourseCompletionTests(BaseTestCase):
    def test_a_learner_who_views_every_lesson_and_passes_the_quiz_completes_and_gets_a_certificate(self):
        course, (read1, read2, quiz_lesson) = make_course()
        person = self.p_mai
        actions.enrol(person=person, course=course)
        actions.view_lesson(person=person, lesson=read1)
        actions.view_lesson(person=person, lesson=read2)
        cp = CourseProgress.objects.get(person=person, course=course)
        self.assertEqual(cp.lessons_done, 2)
        self.assertIsNone(cp.completed_at)
        self.assertEqual(cp.last_lesson, read2)

        attempt = actions.start_attempt(quiz=quiz_lesson.quiz, person=person)
        self.assertEqual(len(attempt.layout), 5)
        actions.save_responses(attempt=attempt, post=answer_everything_right(attempt))
        attempt = actions.submit_attempt(attempt=attempt)
        self.assertTrue(attempt.passed)
        self.assertEqual(attempt.percent, 100)

        cp.refresh_from_db()
        self.assertIsNotNone(cp.completed_at)
        self.assertEqual(cp.percent, 100)
        certificate = Certificate.objects.get(person=person, course=course)
        self.assertEqual(certificate.holder_name, "Nguyễn Thị Mai")
        self.assertEqual(certificate.unit_name, "Xã Liên Minh")
        self.assertTrue(certificate.code.startswith("HVS-"))
        verbs = {event["verb"] for event in history(person)}
        self.assertEqual(verbs, {"registered", "experienced", "launched", "answered", "passed", "completed"})

    def test_failing_the_quiz_leaves_the_course_open(self):
        course, (read1, read2, quiz_lesson) = make_course(pass_mark=90)
        person = self.p_mai
        actions.enrol(person=person, course=course)
        for lesson in (read1, read2):
            actions.view_lesson(person=person, lesson=lesson)
        attempt = actions.start_attempt(quiz=quiz_lesson.quiz, person=person)
        attempt = actions.submit_attempt(attempt=attempt)
        self.assertFalse(attempt.passed)
        lp = LessonProgress.objects.get(person=person, lesson=quiz_lesson)
        self.assertIsNone(lp.completed_at)
        self.assertEqual(lp.attempts, 1)
        self.assertIsNone(CourseProgress.objects.get(person=person, course=course).completed_at)
        self.assertFalse(Certificate.objects.exists())
        self.assertTrue(history(person, verb="failed", activity_iri=quiz_lesson.iri))
