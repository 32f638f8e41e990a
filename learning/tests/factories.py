"""Small courses and banks for tests (the personas come from hocvuso.testing.BaseTestCase)."""

from __future__ import annotations

from learning import actions
from learning.actions.questions import save_parsed
from learning.formats import read

GIFT_BANK = """$CATEGORY: $course$/top/An toàn/Mật khẩu

::mk1::Mật khẩu nào mạnh nhất?{
=ấm trà con mèo mưa phùn xe đạp#Đúng: cụm từ dài.
~123456#Quá phổ biến.
~matkhau#Quá dễ đoán.
}

::mk2::Nên dùng một mật khẩu cho mọi tài khoản.{FALSE#Sai: lộ một là lộ hết.#Đúng vậy.}

::mk3::Mã OTP gồm bao nhiêu chữ số (thường gặp)?{#6:0}

$CATEGORY: $course$/top/An toàn/Lừa đảo

::ld1::Dấu hiệu của tin nhắn lừa đảo{
~%50%Thúc giục gấp
~%50%Đường link lạ
~%-100%Có tên người gửi
}

::ld2::Tên của trang dịch vụ công quốc gia là?{=dichvucong.gov.vn =dịch vụ công quốc gia}
"""


def make_bank(name: str = "Ngân hàng thử"):
    bank = actions.create_bank(name=name)
    result = read(GIFT_BANK.encode(), "bank.gift")
    assert result.ok, result.problems
    save_parsed(bank=bank, result=result)
    return bank


def make_course(*, owner=None, key="an-toan-thu", pass_mark=60, bank=None, status="published", **extra):
    bank = bank or make_bank()
    course = actions.create_course(title="An toàn thông tin (thử)", key=key, owner=owner, status=status, **extra)
    module = actions.create_module(course=course, title="Mật khẩu", key="mat-khau")
    read1 = actions.create_lesson(
        module=module, title="Vì sao cần mật khẩu mạnh", key="vi-sao", body_md="Mật khẩu **mạnh** bảo vệ bạn."
    )
    read2 = actions.create_lesson(module=module, title="Nhận biết lừa đảo", key="lua-dao", body_md="Cẩn thận.")
    quiz_lesson = actions.create_lesson(module=module, title="Bài kiểm tra", key="kiem-tra", kind="quiz")
    categories = {c.path: c for c in bank.categories.all()}
    actions.configure_quiz(
        lesson=quiz_lesson,
        bank=bank,
        pass_mark=pass_mark,
        rules=[(categories["An toàn/Mật khẩu"], 3), (categories["An toàn/Lừa đảo"], 2)],
    )
    course.refresh_from_db()
    from learning.models import Lesson

    return course, list(Lesson.objects.filter(pk__in=[read1.pk, read2.pk, quiz_lesson.pk]).order_by("seq"))


def answer_everything_right(attempt) -> dict:
    """POST data answering every slot of an attempt correctly."""
    from django.http import QueryDict

    post = QueryDict(mutable=True)
    for i, snap in enumerate(attempt.layout):
        prefix = f"s{i}"
        t = snap["qtype"]
        if t == "single":
            post[prefix] = next(c["id"] for c in snap["choices"] if c["fraction"] == 1)
        elif t == "multiple":
            post.setlist(prefix, [c["id"] for c in snap["choices"] if c["fraction"] > 0])
        elif t == "truefalse":
            post[prefix] = "true" if snap["correct"] else "false"
        elif t == "short":
            post[prefix] = snap["answers"][0]["text"]
        elif t == "numerical":
            post[prefix] = snap["answers"][0]["value"]
        elif t == "matching":
            for stem in snap["stems"]:
                post[f"{prefix}-{stem['id']}"] = stem["answer"]
        elif t == "ordering":
            for place, item_id in enumerate(snap["correct_order"], 1):
                post[f"{prefix}-{item_id}"] = str(place)
    return post
