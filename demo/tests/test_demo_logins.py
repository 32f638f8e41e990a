from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from demo.accounts import ACCOUNTS, DEMO_PASSWORD
from demo.tests.fixtures import SeededDemoTestCase, load_demo_map


def demo_logins(*args) -> list[str]:
    out = StringIO()
    call_command("demo_logins", *args, stdout=out)
    return out.getvalue().splitlines()


class DemoLoginsTests(SeededDemoTestCase):
    def test_it_prints_a_table_of_every_account_with_password_role_unit_and_address(self):
        lines = demo_logins()
        self.assertEqual(lines[0].split(), ["Username", "Password", "Role", "Unit", "URL"])
        self.assertEqual(len(lines), 2 + len(ACCOUNTS))
        rows = {line.split()[0]: line for line in lines[2:]}
        self.assertEqual(list(rows), [a.username for a in ACCOUNTS])
        for account in ACCOUNTS:
            self.assertIn(f"{DEMO_PASSWORD}  {account.role.value}", rows[account.username])
            self.assertTrue(rows[account.username].endswith("http://127.0.0.1:8000/"))
        # Columns line up.
        self.assertEqual(len({line.index("http://") for line in lines[2:]}), 1)

    def test_units_carry_their_province_so_the_two_lien_minh_differ(self):
        rows = {line.split()[0]: line for line in demo_logins()[2:]}
        self.assertIn("Xã Liên Minh, Tỉnh Phú Thọ", rows["lienminh"])
        self.assertIn("Xã Đan Phượng, Thành phố Hà Nội", rows["danphuong"])
        self.assertIn("Trường Tiểu học Đan Phượng, Thành phố Hà Nội", rows["truonghoc"])
        self.assertIn("(everything)", rows["admin"])

    def test_the_address_can_be_changed(self):
        lines = demo_logins("--url", "http://192.168.1.5:8000/")
        self.assertTrue(all(line.endswith("http://192.168.1.5:8000/") for line in lines[2:]))


class DemoLoginsBeforeSeedingTests(TestCase):
    def test_it_says_which_accounts_do_not_exist_yet(self):
        load_demo_map()
        lines = demo_logins()
        self.assertIn("Not created yet: admin, hanoi", lines[-1])
        self.assertIn("Run `hocvuso seed_demo` first.", lines[-1])
