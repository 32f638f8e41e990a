from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from accounts import actions
from accounts.models import Role, RoleGrant, User
from audit.models import AuditEvent
from hocvuso.testing import BaseTestCase


class CreateUserTests(BaseTestCase):
    def create(self, actor=None, **kwargs):
        fields = {
            "username": "thu.nt",
            "full_name": "Nguyễn  Thị Thu",
            "role": Role.INSTRUCTOR,
            "unit": self.school,
        }
        return actions.create_user(actor=actor or self.minh, **{**fields, **kwargs})

    def test_the_user_is_created_with_a_role_and_a_generated_password(self):
        user, password = self.create()
        self.assertEqual(user.full_name, "Nguyễn Thị Thu")
        self.assertEqual(user.search_name, "nguyen thi thu")
        self.assertTrue(user.check_password(password))
        validate_password(password, user)
        grant = user.role_grants.get()
        self.assertEqual((grant.role, grant.unit, grant.granted_by), (Role.INSTRUCTOR, self.school, self.minh))
        event = AuditEvent.objects.get(action="user.create")
        self.assertEqual((event.target_id, event.unit_path), (str(user.pk), self.school.path))
        self.assertNotIn(password, str(event.changes))

    def test_a_given_password_is_used_and_nothing_is_returned(self):
        user, password = self.create(password="một câu mật khẩu dài")
        self.assertIsNone(password)
        self.assertTrue(user.check_password("một câu mật khẩu dài"))

    def test_generated_passwords_differ_and_are_easy_to_read_aloud(self):
        passwords = {actions.generate_password() for _ in range(50)}
        self.assertEqual(len(passwords), 50)
        for p in passwords:
            self.assertRegex(p, r"^[34679a-hjkmnp-y]{4}(-[34679a-hjkmnp-y]{4}){3}$")

    def test_usernames_are_unique_ignoring_case(self):
        with self.assertRaisesMessage(actions.ActionRefused, "đã có người dùng"):
            self.create(username="MINH")

    def test_the_rank_rule_applies_to_the_first_role(self):
        with self.assertRaises(actions.ActionRefused):
            self.create(actor=self.lan, role=Role.COMMUNE_ADMIN, unit=self.lienminh)
        self.assertFalse(User.objects.filter(username="thu.nt").exists())

    def test_a_person_in_scope_is_linked_and_lends_their_name(self):
        user, _ = self.create(full_name="", person=self.p_huyen)
        self.assertEqual((user.person, user.full_name), (self.p_huyen, "Trần Thị Huyền"))

    def test_a_person_outside_the_scope_cannot_be_linked(self):
        with self.assertRaisesMessage(actions.ActionRefused, "không thuộc các đơn vị của bạn"):
            self.create(person=self.p_odien)

    def test_a_person_with_an_account_cannot_be_linked_again(self):
        with self.assertRaises(actions.ActionRefused):
            self.create(person=self.p_mai)

    def test_a_weak_password_is_refused_and_nothing_is_written(self):
        with self.assertRaises(ValidationError):
            self.create(password="12345")
        self.assertFalse(User.objects.filter(username="thu.nt").exists())
        self.assertFalse(AuditEvent.objects.exists())


class ManageUserTests(BaseTestCase):
    def test_a_commune_admin_deactivates_and_reactivates_an_instructor(self):
        actions.set_user_active(actor=self.minh, user=self.tuan, active=False)
        self.tuan.refresh_from_db()
        self.assertFalse(self.tuan.is_active)
        actions.set_user_active(actor=self.minh, user=self.tuan, active=True)
        events = list(AuditEvent.objects.order_by("id").values_list("action", "unit_path"))
        self.assertEqual(events, [("user.deactivate", self.lienminh.path), ("user.reactivate", self.lienminh.path)])

    def test_nobody_deactivates_a_user_who_holds_a_role_they_could_not_grant(self):
        RoleGrant.objects.create(user=self.tuan, role=Role.PROVINCE_ADMIN, unit=self.gialai)
        with self.assertRaisesMessage(actions.ActionRefused, "tuan"):
            actions.set_user_active(actor=self.minh, user=self.tuan, active=False)
        self.tuan.refresh_from_db()
        self.assertTrue(self.tuan.is_active)
        actions.set_user_active(actor=self.root, user=self.tuan, active=False)
        # The event belongs to no single province: only system admins see it.
        self.assertEqual(AuditEvent.objects.get().unit_path, "")

    def test_nobody_deactivates_themself(self):
        with self.assertRaises(actions.ActionRefused):
            actions.set_user_active(actor=self.root, user=self.root, active=False)

    def test_the_event_is_filed_under_the_deepest_unit_covering_all_roles(self):
        RoleGrant.objects.create(user=self.mai, role=Role.LEARNER, unit=self.cell)
        self.assertEqual(actions.users_unit_path(self.mai), self.lienminh.path)
        self.assertEqual(actions.users_unit_path(self.lan), self.school.path)
        self.assertEqual(actions.users_unit_path(self.root), "")

    def test_a_manager_resets_a_password(self):
        password = actions.reset_password(actor=self.lan, user=self.mai)
        self.mai.refresh_from_db()
        self.assertTrue(self.mai.check_password(password))
        self.assertEqual(AuditEvent.objects.get().action, "user.password_reset")

    def test_a_peer_cannot_set_a_peers_password(self):
        co_admin = User.objects.create_user(username="minh2", password=self.password)
        RoleGrant.objects.create(user=co_admin, role=Role.COMMUNE_ADMIN, unit=self.lienminh)
        # A peer may stop a peer (the province can undo it), but never sign in as them.
        with self.assertRaisesMessage(actions.ActionRefused, "minh2"):
            actions.reset_password(actor=self.minh, user=co_admin)
        actions.reset_password(actor=self.hoa, user=co_admin)
        actions.set_user_active(actor=self.minh, user=co_admin, active=False)

    def test_an_instructor_is_not_reset_by_an_organisation_manager(self):
        with self.assertRaises(actions.ActionRefused):
            actions.reset_password(actor=self.lan, user=self.tuan)
