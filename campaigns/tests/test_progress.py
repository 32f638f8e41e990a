import datetime as dt

from django.utils import timezone

from campaigns import actions
from campaigns.models import CampaignMember, MemberTally
from campaigns.tests.helpers import PopulationMixin, at
from hocvuso.testing import BaseTestCase
from learning.models import Course, CourseProgress, Enrolment, Lesson, LessonProgress, Module


def make_course(key: str, title: str) -> Course:
    course = Course.objects.create(
        key=key, iri=f"https://hocvuso.test/course/{key}", title=title, status=Course.Status.PUBLISHED
    )
    module = Module.objects.create(course=course, key="m1", iri=f"https://hocvuso.test/course/{key}/m1", title="M1")
    Lesson.objects.create(
        module=module, course=course, key="l1", iri=f"https://hocvuso.test/course/{key}/m1/l1", title="L1"
    )
    return course


class ProgressTests(PopulationMixin, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_people()
        cls.course_a = make_course("ky-nang-so-co-ban", "Kỹ năng số cơ bản")
        cls.course_b = make_course("ai-cho-giao-vien", "AI cho giáo viên")

    def setUp(self):
        self.campaign = self.make_campaign()
        actions.set_courses(campaign=self.campaign, course_ids=[self.course_a.pk, self.course_b.pk])

    def member(self, person):
        return CampaignMember.objects.get(campaign=self.campaign, person=person)

    def test_completing_counts_the_member_as_enrolled_started_and_completed_once(self):
        m = self.member(self.p_mai)
        when = at(dt.date(2025, 4, 1))
        actions.record_progress(member=m, completed_at=when)
        actions.record_progress(member=m, completed_at=when)  # replayed event
        m.refresh_from_db()
        self.assertEqual((m.enrolled_at, m.started_at, m.completed_at), (when, when, when))
        tally = MemberTally.objects.get(campaign=self.campaign, unit=self.school, rule=self.r_teachers)
        self.assertEqual((tally.members, tally.enrolled, tally.started, tally.completed), (5, 1, 1, 1))
        self.assertTrue(actions.tallies_match_members(self.campaign))

    def test_learning_records_reach_the_campaign_after_commit(self):
        now = timezone.now()
        with self.captureOnCommitCallbacks(execute=True):
            Enrolment.objects.create(person=self.p_huyen, course=self.course_a, enrolled_at=now)
        m = self.member(self.p_huyen)
        self.assertIsNotNone(m.enrolled_at)
        self.assertIsNone(m.started_at)
        lesson = self.course_a.lessons.get()
        with self.captureOnCommitCallbacks(execute=True):
            LessonProgress.objects.create(
                person=self.p_huyen, lesson=lesson, course=self.course_a, first_viewed_at=now, completed_at=now
            )
            CourseProgress.objects.create(
                person=self.p_huyen,
                course=self.course_a,
                lessons_done=1,
                percent=100,
                last_activity_at=now,
                completed_at=now,
            )
        m.refresh_from_db()
        self.assertEqual(m.started_at, now)
        # Completing the campaign takes both courses.
        self.assertIsNone(m.completed_at)
        self.assertEqual(m.courses_completed, 1)
        with self.captureOnCommitCallbacks(execute=True):
            CourseProgress.objects.create(
                person=self.p_huyen, course=self.course_b, percent=100, last_activity_at=now, completed_at=now
            )
        m.refresh_from_db()
        self.assertEqual(m.completed_at, now)
        self.assertTrue(actions.tallies_match_members(self.campaign))

    def test_a_completion_rule_of_one_course_completes_with_the_first(self):
        actions.update_campaign(campaign=self.campaign, completion_courses=1)
        now = timezone.now()
        CourseProgress.objects.create(
            person=self.p_odien, course=self.course_b, percent=100, last_activity_at=now, completed_at=now
        )
        self.assertEqual(actions.sync_progress(campaign=self.campaign), 1)
        self.assertEqual(self.member(self.p_odien).completed_at, now)

    def test_progress_of_people_outside_the_campaign_changes_nothing(self):
        now = timezone.now()
        with self.captureOnCommitCallbacks(execute=True):
            CourseProgress.objects.create(person=self.p_gialai, course=self.course_a, completed_at=now)
        self.assertFalse(CampaignMember.objects.filter(person=self.p_gialai).exists())
        self.assertTrue(actions.tallies_match_members(self.campaign))
