"""The foundation's pages in a real browser, on a phone-sized screen.

One official's journey (sign in, unit tree with counts, people of one
organisation in Vietnamese order over two pages, search without accents, a
person's page) plus the commune boundary, the English switch and a keyboard-only
sign-in. Every page visited is checked by axe-core (WCAG 2.1 A/AA and best
practice) and for phone fit: no sideways scrolling, one h1, finger-sized targets.
No request may leave the live server.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import Role, RoleGrant, User
from hocvuso.testing import make_groups, make_kinds
from org.actions import create_unit
from people.actions import create_person

try:
    from axe_playwright_python.sync_playwright import Axe
except ImportError:  # the test extra is not installed
    Axe = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-rat-dai-2025"

# The school's staff, in Vietnamese order of given names (Â after A, Đ after D,
# Ơ after O): an ASCII or code-point sort gets every one of these pairs wrong.
SCHOOL_STAFF = [
    "Phạm Thị Ân",
    "Hoàng Văn Bình",
    "Trần Văn Dũng",
    "Lê Thị Đào",
    "Nguyễn Thị Huyền",
    "Trịnh Văn Ơn",
    "Lý Văn Phúc",
]


def build_map() -> dict:
    """Hà Nội > xã Liên Minh > (primary school, party cell); Hà Nội > xã Ô Diên."""
    k, g = make_kinds(), make_groups()
    m = {}
    m["hanoi"] = create_unit(kind=k["thanh-pho-trung-uong"], code="01", name="Thành phố Hà Nội", official_code="01")
    m["lienminh"] = create_unit(kind=k["xa"], code="09787", name="Xã Liên Minh", parent=m["hanoi"])
    m["odien"] = create_unit(kind=k["xa"], code="09817", name="Xã Ô Diên", parent=m["hanoi"])
    m["school"] = create_unit(
        kind=k["truong-tieu-hoc"], code="TH-LM", name="Trường Tiểu học Liên Minh", parent=m["lienminh"]
    )
    m["cell"] = create_unit(kind=k["chi-bo"], code="CB-LM-1", name="Chi bộ thôn 1", parent=m["lienminh"])
    # Listed out of order on purpose: the page must sort them.
    for name in reversed(SCHOOL_STAFF):
        create_person(full_name=name, unit=m["school"], group=g["giao-vien"])
    create_person(full_name="Trần Thị Huyền", unit=m["cell"], group=g["dang-vien"])
    m["outsider"] = create_person(full_name="Lê Văn Đức", unit=m["odien"], group=g["cong-chuc"])
    return m


def make_user(username: str, role: str, unit) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD)
    RoleGrant.objects.create(user=user, role=role, unit=unit)
    return user


@pytest.fixture
def phone(phone_page):
    # A broken page should fail in seconds, not after Playwright's default 30 s.
    phone_page.set_default_timeout(5_000)
    return phone_page


def record_requests(page) -> list[str]:
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, "sign-in failed"


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

PHONE_CHECK = """() => {
  const problems = [];
  const overflow = document.documentElement.scrollWidth - window.innerWidth;
  if (overflow > 0) problems.push(`the page scrolls sideways by ${overflow}px`);
  const h1 = document.querySelectorAll('h1').length;
  if (h1 !== 1) problems.push(`${h1} h1 elements`);
  for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary')) {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || style.visibility === 'hidden') continue;  // not shown
    if (el.type === 'hidden' || el.type === 'checkbox' || el.type === 'radio') continue;  // the label is the target
    if (el.tagName === 'A' && style.display === 'inline') continue;  // a link inside a sentence
    if (el.classList.contains('skip')) continue;  // only shown on focus
    if (box.height < 44 || box.width < 24) {
      const name = (el.innerText || el.getAttribute('aria-label') || el.name || '').trim().slice(0, 40);
      problems.push(`${el.tagName.toLowerCase()} "${name}" is ${Math.round(box.width)}x${Math.round(box.height)}px`);
    }
  }
  return problems;
}"""


def check_page(page) -> None:
    """axe-core finds no WCAG 2.1 A/AA or best-practice violation, and the page fits a phone."""
    if Axe is None:
        pytest.fail("axe-playwright-python is not installed: pip install -e '.[test]'")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
    assert page.evaluate(PHONE_CHECK) == [], page.url


def names_on_page(page) -> list[str]:
    return page.locator("table.people-table tbody th a").all_inner_texts()


def counts_in_row(page, unit_name: str) -> tuple[str, str]:
    row = page.locator("tbody tr", has=page.get_by_role("link", name=unit_name, exact=True))
    sub_units = row.locator('td[data-label="Đơn vị cấp dưới"]').inner_text()
    people = row.locator('td[data-label="Nhân sự"]').inner_text()
    return sub_units, people


def test_an_official_finds_a_person_from_the_unit_tree_on_a_phone(live_server, phone, monkeypatch):
    monkeypatch.setattr("people.views.PAGE_SIZE", 5)  # seven staff: two pages
    m = build_map()
    make_user("hoa", Role.PROVINCE_ADMIN, m["hanoi"])
    page, base = phone, live_server.url
    requested = record_requests(page)

    page.goto(f"{base}/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").inner_text() == "Đăng nhập"
    check_page(page)
    sign_in(page, base, "hoa")

    # The tree opens on the province: 4 units and 9 people below it.
    assert page.locator("h1").inner_text() == "Đơn vị"
    assert counts_in_row(page, "Thành phố Hà Nội") == ("4", "9")
    check_page(page)
    page.get_by_role("link", name="Thành phố Hà Nội", exact=True).click()
    assert page.locator("h1").inner_text() == "Thành phố Hà Nội"
    assert counts_in_row(page, "Xã Liên Minh") == ("2", "8")
    assert counts_in_row(page, "Xã Ô Diên") == ("0", "1")
    page.get_by_role("link", name="Xã Liên Minh", exact=True).click()
    assert counts_in_row(page, "Trường Tiểu học Liên Minh") == ("0", "7")
    check_page(page)
    page.get_by_role("link", name="Trường Tiểu học Liên Minh", exact=True).click()
    assert page.locator("h1").inner_text() == "Trường Tiểu học Liên Minh"

    # Its people, in Vietnamese order of given names, five to a page.
    page.get_by_role("link", name="Nhân sự của đơn vị").click()
    assert f"unit={m['school'].pk}" in page.url
    assert page.get_by_role("status").inner_text().startswith("7 người")
    assert names_on_page(page) == SCHOOL_STAFF[:5]
    check_page(page)
    page.get_by_role("link", name="Trang sau").click()
    assert names_on_page(page) == SCHOOL_STAFF[5:]

    # Search without accents, still within the school.
    page.get_by_label("Tìm kiếm", exact=True).fill("nguyen thi huyen")
    page.get_by_role("button", name="Tìm kiếm").click()
    page.wait_for_load_state()
    assert names_on_page(page) == ["Nguyễn Thị Huyền"]
    page.get_by_role("link", name="Nguyễn Thị Huyền").click()
    assert page.locator("h1").inner_text() == "Nguyễn Thị Huyền"
    assert "Trường Tiểu học Liên Minh" in page.get_by_role("region", name="Đơn vị hiện tại").inner_text()
    check_page(page)

    assert all(url.startswith(base) for url in requested), [u for u in requested if not u.startswith(base)]


def test_a_commune_administrator_gets_not_found_for_a_person_of_another_commune(live_server, phone):
    m = build_map()
    make_user("minh", Role.COMMUNE_ADMIN, m["lienminh"])
    page, base = phone, live_server.url
    sign_in(page, base, "minh")

    response = page.goto(f"{base}/people/{m['outsider'].pk}/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Không tìm thấy trang"
    assert "Lê Văn Đức" not in page.content()
    # The friendly page keeps the site's header: the way back is one tap away.
    expect(page.get_by_role("navigation", name="Menu chính").get_by_role("link", name="Nhân sự")).to_be_visible()
    check_page(page)


def test_the_header_switches_the_pages_to_english_and_back(live_server, phone):
    m = build_map()
    make_user("hoa", Role.PROVINCE_ADMIN, m["hanoi"])
    page, base = phone, live_server.url
    sign_in(page, base, "hoa")
    page.goto(f"{base}/people/?unit={m['school'].pk}")

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert f"unit={m['school'].pk}" in page.url  # same page, other language
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text().startswith("People")
    nav = page.get_by_role("navigation", name="Main menu")
    for label in ("Units", "People", "Imports", "Users", "Audit log"):
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(page.get_by_label("Search", exact=True)).to_be_visible()
    assert page.get_by_role("status").inner_text().startswith("7 people")
    check_page(page)

    page.get_by_role("button", name="Tiếng Việt").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").inner_text().startswith("Nhân sự")


def test_signing_in_with_the_keyboard_alone(live_server, phone):
    m = build_map()
    make_user("minh", Role.COMMUNE_ADMIN, m["lienminh"])
    page, base = phone, live_server.url
    page.goto(f"{base}/accounts/login/")

    def focused(prop: str = "id"):
        return page.evaluate(f"document.activeElement.{prop}")

    # The form is ready to type into (autofocus applies once the page has loaded).
    expect(page.locator("#id_username")).to_be_focused()
    page.keyboard.type("minh")
    page.keyboard.press("Tab")
    assert focused() == "id_password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    assert focused("innerText") == "Đăng nhập"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Đơn vị"

    # The first Tab shows the skip link; Enter on it lands in the main content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Chuyển đến nội dung chính")
    assert focused("className") == "skip"
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0
    page.keyboard.press("Enter")
    assert focused() == "main"
