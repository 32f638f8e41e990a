import datetime as dt
import io
import zipfile

from django.urls import reverse

from campaigns import actions
from campaigns.models import CampaignMember
from campaigns.tests.helpers import PopulationMixin, at
from campaigns.tests.test_progress import make_course
from hocvuso.testing import BaseTestCase
from learning.models import Certificate, CourseProgress


class ClassCertificatesViewTests(PopulationMixin, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_people()
        cls.course = make_course("an-toan-thong-tin", "An toàn thông tin")
        cls.campaign = cls.make_campaign()
        actions.set_courses(campaign=cls.campaign, course_ids=[cls.course.pk])
        cls.klass = actions.create_class(
            campaign=cls.campaign,
            code="L1",
            name="Lớp 1",
            units=[cls.lienminh],
            min_learners=1,
            max_learners=10,
            instructors=[cls.tuan],
        )
        members = CampaignMember.objects.filter(campaign=cls.campaign, person__in=cls.teachers[:2])
        actions.enrol_members(klass=cls.klass, members=list(members), method="picked")

    def url(self):
        return reverse("campaigns:class_certificates", args=[self.campaign.slug, self.klass.code])

    def test_the_instructor_downloads_the_certificates_of_the_learners_who_completed(self):
        done = self.teachers[1]
        CourseProgress.objects.update_or_create(
            person=done, course=self.course, defaults={"percent": 100, "completed_at": at(dt.date(2025, 4, 2))}
        )
        self.login(self.tuan)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/zip")
        names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
        certificate = Certificate.objects.get(person=done, course=self.course)
        self.assertEqual(len(names), 1)
        self.assertIn(certificate.code, names[0])

    def test_a_class_without_completions_says_so_instead_of_an_empty_zip(self):
        self.login(self.tuan)
        response = self.client.get(self.url(), follow=True)
        self.assertContains(response, "Chưa có học viên nào của lớp hoàn thành khóa học.")
        self.assertFalse(Certificate.objects.exists())

    def test_someone_outside_the_campaign_gets_404(self):
        self.login(self.pleiku)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
