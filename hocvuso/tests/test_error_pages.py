from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from hocvuso.testing import BaseTestCase


class ErrorPageTests(BaseTestCase):
    def test_a_missing_page_is_explained_in_vietnamese_within_the_site_frame(self):
        self.login(self.minh)
        response = self.client.get("/khong-co-trang-nay/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "<h1>Không tìm thấy trang</h1>", html=True, status_code=404)
        self.assertContains(response, '<html lang="vi">', status_code=404)
        # The menu is still there, so the way back is one tap away.
        self.assertContains(response, f'href="{reverse("people:list")}"', status_code=404)

    def test_a_person_outside_the_scope_gets_the_same_not_found_page(self):
        self.login(self.minh)
        response = self.client.get(reverse("people:detail", args=[self.p_odien.pk]))
        self.assertContains(response, "<h1>Không tìm thấy trang</h1>", html=True, status_code=404)
        self.assertNotContains(response, self.p_odien.full_name, status_code=404)

    def test_a_page_the_role_does_not_allow_says_whom_to_ask(self):
        self.login(self.mai)  # a learner
        response = self.client.get(reverse("org:tree"))
        self.assertContains(response, "<h1>Bạn không có quyền mở trang này</h1>", html=True, status_code=403)
        self.assertContains(response, "nhờ quản trị viên", status_code=403)

    def test_an_expired_form_is_explained_instead_of_a_csrf_error(self):
        client = Client(enforce_csrf_checks=True)
        response = client.post(reverse("accounts:login"), {"username": "minh", "password": self.password})
        self.assertContains(response, "<h1>Biểu mẫu đã hết hạn</h1>", html=True, status_code=403)
        self.assertNotContains(response, "CSRF", status_code=403)

    def test_a_request_for_an_unknown_host_gets_the_bad_request_page(self):
        # Refused before AuthenticationMiddleware has set request.user.
        response = self.client.get("/", headers={"host": "evil.example"})
        self.assertContains(response, "<h1>Không hiểu được yêu cầu</h1>", html=True, status_code=400)

    def test_the_server_error_page_renders_without_a_request(self):
        # Django renders 500.html with an empty context: no request, no user.
        with translation.override("vi"):
            response = server_error(RequestFactory().get("/"))
        self.assertContains(response, "<h1>Hệ thống gặp lỗi</h1>", html=True, status_code=500)
        self.assertContains(response, '<html lang="vi">', status_code=500)
        home = f'<a class="button" href="{reverse("home")}">Về trang chủ</a>'
        self.assertContains(response, home, html=True, status_code=500)
        self.assertNotContains(response, "<form", status_code=500)
