import logging

from django.test import override_settings
from django.urls import reverse

from hocvuso.testing import BaseTestCase
from learning import actions
from learning.events import history
from learning.practice import grade_phishing, password_report
from learning.tests.factories import make_course

PHISHING = {
    "messages": [
        {
            "id": "bank",
            "channel": "sms",
            "sender": "AnPhuBank",
            "body": "Xác thực tại anphubank-xacthuc.com",
            "is_scam": True,
            "signs": [
                {"id": "link", "label": "Link lạ", "is_sign": True},
                {"id": "name", "label": "Tên ngân hàng", "is_sign": False},
            ],
        },
        {"id": "invite", "channel": "sms", "sender": "UBND xã", "body": "Mời họp", "is_scam": False, "signs": []},
    ]
}


class PasswordReportTests(BaseTestCase):
    def test_a_name_and_birth_year_is_explained_as_weak_in_vietnamese(self):
        report = password_report("mai1985", personal=["nguyễn", "thị", "mai", "1985"])
        self.assertLessEqual(report["score"], 1)
        self.assertIn(report["label"], {"Rất yếu", "Yếu"})
        self.assertTrue(any("thông tin về bạn" in r for r in report["reasons"]), report["reasons"])
        self.assertTrue(any("quá ngắn" in r for r in report["reasons"]))
        self.assertNotIn("mai1985", str({k: v for k, v in report.items() if k != "reasons"}))

    def test_zxcvbn_feedback_comes_out_in_vietnamese(self):
        report = password_report("asdfghjkl;")
        text = " ".join([report["warning"], *report["tips"]])
        self.assertIn("bàn phím", text)
        self.assertNotRegex(text, r"\b(the|is|easy)\b")

    def test_a_long_random_passphrase_is_strong(self):
        report = password_report("amtra-conmeo-muaphun-xedap-2lan")
        self.assertGreaterEqual(report["score"], 3)
        self.assertEqual(report["time_offline"], "hàng trăm năm trở lên")


@override_settings(ROOT_URLCONF="learning.tests.urls")
class PracticeViewTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.course, lessons = make_course()
        module = lessons[0].module
        cls.password = actions.create_lesson(
            module=module, title="Mật khẩu", kind="practice", practice="password-strength"
        )
        cls.phishing = actions.create_lesson(
            module=module, title="Lừa đảo", kind="practice", practice="phishing", practice_data=PHISHING
        )
        actions.enrol(person=cls.p_mai, course=cls.course)

    def setUp(self):
        self.login(self.mai)

    def test_the_password_check_works_without_javascript_and_stores_nothing(self):
        secret = "Mai@19850412"
        with self.assertLogs(level=logging.DEBUG) as logs:
            logging.getLogger("learning.test").debug("start")
            response = self.client.post(reverse("learning:practice", args=[self.password.pk]), {"password": secret})
        self.assertContains(response, "Vì sao:")
        self.assertIn("no-store", response["Cache-Control"])
        self.assertNotIn(secret, response.content.decode().split('id="pw-result"')[0])
        self.assertNotIn(secret, "\n".join(logs.output))
        for event in history(self.p_mai):
            self.assertNotIn(secret, str(event["result"]) + str(event["context"]))

    def test_the_live_meter_answers_in_json(self):
        response = self.client.post(reverse("learning:password_check", args=[self.password.pk]), {"password": "123456"})
        data = response.json()
        self.assertEqual(data["score"], 0)
        self.assertEqual(data["label"], "Rất yếu")
        self.assertNotIn("password", data)

    def test_the_scam_exercise_is_marked_and_recorded(self):
        response = self.client.post(
            reverse("learning:practice", args=[self.phishing.pk]),
            {
                "bank-verdict": "scam",
                "bank-signs": ["link"],
                "invite-verdict": "scam",
            },
        )
        # Bank: right verdict, real sign ticked, harmless detail left alone (3/3); invite: wrong verdict (0/1).
        self.assertContains(response, "3/4")
        [event] = history(self.p_mai, verb="answered", activity_iri=self.phishing.iri)
        self.assertEqual(event["result"]["score"]["raw"], 3)

    def test_grading_counts_the_verdict_and_each_sign(self):
        from django.http import QueryDict

        post = QueryDict("bank-verdict=scam&bank-signs=name&invite-verdict=safe")
        graded = grade_phishing(PHISHING, post)
        # Bank: right verdict (1), sign missed (0), harmless detail ticked (0); invite: right verdict (1).
        self.assertEqual((graded["score"], graded["max"]), (2, 4))

    def test_the_prompt_library_fills_a_template_without_javascript(self):
        data = {
            "templates": [
                {
                    "id": "tb",
                    "title": "Thông báo",
                    "prompt": "Viết thông báo về {viec}.",
                    "fields": [{"name": "viec", "label": "Việc"}],
                }
            ]
        }
        lesson = actions.create_lesson(
            module=self.password.module, title="Mẫu", kind="practice", practice="prompt-library", practice_data=data
        )
        response = self.client.get(reverse("learning:lesson", args=[lesson.pk]), {"t": "tb", "viec": "họp thôn"})
        self.assertContains(response, "Viết thông báo về họp thôn.")
        self.assertContains(response, "data-copy")
