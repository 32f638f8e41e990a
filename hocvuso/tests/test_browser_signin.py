import pytest

from accounts.models import RoleGrant, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_sign_in_page_speaks_vietnamese_and_signs_a_user_in(live_server, phone_page):
    User.objects.create_user(username="tester", password="mat-khau-rat-dai-2025")
    page = phone_page
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Đăng nhập"
    page.get_by_label("Tên đăng nhập").fill("tester")
    page.get_by_label("Mật khẩu").fill("mat-khau-rat-dai-2025")
    page.get_by_role("button", name="Đăng nhập").click()
    # Where a user without roles lands belongs to the learning pages; signed in, the header names them.
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    assert page.locator("header .account-menu .who").inner_text() == "tester"
    assert page.locator("html").get_attribute("lang") == "vi"
    assert RoleGrant.objects.count() == 0


def test_the_page_loads_nothing_from_outside_the_app(live_server, phone_page):
    requested = []
    phone_page.on("request", lambda r: requested.append(r.url))
    phone_page.goto(f"{live_server.url}/accounts/login/")
    assert requested
    assert all(url.startswith(live_server.url) for url in requested), requested
