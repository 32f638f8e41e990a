from django.db.models import Exists, OuterRef
from django.urls import reverse

from accounts import access
from accounts.access import Perm
from accounts.models import Role, User
from demo import facts
from demo.accounts import ACCOUNTS, DEMO_PASSWORD, DEMO_SCHOOL
from demo.tests.fixtures import SeededDemoTestCase
from hocvuso.db import subtree_q
from org.models import Unit
from people.models import Membership, Person


class DemoAccountsTests(SeededDemoTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.users = User.objects.in_bulk([a.username for a in ACCOUNTS], field_name="username")

    def user(self, username: str) -> User:
        # A fresh copy: access caches a user's grants on the instance.
        return User.objects.get(pk=self.users[username].pk)

    def people_with_current_membership_under(self, code: str):
        path = Unit.objects.get(code=code).path
        inside = Membership.objects.filter(subtree_q(path, "unit__path"), person=OuterRef("pk"), ended_on__isnull=True)
        return Person.objects.filter(Exists(inside))

    def assert_units_within(self, username: str, code: str):
        path = Unit.objects.get(code=code).path
        units = access.units(self.user(username))
        self.assertTrue(units.exists())
        # Former units count as inside when their history belongs there (heir path).
        outside = units.exclude(subtree_q(path) | subtree_q(path, "heir_path"))
        self.assertFalse(outside.exists(), f"{username} sees units outside {code}")
        return set(units.values_list("code", flat=True))

    def test_there_is_one_account_per_role(self):
        self.assertEqual({a.role for a in ACCOUNTS}, set(Role))
        self.assertEqual(len(self.users), len(ACCOUNTS))
        for account in ACCOUNTS:
            grants = list(self.users[account.username].role_grants.values_list("role", "unit__code"))
            self.assertEqual(grants, [(account.role.value, account.unit_code)])

    def test_every_demo_account_signs_in_with_the_demo_password(self):
        for account in ACCOUNTS:
            with self.subTest(account.username):
                response = self.client.post(
                    reverse("accounts:login"), {"username": account.username, "password": DEMO_PASSWORD}
                )
                self.assertEqual(response.status_code, 302)
                self.assertEqual(int(self.client.session["_auth_user_id"]), self.users[account.username].pk)
                self.client.logout()

    def test_the_system_administrator_sees_everything(self):
        admin = self.user("admin")
        self.assertEqual(access.units(admin).count(), Unit.objects.count())
        self.assertEqual(access.people(admin).count(), Person.objects.count())

    def test_hanoi_sees_the_former_danphuong_staff_and_clan_and_nothing_of_other_provinces(self):
        codes = self.assert_units_within("hanoi", facts.HANOI)
        self.assertTrue({"DP-XA-09784-UBND", DEMO_SCHOOL, facts.DP_CLAN, "09787"} <= codes)
        self.assertFalse({facts.PT_PARTY, facts.GL_CDS, facts.XA_LIENMINH_PHUTHO} & codes)
        clan_only = facts.DP_CLAN_MEMBERS - facts.DP_CLAN_STAFF
        self.assertEqual(access.people(self.user("hanoi")).count(), facts.DP_STAFF + clan_only)

    def test_danphuong_sees_only_the_new_xa_dan_phuong(self):
        codes = self.assert_units_within("danphuong", facts.XA_DANPHUONG)
        self.assertIn(DEMO_SCHOOL, codes)
        self.assertFalse({"DP-TH-09796", "DP-XA-09787-UBND", facts.DP_CLAN} & codes)
        people = access.people(self.user("danphuong"))
        expected = self.people_with_current_membership_under(facts.XA_DANPHUONG)
        self.assertEqual(set(people), set(expected))
        self.assertTrue(0 < people.count() < facts.DP_STAFF)

    def test_lienminh_sees_its_party_organisation_and_nothing_of_the_hanoi_xa_lien_minh(self):
        codes = self.assert_units_within("lienminh", facts.XA_LIENMINH_PHUTHO)
        self.assertTrue({facts.PT_PARTY, *facts.PT_PARTY_COMMITTEES, "PT-LM-CB-30"} <= codes)
        self.assertFalse({facts.XA_LIENMINH_HANOI, "DP-XA-09787-UBND"} & codes)
        self.assertEqual(access.people(self.user("lienminh")).count(), facts.PT_PARTY_MEMBERS)

    def test_gialai_and_its_instructor_see_the_people_of_gia_lai_only_the_admin_manages_them(self):
        for username in ("gialai", "giangvien"):
            codes = self.assert_units_within(username, facts.GIALAI)
            self.assertIn(facts.GL_CDS, codes)
            self.assertEqual(access.people(self.user(username)).count(), facts.GL_OFFICIALS + facts.GL_CDS_STAFF)
        self.assertTrue(access.units(self.user("gialai"), Perm.MANAGE_PEOPLE).exists())
        self.assertFalse(access.units(self.user("giangvien"), Perm.MANAGE_PEOPLE).exists())

    def test_phuly_sees_its_learning_centres(self):
        codes = self.assert_units_within("phuly", facts.PHUONG_PHULY)
        self.assertEqual(len([c for c in codes if c.startswith(facts.PL_CENTRE_PREFIX)]), 4)
        self.assertEqual(access.people(self.user("phuly")).count(), 124)

    def test_truonghoc_manages_its_school_only(self):
        user = self.user("truonghoc")
        self.assertEqual(list(access.units(user, Perm.MANAGE_PEOPLE).values_list("code", flat=True)), [DEMO_SCHOOL])
        self.assertEqual(set(access.people(user)), set(self.people_with_current_membership_under(DEMO_SCHOOL)))

    def test_hocvien_is_a_teacher_of_that_school_and_sees_only_themself(self):
        user = self.user("hocvien")
        self.assertIsNotNone(user.person)
        self.assertEqual(user.full_name, user.person.full_name)
        self.assertTrue(
            Membership.objects.filter(
                person=user.person, unit__code=DEMO_SCHOOL, group__slug="giao-vien", ended_on__isnull=True
            ).exists()
        )
        self.assertEqual(list(access.people(user)), [user.person])
        self.assertFalse(access.units(user).exists())
