from accounts import access, actions
from accounts.models import Role, RoleGrant, User
from audit.models import AuditEvent
from hocvuso.testing import BaseTestCase


class GrantRoleTests(BaseTestCase):
    def grant(self, actor, role, unit, user=None):
        return actions.grant_role(actor=actor, user=user or self.tuan, role=role, unit=unit)

    def test_a_commune_admin_grants_an_instructor_role_in_the_commune(self):
        grant = self.grant(self.minh, Role.INSTRUCTOR, self.school)
        self.assertEqual((grant.granted_by, grant.unit), (self.minh, self.school))
        event = AuditEvent.objects.get(action="role.grant")
        self.assertEqual(event.unit_path, self.school.path)
        self.assertEqual(event.actor, self.minh)
        self.assertEqual(event.changes, {"role": [None, "instructor"], "unit": [None, "TH-LM"]})

    def test_a_manager_may_grant_a_role_of_their_own_rank(self):
        self.grant(self.minh, Role.COMMUNE_ADMIN, self.lienminh)
        self.grant(self.lan, Role.ORG_MANAGER, self.school)
        self.assertEqual(RoleGrant.objects.filter(user=self.tuan).count(), 3)

    def test_a_manager_may_not_grant_a_role_ranked_above_their_own(self):
        with self.assertRaisesMessage(actions.ActionRefused, "cao hơn vai trò của bạn"):
            self.grant(self.lan, Role.COMMUNE_ADMIN, self.school)
        with self.assertRaises(actions.ActionRefused):
            self.grant(self.minh, Role.PROVINCE_ADMIN, self.hanoi)
        self.assertFalse(AuditEvent.objects.filter(action="role.grant").exists())

    def test_the_rank_that_counts_is_the_one_held_over_that_unit(self):
        # minh is commune admin of Liên Minh only: the neighbouring commune is out of reach.
        with self.assertRaisesMessage(actions.ActionRefused, "Bạn không thể cấp vai trò tại Xã Ô Diên"):
            self.grant(self.minh, Role.INSTRUCTOR, self.odien)

    def test_units_outside_the_scope_are_refused_whatever_the_rank(self):
        with self.assertRaises(actions.ActionRefused):
            self.grant(self.hoa, Role.LEARNER, self.pleiku_ward)
        with self.assertRaises(actions.ActionRefused):
            self.grant(self.pleiku, Role.LEARNER, self.school)

    def test_roles_without_manage_roles_cannot_grant_anything(self):
        for actor in (self.tuan, self.mai):
            with self.assertRaises(actions.ActionRefused):
                self.grant(actor, Role.LEARNER, self.school, user=self.hoa)

    def test_only_system_admins_grant_system_administration(self):
        with self.assertRaisesMessage(actions.ActionRefused, "Chỉ quản trị hệ thống"):
            self.grant(self.hoa, Role.SYSTEM_ADMIN, None)
        grant = self.grant(self.root, Role.SYSTEM_ADMIN, None)
        self.assertIsNone(grant.unit)
        self.assertEqual(AuditEvent.objects.get(action="role.grant").unit_path, "")

    def test_system_administration_is_granted_without_a_unit(self):
        with self.assertRaises(actions.ActionRefused):
            self.grant(self.root, Role.SYSTEM_ADMIN, self.hanoi)

    def test_other_roles_need_a_unit(self):
        with self.assertRaises(actions.ActionRefused):
            self.grant(self.root, Role.INSTRUCTOR, None)

    def test_admin_roles_must_fit_the_category_of_the_unit(self):
        with self.assertRaisesMessage(actions.ActionRefused, "Trường Tiểu học Liên Minh"):
            self.grant(self.hoa, Role.COMMUNE_ADMIN, self.school)
        with self.assertRaises(actions.ActionRefused):
            self.grant(self.root, Role.PROVINCE_ADMIN, self.lienminh)
        self.grant(self.hoa, Role.COMMUNE_ADMIN, self.odien)

    def test_an_inactive_unit_is_refused(self):
        self.odien.is_active = False
        self.odien.save(update_fields=["is_active"])
        with self.assertRaisesMessage(actions.ActionRefused, "không còn tồn tại"):
            self.grant(self.hoa, Role.INSTRUCTOR, self.odien)

    def test_granting_the_same_role_twice_is_refused(self):
        with self.assertRaisesMessage(actions.ActionRefused, "đã có vai trò này"):
            self.grant(self.minh, Role.INSTRUCTOR, self.lienminh)

    def test_an_inactive_manager_grants_nothing(self):
        self.minh.is_active = False
        with self.assertRaises(actions.ActionRefused):
            self.grant(self.minh, Role.LEARNER, self.school)


class RevokeRoleTests(BaseTestCase):
    def test_a_commune_admin_revokes_an_instructor_in_the_commune(self):
        grant = self.tuan.role_grants.get()
        actions.revoke_role(actor=self.minh, grant=grant)
        self.assertFalse(self.tuan.role_grants.exists())
        event = AuditEvent.objects.get(action="role.revoke")
        self.assertEqual(event.unit_path, self.lienminh.path)
        self.assertEqual(event.changes, {"role": ["instructor", None], "unit": ["09787", None]})

    def test_a_role_ranked_above_ones_own_cannot_be_revoked(self):
        actions.grant_role(actor=self.hoa, user=self.tuan, role=Role.COMMUNE_ADMIN, unit=self.lienminh)
        grant = self.tuan.role_grants.get(role=Role.COMMUNE_ADMIN)
        with self.assertRaises(actions.ActionRefused):
            actions.revoke_role(actor=self.lan, grant=grant)
        self.assertTrue(RoleGrant.objects.filter(pk=grant.pk).exists())

    def test_nobody_revokes_their_own_role(self):
        with self.assertRaisesMessage(actions.ActionRefused, "tự thu hồi"):
            actions.revoke_role(actor=self.root, grant=self.root.role_grants.get())

    def test_only_system_admins_revoke_system_administration(self):
        other = User.objects.create_user(username="root2", password=self.password)
        grant = RoleGrant.objects.create(user=other, role=Role.SYSTEM_ADMIN, unit=None)
        with self.assertRaises(actions.ActionRefused):
            actions.revoke_role(actor=self.hoa, grant=grant)
        actions.revoke_role(actor=self.root, grant=grant)
        self.assertFalse(RoleGrant.objects.filter(pk=grant.pk).exists())


class GrantableRolesTests(BaseTestCase):
    def test_each_manager_is_offered_the_roles_at_or_below_their_rank(self):
        self.assertEqual(access.grantable_roles(self.root), list(Role.values))
        self.assertEqual(access.grantable_roles(self.hoa), list(Role.values)[1:])
        self.assertEqual(access.grantable_roles(self.minh), list(Role.values)[2:])
        self.assertEqual(access.grantable_roles(self.lan), ["org_manager", "instructor", "learner"])
        self.assertEqual(access.grantable_roles(self.tuan), [])
        self.assertEqual(access.grantable_roles(self.mai), [])
