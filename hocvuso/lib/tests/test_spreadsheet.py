import csv
import datetime as dt
import gc
import io
import os
import pickle
import re
import tracemalloc
import unicodedata
import zipfile
from collections.abc import Iterator

import openpyxl
import pytest
from openpyxl.utils.datetime import MAC_EPOCH, from_excel

from hocvuso.lib.spreadsheet import (
    DateError,
    GenderError,
    Row,
    SpreadsheetError,
    cell_text,
    header_key,
    parse_date,
    parse_gender,
    parse_year,
    read_table,
)

KNOWN = ["stt", "ho va ten", "ngay sinh", "so cccd", "gioi tinh", "dien thoai", "dia chi"]
TODAY = dt.date.today()

_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Encode as Vietnamese Windows does: base letters precomposed where the
    code page has them, tone marks as separate combining characters."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            out.append(char.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONE_MARKS))
        tones = "".join(c for c in parts if c in _TONE_MARKS)
        out.append((base + tones).encode("cp1258"))
    return b"".join(out)


def roster_workbook(path, *, date1904=False):
    workbook = openpyxl.Workbook()
    if date1904:
        workbook.epoch = MAC_EPOCH
    sheet = workbook.active
    sheet.title = "Danh sách"
    sheet.append(["DANH SÁCH CÁN BỘ THAM GIA BỒI DƯỠNG KỸ NĂNG SỐ"])  # row 1
    sheet.merge_cells("A1:F1")
    sheet.append(["Xã Liên Minh, ngày 01/03/2025"])  # row 2
    sheet.append([])  # row 3
    sheet.append(["STT", "Họ và tên (*)", "Ngày sinh", "Giới tính", "Số CCCD", "Điện thoại"])  # row 4
    sheet.append([1, "Nguyễn Thị Huyền", dt.datetime(1990, 2, 1), "Nữ", "001190012345", "0912345678"])  # row 5
    sheet.append([])  # row 6
    sheet.append([None, None, None, None, None, None])  # row 7
    sheet.append([2, "Trần Văn Nam", 33239, "Nam", 79205123456, 912345678])  # row 8
    sheet.append([3, unicodedata.normalize("NFD", "Đặng Thị Ánh"), "05/04/1985", "nữ", None, "   "])  # row 9
    sheet["H9"] = None  # a formatted but empty cell far right must not widen the row
    workbook.save(path)
    return path


# --------------------------------------------------------------------------
# cell_text and header_key


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (123.0, "123"),
        (912345678.0, "912345678"),
        (79205123456.0, "79205123456"),
        (12.5, "12.5"),
        (0.1 + 0.2, "0.3"),
        (42, "42"),
        ("  Nguyễn\u00a0 Thị  ", "Nguyễn Thị"),
        (unicodedata.normalize("NFD", "Huyền"), "Huyền"),
        (dt.date(1990, 2, 1), "01/02/1990"),
        (dt.datetime(1990, 2, 1), "01/02/1990"),
        (dt.datetime(1990, 2, 1, 7, 30), "01/02/1990 07:30:00"),
    ],
)
def test_cell_text_shows_what_the_user_typed(value, text):
    assert cell_text(value) == text


def test_cell_text_composes_decomposed_text():
    assert unicodedata.is_normalized("NFC", cell_text(unicodedata.normalize("NFD", "Nguyễn Thị Huyền")))


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Họ và tên (*)", "ho va ten"),
        ("HỌ VÀ TÊN", "ho va ten"),
        ("Ngày sinh\n(dd/mm/yyyy)", "ngay sinh"),
        ("Số CCCD*", "so cccd"),
        ("Giới tính:", "gioi tinh"),
        ("Điện thoại [bắt buộc]", "dien thoai"),
        (None, ""),
    ],
)
def test_header_key_ignores_case_accents_notes_and_markers(header, key):
    assert header_key(header) == key


# --------------------------------------------------------------------------
# parse_date


@pytest.mark.parametrize(
    "value",
    [
        "01/02/1990",
        "1/2/1990",
        "01-02-1990",
        "01.02.1990",
        "01 / 02 / 1990",
        "1990-02-01",
        "1990-02-01 00:00:00",
        "1990-02-01T00:00:00",
        "01/02/1990 00:00",
        " 01/02/1990\u00a0",
        dt.date(1990, 2, 1),
        dt.datetime(1990, 2, 1, 13, 45),
    ],
)
def test_parse_date_accepts_day_first_text_iso_text_and_date_objects(value):
    assert parse_date(value) == dt.date(1990, 2, 1)


def test_parse_date_never_reads_month_first():
    assert parse_date("05/04/1990") == dt.date(1990, 4, 5)
    assert parse_date("12/01/1990") == dt.date(1990, 1, 12)


def test_parse_date_explains_a_us_style_date():
    with pytest.raises(DateError) as exc_info:
        parse_date("12/25/1990")
    assert exc_info.value.code == "impossible_date"
    assert "day/month/year" in exc_info.value.message
    assert "12/25/1990" in exc_info.value.message


@pytest.mark.parametrize("text", ["31/02/1990", "29/02/2001", "00/01/1990", "31/04/1990", "1990-13-01"])
def test_parse_date_rejects_impossible_dates_naming_them(text):
    with pytest.raises(DateError) as exc_info:
        parse_date(text)
    assert exc_info.value.code == "impossible_date"
    assert text in exc_info.value.message


def test_parse_date_accepts_29_february_in_leap_years():
    assert parse_date("29/02/2000") == dt.date(2000, 2, 29)
    assert parse_date("29/02/1996") == dt.date(1996, 2, 29)


def test_two_digit_years_take_the_century_that_puts_the_date_in_the_past():
    assert parse_date("01/02/95") == dt.date(1995, 2, 1)
    assert parse_date("01/02/05") == dt.date(2005, 2, 1)
    next_year = (TODAY.year + 1) % 100
    assert parse_date(f"01/01/{next_year:02d}") == dt.date(TODAY.year + 1 - 100, 1, 1)
    assert parse_date(TODAY.strftime("%d/%m/%y")) == TODAY


@pytest.mark.parametrize("serial", [1, 59, 61, 100, 33239, 33239.75, 45000])
def test_parse_date_reads_excel_serial_numbers_like_excel(serial):
    assert parse_date(serial) == from_excel(serial).date()
    assert parse_date(str(serial)) == from_excel(serial).date()


def test_excel_serials_around_the_fake_1900_leap_day():
    assert parse_date(59) == dt.date(1900, 2, 28)
    assert parse_date(61) == dt.date(1900, 3, 1)
    with pytest.raises(DateError) as exc_info:
        parse_date(60)
    assert exc_info.value.code == "impossible_date"
    assert "29/02/1900" in exc_info.value.message


def test_parse_date_reads_serials_in_the_1904_date_system():
    assert parse_date(0, date1904=True) == dt.date(1904, 1, 1)
    assert parse_date(31776, date1904=True) == dt.date(1990, 12, 31)
    assert parse_date(31776, date1904=True) == from_excel(31776, epoch=MAC_EPOCH).date()
    assert parse_date(31776) == dt.date(1986, 12, 30)


@pytest.mark.parametrize("value", [1990, 1990.0, "1990", str(TODAY.year)])
def test_parse_date_refuses_a_bare_year_rather_than_read_it_as_a_1905_serial(value):
    with pytest.raises(DateError) as exc_info:
        parse_date(value)
    assert exc_info.value.code == "year_only"
    assert "dd/mm/yyyy" in exc_info.value.message


def test_parse_date_refuses_future_dates_by_default():
    tomorrow = TODAY + dt.timedelta(days=1)
    with pytest.raises(DateError) as exc_info:
        parse_date(tomorrow.strftime("%d/%m/%Y"))
    assert exc_info.value.code == "out_of_range"
    assert "future" in exc_info.value.message


def test_parse_date_refuses_dates_before_1900_by_default():
    with pytest.raises(DateError) as exc_info:
        parse_date("31/12/1899")
    assert exc_info.value.code == "out_of_range"


def test_parse_date_range_can_be_changed_for_other_kinds_of_date():
    assert parse_date("01/09/2030", latest=dt.date(2030, 12, 31)) == dt.date(2030, 9, 1)
    with pytest.raises(DateError) as exc_info:
        parse_date("01/09/2020", earliest=dt.date(2025, 1, 1))
    assert exc_info.value.code == "out_of_range"
    assert "01/01/2025" in exc_info.value.message


@pytest.mark.parametrize("value", [None, "", "   "])
def test_parse_date_reports_a_missing_date(value):
    with pytest.raises(DateError) as exc_info:
        parse_date(value)
    assert exc_info.value.code == "empty"


@pytest.mark.parametrize(
    "value", ["ngày 1 tháng 2", "01/02", "01/02-1990", "1990/02", "abc", True, 0, -5, float("nan"), float("inf")]
)
def test_parse_date_rejects_text_that_is_not_a_date(value):
    with pytest.raises(DateError) as exc_info:
        parse_date(value)
    assert exc_info.value.code == "bad_format"


def test_parse_date_rejects_absurd_serials():
    with pytest.raises(DateError) as exc_info:
        parse_date(10**9)
    assert exc_info.value.code == "out_of_range"


def test_date_error_is_a_value_error_and_pickles():
    error = pickle.loads(pickle.dumps(DateError("impossible_date", "31/02/1990 is not a real date.")))
    assert isinstance(error, ValueError)
    assert (error.code, str(error)) == ("impossible_date", "31/02/1990 is not a real date.")


# --------------------------------------------------------------------------
# parse_year and parse_gender


@pytest.mark.parametrize("value", [1990, 1990.0, "1990", " 1990 ", "1990.0", dt.date(1990, 5, 1)])
def test_parse_year_reads_a_year_cell(value):
    assert parse_year(value) == 1990


@pytest.mark.parametrize(
    ("value", "code"),
    [(1899, "out_of_range"), (TODAY.year + 1, "out_of_range"), ("90", "bad_format"), ("năm 1990", "bad_format"),
     (1990.5, "bad_format"), ("", "empty"), (None, "empty")],
)  # fmt: skip
def test_parse_year_rejects_what_is_not_a_plausible_year(value, code):
    with pytest.raises(DateError) as exc_info:
        parse_year(value)
    assert exc_info.value.code == code


@pytest.mark.parametrize("value", ["Nam", "nam", "NAM", "M", "m", "male", "Male"])
def test_parse_gender_reads_male(value):
    assert parse_gender(value) == "male"


@pytest.mark.parametrize("value", ["Nữ", "nữ", "NỮ", "Nu", "F", "female", unicodedata.normalize("NFD", "Nữ")])
def test_parse_gender_reads_female(value):
    assert parse_gender(value) == "female"


@pytest.mark.parametrize("value", [None, "", "  "])
def test_parse_gender_of_a_blank_cell_is_none(value):
    assert parse_gender(value) is None


@pytest.mark.parametrize("value", ["Khác", "x", 1, "Nam/Nữ"])
def test_parse_gender_rejects_anything_else(value):
    with pytest.raises(GenderError) as exc_info:
        parse_gender(value)
    assert isinstance(exc_info.value, ValueError)
    assert exc_info.value.code == "bad_gender"


# --------------------------------------------------------------------------
# read_table: xlsx


def test_it_reads_an_xlsx_roster_below_its_title_rows(tmp_path):
    path = roster_workbook(tmp_path / "danh-sach.xlsx")
    with read_table(path, known_headers=KNOWN) as table:
        assert table.format == "xlsx"
        assert table.sheet_name == "Danh sách"
        assert table.filename == "danh-sach.xlsx"
        assert table.header_row_number == 4
        assert table.headers == ["STT", "Họ và tên (*)", "Ngày sinh", "Giới tính", "Số CCCD", "Điện thoại"]
        assert table.header_keys == ["stt", "ho va ten", "ngay sinh", "gioi tinh", "so cccd", "dien thoai"]
        assert isinstance(table.rows, Iterator)
        rows = list(table.rows)

    assert [row.number for row in rows] == [5, 8, 9]
    assert rows[0] == Row(5, [1, "Nguyễn Thị Huyền", dt.datetime(1990, 2, 1), "Nữ", "001190012345", "0912345678"])
    assert rows[1].cells == [2, "Trần Văn Nam", 33239, "Nam", 79205123456, 912345678]
    # Decomposed text is composed, and whitespace-only cells read as empty.
    assert rows[2].cells == [3, "Đặng Thị Ánh", "05/04/1985", "nữ", None, None]


def test_xlsx_cells_feed_the_cell_parsers(tmp_path):
    path = roster_workbook(tmp_path / "roster.xlsx")
    with read_table(path, known_headers=KNOWN) as table:
        births = [parse_date(row.cells[2], date1904=table.date1904) for row in table.rows]
    assert births == [dt.date(1990, 2, 1), dt.date(1991, 1, 1), dt.date(1985, 4, 5)]


def test_it_reports_the_1904_date_system(tmp_path):
    with read_table(roster_workbook(tmp_path / "mac.xlsx", date1904=True)) as table:
        assert table.date1904 is True
    with read_table(roster_workbook(tmp_path / "win.xlsx")) as table:
        assert table.date1904 is False


def test_without_known_headers_the_first_row_with_two_text_cells_is_the_header(tmp_path):
    with read_table(roster_workbook(tmp_path / "r.xlsx")) as table:
        assert table.header_row_number == 4


def test_a_title_row_with_enough_words_is_not_taken_for_the_header_when_headers_are_known(tmp_path):
    path = tmp_path / "title.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["UBND XÃ LIÊN MINH", None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    workbook.active.append(["Họ và tên", "Ngày sinh"])
    workbook.active.append(["An", "01/01/1990"])
    workbook.save(path)
    with read_table(path, known_headers=KNOWN) as table:
        assert table.header_row_number == 2
        assert [row.number for row in table.rows] == [3]
    with read_table(path) as table:
        assert table.header_row_number == 1


def test_it_finds_the_roster_sheet_when_an_instructions_sheet_is_active(tmp_path):
    path = tmp_path / "two-sheets.xlsx"
    workbook = openpyxl.Workbook()
    instructions = workbook.active
    instructions.title = "Hướng dẫn"
    instructions.append(["Bước 1", "Điền thông tin vào sheet Danh sách"])
    roster = workbook.create_sheet("Danh sách")
    roster.append(["Họ và tên", "Ngày sinh"])
    roster.append(["An", "01/01/1990"])
    workbook.active = 0
    workbook.save(path)
    with read_table(path, known_headers=KNOWN) as table:
        assert table.sheet_name == "Danh sách"
        assert [row.cells for row in table.rows] == [["An", "01/01/1990"]]


def test_it_complains_when_no_header_is_in_the_first_ten_rows(tmp_path):
    path = tmp_path / "no-header.xlsx"
    workbook = openpyxl.Workbook()
    for number in range(10):
        workbook.active.append([f"Ghi chú {number}"])
    workbook.active.append(["Họ và tên", "Ngày sinh"])
    workbook.save(path)
    with pytest.raises(SpreadsheetError) as exc_info:
        read_table(path, known_headers=KNOWN)
    assert exc_info.value.code == "no_header"


def test_it_reads_rows_past_a_wrong_dimension_record(tmp_path):
    good = tmp_path / "good.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["Họ và tên", "Ngày sinh"])
    for number in range(1, 6):
        workbook.active.append([f"Người {number}", "01/01/1990"])
    workbook.save(good)
    bad = tmp_path / "bad-dimension.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, replaced = re.subn(rb'<dimension ref="A1:B6"\s*/>', b'<dimension ref="A1:B2"/>', data)
                assert replaced == 1
            target.writestr(item, data)
    # Plain read-only openpyxl trusts the record and stops after row 2.
    naive = openpyxl.load_workbook(bad, read_only=True)
    assert len(list(naive.active.iter_rows(values_only=True))) == 2
    naive.close()
    with read_table(bad) as table:
        assert [row.number for row in table.rows] == [2, 3, 4, 5, 6]


def test_an_uploaded_xlsx_file_object_is_left_open(tmp_path):
    data = roster_workbook(tmp_path / "r.xlsx").read_bytes()
    upload = io.BytesIO(data)
    upload.read(10)  # the caller may have peeked; reading starts from the top anyway
    with read_table(upload, filename="r.xlsx", known_headers=KNOWN) as table:
        assert len(list(table.rows)) == 3
    assert not upload.closed


# --------------------------------------------------------------------------
# read_table: CSV

CSV_TEXT = (
    "Danh sách học viên\n"
    "\n"
    "Họ và tên,Ngày sinh,Giới tính,Địa chỉ\n"
    "Nguyễn Thị Huyền,01/02/1990,Nữ,Thôn 3\n"
    ",,,\n"
    "Đặng Văn Đức,15/03/1985,Nam,Xóm Đông\n"
)
CSV_ROWS = [
    Row(4, ["Nguyễn Thị Huyền", "01/02/1990", "Nữ", "Thôn 3"]),
    Row(6, ["Đặng Văn Đức", "15/03/1985", "Nam", "Xóm Đông"]),
]


@pytest.mark.parametrize(
    ("encoding", "data"),
    [
        ("utf-8", CSV_TEXT.encode("utf-8")),
        ("utf-8-sig", CSV_TEXT.encode("utf-8-sig")),
        ("utf-8", unicodedata.normalize("NFD", CSV_TEXT).encode("utf-8")),
        ("cp1258", to_cp1258(CSV_TEXT)),
        ("utf-16", CSV_TEXT.replace(",", "\t").encode("utf-16")),
    ],
    ids=["utf-8", "utf-8-bom", "utf-8-decomposed", "cp1258", "utf-16-tabs"],
)
def test_it_reads_csv_in_the_encodings_vietnamese_offices_produce(tmp_path, encoding, data):
    path = tmp_path / "roster.csv"
    path.write_bytes(data)
    with read_table(path, known_headers=KNOWN) as table:
        assert table.format == "csv"
        assert table.encoding == encoding
        assert table.header_row_number == 3
        assert table.headers == ["Họ và tên", "Ngày sinh", "Giới tính", "Địa chỉ"]
        rows = list(table.rows)
    assert rows == CSV_ROWS
    assert all(unicodedata.is_normalized("NFC", cell) for row in rows for cell in row.cells)


def test_cp1258_bytes_really_hold_decomposed_tones():
    data = to_cp1258("Huyền")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert data.decode("cp1258") == unicodedata.normalize("NFD", "Huyền").replace("e\u0302", "ê")
    assert data.decode("cp1258") != "Huyền"


def test_it_detects_cp1258_even_when_accents_start_late_in_a_big_file():
    lines = ["Ho va ten,Ngay sinh"] + [f"Nguoi {n},01/01/1990" for n in range(5000)] + ["Đặng Thị Ánh,02/02/1992"]
    data = to_cp1258("\n".join(lines) + "\n")
    assert len(data) > 64 * 1024
    with read_table(io.BytesIO(data)) as table:
        assert table.encoding == "cp1258"
        *_, last = table.rows
    assert last == Row(5002, ["Đặng Thị Ánh", "02/02/1992"])


def test_it_reads_a_semicolon_csv_whose_addresses_contain_commas():
    text = (
        "STT;Họ và tên;Địa chỉ;Điện thoại\n"
        "1;Nguyễn Văn An;Thôn 1, xã Liên Minh, huyện Đức Thọ, tỉnh Hà Tĩnh;0912345678\n"
        "2;Lê Thị Bình;Xóm 2, xã Tân Lập;0987654321\n"
    )
    with read_table(io.BytesIO(text.encode("utf-8")), known_headers=KNOWN) as table:
        assert table.delimiter == ";"
        assert table.headers == ["STT", "Họ và tên", "Địa chỉ", "Điện thoại"]
        rows = list(table.rows)
    assert rows[0].cells[2] == "Thôn 1, xã Liên Minh, huyện Đức Thọ, tỉnh Hà Tĩnh"
    assert rows[1] == Row(3, ["2", "Lê Thị Bình", "Xóm 2, xã Tân Lập", "0987654321"])


def test_a_quoted_cell_spanning_lines_counts_as_one_row_like_in_excel():
    text = 'Họ và tên,Địa chỉ\n"Nguyễn Văn An","Thôn 1\nxã Liên Minh"\nLê Thị Bình,Xóm 2\n'
    with read_table(io.BytesIO(text.encode("utf-8"))) as table:
        rows = list(table.rows)
    assert rows == [Row(2, ["Nguyễn Văn An", "Thôn 1\nxã Liên Minh"]), Row(3, ["Lê Thị Bình", "Xóm 2"])]


def test_csv_rows_are_padded_to_the_header_width_and_keep_extra_cells():
    text = "Họ và tên,Ngày sinh,Giới tính\nAn\nBình,01/01/1990,Nam,ghi chú\n"
    with read_table(io.BytesIO(text.encode("utf-8"))) as table:
        rows = list(table.rows)
    assert rows[0].cells == ["An", None, None]
    assert rows[1].cells == ["Bình", "01/01/1990", "Nam", "ghi chú"]


def test_a_csv_with_windows_line_endings_keeps_true_row_numbers():
    text = "Họ và tên,Ngày sinh\r\n\r\nAn,01/01/1990\r\n\r\n\r\nBình,02/02/1990\r\n"
    with read_table(io.BytesIO(text.encode("utf-8"))) as table:
        assert [row.number for row in table.rows] == [3, 6]


def test_an_uploaded_csv_file_object_survives_reading_and_garbage_collection():
    upload = io.BytesIO(CSV_TEXT.encode("utf-8"))
    table = read_table(upload)
    assert table.headers[0] == "Họ và tên"
    del table
    gc.collect()
    assert not upload.closed
    table = read_table(upload)
    assert list(table.rows) == CSV_ROWS
    assert not upload.closed


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc to count open files")
def test_closing_a_table_releases_the_file_it_opened(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    xlsx = roster_workbook(tmp_path / "roster.xlsx")
    before = len(os.listdir("/proc/self/fd"))
    for source in (path, xlsx):
        table = read_table(source)
        next(table.rows)
        table.close()
        with read_table(source) as unread:
            assert unread.headers
    assert len(os.listdir("/proc/self/fd")) == before


def test_a_large_csv_is_streamed_not_loaded(tmp_path):
    # Wide rows make a multi-megabyte file without a slow test.
    address = "Thôn Đông, xã Liên Minh, huyện Đức Thọ, tỉnh Hà Tĩnh. " * 4
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["STT", "Họ và tên", "Ngày sinh", "Số CCCD", "Địa chỉ"])
        for number in range(20_000):
            writer.writerow([number, "Nguyễn Thị Huyền", "01/02/1990", "001190012345", address])
    size = path.stat().st_size
    assert size > 5_000_000
    tracemalloc.start()
    try:
        with read_table(path) as table:
            count = sum(1 for _ in table.rows)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 20_000
    assert peak < size / 3, (peak, size)


# --------------------------------------------------------------------------
# read_table: refusing what it cannot read


def test_it_refuses_old_xls_files_asking_for_xlsx():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    with pytest.raises(SpreadsheetError) as exc_info:
        read_table(io.BytesIO(data), filename="danh-sach.xls")
    assert exc_info.value.code == "xls_not_supported"
    assert ".xlsx" in exc_info.value.message


def test_it_recognises_xlsx_by_content_whatever_the_name(tmp_path):
    path = roster_workbook(tmp_path / "r.xlsx")
    renamed = tmp_path / "danh-sach.csv"
    path.rename(renamed)
    with read_table(renamed) as table:
        assert table.format == "xlsx"


def test_it_reads_csv_content_named_xls():
    with read_table(io.BytesIO(CSV_TEXT.encode("utf-8")), filename="export.xls") as table:
        assert table.format == "csv"


def test_it_refuses_an_xlsx_name_on_non_xlsx_content():
    with pytest.raises(SpreadsheetError) as exc_info:
        read_table(io.BytesIO(CSV_TEXT.encode("utf-8")), filename="danh-sach.xlsx")
    assert exc_info.value.code == "bad_xlsx"


def test_it_refuses_a_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(SpreadsheetError) as exc_info:
        read_table(io.BytesIO(buffer.getvalue()))
    assert exc_info.value.code == "bad_xlsx"


def test_it_refuses_an_html_page_saved_as_xls():
    page = b"<html><body><table><tr><td>H\xe1\xbb\x8d t\xc3\xaan</td></tr></table></body></html>"
    with pytest.raises(SpreadsheetError) as exc_info:
        read_table(io.BytesIO(page), filename="export.xls")
    assert exc_info.value.code == "html_not_supported"


def test_it_refuses_binary_files_and_empty_files():
    with pytest.raises(SpreadsheetError) as exc_info:
        read_table(io.BytesIO(b"%PDF-1.7\n\x00\x01\x02binary"))
    assert exc_info.value.code == "not_a_spreadsheet"
    with pytest.raises(SpreadsheetError) as exc_info:
        read_table(io.BytesIO(b""))
    assert exc_info.value.code == "empty_file"


def test_it_refuses_a_csv_with_only_one_column():
    with pytest.raises(SpreadsheetError) as exc_info:
        read_table(io.BytesIO("Họ và tên\nAn\nBình\n".encode()))
    assert exc_info.value.code == "no_header"


def test_spreadsheet_error_is_a_value_error_with_a_code():
    error = SpreadsheetError("xls_not_supported", "Save it as .xlsx.")
    assert isinstance(error, ValueError)
    assert (error.code, error.message, str(error)) == ("xls_not_supported", "Save it as .xlsx.", "Save it as .xlsx.")
