import shutil
import tempfile

from django.test import override_settings
from django.urls import reverse

from hocvuso.testing import BaseTestCase
from learning import actions
from learning.tests.factories import make_course

VIDEO = bytes(range(256)) * 40  # 10,240 bytes standing in for an MP4


class MediaTests(BaseTestCase):
    @classmethod
    def setUpClass(cls):
        cls.media = tempfile.mkdtemp()
        cls.override = override_settings(MEDIA_ROOT=cls.media, ROOT_URLCONF="learning.tests.urls")
        cls.override.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.override.disable()
        shutil.rmtree(cls.media, ignore_errors=True)

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.course, lessons = make_course()
        cls.lesson = actions.create_lesson(module=lessons[0].module, title="Video", kind="video")
        actions.set_lesson_video(
            lesson=cls.lesson,
            name="bai.mp4",
            content=VIDEO,
            poster_name="bia.svg",
            poster=b"<svg xmlns='http://www.w3.org/2000/svg'/>",
            duration_seconds=95,
        )
        cls.pdf = actions.add_lesson_file(lesson=lessons[0], name="tai-lieu.pdf", content=b"%PDF-1.4 hello")
        actions.enrol(person=cls.p_mai, course=cls.course)

    def setUp(self):
        self.login(self.mai)

    def body(self, response) -> bytes:
        return b"".join(response.streaming_content)

    def test_a_range_request_gets_just_those_bytes(self):
        url = reverse("learning:lesson_video", args=[self.lesson.pk])
        response = self.client.get(url, HTTP_RANGE="bytes=100-199")
        self.assertEqual(response.status_code, 206)
        self.assertEqual(response["Content-Range"], f"bytes 100-199/{len(VIDEO)}")
        self.assertEqual(response["Content-Length"], "100")
        self.assertEqual(self.body(response), VIDEO[100:200])

    def test_open_ended_and_suffix_ranges(self):
        url = reverse("learning:lesson_video", args=[self.lesson.pk])
        self.assertEqual(self.body(self.client.get(url, HTTP_RANGE="bytes=10000-")), VIDEO[10000:])
        self.assertEqual(self.body(self.client.get(url, HTTP_RANGE="bytes=-40")), VIDEO[-40:])

    def test_a_range_past_the_end_is_refused(self):
        response = self.client.get(reverse("learning:lesson_video", args=[self.lesson.pk]), HTTP_RANGE="bytes=99999-")
        self.assertEqual(response.status_code, 416)
        self.assertEqual(response["Content-Range"], f"bytes */{len(VIDEO)}")

    def test_the_whole_file_says_it_accepts_ranges(self):
        response = self.client.get(reverse("learning:lesson_video", args=[self.lesson.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Accept-Ranges"], "bytes")
        self.assertEqual(self.body(response), VIDEO)

    def test_the_lesson_page_shows_the_size_and_poster_before_playing(self):
        response = self.client.get(reverse("learning:lesson", args=[self.lesson.pk]))
        self.assertContains(response, 'preload="none"')
        self.assertContains(response, reverse("learning:lesson_poster", args=[self.lesson.pk]))
        self.assertContains(response, "10,0\u00a0KB")

    def test_downloads_are_attachments_that_cannot_run_scripts(self):
        response = self.client.get(reverse("learning:lesson_file", args=[self.pdf.pk, self.pdf.name]))
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertIn("sandbox", response["Content-Security-Policy"])

    def test_files_of_a_course_out_of_reach_are_not_found(self):
        self.login(self.pleiku)
        response = self.client.get(reverse("learning:lesson_video", args=[self.lesson.pk]))
        self.assertEqual(response.status_code, 404)
