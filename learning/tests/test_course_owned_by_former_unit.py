"""A course owned by a former unit is authored by whoever holds that unit's history, on every page alike."""

from django.urls import reverse

from hocvuso.testing import BaseTestCase
from learning import permissions
from learning.tests.factories import make_course


class CourseOwnedByFormerUnitTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        thuong_mo = cls.load_dan_phuong_history()
        cls.course, cls.lessons = make_course(owner=thuong_mo, key="khoa-hoc-xa-cu")

    def test_the_commune_that_took_the_former_commune_over_may_author_its_course(self):
        self.assertIn(self.course, permissions.authorable_courses(self.dp_admin))
        self.assertTrue(permissions.can_author_course(self.dp_admin, self.course))
        self.assertTrue(permissions.can_author_course(self.hoa, self.course))

    def test_others_may_not(self):
        for user in (self.minh, self.pleiku, self.mai):
            self.assertFalse(permissions.can_author_course(user, self.course), user.username)

    def test_its_module_and_lesson_pages_open_like_its_course_page(self):
        self.login(self.dp_admin)
        module = self.lessons[0].module
        for url in (
            reverse("learning:author_course", args=[self.course.pk]),
            reverse("learning:author_module", args=[module.pk]),
            reverse("learning:author_lesson", args=[self.lessons[0].pk]),
        ):
            self.assertEqual(self.client.get(url).status_code, 200, url)
        self.login(self.minh)
        self.assertEqual(self.client.get(reverse("learning:author_module", args=[module.pk])).status_code, 404)
