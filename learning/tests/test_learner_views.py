from django.test import override_settings
from django.urls import reverse

from hocvuso.testing import BaseTestCase
from learning import actions
from learning.events import history
from learning.models import Attempt, Certificate, CourseProgress
from learning.tests.factories import answer_everything_right, make_course


@override_settings(ROOT_URLCONF="learning.tests.urls")
class LearnerFlowTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.course, cls.lessons = make_course()

    def setUp(self):
        self.login(self.mai)

    def test_the_course_list_offers_courses_and_shows_progress_after_joining(self):
        response = self.client.get(reverse("learning:courses"))
        self.assertContains(response, "An toàn thông tin (thử)")
        self.assertContains(response, reverse("learning:course", args=[self.course.key]))
        actions.enrol(person=self.p_mai, course=self.course)
        actions.view_lesson(person=self.p_mai, lesson=self.lessons[0])
        response = self.client.get(reverse("learning:courses"))
        self.assertContains(response, 'aria-valuenow="33"')
        self.assertContains(response, reverse("learning:lesson", args=[self.lessons[0].pk]))

    def test_joining_a_course_records_the_enrolment_and_a_registered_event(self):
        response = self.client.post(reverse("learning:enrol", args=[self.course.key]))
        self.assertRedirects(response, reverse("learning:course", args=[self.course.key]))
        self.assertTrue(history(self.p_mai, verb="registered", activity_iri=self.course.iri))
        self.assertTrue(CourseProgress.objects.filter(person=self.p_mai, course=self.course).exists())

    def test_a_lesson_page_records_that_it_was_seen_and_the_course_page_offers_to_continue_there(self):
        actions.enrol(person=self.p_mai, course=self.course)
        response = self.client.get(reverse("learning:lesson", args=[self.lessons[1].pk]))
        self.assertContains(response, "<p>Cẩn thận.</p>", html=True)
        self.assertIn("no-store", response["Cache-Control"])
        self.assertTrue(history(self.p_mai, verb="experienced", activity_iri=self.lessons[1].iri))
        response = self.client.get(reverse("learning:course", args=[self.course.key]))
        self.assertContains(response, reverse("learning:lesson", args=[self.lessons[1].pk]))
        self.assertEqual(CourseProgress.objects.get(person=self.p_mai).last_lesson, self.lessons[1])

    def test_a_learner_who_has_not_joined_is_sent_to_the_course_page(self):
        response = self.client.get(reverse("learning:lesson", args=[self.lessons[0].pk]))
        self.assertRedirects(response, reverse("learning:course", args=[self.course.key]))

    def test_a_course_of_another_province_is_not_found(self):
        other, lessons = make_course(owner=self.gialai, key="gia-lai-rieng", bank=self.lessons[2].quiz.bank)
        self.assertEqual(self.client.get(reverse("learning:course", args=[other.key])).status_code, 404)
        self.assertEqual(self.client.get(reverse("learning:lesson", args=[lessons[0].pk])).status_code, 404)

    def test_taking_the_quiz_without_javascript_saves_answers_and_shows_the_result(self):
        actions.enrol(person=self.p_mai, course=self.course)
        quiz_lesson = self.lessons[2]
        response = self.client.post(reverse("learning:quiz_start", args=[quiz_lesson.pk]))
        attempt = Attempt.objects.get(person=self.p_mai)
        self.assertRedirects(response, reverse("learning:attempt", args=[attempt.pk]))
        page = self.client.get(reverse("learning:attempt", args=[attempt.pk]))
        self.assertContains(page, 'name="s0"')
        post = dict(answer_everything_right(attempt).lists())
        post["action"] = "save"
        self.client.post(reverse("learning:attempt", args=[attempt.pk]), post)
        self.assertEqual(attempt.answers.exclude(response__isnull=True).count(), 5)
        # Reloading shows the saved answers.
        page = self.client.get(reverse("learning:attempt", args=[attempt.pk]))
        self.assertContains(page, "checked", count=None)
        post["action"] = "submit"
        response = self.client.post(reverse("learning:attempt", args=[attempt.pk]), post)
        self.assertRedirects(response, reverse("learning:attempt_result", args=[attempt.pk]))
        result = self.client.get(reverse("learning:attempt_result", args=[attempt.pk]))
        self.assertContains(result, "100%")

    def test_handing_in_with_unanswered_questions_asks_for_confirmation_first(self):
        actions.enrol(person=self.p_mai, course=self.course)
        attempt = actions.start_attempt(quiz=self.lessons[2].quiz, person=self.p_mai)
        response = self.client.post(reverse("learning:attempt", args=[attempt.pk]), {"action": "submit"})
        self.assertContains(response, "submit-confirmed")
        attempt.refresh_from_db()
        self.assertEqual(attempt.state, Attempt.State.IN_PROGRESS)
        self.client.post(reverse("learning:attempt", args=[attempt.pk]), {"action": "submit-confirmed"})
        attempt.refresh_from_db()
        self.assertEqual(attempt.state, Attempt.State.GRADED)

    def test_autosave_stores_one_answer_and_leaves_the_others_alone(self):
        actions.enrol(person=self.p_mai, course=self.course)
        attempt = actions.start_attempt(quiz=self.lessons[2].quiz, person=self.p_mai)
        full = answer_everything_right(attempt)
        self.client.post(
            reverse("learning:attempt_save", args=[attempt.pk]),
            {k: full.getlist(k) for k in full if k.startswith("s0")} | {"s0-present": "1"},
        )
        self.client.post(
            reverse("learning:attempt_save", args=[attempt.pk]),
            {k: full.getlist(k) for k in full if k.startswith("s1")} | {"s1-present": "1"},
        )
        answered = {a.slot for a in attempt.answers.exclude(response__isnull=True)}
        self.assertEqual(answered, {0, 1})

    def test_someone_else_cannot_open_a_learners_attempt(self):
        actions.enrol(person=self.p_mai, course=self.course)
        attempt = actions.start_attempt(quiz=self.lessons[2].quiz, person=self.p_mai)
        self.login(self.tuan)
        self.assertEqual(self.client.get(reverse("learning:attempt", args=[attempt.pk])).status_code, 404)

    def test_the_certificate_downloads_as_a_pdf_and_verifies_publicly(self):
        actions.enrol(person=self.p_mai, course=self.course)
        for lesson in self.lessons[:2]:
            actions.view_lesson(person=self.p_mai, lesson=lesson)
        attempt = actions.start_attempt(quiz=self.lessons[2].quiz, person=self.p_mai)
        actions.save_responses(attempt=attempt, post=answer_everything_right(attempt))
        actions.submit_attempt(attempt=attempt)
        certificate = Certificate.objects.get(person=self.p_mai)
        response = self.client.get(reverse("learning:certificate_pdf", args=[certificate.code]))
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
        self.client.logout()
        page = self.client.get(f"/verify/{certificate.code}")
        self.assertContains(page, "Nguyễn Thị Mai")
        self.assertContains(page, "An toàn thông tin (thử)")
        self.assertNotContains(page, "001185012345")
        self.assertNotContains(page, "1985")


@override_settings(ROOT_URLCONF="learning.tests.urls")
class LearnerPageQueryTests(BaseTestCase):
    def test_the_course_list_and_course_page_run_a_fixed_number_of_queries(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from learning.tests.factories import make_bank

        bank = make_bank()
        course, lessons = make_course(bank=bank)
        actions.enrol(person=self.p_mai, course=course)
        self.login(self.mai)
        with CaptureQueriesContext(connection) as small:
            self.client.get(reverse("learning:course", args=[course.key]))
        with CaptureQueriesContext(connection) as small_list:
            self.client.get(reverse("learning:courses"))
        module = lessons[0].module
        for i in range(8):
            lesson = actions.create_lesson(module=module, title=f"Thêm {i}")
            actions.view_lesson(person=self.p_mai, lesson=lesson)
        for i in range(4):
            other, _ = make_course(bank=bank, key=f"them-{i}")
            actions.enrol(person=self.p_mai, course=other)
        with CaptureQueriesContext(connection) as big:
            response = self.client.get(reverse("learning:course", args=[course.key]))
        with CaptureQueriesContext(connection) as big_list:
            self.client.get(reverse("learning:courses"))
        self.assertContains(response, "Thêm 7")
        self.assertEqual(len(small), len(big))
        self.assertEqual(len(small_list), len(big_list))
