import io
import zipfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hocvuso.testing import BaseTestCase
from learning import actions, selectors
from learning.models import Certificate, Course, Enrolment, Question, QuestionBank
from learning.tests.factories import answer_everything_right, make_bank, make_course

FORMATS = Path(__file__).parent / "fixtures" / "formats"


@override_settings(ROOT_URLCONF="learning.tests.urls")
class AuthoringTests(BaseTestCase):
    def test_learners_cannot_open_authoring(self):
        self.login(self.mai)
        self.assertEqual(self.client.get(reverse("learning:author")).status_code, 404)

    def test_an_instructor_creates_a_course_for_their_commune_but_not_for_another_province(self):
        self.login(self.tuan)
        data = {
            "title": "Dùng Zalo an toàn",
            "summary": "",
            "description_md": "",
            "audience": "citizens",
            "level": "",
            "status": "draft",
            "open_enrolment": "on",
            "require_all_lessons": "on",
            "require_all_quizzes": "on",
            "required_sessions": "0",
            "certificate_enabled": "on",
            "estimated_minutes": "30",
        }
        response = self.client.post(reverse("learning:author_course_new"), data | {"owner": "52"})
        self.assertContains(response, "Trong phạm vi của bạn không có đơn vị mang mã")
        response = self.client.post(reverse("learning:author_course_new"), data | {"owner": "09787"})
        course = Course.objects.get(title="Dùng Zalo an toàn")
        self.assertRedirects(response, reverse("learning:author_course", args=[course.pk]))
        self.assertEqual(course.owner, self.lienminh)
        self.assertTrue(course.iri.endswith(f"/course/{course.key}"))
        self.login(self.pleiku)
        self.assertEqual(self.client.get(reverse("learning:author_course", args=[course.pk])).status_code, 404)

    def test_only_national_authors_may_leave_the_owner_empty(self):
        self.login(self.minh)
        response = self.client.post(
            reverse("learning:author_course_new"),
            {
                "title": "X",
                "audience": "everyone",
                "status": "draft",
                "required_sessions": "0",
                "estimated_minutes": "0",
                "owner": "",
            },
        )
        self.assertFalse(Course.objects.exists())
        self.assertEqual(response.status_code, 200)

    def test_the_dashboard_lists_courses_in_a_fixed_number_of_queries(self):
        bank = make_bank()
        for i in range(3):
            make_course(owner=self.lienminh, key=f"k{i}", bank=bank)
        self.login(self.minh)
        with CaptureQueriesContext(connection) as few:
            self.client.get(reverse("learning:author"))
        for i in range(3, 8):
            make_course(owner=self.lienminh, key=f"k{i}", bank=bank)
        with CaptureQueriesContext(connection) as many:
            response = self.client.get(reverse("learning:author"))
        self.assertEqual(len(few), len(many))
        self.assertContains(response, "An toàn thông tin (thử)", count=8)

    def test_a_lesson_and_its_quiz_are_set_up_from_the_web(self):
        course, _lessons = make_course(owner=self.lienminh)
        bank = QuestionBank.objects.get()
        bank.owner = self.lienminh
        bank.save()
        self.login(self.tuan)
        module = course.modules.get()
        response = self.client.post(
            reverse("learning:author_lesson_new", args=[module.pk]),
            {"title": "Bài kiểm tra cuối", "kind": "quiz", "body_md": "Chúc may mắn", "estimated_minutes": "10"},
        )
        lesson = course.lessons.get(title="Bài kiểm tra cuối")
        self.assertRedirects(response, reverse("learning:author_lesson", args=[lesson.pk]))
        category = bank.categories.get(path="An toàn/Lừa đảo")
        self.client.post(
            reverse("learning:author_quiz", args=[lesson.pk]),
            {"pass_mark": "80", "time_limit_minutes": "15", "shuffle_answers": "on", f"count-{category.pk}": "2"},
        )
        lesson.quiz.refresh_from_db()
        self.assertEqual(lesson.quiz.pass_mark, 80)
        self.assertEqual([(r.category_id, r.count) for r in lesson.quiz.rules.all()], [(category.pk, 2)])
        course.refresh_from_db()
        self.assertEqual(course.quiz_count, 2)

    def test_sharing_a_course_offers_it_to_learners_of_that_unit(self):
        course, _lessons = make_course(owner=self.odien, key="o-dien")
        self.assertFalse(selectors.learner_courses(self.p_mai)["available"])
        self.login(self.hoa)
        self.client.post(reverse("learning:author_share", args=[course.pk]), {"unit_code": "09787"})
        self.assertEqual([c["key"] for c in selectors.learner_courses(self.p_mai)["available"]], ["o-dien"])

    def test_staff_enrol_a_whole_unit_and_download_the_certificates(self):
        course, lessons = make_course(owner=self.lienminh)
        self.login(self.minh)
        self.client.post(reverse("learning:author_learners", args=[course.pk]), {"unit_code": "TH-LM"})
        self.assertEqual(list(Enrolment.objects.values_list("person", flat=True)), [self.p_mai.pk])
        for lesson in lessons[:2]:
            actions.view_lesson(person=self.p_mai, lesson=lesson)
        attempt = actions.start_attempt(quiz=lessons[2].quiz, person=self.p_mai)
        actions.save_responses(attempt=attempt, post=answer_everything_right(attempt))
        actions.submit_attempt(attempt=attempt)
        response = self.client.get(reverse("learning:author_certificates_zip", args=[course.pk]))
        names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
        self.assertEqual(names, [f"{Certificate.objects.get().code}.pdf"])
        certificate = Certificate.objects.get()
        self.client.post(reverse("learning:author_revoke", args=[certificate.pk]), {"reason": "Nhầm người"})
        certificate.refresh_from_db()
        self.assertEqual(certificate.revoked_reason, "Nhầm người")


@override_settings(ROOT_URLCONF="learning.tests.urls")
class BankViewTests(BaseTestCase):
    def setUp(self):
        self.bank = actions.create_bank(name="Ngân hàng xã", owner=self.lienminh)
        self.login(self.tuan)

    def upload(self, path, check_only=False):
        data = {"file": SimpleUploadedFile(path.name, path.read_bytes())}
        if check_only:
            data["check_only"] = "on"
        return self.client.post(reverse("learning:author_bank_import", args=[self.bank.pk]), data)

    def test_a_broken_file_shows_every_problem_and_imports_nothing(self):
        response = self.upload(FORMATS / "aiken_errors.txt")
        for line in (8, 13, 16, 18, 19, 27):
            self.assertContains(response, f"dòng {line}")
        self.assertFalse(Question.objects.exists())

    def test_a_good_file_imports_and_a_check_only_upload_does_not(self):
        self.upload(FORMATS / "xml_nested_categories.xml", check_only=True)
        self.assertFalse(Question.objects.exists())
        response = self.upload(FORMATS / "xml_nested_categories.xml")
        self.assertRedirects(response, reverse("learning:author_bank", args=[self.bank.pk]))
        self.assertEqual(Question.objects.filter(bank=self.bank).count(), 5)

    def test_export_downloads_each_format(self):
        self.upload(FORMATS / "gift_feedback_and_formats.txt")
        self.assertEqual(Question.objects.filter(bank=self.bank).count(), 9)
        for fmt, mime in (
            ("gift", "text/plain"),
            ("moodle-xml", "application/xml"),
            ("excel", "spreadsheet"),
            ("aiken", "text/plain"),
            ("yaml", "yaml"),
        ):
            response = self.client.get(reverse("learning:author_bank_export", args=[self.bank.pk]), {"format": fmt})
            self.assertIn(mime, response["Content-Type"])

    def test_a_question_is_written_in_the_simple_form(self):
        category = actions.ensure_category(self.bank, "Chung")
        response = self.client.post(
            reverse("learning:author_question_new", args=[self.bank.pk]),
            {
                "category": category.pk,
                "qtype": "single",
                "name": "",
                "text": "Trang dịch vụ công?",
                "answers": "100 | dichvucong.gov.vn | Đúng\n0 | dichvucong.com",
                "general_feedback": "",
                "default_mark": "1",
            },
        )
        self.assertRedirects(response, reverse("learning:author_bank", args=[self.bank.pk]))
        question = Question.objects.get()
        self.assertEqual(question.data["choices"][0]["feedback"], "Đúng")

    def test_a_question_without_a_right_answer_is_refused(self):
        category = actions.ensure_category(self.bank, "Chung")
        response = self.client.post(
            reverse("learning:author_question_new", args=[self.bank.pk]),
            {"category": category.pk, "qtype": "single", "text": "?", "answers": "0 | a\n0 | b", "default_mark": "1"},
        )
        self.assertContains(response, "chưa có phương án nào đúng hoàn toàn")
        self.assertFalse(Question.objects.exists())

    def test_banks_of_another_province_are_out_of_reach(self):
        self.login(self.pleiku)
        self.assertEqual(self.client.get(reverse("learning:author_bank", args=[self.bank.pk])).status_code, 404)


@override_settings(ROOT_URLCONF="learning.tests.urls")
class GradingTests(BaseTestCase):
    def test_an_essay_waits_for_a_mark_and_the_attempt_finishes_when_it_is_given(self):
        from learning.actions.questions import save_parsed
        from learning.formats import read

        bank = actions.create_bank(name="Tự luận", owner=self.lienminh)
        save_parsed(bank=bank, result=read(b"::e1::Hay ke lai {}\n\n::t1::Dung khong? {T}\n", "e.gift"))
        course = actions.create_course(title="Có tự luận", owner=self.lienminh, status="published")
        module = actions.create_module(course=course, title="M")
        lesson = actions.create_lesson(module=module, title="KT", kind="quiz")
        actions.configure_quiz(lesson=lesson, bank=bank, pass_mark=50, rules=[(bank.categories.get(), 2)])
        actions.enrol(person=self.p_mai, course=course)
        attempt = actions.start_attempt(quiz=lesson.quiz, person=self.p_mai)
        post = answer_everything_right(attempt)
        essay_slot = next(i for i, s in enumerate(attempt.layout) if s["qtype"] == "essay")
        post[f"s{essay_slot}"] = "Tôi nhận tin nhắn giả ngân hàng."
        actions.save_responses(attempt=attempt, post=post)
        attempt = actions.submit_attempt(attempt=attempt)
        self.assertEqual(attempt.state, "submitted")
        self.assertIsNone(attempt.passed)
        self.login(self.tuan)
        response = self.client.get(reverse("learning:author_grading"))
        self.assertContains(response, "Tôi nhận tin nhắn giả ngân hàng.")
        answer = attempt.answers.get(slot=essay_slot)
        self.client.post(reverse("learning:author_grading"), {"answer": answer.pk, "mark": "1", "comment": "Tốt"})
        attempt.refresh_from_db()
        self.assertEqual(attempt.state, "graded")
        self.assertTrue(attempt.passed)
        self.assertEqual(attempt.percent, 100)


@override_settings(ROOT_URLCONF="learning.tests.urls")
class AuthoringPagesRenderTests(BaseTestCase):
    def test_every_authoring_page_opens(self):
        course, lessons = make_course(owner=self.lienminh)
        bank = QuestionBank.objects.get()
        bank.owner = self.lienminh
        bank.save()
        question = Question.objects.filter(bank=bank).first()
        actions.add_lesson_file(lesson=lessons[0], name="a.pdf", content=b"%PDF")
        self.login(self.tuan)
        urls = [
            reverse("learning:author"),
            reverse("learning:author_course_new"),
            reverse("learning:author_course", args=[course.pk]),
            reverse("learning:author_module", args=[lessons[0].module_id]),
            reverse("learning:author_lesson_new", args=[lessons[0].module_id]),
            reverse("learning:author_lesson", args=[lessons[0].pk]),
            reverse("learning:author_lesson", args=[lessons[2].pk]),
            reverse("learning:author_learners", args=[course.pk]),
            reverse("learning:author_bank_new"),
            reverse("learning:author_bank", args=[bank.pk]),
            reverse("learning:author_bank_import", args=[bank.pk]),
            reverse("learning:author_question_new", args=[bank.pk]),
            reverse("learning:author_question", args=[question.pk]),
            reverse("learning:author_grading"),
            reverse("learning:author_pack_import"),
            reverse("learning:author_pack_export", args=[course.pk]),
            reverse("learning:course", args=[course.key]),
            reverse("learning:lesson", args=[lessons[2].pk]),
        ]
        for url in urls:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_lesson_and_module_forms_speak_of_order_and_lesson_kind_not_of_a_job(self):
        # "Position" and "Kind" are also people's "Chức vụ" and campaigns' "Loại": contexts keep them apart.
        _course, lessons = make_course(owner=self.lienminh)
        bank = QuestionBank.objects.get()
        bank.owner = self.lienminh
        bank.save()
        self.login(self.tuan)
        lesson_page = self.client.get(reverse("learning:author_lesson", args=[lessons[0].pk]))
        self.assertContains(lesson_page, '<label for="id_position">Thứ tự</label>', html=True)
        self.assertContains(lesson_page, '<label for="id_kind">Loại bài</label>', html=True)
        module_page = self.client.get(reverse("learning:author_module", args=[lessons[0].module_id]))
        self.assertContains(module_page, '<label for="id_position">Thứ tự</label>', html=True)
        self.assertNotContains(module_page, "Chức vụ")
        bank_page = self.client.get(reverse("learning:author_bank", args=[bank.pk]))
        self.assertContains(bank_page, '<th class="num">Lượt làm</th>', html=True)
