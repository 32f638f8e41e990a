from django.test import override_settings
from django.urls import reverse

from audit.models import AuditEvent
from hocvuso.testing import BaseTestCase


@override_settings(SIGNIN_MAX_FAILURES=5, SIGNIN_WINDOW_SECONDS=900)
class PasswordChangeTests(BaseTestCase):
    url = reverse("accounts:password_change")

    def post(self, old, new1="một mật khẩu mới rất dài", new2=None):
        return self.client.post(self.url, {"old_password": old, "new_password1": new1, "new_password2": new2 or new1})

    def test_signing_in_is_required(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"{reverse('accounts:login')}?next={self.url}", fetch_redirect_response=False)

    def test_the_password_is_changed_and_the_session_kept(self):
        self.login(self.tuan)
        response = self.post(self.password)
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)
        self.tuan.refresh_from_db()
        self.assertTrue(self.tuan.check_password("một mật khẩu mới rất dài"))
        self.assertEqual(self.client.get(self.url).status_code, 200)  # still signed in
        event = AuditEvent.objects.get(action="user.password_change")
        self.assertEqual((event.actor, event.unit_path), (self.tuan, self.lienminh.path))

    def test_djangos_validators_refuse_a_short_or_numeric_password(self):
        self.login(self.tuan)
        response = self.post(self.password, new1="12345678")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "quá ngắn")
        self.tuan.refresh_from_db()
        self.assertTrue(self.tuan.check_password(self.password))

    def test_wrong_old_passwords_are_throttled_like_sign_ins(self):
        self.login(self.tuan)
        for _ in range(5):
            self.assertEqual(self.post("wrong").status_code, 200)
        response = self.post(self.password)
        self.assertEqual(response.status_code, 429)
        self.tuan.refresh_from_db()
        self.assertTrue(self.tuan.check_password(self.password))
