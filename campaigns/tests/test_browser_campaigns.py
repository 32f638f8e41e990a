"""The Đan Phượng race and the Gia Lai training, run end to end in a phone-sized browser.

On the demo people (``seed_demo``): an administrator defines the campaign,
its segments, targets and course and opens it; opens a class, enrols, shows
the attendance QR code; an instructor takes attendance on a phone; learners
check in and complete their course in the learning pages; the dashboard and
the Excel and PDF reports show the figures a count over the records gives
(for Đan Phượng, the reported 2.751/2.896, 94,99%); the contest ranks people
and units and the award list is downloaded.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from accounts.models import Role, RoleGrant, User
from campaigns.models import Campaign, CampaignMember, Contest
from demo import facts
from learning.models import Course, Lesson, Module
from reports.numbers import vn_percent, vn_ratio
from reports.selectors import campaign_figures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "hocvuso-demo-2025"


def make_course(key, title, lessons=2):
    course = Course.objects.create(
        key=key, iri=f"https://hocvuso.test/{key}", title=title, status="published", lesson_count=lessons
    )
    module = Module.objects.create(course=course, key="m", iri=f"https://hocvuso.test/{key}/m", title="Học phần")
    for n in range(lessons):
        Lesson.objects.create(
            module=module,
            course=course,
            key=f"l{n}",
            iri=f"https://hocvuso.test/{key}/l{n}",
            title=f"Bài {n + 1}",
            seq=n,
            body_md="Nội dung",
            body_html="<p>Nội dung</p>",
        )
    return course


def restore_migration_data():
    """Unit kinds and person groups, as the data migrations create them (a flush removes them)."""
    import importlib

    from django.apps import apps

    importlib.import_module("org.migrations.0002_default_unit_kinds").create_default_kinds(apps, None)
    importlib.import_module("people.migrations.0002_default_person_groups").create_default_groups(apps, None)


@pytest.fixture
def demo_world():
    from demo.actions import seed_demo
    from org.mapload import load_units

    restore_migration_data()
    load_units([facts.HANOI, facts.PHUTHO, facts.GIALAI, facts.NINHBINH])
    courses = {
        key: make_course(key, title)
        for key, title in (
            ("an-toan-thong-tin-can-bo", "An toàn thông tin"),
            ("powerpoint-can-bo", "Soạn bài trình chiếu"),
            ("ai-co-ban-can-bo", "Trí tuệ nhân tạo cơ bản"),
        )
    }
    seed_demo()
    return courses


def field(where, text):
    """The input labelled ``text`` (Django's form labels end with a colon)."""
    return where.get_by_label(re.compile(rf"^{re.escape(text)}:?$"))


def sign_in(page, base, username, password=PASSWORD):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    field(page, "Tên đăng nhập").fill(username)
    field(page, "Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    page.wait_for_load_state()


def session_times():
    """A session on now (a QR code works only during its session)."""
    now = timezone.localtime()
    start = max(now - dt.timedelta(minutes=30), now.replace(hour=0, minute=0))
    end = min(now + dt.timedelta(minutes=90), now.replace(hour=23, minute=59))
    return now.date().isoformat(), start.strftime("%H:%M"), end.strftime("%H:%M")


def define_campaign(page, base, *, name, slug, starts, ends, participation, organiser, units, population_on=""):
    page.goto(f"{base}/campaigns/new/")
    field(page, "Tên").fill(name)
    field(page, "Tên ngắn").fill(slug)
    field(page, "Ngày bắt đầu").fill(starts)
    field(page, "Ngày kết thúc").fill(ends)
    field(page, "Tham gia là").select_option(participation)
    if population_on:
        field(page, "Đối tượng tính đến ngày").fill(population_on)
    field(page, "Đơn vị tổ chức (mã)").fill(organiser)
    field(page, "Đơn vị thuộc phạm vi (mã)").fill(units)
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(f"{base}/campaigns/{slug}/")


def add_segment(page, base, slug, *, label, units="", groups=(), kinds=()):
    page.goto(f"{base}/campaigns/{slug}/segments/new/")
    field(page, "Tên nhóm đối tượng").fill(label)
    for group in groups:
        page.get_by_label(group, exact=True).check()
    if kinds:
        field(page, "Loại đơn vị").select_option(label=list(kinds))
    field(page, "Đơn vị (mã)").fill(units)
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(f"{base}/campaigns/{slug}/")


def add_target(page, base, slug, *, measure, percent, deadline):
    page.goto(f"{base}/campaigns/{slug}/targets/new/")
    field(page, "Đo").select_option(measure)
    field(page, "Chỉ tiêu (%)").fill(percent)
    field(page, "Thời hạn").fill(deadline)
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(f"{base}/campaigns/{slug}/")


def choose_courses(page, base, slug, titles):
    page.goto(f"{base}/campaigns/{slug}/courses/")
    for title in titles:
        page.get_by_label(title).check()
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(f"{base}/campaigns/{slug}/")


def open_class(page, base, slug, *, code, name, units, instructors, fewest="1", most="40", venue_unit):
    page.goto(f"{base}/campaigns/{slug}/venues/new/")
    field(page, "Tên").fill(f"Hội trường {name}")
    field(page, "Đơn vị (mã)").fill(venue_unit)
    page.get_by_role("button", name="Lưu").click()
    page.goto(f"{base}/campaigns/{slug}/classes/new/")
    field(page, "Mã").fill(code)
    field(page, "Tên").fill(name)
    field(page, "Số học viên tối thiểu").fill(fewest)
    field(page, "Số học viên tối đa").fill(most)
    field(page, "Giảng viên (tên đăng nhập)").fill(instructors)
    field(page, "Đơn vị phục vụ (mã)").fill(units)
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(f"{base}/campaigns/{slug}/classes/{code}/")
    day, start, end = session_times()
    page.get_by_role("link", name="Thêm buổi học").click()
    field(page, "Nội dung").fill("Học phần 1")
    field(page, "Ngày học").fill(day)
    field(page, "Bắt đầu lúc").fill(start)
    field(page, "Kết thúc lúc").fill(end)
    field(page, "Địa điểm").select_option(label=f"Hội trường {name}")
    field(page, "Giảng viên (tên đăng nhập)").fill(instructors)
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(f"{base}/campaigns/{slug}/classes/{code}/")


def complete_courses(page, base, course_keys):
    """The learner reads every lesson of the courses (the learning app completes them)."""
    for key in course_keys:
        for lesson in Lesson.objects.filter(course__key=key).order_by("seq"):
            response = page.goto(f"{base}/learn/lesson/{lesson.pk}/")
            assert response.status == 200, (key, lesson.pk, response.status)


def download(page, button_name):
    with page.expect_download() as info:
        page.get_by_role("link", name=button_name).click()
    return open(info.value.path(), "rb").read()


def summary_total(xlsx: bytes):
    rows = list(load_workbook(io.BytesIO(xlsx)).worksheets[0].iter_rows(values_only=True))
    return next(tuple(r[2:5]) for r in rows if r[1] == "Tổng số")


def test_the_dan_phuong_race_end_to_end(live_server, phone_page, demo_world):
    from campaigns.demo import apply_dan_phuong_participation

    page, base = phone_page, live_server.url
    hocvien = User.objects.get(username="hocvien")
    sign_in(page, base, "admin")
    slug = "dp-cuoc-dua-luyen-ai"
    define_campaign(
        page,
        base,
        name="Cuộc đua luyện AI",
        slug=slug,
        starts="2025-03-24",
        ends="2025-04-24",
        participation="started",
        organiser=facts.OLD_DANPHUONG,
        units=facts.OLD_DANPHUONG,
        population_on="2025-03-24",
    )
    add_segment(page, base, slug, label="Cơ quan cấp huyện (UBND huyện)", units=facts.dp_district_code("UBND"))
    communes = " ".join(
        u
        for u in CampaignMember._meta.apps.get_model("org", "Unit")
        .objects.filter(code__startswith=facts.DP_COMMUNE_UBND_PREFIX)
        .order_by("code")
        .values_list("code", flat=True)
    )
    add_segment(page, base, slug, label="Cán bộ, công chức cấp xã", units=communes)
    add_segment(page, base, slug, label="Trường học", units=facts.OLD_DANPHUONG, kinds=("Xã", "Thị trấn"))
    add_target(page, base, slug, measure="participation", percent="95", deadline="2025-04-24")
    choose_courses(page, base, slug, ["Trí tuệ nhân tạo cơ bản"])
    page.get_by_role("button", name="Mở chiến dịch").click()
    page.wait_for_url(f"{base}/campaigns/{slug}/")
    campaign = Campaign.objects.get(slug=slug)
    assert campaign.members.filter(rule__isnull=False).count() == 2896

    # A class of the former xã Đan Phượng's school staff; the learner is enrolled by picking.
    open_class(
        page,
        base,
        slug,
        code="AI-01",
        name="Lớp AI Đan Phượng",
        units="old:09823",
        instructors="admin",
        venue_unit="old:09823",
    )
    field(page, "Tên").first.fill(hocvien.person.full_name)
    page.get_by_role("button", name="Tìm").click()
    member = CampaignMember.objects.get(campaign=campaign, person=hocvien.person)
    page.locator(f"input[name=member][value='{member.pk}']").check()
    page.get_by_role("button", name="Ghi danh những người đã chọn").click()
    expect(page.get_by_text("Đã ghi danh 1 học viên.")).to_be_visible()
    session_url = page.get_by_role("link", name="Mã QR").first.get_attribute("href")
    page.goto(base + session_url)
    expect(page.locator(".qr svg")).to_be_visible()
    check_in_url = page.locator("a.mono").get_attribute("href")

    # The other 2,750 of the reported figures come from the records, as in the demo.
    apply_dan_phuong_participation(campaign, leave_out=frozenset({hocvien.person_id}))

    # The learner checks in by the QR code and completes the course.
    sign_in(page, base, "hocvien")
    page.goto(check_in_url)
    page.get_by_role("button", name="Tôi có mặt").click()
    expect(page.get_by_text("Bạn đã được điểm danh có mặt.")).to_be_visible()
    complete_courses(page, base, ["ai-co-ban-can-bo"])

    # Contest: the learner enters from their own record page.
    sign_in(page, base, "admin")
    today = timezone.localdate()
    page.goto(f"{base}/campaigns/{slug}/contests/new/")
    page.locator("#id_name").fill("Cuộc đua luyện AI")
    page.locator("#id_slug").fill("cuoc-dua")
    page.locator("#id_starts_on").fill("2025-03-24")
    page.locator("#id_ends_on").fill((today + dt.timedelta(days=7)).isoformat())
    field(page, "Ban giám khảo (tên đăng nhập)").fill("admin")
    field(page, "Tiêu chí chấm").fill("Sáng tạo | 10\nHiệu quả | 10")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(f"{base}/campaigns/{slug}/contests/cuoc-dua/")
    sign_in(page, base, "hocvien")
    page.goto(f"{base}/reports/me/")
    page.get_by_role("link", name="Nộp bài dự thi").click()
    # Model fields: their labels may come from another app's catalogue, so by id.
    page.locator("#id_kind").select_option("lesson")
    page.locator("#id_title").fill("Bài giảng Toán lớp 4 thiết kế với AI")
    page.locator("#id_url").fill("https://example.org/bai-giang")
    page.get_by_role("button", name="Nộp bài").click()
    expect(page.get_by_text("Đã nhận bài dự thi.")).to_be_visible()

    sign_in(page, base, "admin")
    page.goto(f"{base}/campaigns/{slug}/contests/cuoc-dua/")
    page.get_by_role("button", name="Tính lại điểm").click()
    first_person = page.locator("section[aria-labelledby=people-h] tbody tr").first
    assert hocvien.person.full_name in first_person.inner_text()
    assert page.locator("section[aria-labelledby=units-h] tbody tr").count() >= 1
    page.get_by_role("link", name="Khen thưởng", exact=True).click()
    field(page, "Cá nhân (theo bảng xếp hạng)").select_option(index=0)
    field(page.locator("form:has(input[value=individual])"), "Giải").fill("Giải Nhất")
    page.locator("form:has(input[value=individual])").get_by_role("button", name="Khen thưởng").click()
    field(page.locator("form:has(input[value=collective])"), "Giải").fill("Tập thể xuất sắc")
    page.locator("form:has(input[value=collective])").get_by_role("button", name="Khen thưởng").click()
    awards = load_workbook(io.BytesIO(download(page, "Tải danh sách khen thưởng (.xlsx)")))
    individuals = list(awards.worksheets[1].iter_rows(values_only=True))
    assert (1, hocvien.person.full_name) == individuals[5][:2]
    assert individuals[5][3] == "Giải Nhất"
    assert len([r for r in awards.worksheets[0].iter_rows(values_only=True) if isinstance(r[0], int)]) == 1

    # The dashboard and both reports show the reported figures.
    assert Contest.objects.get().scores.exists()
    f = campaign_figures(campaign)
    assert (vn_ratio(f.total.participating, f.total.members), vn_percent(f.total.participation_rate)) == (
        "2.751/2.896",
        "94,99%",
    )
    page.goto(f"{base}/reports/{slug}/")
    assert page.get_by_test_id("participation").inner_text() == "2.751/2.896"
    assert page.get_by_test_id("participation-rate").inner_text() == "94,99%"
    segments = page.get_by_test_id("segments").inner_text()
    for figure in ("376", "89,95%", "294", "83,76%", "2.081", "97,84%"):
        assert figure in segments
    assert summary_total(download(page, "Báo cáo Excel")) == (2896, 2751, 94.99)
    assert download(page, "Báo cáo PDF").startswith(b"%PDF")


def test_the_gia_lai_training_end_to_end(live_server, phone_page, demo_world):
    page, base = phone_page, live_server.url
    communes = [code for code, _name in facts.gialai_communes()[:2]]
    # One official of the first commune signs in as a learner.
    learner_person = (
        CampaignMember._meta.apps.get_model("people", "Person")
        .objects.filter(memberships__unit__code=facts.gl_ubnd_code(communes[0]))
        .order_by("pk")
        .first()
    )
    learner = User.objects.create_user(username="canbo-gl", password=PASSWORD, person=learner_person)
    RoleGrant.objects.create(user=learner, role=Role.LEARNER, unit=learner_person.memberships.get().unit)

    sign_in(page, base, "gialai")
    slug = "gl-tap-huan"
    define_campaign(
        page,
        base,
        name="Tập huấn kỹ năng số",
        slug=slug,
        starts=timezone.localdate().isoformat(),
        ends=(timezone.localdate() + dt.timedelta(days=28)).isoformat(),
        participation="enrolled",
        organiser=facts.GIALAI,
        units=" ".join(communes),
    )
    add_segment(page, base, slug, label="Cán bộ, công chức cấp xã", groups=("Cán bộ", "Công chức"))
    add_target(
        page,
        base,
        slug,
        measure="completion",
        percent="100",
        deadline=(timezone.localdate() + dt.timedelta(days=28)).isoformat(),
    )
    choose_courses(page, base, slug, ["An toàn thông tin", "Soạn bài trình chiếu", "Trí tuệ nhân tạo cơ bản"])
    page.get_by_role("button", name="Mở chiến dịch").click()
    page.wait_for_url(f"{base}/campaigns/{slug}/")
    campaign = Campaign.objects.get(slug=slug)
    population = campaign.members.count()
    assert 30 <= population <= 40

    open_class(
        page,
        base,
        slug,
        code="GL-01",
        name="Lớp 1",
        units=" ".join(communes),
        instructors="giangvien",
        fewest="30",
        most="40",
        venue_unit=communes[0],
    )
    page.locator("summary", has_text="Theo điều kiện").click()
    page.get_by_role("button", name="Xếp đủ lớp").click()
    expect(page.get_by_text(f"Đã ghi danh {population} học viên.")).to_be_visible()
    qr_link = page.get_by_role("link", name="Mã QR").first.get_attribute("href")

    # The instructor takes attendance on a phone: everyone but the learner, who scans the code.
    sign_in(page, base, "giangvien")
    page.goto(f"{base}/campaigns/")
    page.get_by_role("link", name="Lớp 1").click()
    page.get_by_role("link", name="Điểm danh").first.click()
    boxes = page.locator("input[name=present]")
    for i in range(boxes.count()):
        if learner_person.full_name not in page.locator(".roster li").nth(i).inner_text():
            boxes.nth(i).check()
    page.get_by_role("button", name="Lưu điểm danh").click()
    expect(page.get_by_text(f"Đã lưu điểm danh: {population - 1} có mặt.")).to_be_visible()
    page.goto(base + qr_link)
    check_in_url = page.locator("a.mono").get_attribute("href")

    sign_in(page, base, "canbo-gl")
    page.goto(check_in_url)
    page.get_by_role("button", name="Tôi có mặt").click()
    expect(page.get_by_text("Bạn đã được điểm danh có mặt.")).to_be_visible()
    complete_courses(page, base, ["an-toan-thong-tin-can-bo", "powerpoint-can-bo", "ai-co-ban-can-bo"])

    # The province sees it on its dashboard, in the class and in both reports.
    sign_in(page, base, "gialai")
    page.goto(f"{base}/campaigns/{slug}/classes/GL-01/")
    assert "✓" in page.locator("tr", has_text=learner_person.full_name).inner_text()
    page.goto(f"{base}/reports/{slug}/")
    f = campaign_figures(campaign)
    members = CampaignMember.objects.filter(campaign=campaign, removed_at__isnull=True)
    direct = (
        members.filter(enrolled_at__isnull=False).count(),
        members.count(),
        members.filter(completed_at__isnull=False).count(),
    )
    assert (f.total.participating, f.total.members, f.total.completed) == direct == (population, population, 1)
    assert page.get_by_test_id("participation").inner_text() == vn_ratio(population, population)
    assert page.get_by_test_id("completion").inner_text() == vn_ratio(1, population)
    assert summary_total(download(page, "Báo cáo Excel")) == (population, population, 100.0)
    assert download(page, "Báo cáo PDF").startswith(b"%PDF")
    page.goto(f"{base}/campaigns/{slug}/plan/")
    expect(page.get_by_text("Giảng viên tỉnh Gia Lai (demo)")).to_be_visible()
