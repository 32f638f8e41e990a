"""A learner takes the security course on a phone-sized screen, passes the quiz, downloads the
certificate and checks its code at /verify/<code> (Chromium driven by Playwright)."""

import datetime as dt

import pytest
from django.core.management import call_command

from accounts.models import Role, RoleGrant, User
from hocvuso.testing import make_groups, make_kinds
from learning.models import Attempt, Certificate
from org.actions import create_unit
from people.actions import create_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-rat-dai-2025"


@pytest.fixture
def learner(settings):
    settings.ROOT_URLCONF = "learning.tests.urls"
    kinds, groups = make_kinds(), make_groups()
    hanoi = create_unit(kind=kinds["thanh-pho-trung-uong"], code="01", name="Thành phố Hà Nội", official_code="01")
    commune = create_unit(kind=kinds["xa"], code="09787", name="Xã Liên Minh", parent=hanoi)
    person = create_person(
        full_name="Nguyễn Thị Mai",
        unit=commune,
        group=groups["cong-chuc"],
        gender="female",
        birth_date=dt.date(1968, 4, 12),
    )
    user = User.objects.create_user(username="mai", password=PASSWORD, person=person)
    RoleGrant.objects.create(user=user, role=Role.LEARNER, unit=commune)
    call_command("load_curriculum", verbosity=0)
    return person


def _answer(page, attempt):
    for i, snap in enumerate(attempt.layout):
        prefix = f"s{i}"
        kind = snap["qtype"]
        if kind == "single":
            right = next(c["id"] for c in snap["choices"] if c["fraction"] == 1)
            page.locator(f'input[name="{prefix}"][value="{right}"]').check()
        elif kind == "multiple":
            for c in snap["choices"]:
                if c["fraction"] > 0:
                    page.locator(f'input[name="{prefix}"][value="{c["id"]}"]').check()
        elif kind == "truefalse":
            page.locator(f'input[name="{prefix}"][value="{"true" if snap["correct"] else "false"}"]').check()
        elif kind == "short":
            page.locator(f'input[name="{prefix}"]').fill(snap["answers"][0]["text"])
        elif kind == "numerical":
            page.locator(f'input[name="{prefix}"]').fill(snap["answers"][0]["value"])
        elif kind == "matching":
            for stem in snap["stems"]:
                page.locator(f'select[name="{prefix}-{stem["id"]}"]').select_option(stem["answer"])
        elif kind == "ordering":
            for place, item in enumerate(snap["correct_order"], 1):
                page.locator(f'select[name="{prefix}-{item}"]').select_option(str(place))


def test_a_learner_takes_the_security_course_on_a_phone_and_verifies_the_certificate(live_server, phone_page, learner):
    page = phone_page
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{live_server.url}/accounts/login/?next=/learn/")
    page.get_by_label("Tên đăng nhập").fill("mai")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/learn/")

    page.get_by_role("link", name="An toàn thông tin cho cán bộ").first.click()
    page.get_by_role("button", name="Tham gia khóa học").click()
    page.get_by_role("link", name="Bắt đầu bài đầu tiên").click()

    for _step in range(20):
        heading = page.locator("h1").inner_text()
        if heading == "Bài kiểm tra An toàn thông tin":
            break
        if page.locator("form[data-password]").count():
            # The meter answers as the learner types, in Vietnamese, explaining why.
            page.get_by_label("Mật khẩu muốn thử").fill("mai1968")
            page.locator("#pw-result .strength").wait_for()
            assert "yếu" in page.locator("#pw-result").inner_text().lower()
            assert "thông tin về bạn" in page.locator("#pw-result").inner_text()
        if page.get_by_role("button", name="Kiểm tra", exact=True).count() and "lừa đảo" in heading:
            page.locator('input[name="ngan-hang-verdict"][value="scam"]').check()
            page.locator('input[name="ngan-hang-signs"][value="link"]').check()
            page.get_by_role("button", name="Kiểm tra", exact=True).click()
            assert "Đây là lừa đảo." in page.content()
        page.get_by_role("link", name="Bài tiếp theo").click()
    else:
        pytest.fail("never reached the quiz")

    page.get_by_role("button", name="Bắt đầu làm bài").click()
    page.wait_for_url("**/attempt/*/")
    attempt = Attempt.objects.get(person=learner)
    assert len(attempt.layout) == 10
    _answer(page, attempt)
    page.get_by_role("button", name="Nộp bài", exact=True).click()
    page.get_by_text("Chúc mừng, bạn đã đạt!").wait_for()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải giấy chứng nhận").click()
    pdf = open(download_info.value.path(), "rb").read()
    assert pdf.startswith(b"%PDF")

    certificate = Certificate.objects.get(person=learner)
    page.goto(f"{live_server.url}/verify/{certificate.code.lower()}")
    assert page.url.endswith(f"/verify/{certificate.code}")
    text = page.locator("main").inner_text()
    assert "Giấy chứng nhận này là thật." in text
    assert "Nguyễn Thị Mai" in text and "An toàn thông tin cho cán bộ" in text
    assert "1968" not in text
    assert all(url.startswith(live_server.url) for url in requested), requested


def test_quiz_answers_survive_a_reload_and_a_dropped_connection(live_server, phone_page, learner):
    from learning import actions
    from learning.models import Course

    course = Course.objects.get(key="an-toan-thong-tin-can-bo")
    actions.enrol(person=learner, course=course)
    quiz_lesson = course.lessons.get(kind="quiz")
    attempt = actions.start_attempt(quiz=quiz_lesson.quiz, person=learner)
    choice_slots = [i for i, s in enumerate(attempt.layout) if s["qtype"] in ("single", "truefalse")]
    first, second = choice_slots[:2]

    def option(slot):
        snap = attempt.layout[slot]
        return snap["choices"][0]["id"] if snap["qtype"] == "single" else "true"

    page = phone_page
    page.goto(f"{live_server.url}/accounts/login/?next=/learn/attempt/{attempt.pk}/")
    page.get_by_label("Tên đăng nhập").fill("mai")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"**/attempt/{attempt.pk}/")

    page.locator(f'input[name="s{first}"][value="{option(first)}"]').check()
    page.get_by_text("Đã lưu lúc").wait_for()
    page.reload()
    assert page.locator(f'input[name="s{first}"][value="{option(first)}"]').is_checked()

    page.context.set_offline(True)
    page.locator(f'input[name="s{second}"][value="{option(second)}"]').check()
    page.get_by_text("Mất kết nối").wait_for()
    assert attempt.answers.get(slot=second).response is None
    page.context.set_offline(False)
    page.get_by_text("Đã lưu lúc").wait_for()
    assert attempt.answers.get(slot=second).response is not None
    page.reload()
    assert page.locator(f'input[name="s{second}"][value="{option(second)}"]').is_checked()


def test_without_javascript_the_exercises_and_the_quiz_still_work(live_server, chromium, learner):
    from learning import actions
    from learning.models import Course

    course = Course.objects.get(key="an-toan-thong-tin-can-bo")
    actions.enrol(person=learner, course=course)
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/?next=/learn/")
        page.get_by_label("Tên đăng nhập").fill("mai")
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url("**/learn/")

        password_lesson = course.lessons.get(practice="password-strength")
        page.goto(f"{live_server.url}/learn/lesson/{password_lesson.pk}/")
        page.get_by_label("Mật khẩu muốn thử").fill("123456")
        page.get_by_role("button", name="Kiểm tra").click()
        assert "Rất yếu" in page.locator("#pw-result").inner_text()

        quiz_lesson = course.lessons.get(kind="quiz")
        page.goto(f"{live_server.url}/learn/lesson/{quiz_lesson.pk}/")
        page.get_by_role("button", name="Bắt đầu làm bài").click()
        page.wait_for_url("**/attempt/*/")
        attempt = Attempt.objects.get(person=learner)
        _answer(page, attempt)
        page.get_by_role("button", name="Lưu", exact=True).click()
        page.get_by_text("Đã lưu câu trả lời.").wait_for()
        page.get_by_role("button", name="Nộp bài", exact=True).click()
        page.get_by_text("Chúc mừng, bạn đã đạt!").wait_for()
    finally:
        context.close()
