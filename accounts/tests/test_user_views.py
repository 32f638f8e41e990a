import re

from django.urls import reverse

from accounts.models import Role, RoleGrant, User
from audit.models import AuditEvent
from hocvuso.testing import BaseTestCase


class UserListTests(BaseTestCase):
    url = reverse("accounts:users")

    def usernames(self, response):
        return [u.username for u in response.context["page"].object_list]

    def test_a_commune_admin_sees_the_users_with_roles_in_the_commune(self):
        self.login(self.minh)
        response = self.client.get(self.url)
        self.assertEqual(self.usernames(response), ["lan", "mai", "minh", "tuan"])

    def test_roles_held_outside_the_scope_are_not_shown(self):
        RoleGrant.objects.create(user=self.tuan, role=Role.INSTRUCTOR, unit=self.pleiku_ward)
        self.login(self.minh)
        response = self.client.get(self.url)
        tuan = next(u for u in response.context["page"].object_list if u.username == "tuan")
        self.assertEqual([g.unit for g in tuan.visible_grants], [self.lienminh])
        self.assertNotContains(response, "Phường Pleiku")

    def test_a_province_admin_does_not_see_another_province(self):
        self.login(self.pleiku)
        self.assertEqual(self.usernames(self.client.get(self.url)), ["pleiku"])

    def test_a_system_admin_sees_everyone(self):
        self.login(self.root)
        self.assertEqual(len(self.usernames(self.client.get(self.url))), 7)

    def test_search_ignores_accents_and_case(self):
        User.objects.filter(pk=self.tuan.pk).update(full_name="Phạm Văn Tuấn", search_name="pham van tuan")
        self.login(self.minh)
        self.assertEqual(self.usernames(self.client.get(self.url, {"q": "TUẤN"})), ["tuan"])
        self.assertEqual(self.usernames(self.client.get(self.url, {"q": "lan"})), ["lan"])

    def test_the_list_filters_by_role(self):
        self.login(self.hoa)
        self.assertEqual(self.usernames(self.client.get(self.url, {"role": "instructor"})), ["tuan"])

    def test_the_list_is_paginated(self):
        for i in range(55):
            RoleGrant.objects.create(
                user=User.objects.create_user(username=f"gv{i:02d}"), role=Role.LEARNER, unit=self.school
            )
        self.login(self.lan)
        first = self.client.get(self.url)
        self.assertEqual(len(self.usernames(first)), 50)
        self.assertContains(first, "Trang 1 / 2")
        self.assertEqual(len(self.usernames(self.client.get(self.url, {"page": 2}))), 7)

    def test_the_number_of_queries_does_not_grow_with_the_users(self):
        self.login(self.hoa)
        self.client.get(self.url)  # warm up the session
        with self.assertNumQueries(6) as few:  # session, user, grants of hoa, count, page, visible grants
            self.client.get(self.url)
        for i in range(20):
            user = User.objects.create_user(username=f"gv{i:02d}")
            RoleGrant.objects.create(user=user, role=Role.LEARNER, unit=self.school)
            RoleGrant.objects.create(user=user, role=Role.LEARNER, unit=self.cell)
        with self.assertNumQueries(len(few.captured_queries)):
            response = self.client.get(self.url)
        self.assertEqual(len(self.usernames(response)), 25)

    def test_roles_without_manage_roles_get_403(self):
        for persona in (self.tuan, self.mai):
            self.login(persona)
            self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"{reverse('accounts:login')}?next={self.url}", fetch_redirect_response=False)


class UserCreateViewTests(BaseTestCase):
    url = reverse("accounts:user_create")

    def post(self, **data):
        fields = {"username": "thu.nt", "full_name": "Nguyễn Thị Thu", "role": "instructor", "unit": "TH-LM"}
        return self.client.post(self.url, {**fields, **data})

    def test_the_form_offers_only_roles_and_units_the_manager_may_grant(self):
        self.login(self.lan)
        response = self.client.get(self.url)
        self.assertEqual(
            [v for v, _ in response.context["form"].fields["role"].choices],
            ["", "org_manager", "instructor", "learner"],
        )
        self.assertContains(response, '<option value="TH-LM">')
        self.assertNotContains(response, '<option value="09787">')

    def test_no_role_is_preselected_and_the_empty_choice_says_so_in_vietnamese(self):
        self.login(self.lan)
        response = self.client.get(self.url)
        self.assertContains(response, '<option value="" selected>— chọn vai trò —</option>', html=True)
        self.assertNotContains(response, "---------")

    def test_labels_have_no_trailing_colon(self):
        self.login(self.lan)
        self.assertContains(self.client.get(self.url), '<label for="id_role">Vai trò</label>', html=True)

    def test_a_generated_password_is_shown_once(self):
        self.login(self.minh)
        response = self.post()
        self.assertEqual(response.status_code, 200)
        password = response.context["new_password"]
        self.assertContains(response, f"<code>{password}</code>", html=True)
        self.assertIn("no-store", response["Cache-Control"])
        user = User.objects.get(username="thu.nt")
        self.assertTrue(user.check_password(password))
        self.assertNotContains(self.client.get(reverse("accounts:user", args=[user.pk])), password)

    def test_a_chosen_password_redirects_to_the_user_page(self):
        self.login(self.minh)
        response = self.post(password="một câu mật khẩu dài")
        user = User.objects.get(username="thu.nt")
        self.assertRedirects(response, reverse("accounts:user", args=[user.pk]))

    def test_a_weak_password_is_explained(self):
        self.login(self.minh)
        response = self.post(password="thu.nt123")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].has_error("password"))
        self.assertFalse(User.objects.filter(username="thu.nt").exists())

    def test_a_unit_outside_the_scope_is_reported_as_unknown(self):
        self.login(self.minh)
        response = self.post(unit="09817")
        self.assertIn("09817", str(response.context["form"].errors["unit"]))
        self.assertFalse(User.objects.filter(username="thu.nt").exists())

    def test_a_role_above_ones_rank_is_not_a_valid_choice(self):
        self.login(self.lan)
        response = self.post(role="commune_admin")
        self.assertTrue(response.context["form"].has_error("role"))
        self.assertFalse(User.objects.filter(username="thu.nt").exists())

    def test_a_person_is_linked_by_citizen_id(self):
        self.login(self.lan)
        self.mai.person = None
        self.mai.save(update_fields=["person"])
        self.post(full_name="", person="001185012345", role="learner")
        self.assertEqual(User.objects.get(username="thu.nt").person, self.p_mai)

    def test_a_person_outside_the_scope_is_not_found(self):
        self.login(self.minh)
        response = self.post(person=str(self.p_odien.pk))
        self.assertTrue(response.context["form"].has_error("person"))

    def test_the_person_can_be_preselected_from_a_link(self):
        self.login(self.minh)
        response = self.client.get(self.url, {"person": self.p_huyen.pk})
        self.assertEqual(response.context["form"].initial["full_name"], "Trần Thị Huyền")
        response = self.client.get(self.url, {"person": self.p_odien.pk})
        self.assertEqual(response.context["form"].initial, {})

    def test_an_instructor_may_not_create_users(self):
        self.login(self.tuan)
        self.assertEqual(self.post().status_code, 403)


class UserDetailTests(BaseTestCase):
    def url(self, user):
        return reverse("accounts:user", args=[user.pk])

    def test_a_user_in_scope_is_shown_with_their_roles(self):
        self.login(self.minh)
        response = self.client.get(self.url(self.tuan))
        self.assertContains(response, "Giảng viên")
        self.assertContains(response, "Xã Liên Minh")

    def test_a_user_outside_the_scope_is_missing(self):
        self.login(self.minh)
        for other in (self.pleiku, self.hoa):
            self.assertEqual(self.client.get(self.url(other)).status_code, 404)

    def test_a_role_is_granted_from_the_user_page(self):
        self.login(self.minh)
        response = self.client.post(
            reverse("accounts:grant_create", args=[self.tuan.pk]), {"role": "learner", "unit": "CB-LM-1"}
        )
        self.assertRedirects(response, self.url(self.tuan), fetch_redirect_response=False)
        self.assertTrue(self.tuan.role_grants.filter(role="learner", unit=self.cell).exists())

    def test_a_refused_grant_is_explained_on_the_page(self):
        self.login(self.minh)
        response = self.client.post(
            reverse("accounts:grant_create", args=[self.tuan.pk]), {"role": "commune_admin", "unit": "TH-LM"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertTrue(response.context["grant_form"].has_error("unit"))

    def test_granting_to_a_user_outside_the_scope_is_404(self):
        self.login(self.minh)
        response = self.client.post(
            reverse("accounts:grant_create", args=[self.pleiku.pk]), {"role": "learner", "unit": "TH-LM"}
        )
        self.assertEqual(response.status_code, 404)

    def test_revoke_buttons_appear_only_for_roles_the_viewer_may_revoke(self):
        RoleGrant.objects.create(user=self.mai, role=Role.COMMUNE_ADMIN, unit=self.lienminh)
        self.login(self.lan)
        response = self.client.get(self.url(self.mai))
        revokable = [g.role for g in response.context["grants"] if g.can_revoke]
        self.assertEqual(revokable, ["learner"])
        self.assertFalse(response.context["can_manage"])

    def test_a_role_is_revoked(self):
        self.login(self.lan)
        grant = self.mai.role_grants.get()
        response = self.client.post(reverse("accounts:grant_revoke", args=[self.mai.pk, grant.pk]))
        self.assertRedirects(response, self.url(self.mai), fetch_redirect_response=False)
        self.assertFalse(RoleGrant.objects.filter(pk=grant.pk).exists())

    def test_a_grant_outside_the_scope_is_missing_even_for_a_user_in_scope(self):
        outside = RoleGrant.objects.create(user=self.tuan, role=Role.LEARNER, unit=self.odien)
        self.login(self.minh)
        response = self.client.post(reverse("accounts:grant_revoke", args=[self.tuan.pk, outside.pk]))
        self.assertEqual(response.status_code, 404)
        self.assertTrue(RoleGrant.objects.filter(pk=outside.pk).exists())

    def test_revoking_needs_a_post(self):
        self.login(self.lan)
        grant = self.mai.role_grants.get()
        self.assertEqual(
            self.client.get(reverse("accounts:grant_revoke", args=[self.mai.pk, grant.pk])).status_code, 405
        )

    def test_a_user_is_deactivated_and_then_cannot_sign_in(self):
        self.login(self.minh)
        self.client.post(reverse("accounts:user_set_active", args=[self.tuan.pk]), {"active": "0"})
        self.tuan.refresh_from_db()
        self.assertFalse(self.tuan.is_active)
        self.client.logout()
        response = self.client.post(reverse("accounts:login"), {"username": "tuan", "password": self.password})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(AuditEvent.objects.get().action, "user.deactivate")

    def test_a_refused_deactivation_is_explained(self):
        self.login(self.lan)
        response = self.client.post(
            reverse("accounts:user_set_active", args=[self.lan.pk]), {"active": "0"}, follow=True
        )
        self.assertContains(response, "Bạn không thể tự vô hiệu hoá tài khoản của mình")
        self.lan.refresh_from_db()
        self.assertTrue(self.lan.is_active)

    def test_a_new_password_is_set_and_shown_once(self):
        self.login(self.lan)
        response = self.client.post(reverse("accounts:user_reset_password", args=[self.mai.pk]))
        password = re.search(r"<code>([^<]+)</code>", response.content.decode()).group(1)
        self.mai.refresh_from_db()
        self.assertTrue(self.mai.check_password(password))
