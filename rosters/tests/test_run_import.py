"""rosters.importing.run_import: checking every row, matching people, writing all or nothing."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import translation

from audit.models import AuditEvent
from people.models import Membership, Person
from rosters.importing import RosterError, run_import
from rosters.tests.helpers import HEADERS, RosterTestCase, csv_bytes, excel_serial, nfd, xlsx

HUNG_CCCD = "001085001234"
LAN_CCCD = "001185004321"


def messy_rows() -> list[list[object]]:
    """A roster as it arrives: decomposed and all-caps names, real and serial dates, bad
    CCCDs, a duplicate, unknown and split units, an impossible date, blank rows."""
    return [
        HEADERS,
        # row 4: fine; the name typed in decomposed Unicode, the date a real date cell
        [1, nfd("Nguyễn Văn Hùng"), dt.datetime(1985, 3, 15), "Nam", HUNG_CCCD, "0912345678", "Công chức", None, None],
        # row 5: fine; name in capitals, date a serial number in a General cell
        [2, "TRẦN THỊ LAN", excel_serial(dt.date(1985, 4, 20)), "Nữ", LAN_CCCD, "0987 654 321", "giáo viên",
         "Trường Tiểu học Liên Minh", None],
        [None] * 9,  # row 6: blank
        [3, "Lê Văn Cường", "02/09/1990", "Nam", "0011850123", None, None, None, None],  # 7: 10 digits
        [4, "Phạm Thị Dung", "02/09/1985", "Nữ", "003185001111", None, None, None, None],  # 8: no province 003
        [5, "Hoàng Văn Em", "02/09/1985", "Nam", "001885001111", None, None, None, None],  # 9: century digit 8
        [6, "Vũ Thị Giang", "02/09/1985", "Nữ", "001190001234", None, None, None, None],  # 10: CCCD says 1990
        [7, "Phạm Văn Tú", "01/01/1985", "Nam", HUNG_CCCD, None, None, None, None],  # 11: CCCD of row 4
        [8, "Đỗ Văn Khoa", "01/01/1980", "Nam", None, None, None, "Trường Không Tồn Tại", None],  # 12
        [9, "Ngô Thị Hạnh", "01/01/1980", "Nữ", None, None, "Đảng viên", "xã Hồng Hà, huyện Đan Phượng", None],
        [10, "Bùi Văn Long", "31/02/1990", "Nam", None, None, None, None, None],  # 14: no 31 February
        [11, None, "01/01/1990", "Nam", None, "0912000111", None, None, "không rõ tên"],  # 15: no name
        [12, None, None, None, None, None, None, None, None],  # 16: only the STT of a numbered template
        [None] * 9,
    ]  # fmt: skip


EXPECTED_PROBLEMS = [
    (7, "Số CCCD", "0011850123", "CCCD must have 12 digits; this one has 10."),
    (8, "Số CCCD", "003185001111", "CCCD starts with 003, which is not a province code."),
    (9, "Số CCCD", "001885001111", "Digit 4 of the CCCD (8) would mean born in 1885, which is impossible."),
    (10, "Số CCCD", "001190001234", "The CCCD says born in 1990, but the birth date says 1985."),
    (11, "Số CCCD", HUNG_CCCD, "Same CCCD as row 4."),
    (12, "Đơn vị", "Trường Không Tồn Tại", "No unit of this name in Thành phố Hà Nội."),
    (
        13,
        "Đơn vị",
        "xã Hồng Hà, huyện Đan Phượng",
        "This former unit was split between Xã Liên Minh, Thành phố Hà Nội; Xã Ô Diên, Thành phố Hà Nội. "
        "Choose the one these people belong to.",
    ),
    (14, "Ngày sinh", "31/02/1990", "This date does not exist (dates are day/month/year)."),
    (15, "Họ và tên", "", "Full name is missing."),
]


def problems_of(outcome) -> list[tuple]:
    return [(p.row, p.column, p.value, p.reason(translate=False)) for p in outcome.problems]


class MessyRosterTests(RosterTestCase):
    def run_messy(self, **kwargs):
        data = xlsx(messy_rows(), title="DANH SÁCH CÁN BỘ THAM GIA BÌNH DÂN HỌC VỤ SỐ")
        return run_import(io.BytesIO(data), filename="ds.xlsx", org=self.hanoi, actor=self.hoa, **kwargs)

    def test_it_lists_every_problem_by_row_column_and_value_and_writes_nothing(self):
        people_before = Person.objects.count()
        outcome = self.run_messy()
        self.assertEqual(problems_of(outcome), EXPECTED_PROBLEMS)
        self.assertEqual(outcome.rows_total, 11)  # blank rows and the STT-only row are not rows
        self.assertEqual((outcome.created, outcome.rejected), (2, 9))
        self.assertFalse(outcome.written)
        self.assertEqual(Person.objects.count(), people_before)
        self.assertFalse(AuditEvent.objects.filter(action="roster.import").exists())

    def test_it_offers_the_successors_of_a_split_commune_as_candidates(self):
        outcome = self.run_messy(dry_run=True)
        self.assertEqual(len(outcome.unit_questions), 1)
        question = outcome.unit_questions[0]
        self.assertEqual(question["value"], "xã Hồng Hà, huyện Đan Phượng")
        self.assertEqual(question["error"], "split")
        self.assertEqual({c[0] for c in question["candidates"]}, {self.lienminh.pk, self.odien.pk})

    def test_only_valid_imports_the_valid_rows_and_reports_the_rest(self):
        outcome = self.run_messy(only_valid=True)
        self.assertTrue(outcome.written)
        self.assertEqual(problems_of(outcome), EXPECTED_PROBLEMS)
        self.assertEqual((outcome.created, outcome.updated, outcome.rejected), (2, 0, 9))
        hung = Person.objects.get(cccd=HUNG_CCCD)
        self.assertEqual(hung.full_name, "Nguyễn Văn Hùng")  # composed (NFC)
        self.assertEqual(hung.birth_date, dt.date(1985, 3, 15))
        self.assertEqual((hung.gender, hung.phone), ("male", "+84912345678"))
        self.assertEqual(hung.search_name, "nguyen van hung")
        membership = hung.memberships.get()
        self.assertEqual(
            (membership.unit, membership.group.slug, membership.is_primary), (self.hanoi, "cong-chuc", True)
        )
        lan = Person.objects.get(cccd=LAN_CCCD)
        self.assertEqual(lan.full_name, "Trần Thị Lan")  # capitals titled
        self.assertEqual(lan.birth_date, dt.date(1985, 4, 20))  # from the Excel serial number
        self.assertEqual(lan.memberships.get().unit, self.school)
        self.assertFalse(Person.objects.filter(full_name="Phạm Văn Tú").exists())

    def test_the_import_records_one_audit_event(self):
        self.run_messy(only_valid=True)
        event = AuditEvent.objects.get(action="roster.import")
        self.assertEqual(event.actor, self.hoa)
        self.assertEqual(event.unit_path, self.hanoi.path)
        self.assertEqual(event.changes["file"], "ds.xlsx")
        self.assertEqual((event.changes["created"], event.changes["rejected"]), (2, 9))
        self.assertFalse(AuditEvent.objects.filter(action__startswith="person.").exists())

    def test_a_chosen_unit_for_a_split_commune_makes_those_rows_valid(self):
        outcome = self.run_messy(only_valid=True, unit_choices={"Xã Hồng Hà, huyện Đan Phượng": self.odien.pk})
        self.assertNotIn(13, [p.row for p in outcome.problems])
        self.assertEqual(Person.objects.get(full_name="Ngô Thị Hạnh").memberships.get().unit, self.odien)

    def test_a_chosen_unit_outside_the_organisation_is_ignored(self):
        outcome = self.run_messy(dry_run=True, unit_choices={"xã Hồng Hà, huyện Đan Phượng": self.pleiku_ward.pk})
        self.assertIn(13, [p.row for p in outcome.problems])

    def test_a_dry_run_writes_nothing_even_with_only_valid(self):
        outcome = self.run_messy(only_valid=True, dry_run=True)
        self.assertEqual(outcome.created, 2)
        self.assertFalse(outcome.written)
        self.assertFalse(Person.objects.filter(cccd=HUNG_CCCD).exists())


class ReimportTests(RosterTestCase):
    def roster(self) -> bytes:
        return xlsx(
            [
                ["Họ tên", "Ngày tháng năm sinh", "Giới tính", "CCCD", "SĐT", "Nhóm", "Nơi công tác"],
                ["Nguyễn Văn Hùng", "15/03/1985", "Nam", HUNG_CCCD, "0912345678", "Công chức", "Xã Liên Minh"],
                ["Trần Thị Lan", "20/04/1985", "Nữ", LAN_CCCD, "", "Giáo viên", "Trường Tiểu học Liên Minh"],
                ["Lê Thị Hoa", "01/02/1970", "Nữ", "", "0988000111", "Người dân", "Chi bộ thôn 1"],
            ]
        )

    def import_file(self, data=None, **kwargs):
        return run_import(
            io.BytesIO(data or self.roster()), filename="r.xlsx", org=self.lienminh, actor=self.minh, **kwargs
        )

    def test_importing_the_same_file_twice_creates_no_duplicates(self):
        first = self.import_file()
        self.assertEqual((first.created, first.updated, first.unchanged), (3, 0, 0))
        count = Person.objects.count()
        second = self.import_file()
        self.assertEqual((second.created, second.updated, second.unchanged, second.rejected), (0, 0, 3, 0))
        self.assertTrue(second.written)
        self.assertEqual(Person.objects.count(), count)
        self.assertEqual(Membership.objects.filter(person__full_name="Lê Thị Hoa").count(), 1)

    def test_a_person_without_cccd_is_matched_by_name_birth_date_and_unit(self):
        self.import_file()
        hoa = Person.objects.get(full_name="Lê Thị Hoa")
        again = xlsx(
            [
                ["Họ tên", "Ngày sinh", "Email", "Nơi công tác"],
                ["LÊ THỊ HOA", "01/02/1970", "hoa@example.vn", "Chi bộ thôn 1"],
            ]
        )
        outcome = self.import_file(again)
        self.assertEqual((outcome.created, outcome.updated), (0, 1))
        hoa.refresh_from_db()
        self.assertEqual(hoa.email, "hoa@example.vn")  # a blank filled

    def test_a_known_cccd_in_another_unit_adds_a_membership_and_fills_blanks(self):
        data = xlsx(
            [
                ["Họ và tên", "Ngày sinh", "Số CCCD", "Điện thoại", "Chức vụ", "Đơn vị"],
                ["Nguyễn Thị Mai", "12/04/1985", "001185012345", "0912 111 222", "Đảng viên", "Chi bộ thôn 1"],
            ]
        )
        outcome = self.import_file(data)
        self.assertEqual((outcome.created, outcome.updated, outcome.rejected), (0, 1, 0))
        self.p_mai.refresh_from_db()
        self.assertEqual(self.p_mai.phone, "+84912111222")
        units = set(self.p_mai.memberships.filter(ended_on__isnull=True).values_list("unit", "is_primary"))
        self.assertEqual(units, {(self.school.pk, True), (self.cell.pk, False)})

    def test_a_known_cccd_with_another_birth_date_is_a_problem(self):
        data = xlsx(
            [
                ["Họ và tên", "Ngày sinh", "Số CCCD"],
                ["Nguyễn Thị Mai", "01/01/1985", "001185012345"],
            ]
        )
        outcome = self.import_file(data)
        self.assertEqual(
            problems_of(outcome),
            [(2, "Ngày sinh", "01/01/1985", "A person with this CCCD already exists with birth date 12/04/1985.")],
        )
        self.assertFalse(outcome.written)
        self.p_mai.refresh_from_db()
        self.assertEqual(self.p_mai.birth_date, dt.date(1985, 4, 12))
        with translation.override("vi"):
            self.assertEqual(outcome.problems[0].reason(), "Đã có người mang số CCCD này với ngày sinh là 12/04/1985.")

    def test_a_known_cccd_with_another_name_is_a_problem(self):
        data = xlsx([["Họ và tên", "Số CCCD"], ["Nguyễn Thị Mây", "001185012345"]])
        outcome = self.import_file(data, dry_run=True)
        self.assertEqual(
            problems_of(outcome),
            [
                (
                    2,
                    "Họ và tên",
                    "Nguyễn Thị Mây",
                    "A person with this CCCD already exists with full name Nguyễn Thị Mai.",
                )
            ],
        )

    def test_a_person_found_by_name_fills_an_empty_phone_and_keeps_the_membership(self):
        data = xlsx([["Họ và tên", "SĐT", "Đơn vị"], ["TRẦN THỊ HUYỀN", "0912999888", "Chi bộ thôn 1"]])
        outcome = self.import_file(data)
        self.assertEqual((outcome.created, outcome.updated), (0, 1))
        self.p_huyen.refresh_from_db()
        self.assertEqual(self.p_huyen.phone, "+84912999888")
        self.assertEqual(self.p_huyen.memberships.count(), 1)


class FileFormatTests(RosterTestCase):
    def test_a_windows_1258_csv_with_decomposed_names_is_read_and_composed(self):
        data = csv_bytes(
            [
                ["Họ và tên", "Ngày sinh", "Giới tính", "Đơn vị"],
                ["Nguyễn Thị Ánh Tuyết", "05/06/1990", "Nữ", "Trường Tiểu học Liên Minh"],
            ],
            encoding="cp1258",
        )
        self.assertIn("\u0301".encode("cp1258"), data)  # the tone mark really is a separate character
        outcome = run_import(io.BytesIO(data), filename="ds.csv", org=self.lienminh)
        self.assertEqual(outcome.problems, [])
        person = Person.objects.get(search_name="nguyen thi anh tuyet")
        self.assertEqual(person.full_name, "Nguyễn Thị Ánh Tuyết")
        self.assertEqual(person.memberships.get().unit, self.school)

    def test_a_utf8_csv_with_bom_and_english_headers_is_read(self):
        data = csv_bytes(
            [["No.", "Full name", "Date of birth", "Gender", "Citizen ID", "Phone", "Email", "Group", "Unit"],
             ["1", "Đỗ Minh Quân", "1988-07-09", "male", "001088009999", "+84 912 000 333", "quan@example.vn",
              "Teacher", "TH-LM"]],
            encoding="utf-8-sig",
        )  # fmt: skip
        outcome = run_import(io.BytesIO(data), filename="en.csv", org=self.lienminh)
        self.assertEqual(outcome.problems, [])
        person = Person.objects.get(cccd="001088009999")
        self.assertEqual((person.birth_date, person.email), (dt.date(1988, 7, 9), "quan@example.vn"))
        self.assertEqual(person.memberships.get().group.slug, "giao-vien")

    def test_separate_family_and_given_name_columns_are_joined(self):
        data = xlsx([["TT", "Họ và tên đệm", "Tên", "Năm sinh"], [1, "Hồ Thị", "Thu", 1991]])
        outcome = run_import(io.BytesIO(data), filename="t.xlsx", org=self.lienminh)
        self.assertEqual(outcome.problems, [])
        self.assertTrue(Person.objects.filter(full_name="Hồ Thị Thu", given_name="Thu").exists())

    def test_a_year_of_birth_is_checked_against_the_cccd(self):
        data = xlsx([["Họ và tên", "Năm sinh", "Số CCCD"], ["Hồ Văn Nam", 1990, "001085001235"]])
        outcome = run_import(io.BytesIO(data), filename="t.xlsx", org=self.lienminh, dry_run=True)
        self.assertEqual(
            problems_of(outcome),
            [(2, "Số CCCD", "001085001235", "The CCCD says born in 1985, but the birth date says 1990.")],
        )

    def test_a_gender_that_contradicts_the_cccd_is_a_problem(self):
        data = xlsx([["Họ và tên", "Giới tính", "Số CCCD"], ["Hồ Văn Nam", "Nữ", "001085001235"]])
        outcome = run_import(io.BytesIO(data), filename="t.xlsx", org=self.lienminh, dry_run=True)
        self.assertEqual(
            [p.reason(translate=False) for p in outcome.problems],
            ["The CCCD is a man's (digit 4 is even), but the gender given is female."],
        )

    def test_a_cccd_that_lost_its_leading_zero_in_a_numeric_cell_is_restored(self):
        data = xlsx([["Họ và tên", "Số CCCD", "Ngày sinh"], ["Hồ Văn Nam", 30085001235, "01/01/1985"]])
        outcome = run_import(io.BytesIO(data), filename="t.xlsx", org=self.lienminh)
        self.assertEqual(outcome.problems, [])
        self.assertTrue(Person.objects.filter(cccd="030085001235").exists())

    def test_the_same_person_twice_without_cccd_is_a_duplicate(self):
        data = xlsx(
            [["Họ và tên", "Ngày sinh", "Đơn vị"], ["Hồ Văn Nam", "01/01/1985", ""], ["HỒ VĂN NAM", "01/01/1985", ""]]
        )
        outcome = run_import(io.BytesIO(data), filename="t.xlsx", org=self.lienminh, dry_run=True)
        self.assertEqual(
            problems_of(outcome), [(3, "Họ và tên", "HỒ VĂN NAM", "Same name, birth date and unit as row 2.")]
        )

    def test_a_unit_outside_the_chosen_organisation_is_refused(self):
        data = xlsx([["Họ và tên", "Đơn vị"], ["Hồ Văn Nam", "Xã Ô Diên"]])
        outcome = run_import(io.BytesIO(data), filename="t.xlsx", org=self.lienminh, dry_run=True)
        self.assertEqual(problems_of(outcome), [(2, "Đơn vị", "Xã Ô Diên", "This unit is not part of Xã Liên Minh.")])

    def test_an_unknown_group_phone_and_email_are_problems(self):
        data = xlsx([["Họ và tên", "SĐT", "Email", "Đối tượng"], ["Hồ Văn Nam", "0123", "nam@", "Bộ đội"]])
        outcome = run_import(io.BytesIO(data), filename="t.xlsx", org=self.lienminh, dry_run=True)
        self.assertEqual([p.code for p in outcome.problems], ["phone_length", "email_invalid", "group_unknown"])

    def test_a_file_without_a_recognisable_header_cannot_be_used(self):
        data = xlsx([["a", "b"], ["1", "2"]])
        with self.assertRaises(RosterError) as caught:
            run_import(io.BytesIO(data), filename="t.xlsx", org=self.lienminh)
        self.assertEqual(caught.exception.code, "no_header")

    def test_a_file_without_a_name_column_cannot_be_used(self):
        data = xlsx([["Ngày sinh", "Số CCCD"], ["01/01/1985", "001085001235"]])
        with self.assertRaises(RosterError) as caught:
            run_import(io.BytesIO(data), filename="t.xlsx", org=self.lienminh)
        self.assertEqual(caught.exception.code, "bad_mapping")

    def test_a_mapping_override_names_the_column_to_use(self):
        data = xlsx([["Họ và tên", "Ghi chú", "Ngày sinh"], ["Hồ Văn Nam", "0912345678", "01/01/1985"]])
        outcome = run_import(io.BytesIO(data), filename="t.xlsx", org=self.lienminh, overrides=[("ghi chu", "phone")])
        self.assertEqual(outcome.mapping, ["full_name", "phone", "birth_date"])
        self.assertEqual(Person.objects.get(full_name="Hồ Văn Nam").phone, "+84912345678")
