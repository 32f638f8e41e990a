import datetime as dt

from django.utils import timezone

from campaigns import actions
from campaigns.models import Attendance, Campaign, CampaignMember, ClassEnrolment, Target, TrainingClass
from campaigns.tests.helpers import PopulationMixin
from hocvuso.testing import BaseTestCase


class CampaignPagesTests(PopulationMixin, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_people()

    def test_a_province_administrator_defines_a_campaign_its_segments_and_targets_then_opens_it(self):
        self.login(self.hoa)
        response = self.client.post(
            "/campaigns/new/",
            {
                "name": "Cuộc đua luyện AI",
                "slug": "",
                "description": "",
                "starts_on": "24/03/2025",
                "ends_on": "24/04/2025",
                "participation": "started",
                "completion_courses": "0",
                "population_on": "",
                "organiser": "01",
                "units": "09787\n09817",
            },
        )
        campaign = Campaign.objects.get()
        self.assertRedirects(response, f"/campaigns/{campaign.slug}/")
        self.assertEqual(campaign.slug, "cuoc-dua-luyen-ai")
        response = self.client.post(
            f"/campaigns/{campaign.slug}/segments/new/",
            {
                "label": "Giáo viên",
                "groups": [self.groups["giao-vien"].pk],
                "units": "",
            },
        )
        self.assertRedirects(response, f"/campaigns/{campaign.slug}/")
        response = self.client.post(
            f"/campaigns/{campaign.slug}/targets/new/",
            {
                "measure": "participation",
                "percent": "95",
                "deadline": "31/12/2025",
                "unit": "",
            },
        )
        self.assertRedirects(response, f"/campaigns/{campaign.slug}/")
        self.assertEqual(Target.objects.get().percent, 95)
        response = self.client.get(f"/campaigns/{campaign.slug}/")
        self.assertContains(response, "Giáo viên")
        self.assertContains(response, '<td class="num">5</td>', html=False)  # the preview counts the 5 teachers
        self.client.post(f"/campaigns/{campaign.slug}/open/")
        campaign.refresh_from_db()
        self.assertEqual((campaign.status, campaign.members.count()), ("open", 5))

    def test_bad_input_is_named_field_by_field(self):
        self.login(self.minh)
        response = self.client.post(
            "/campaigns/new/",
            {
                "name": "X",
                "starts_on": "24/04/2025",
                "ends_on": "24/03/2025",
                "participation": "started",
                "completion_courses": "0",
                "organiser": "09787",
                "units": "09817",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "09817")  # outside the commune administrator's reach

    def test_people_without_management_rights_cannot_define_campaigns(self):
        self.login(self.tuan)
        self.assertEqual(self.client.get("/campaigns/new/").status_code, 404)
        self.login(self.mai)
        self.assertEqual(self.client.get("/campaigns/new/").status_code, 404)

    def test_an_instructor_takes_attendance_on_a_phone_and_shows_the_qr_code(self):
        campaign = self.make_campaign()
        venue = actions.create_venue(unit=self.lienminh, name="Hội trường")
        klass = actions.create_class(
            campaign=campaign, code="L1", name="Lớp 1", units=[self.lienminh], instructors=[self.tuan], min_learners=1
        )
        actions.enrol_by_rule(klass=klass, rule=self.r_teachers)
        now = timezone.now()
        session = actions.add_session(
            klass=klass, starts_at=now - dt.timedelta(minutes=10), ends_at=now + dt.timedelta(hours=2), venue=venue
        )
        self.login(self.tuan)
        response = self.client.get(f"/campaigns/{campaign.slug}/classes/L1/")
        self.assertContains(response, "Nguyễn Thị Mai")
        roster = f"/campaigns/{campaign.slug}/sessions/{session.pk}/attendance/"
        self.assertContains(self.client.get(roster), 'name="present"', count=5)
        mai = CampaignMember.objects.get(campaign=campaign, person=self.p_mai)
        self.client.post(roster, {"present": [mai.pk]})
        self.assertEqual(Attendance.objects.filter(session=session, present=True).count(), 1)
        qr = self.client.get(f"/campaigns/{campaign.slug}/sessions/{session.pk}/qr/")
        self.assertContains(qr, "<svg")
        # A learner of the class scans it.
        teacher = CampaignMember.objects.filter(campaign=campaign, person=self.teachers[1]).get()
        from accounts.models import Role

        user = self.make_user("gv1", Role.LEARNER, self.school, person=self.teachers[1])
        self.login(user)
        response = self.client.post(f"/campaigns/attend/{actions.qr_token(session)}/")
        self.assertContains(response, "Bạn đã được điểm danh có mặt.")
        self.assertTrue(Attendance.objects.get(session=session, member=teacher).present)
        # Someone else's class: no.
        self.login(self.pleiku)
        self.assertEqual(self.client.get(roster).status_code, 404)

    def test_the_class_pages_enrol_and_move_learners(self):
        campaign = self.make_campaign()
        a = actions.create_class(campaign=campaign, code="A", name="Lớp A", units=[self.lienminh], min_learners=1)
        b = actions.create_class(campaign=campaign, code="B", name="Lớp B", units=[self.lienminh], min_learners=1)
        mai = CampaignMember.objects.get(campaign=campaign, person=self.p_mai)
        self.login(self.hoa)
        self.client.post(f"/campaigns/{campaign.slug}/classes/A/enrol/", {"how": "pick", "member": [mai.pk]})
        enrolment = ClassEnrolment.objects.get(member=mai)
        self.assertEqual(enrolment.klass, a)
        self.client.post(f"/campaigns/{campaign.slug}/classes/A/learners/{enrolment.pk}/move/", {"to_class": b.pk})
        self.assertEqual(ClassEnrolment.objects.get(member=mai, left_at__isnull=True).klass, b)
        response = self.client.get(f"/campaigns/{campaign.slug}/classes/")
        self.assertContains(response, "Lớp A")
        self.assertEqual(TrainingClass.objects.count(), 2)
        for url in ("plan/", "members/?status=pending", "classes/new/", "venues/new/", "contests/new/"):
            self.assertEqual(self.client.get(f"/campaigns/{campaign.slug}/{url}").status_code, 200, url)

    def test_the_campaign_list_shows_only_campaigns_within_reach(self):
        campaign = self.make_campaign()
        self.login(self.minh)
        self.assertContains(self.client.get("/campaigns/"), campaign.name)
        self.login(self.pleiku)
        self.assertNotContains(self.client.get("/campaigns/"), campaign.name)
        self.assertEqual(self.client.get(f"/campaigns/{campaign.slug}/").status_code, 404)
