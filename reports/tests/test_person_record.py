import io

from django.utils import timezone
from openpyxl import load_workbook

from campaigns import actions
from campaigns.models import CampaignMember
from campaigns.tests.helpers import PopulationMixin
from campaigns.tests.test_progress import make_course
from hocvuso.testing import BaseTestCase
from learning.models import CourseProgress, Enrolment


class PersonRecordTests(PopulationMixin, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_people()
        cls.campaign = cls.make_campaign()
        cls.course = make_course("ky-nang-so", "Kỹ năng số cơ bản")
        now = timezone.now()
        Enrolment.objects.create(person=cls.p_mai, course=cls.course, enrolled_at=now)
        CourseProgress.objects.create(person=cls.p_mai, course=cls.course, percent=100, completed_at=now)
        actions.record_progress(
            member=CampaignMember.objects.get(campaign=cls.campaign, person=cls.p_mai), completed_at=now
        )

    def test_a_learner_sees_and_exports_their_own_record(self):
        self.login(self.mai)
        response = self.client.get("/reports/me/", follow=True)
        self.assertContains(response, "Kỹ năng số cơ bản")
        self.assertContains(response, self.campaign.name)
        xlsx = self.client.get(f"/reports/people/{self.p_mai.pk}/record.xlsx")
        rows = list(load_workbook(io.BytesIO(xlsx.content)).worksheets[0].iter_rows(values_only=True))
        self.assertIn("Kỹ năng số cơ bản", [r[0] for r in rows])
        pdf = self.client.get(f"/reports/people/{self.p_mai.pk}/record.pdf")
        self.assertTrue(pdf.content.startswith(b"%PDF"))

    def test_a_learner_cannot_see_someone_else(self):
        self.login(self.mai)
        self.assertEqual(self.client.get(f"/reports/people/{self.p_huyen.pk}/").status_code, 404)

    def test_the_evaluation_sheet_lists_everyone_of_the_unit_with_the_result(self):
        self.login(self.minh)
        response = self.client.get(f"/reports/{self.campaign.slug}/evaluation.xlsx?unit={self.school.pk}")
        rows = [
            r
            for r in load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)
            if isinstance(r[0], int)
        ]
        self.assertEqual(len(rows), 5)
        results = {r[1]: r[-1] for r in rows}
        self.assertEqual(results["Nguyễn Thị Mai"], "Đạt")
        self.assertEqual(results["Giáo Viên 0"], "Chưa đạt")
