import datetime as dt
import io

from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import Workbook

from campaigns import actions
from campaigns.models import Attendance, CampaignMember, ClassEnrolment, ClassSession
from campaigns.tests.helpers import PopulationMixin
from hocvuso.testing import BaseTestCase


def at(day, hour, minute=0):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


DAY = dt.date(2025, 10, 15)


class ClassTests(PopulationMixin, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.add_people()
        cls.campaign = cls.make_campaign()
        cls.hall_lm = actions.create_venue(unit=cls.lienminh, name="Hội trường xã Liên Minh")
        cls.hall_od = actions.create_venue(unit=cls.odien, name="Hội trường xã Ô Diên")
        cls.klass = actions.create_class(
            campaign=cls.campaign,
            code="L1",
            name="Lớp 1",
            units=[cls.lienminh],
            min_learners=3,
            max_learners=8,
            instructors=[cls.tuan],
        )
        cls.other = actions.create_class(
            campaign=cls.campaign,
            code="L2",
            name="Lớp 2",
            units=[cls.lienminh, cls.odien],
            max_learners=20,
            min_learners=1,
        )

    def member(self, person):
        return CampaignMember.objects.select_related("person", "campaign").get(campaign=self.campaign, person=person)

    def test_a_venue_cannot_be_booked_twice_at_the_same_time(self):
        actions.add_session(klass=self.klass, starts_at=at(DAY, 8), ends_at=at(DAY, 11), venue=self.hall_lm)
        with self.assertRaisesMessage(ValidationError, "Hội trường xã Liên Minh"):
            actions.add_session(
                klass=self.other, starts_at=at(DAY, 10), ends_at=at(DAY, 12), venue=self.hall_lm, instructors=[self.hoa]
            )

    def test_an_instructor_cannot_teach_two_sessions_at_once_or_without_time_to_travel(self):
        actions.add_session(klass=self.klass, starts_at=at(DAY, 8), ends_at=at(DAY, 11), venue=self.hall_lm)
        with self.assertRaises(ValidationError) as caught:
            actions.add_session(
                klass=self.other,
                starts_at=at(DAY, 10),
                ends_at=at(DAY, 12),
                venue=self.hall_od,
                instructors=[self.tuan],
            )
        self.assertIn("instructors", caught.exception.error_dict)
        # 11:00 at Liên Minh, 11:30 at Ô Diên: no time to travel.
        with self.assertRaises(ValidationError):
            actions.add_session(
                klass=self.other,
                starts_at=at(DAY, 11, 30),
                ends_at=at(DAY, 13),
                venue=self.hall_od,
                instructors=[self.tuan],
            )
        actions.add_session(
            klass=self.other,
            starts_at=at(DAY, 13, 30),
            ends_at=at(DAY, 16),
            venue=self.hall_od,
            instructors=[self.tuan],
        )
        self.assertEqual(ClassSession.objects.count(), 2)

    def test_a_tour_schedules_every_class_without_double_booking(self):
        sessions = actions.plan_tour(
            classes=[self.klass, self.other],
            venues={self.klass.pk: self.hall_lm, self.other.pk: self.hall_od},
            instructors=[self.tuan],
            first_day=DAY,
            last_day=DAY + dt.timedelta(days=10),
            sessions_per_class=3,
            titles=("Học phần 1", "Học phần 2", "Học phần 3"),
        )
        self.assertEqual(len(sessions), 6)
        for a in sessions:
            for b in sessions:
                if a is not b and a.starts_at < b.ends_at and b.starts_at < a.ends_at:
                    self.fail(f"{a} overlaps {b}")
        self.assertEqual(sorted({s.title for s in sessions}), ["Học phần 1", "Học phần 2", "Học phần 3"])
        from campaigns.selectors import travel_plan

        (plan,) = travel_plan(self.campaign)
        self.assertEqual(len(plan["stops"]), 6)
        self.assertEqual(plan["venues"], {"Hội trường xã Liên Minh", "Hội trường xã Ô Diên"})

    def test_a_tour_that_does_not_fit_writes_nothing(self):
        with self.assertRaises(ValidationError):
            actions.plan_tour(
                classes=[self.klass, self.other],
                venues={self.klass.pk: self.hall_lm, self.other.pk: self.hall_od},
                instructors=[self.tuan],
                first_day=DAY,
                last_day=DAY,
                sessions_per_class=2,
            )
        self.assertFalse(ClassSession.objects.exists())

    def test_picking_enrols_the_members_and_counts_them_as_enrolled(self):
        result = actions.enrol_members(
            klass=self.klass, members=[self.member(p) for p in self.teachers[:3]], method="picked"
        )
        self.assertEqual(len(result.enrolled), 3)
        self.assertTrue(all(m.enrolled_at for m in CampaignMember.objects.filter(person__in=self.teachers[:3])))
        self.assertTrue(actions.tallies_match_members(self.campaign))

    def test_it_refuses_people_outside_the_units_the_class_serves_and_a_class_over_its_limit(self):
        with self.assertRaises(ValidationError):
            actions.enrol_members(klass=self.klass, members=[self.member(self.p_odien)], method="picked")
        everyone = [self.member(p) for p in self.teachers + self.party + self.lm_officials]  # 11 > 8
        with self.assertRaisesMessage(ValidationError, "8"):
            actions.enrol_members(klass=self.klass, members=everyone, method="picked")
        self.assertFalse(ClassEnrolment.objects.exists())

    def test_enrolling_by_rule_fills_the_class_up_to_its_limit(self):
        result = actions.enrol_by_rule(klass=self.klass)
        self.assertEqual(len(result.enrolled), 8)
        again = actions.enrol_by_rule(klass=self.klass)
        self.assertEqual(len(again.enrolled), 0)

    def test_enrolling_by_rule_can_take_one_segment(self):
        result = actions.enrol_by_rule(klass=self.other, rule=self.r_staff)
        self.assertEqual({m.person_id for m in result.enrolled}, {p.pk for p in self.lm_officials + self.od_officials})

    def roster(self, rows):
        wb = Workbook()
        ws = wb.active
        ws.append(["DANH SÁCH HỌC VIÊN"])
        ws.append(["STT", "Họ và tên", "Số CCCD", "Số điện thoại"])
        for i, row in enumerate(rows, start=1):
            ws.append([i, *row])
        out = io.BytesIO()
        wb.save(out)
        out.seek(0)
        return out

    def test_a_roster_enrols_the_people_it_names(self):
        upload = self.roster([["Nguyễn Thị Mai", "001185012345", ""], ["Trần Thị Huyền", "", ""]])
        result = actions.enrol_from_roster(klass=self.klass, upload=upload, filename="lop1.xlsx")
        self.assertEqual({m.person_id for m in result.enrolled}, {self.p_mai.pk, self.p_huyen.pk})

    def test_a_roster_with_a_bad_row_enrols_nobody_and_names_the_row(self):
        upload = self.roster([["Nguyễn Thị Mai", "001185012345", ""], ["Không Có Ai", "", ""], ["Lê Văn Đức", "", ""]])
        with self.assertRaises(actions.RosterProblem) as caught:
            actions.enrol_from_roster(klass=self.klass, upload=upload, filename="lop1.xlsx")
        rows = dict(caught.exception.problems)
        self.assertEqual(sorted(rows), [4, 5])  # spreadsheet rows: the title and header come first
        self.assertFalse(ClassEnrolment.objects.exists())

    def test_moving_a_learner_keeps_their_attendance_and_history(self):
        mai = self.member(self.p_mai)
        actions.enrol_members(klass=self.klass, members=[mai], method="picked")
        session = actions.add_session(klass=self.klass, starts_at=at(DAY, 8), ends_at=at(DAY, 11), venue=self.hall_lm)
        actions.record_attendance(session=session, present=[mai.pk])
        old = ClassEnrolment.objects.get(member=mai)
        new = actions.move_learner(enrolment=old, to_class=self.other)
        old.refresh_from_db()
        self.assertIsNotNone(old.left_at)
        self.assertEqual(old.moved_to, new)
        self.assertEqual(new.method, "moved")
        self.assertTrue(Attendance.objects.filter(member=mai, session=session, present=True).exists())
        self.assertEqual(ClassEnrolment.objects.filter(member=mai).count(), 2)

    def test_the_roster_marks_absent_whoever_is_not_ticked_but_keeps_qr_check_ins(self):
        learners = [self.member(p) for p in self.teachers[:3]]
        actions.enrol_members(klass=self.klass, members=learners, method="picked")
        now = timezone.now()
        session = actions.add_session(
            klass=self.klass,
            starts_at=now - dt.timedelta(minutes=30),
            ends_at=now + dt.timedelta(hours=2),
            venue=self.hall_lm,
        )
        actions.check_in(token=actions.qr_token(session), person=self.p_mai)
        n = actions.record_attendance(session=session, present=[learners[1].pk])
        self.assertEqual(n, 2)
        self.assertEqual(
            dict(Attendance.objects.filter(session=session).values_list("member__person_id", "present")),
            {self.p_mai.pk: True, self.teachers[1].pk: True, self.teachers[2].pk: False},
        )

    def test_a_qr_code_works_only_during_its_session_and_only_for_its_learners(self):
        mai = self.member(self.p_mai)
        actions.enrol_members(klass=self.klass, members=[mai], method="picked")
        session = actions.add_session(klass=self.klass, starts_at=at(DAY, 8), ends_at=at(DAY, 11), venue=self.hall_lm)
        token = actions.qr_token(session)
        with self.assertRaises(ValidationError):
            actions.check_in(token=token, person=self.p_mai, now=at(DAY, 7, 30))  # 30 min early
        actions.check_in(token=token, person=self.p_mai, now=at(DAY, 7, 50))
        with self.assertRaises(ValidationError):
            actions.check_in(token=token, person=self.p_mai, now=at(DAY, 11, 1))
        with self.assertRaises(ValidationError):
            actions.check_in(token=token, person=self.p_huyen, now=at(DAY, 9))
        with self.assertRaises(ValidationError):
            actions.check_in(token=f"{session.pk}-wrong", person=self.p_mai, now=at(DAY, 9))
        actions.renew_qr(session=session)
        with self.assertRaises(ValidationError):
            actions.check_in(token=token, person=self.p_mai, now=at(DAY, 9))
