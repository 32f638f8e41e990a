"""Roster files as offices send them, and a map with the pre-2025 units the tests need."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile
import unicodedata

from django.conf import settings
from django.test import override_settings
from django.utils import translation
from openpyxl import Workbook

from hocvuso.testing import BaseTestCase
from org.actions import create_unit
from org.models import UnitKind, UnitSuccession

EXCEL_EPOCH = dt.date(1899, 12, 30)

HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Số điện thoại", "Đối tượng", "Đơn vị", "Ghi chú"]


def excel_serial(day: dt.date) -> int:
    """The number Excel stores for a date in a cell formatted as General."""
    return (day - EXCEL_EPOCH).days


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def xlsx(rows: list[list[object]], *, title: str | None = None) -> bytes:
    """A workbook whose sheet has an optional title row and a blank row above ``rows``."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách"
    if title:
        sheet.append([title])
        sheet.append([])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _cp1258_text(text: str) -> str:
    """Vietnamese as Windows-1258 stores it: ê, ơ, ư, ă, â, đ precomposed, tone marks combining."""
    out = []
    for char in unicodedata.normalize("NFD", text):
        if out and unicodedata.combining(char):
            combined = unicodedata.normalize("NFC", out[-1] + char)
            if len(combined) == 1:
                try:
                    combined.encode("cp1258")
                except UnicodeEncodeError:
                    pass
                else:
                    out[-1] = combined
                    continue
        out.append(char)
    return "".join(out)


def csv_bytes(rows: list[list[object]], *, encoding: str = "utf-8") -> bytes:
    lines = [",".join("" if cell is None else str(cell) for cell in row) for row in rows]
    text = "\r\n".join(lines) + "\r\n"
    if encoding == "cp1258":
        return _cp1258_text(text).encode("cp1258")
    return text.encode(encoding)


class RosterTestCase(BaseTestCase):
    """BaseTestCase plus the pre-2025 xã Hồng Hà (huyện Đan Phượng), split between
    xã Liên Minh and xã Ô Diên, and a temporary MEDIA_ROOT for stored files.

    Messages are checked in English: the code runs in English, and pages too
    when the test client carries the language cookie (``use_english_pages``).
    """

    def setUp(self):
        super().setUp()
        self.enterContext(translation.override("en"))

    def use_english_pages(self) -> None:
        # Pages follow the language chosen with the switcher (a cookie), not
        # the browser's Accept-Language; see hocvuso.middleware.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    @classmethod
    def setUpClass(cls):
        cls._media = tempfile.mkdtemp(prefix="hvs-rosters-")
        cls._media_override = override_settings(MEDIA_ROOT=cls._media)
        cls._media_override.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls._media_override.disable()
        shutil.rmtree(cls._media, ignore_errors=True)

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        kinds = {k.slug: k for k in UnitKind.objects.all()}
        cls.old_hanoi = create_unit(
            kind=kinds["thanh-pho-trung-uong"], code="old:01", name="Thành phố Hà Nội", is_active=False
        )
        cls.old_danphuong = create_unit(
            kind=kinds["huyen"], code="old:273", name="Huyện Đan Phượng", parent=cls.old_hanoi, is_active=False
        )
        cls.old_hongha = create_unit(
            kind=kinds["xa"], code="old:09808", name="Xã Hồng Hà", parent=cls.old_danphuong, is_active=False
        )
        cls.old_hamo = create_unit(
            kind=kinds["xa"], code="old:09811", name="Xã Hạ Mỗ", parent=cls.old_danphuong, is_active=False
        )
        on = dt.date(2025, 7, 1)
        for successor in (cls.lienminh, cls.odien):
            UnitSuccession.objects.create(
                predecessor=cls.old_hongha, successor=successor, is_partial=True, effective_on=on
            )
        UnitSuccession.objects.create(predecessor=cls.old_hamo, successor=cls.odien, effective_on=on)
