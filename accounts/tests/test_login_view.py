import datetime as dt
from unittest import mock

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import SignInFailure
from hocvuso.testing import BaseTestCase


@override_settings(SIGNIN_MAX_FAILURES=5, SIGNIN_WINDOW_SECONDS=900)
class SignInViewTests(BaseTestCase):
    url = reverse("accounts:login")

    def post(self, username="minh", password="wrong password", ip="203.0.113.7"):
        return self.client.post(self.url, {"username": username, "password": password}, REMOTE_ADDR=ip)

    def test_the_page_is_in_vietnamese_with_labelled_fields(self):
        response = self.client.get(self.url)
        self.assertContains(response, "<h1>Đăng nhập</h1>", html=True)
        self.assertContains(response, '<label for="id_username">Tên đăng nhập</label>', html=True)
        self.assertContains(response, '<label for="id_password">Mật khẩu</label>', html=True)
        self.assertContains(response, 'autocomplete="current-password"')

    def test_the_right_password_signs_in_and_redirects_home(self):
        response = self.post(password=self.password)
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.minh.pk)

    def test_a_wrong_password_is_explained_in_vietnamese(self):
        response = self.post()
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Tên đăng nhập hoặc mật khẩu không đúng")
        self.assertContains(response, 'role="alert"')
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_the_last_attempts_are_announced(self):
        for _ in range(3):
            self.post()
        response = self.post()
        self.assertContains(response, "Còn 1 lần thử")

    def test_the_failure_that_reaches_the_limit_announces_the_pause(self):
        for _ in range(4):
            self.post()
        response = self.post()
        self.assertEqual(response.status_code, 200)  # this attempt was checked, and failed
        self.assertContains(response, "Tên đăng nhập hoặc mật khẩu không đúng")
        self.assertContains(response, "việc đăng nhập tạm dừng đến")

    def test_after_five_failures_even_the_right_password_is_refused_with_429(self):
        for _ in range(5):
            self.assertEqual(self.post().status_code, 200)
        with mock.patch("accounts.forms.authenticate") as authenticate:
            response = self.post(password=self.password)
        authenticate.assert_not_called()  # the password is not even checked
        self.assertEqual(response.status_code, 429)
        self.assertIn(int(response["Retry-After"]), range(890, 901))
        self.assertContains(response, "Bạn đã đăng nhập sai quá nhiều lần", status_code=429)
        self.assertContains(response, "khoảng 15 phút", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_refused_attempts_are_not_counted(self):
        for _ in range(5):
            self.post()
        for _ in range(3):
            self.post()
        self.assertEqual(SignInFailure.objects.count(), 10)  # 5 × (username, address)

    def test_the_username_is_blocked_from_every_address(self):
        for _ in range(5):
            self.post(ip="203.0.113.7")
        self.assertEqual(self.post(password=self.password, ip="198.51.100.20").status_code, 429)

    def test_one_address_guessing_many_usernames_is_blocked(self):
        for name in ["hoa", "lan", "tuan", "mai", "pleiku"]:
            self.post(username=name)
        response = self.post(username="minh", password=self.password)
        self.assertEqual(response.status_code, 429)
        self.assertEqual(self.post(username="minh", password=self.password, ip="198.51.100.20").status_code, 302)

    def test_sign_in_reopens_when_the_window_has_passed(self):
        start = timezone.now()
        with mock.patch("django.utils.timezone.now", return_value=start):
            for _ in range(5):
                self.post()
        with mock.patch("django.utils.timezone.now", return_value=start + dt.timedelta(seconds=899)):
            self.assertEqual(self.post(password=self.password).status_code, 429)
        with mock.patch("django.utils.timezone.now", return_value=start + dt.timedelta(seconds=901)):
            response = self.post(password=self.password)
        self.assertEqual(response.status_code, 302)

    def test_a_successful_sign_in_clears_the_username_counter(self):
        for _ in range(4):
            self.post()
        self.assertEqual(self.post(password=self.password).status_code, 302)
        self.client.logout()
        # Four more failures would have blocked had the counter survived.
        for _ in range(4):
            self.assertEqual(self.post(ip="198.51.100.20").status_code, 200)
        self.assertEqual(self.post(password=self.password, ip="198.51.100.21").status_code, 302)

    def test_an_inactive_user_cannot_sign_in(self):
        self.minh.is_active = False
        self.minh.save(update_fields=["is_active"])
        response = self.post(password=self.password)
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_signed_in_user_is_sent_home(self):
        self.login(self.minh)
        self.assertRedirects(self.client.get(self.url), reverse("home"), fetch_redirect_response=False)

    def test_next_is_followed_after_sign_in(self):
        response = self.client.post(
            self.url + "?next=/audit/", {"username": "minh", "password": self.password, "next": "/audit/"}
        )
        self.assertRedirects(response, "/audit/", fetch_redirect_response=False)


class SignOutTests(BaseTestCase):
    def test_signing_out_needs_a_post(self):
        self.login(self.minh)
        self.assertEqual(self.client.get(reverse("accounts:logout")).status_code, 405)
        response = self.client.post(reverse("accounts:logout"))
        self.assertRedirects(response, reverse("accounts:login"), fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session)
