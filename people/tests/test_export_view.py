import csv
import io

from django.urls import reverse

from hocvuso.testing import BaseTestCase
from people.actions import add_membership, create_person, update_person

URL = reverse("people:export")


class PersonExportViewTests(BaseTestCase):
    def export(self, user, **params) -> tuple[bytes, list[list[str]]]:
        self.login(user)
        response = self.client.get(URL, params)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment;", response["Content-Disposition"])
        body = b"".join(response.streaming_content)
        return body, list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))

    def test_it_is_utf8_with_a_bom_so_excel_reads_vietnamese(self):
        body, rows = self.export(self.minh)
        self.assertTrue(body.startswith(b"\xef\xbb\xbf"))
        self.assertIn("Trần Thị Huyền".encode(), body)

    def test_it_holds_the_filtered_list_in_vietnamese_order(self):
        update_person(person=self.p_mai, actor=self.lan, phone="0912345678")
        add_membership(person=self.p_mai, unit=self.cell, group=self.groups["dang-vien"], position="", actor=None)
        _, rows = self.export(self.minh, q="mai")
        self.assertEqual(
            rows,
            [
                ["Họ và tên", "Giới tính", "Ngày sinh", "Số CCCD", "Điện thoại", "Đơn vị", "Nhóm"],
                [
                    "Nguyễn Thị Mai",
                    "Nữ",
                    "12/04/1985",
                    "001185012345",
                    "0912 345 678",
                    "Trường Tiểu học Liên Minh",
                    "Đảng viên, Giáo viên",
                ],
            ],
        )

    def test_it_is_limited_to_the_scope(self):
        _, rows = self.export(self.minh)
        self.assertEqual([row[0] for row in rows[1:]], ["Trần Thị Huyền", "Nguyễn Thị Mai"])

    def test_a_unit_outside_the_scope_is_missing(self):
        self.login(self.minh)
        self.assertEqual(self.client.get(URL, {"unit": self.odien.pk}).status_code, 404)
        self.assertEqual(self.client.get(URL, {"unit": self.pleiku_ward.pk}).status_code, 404)

    def test_viewers_get_masked_cccds(self):
        _, rows = self.export(self.tuan, q="mai")
        self.assertEqual(rows[1][3], "0011******45")

    def test_cells_excel_would_run_as_formulas_are_defused(self):
        create_person(full_name="=HYPERLINK(1)", unit=self.lienminh)
        _, rows = self.export(self.minh, q="hyperlink")
        self.assertEqual(rows[1][0], "'=HYPERLINK(1)")
