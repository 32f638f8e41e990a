from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from learning.models import Course, Lesson, Question, QuestionBank, Quiz


class LoadCurriculumTests(TestCase):
    def test_the_starter_curriculum_loads_in_vietnamese_with_its_exercises_and_quizzes(self):
        out = StringIO()
        call_command("load_curriculum", stdout=out)
        keys = set(Course.objects.values_list("key", flat=True))
        self.assertEqual(
            keys, {"an-toan-thong-tin-can-bo", "powerpoint-can-bo", "ai-co-ban-can-bo", "ky-nang-so-co-ban"}
        )
        for course in Course.objects.all():
            self.assertEqual(course.status, "published")
            self.assertGreater(course.lesson_count, 5)
            quiz = Quiz.objects.get(lesson__course=course)
            self.assertGreaterEqual(sum(r.count for r in quiz.rules.all()), 10)
            for rule in quiz.rules.all():
                available = Question.objects.filter(category__path__startswith=rule.category.path, is_active=True)
                self.assertGreaterEqual(available.count(), rule.count, rule.category.path)
        security = Course.objects.get(key="an-toan-thong-tin-can-bo")
        self.assertEqual(security.title, "An toàn thông tin cho cán bộ")
        self.assertTrue(Lesson.objects.filter(course=security, practice="password-strength").exists())
        phishing = Lesson.objects.get(course=security, practice="phishing")
        channels = {m["channel"] for m in phishing.practice_data["messages"]}
        self.assertEqual(channels, {"sms", "email"})
        prompts = Lesson.objects.get(practice="prompt-library")
        self.assertEqual(len(prompts.practice_data["templates"]), 20)
        self.assertTrue(all(t["fields"] for t in prompts.practice_data["templates"]))
        self.assertIn("<img", Lesson.objects.get(key="tao-mat-khau-manh").body_html)
        self.assertEqual(QuestionBank.objects.count(), 4)
        self.assertIn("can-bo-ky-nang-so: created", out.getvalue())
        self.assertIn("nguoi-dan-ky-nang-so: created", out.getvalue())

    def test_loading_twice_updates_instead_of_duplicating(self):
        call_command("load_curriculum", stdout=StringIO())
        counts = (Course.objects.count(), Lesson.objects.count(), Question.objects.count())
        iris = set(Lesson.objects.values_list("iri", flat=True))
        out = StringIO()
        call_command("load_curriculum", stdout=out)
        self.assertIn("unchanged", out.getvalue())
        call_command("load_curriculum", "--force", stdout=StringIO())
        self.assertEqual((Course.objects.count(), Lesson.objects.count(), Question.objects.count()), counts)
        self.assertEqual(set(Lesson.objects.values_list("iri", flat=True)), iris)
