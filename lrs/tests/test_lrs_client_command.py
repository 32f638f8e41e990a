"""``hocvuso lrs_client``: credentials from the command line."""

from __future__ import annotations

from io import StringIO

from django.core.management import CommandError, call_command
from django.test import override_settings

from hocvuso.testing import BaseTestCase
from lrs.models import LrsClient


class LrsClientCommandTest(BaseTestCase):
    def run_command(self, *args) -> str:
        out = StringIO()
        call_command("lrs_client", *args, stdout=out)
        return out.getvalue()

    def test_create_prints_the_key_and_the_secret_once(self):
        out = self.run_command("create", "Gia Lai warehouse", "--scopes", "statements/read,state", "--unit", "52")
        fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
        row = LrsClient.objects.get(key=fields["key"].strip())
        self.assertEqual(row.unit, self.gialai)
        self.assertEqual(row.scopes, "statements/read state")
        self.assertEqual(row.secret_digest, LrsClient.hash(fields["secret"].strip()))

    def test_create_without_unit_makes_a_national_credential(self):
        out = self.run_command("create", "National", "--scopes", "all")
        self.assertIn("(national)", out)

    def test_unknown_units_and_scopes_are_errors(self):
        with self.assertRaisesMessage(CommandError, "No unit"):
            self.run_command("create", "X", "--scopes", "all", "--unit", "99")
        with self.assertRaisesMessage(CommandError, "everything"):
            self.run_command("create", "X", "--scopes", "everything")

    def test_create_labels_unversioned_answers_with_the_given_xapi_version(self):
        out = self.run_command("create", "ADL 1.0.3 suite", "--scopes", "all", "--xapi-version", "1.0.3")
        fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
        self.assertEqual(fields["xapi"].strip(), "1.0.3")
        self.assertEqual(LrsClient.objects.get(key=fields["key"].strip()).xapi_version, "1.0.3")

    @override_settings(LRS_UNVERSIONED_RESPONSE_VERSION="1.0.3")
    def test_create_without_xapi_version_follows_the_server_setting_and_says_so(self):
        out = self.run_command("create", "Content", "--scopes", "statements/write")
        self.assertIn("xapi:   1.0.3 (server setting", out)
        self.assertEqual(LrsClient.objects.get(name="Content").xapi_version, "")

    def test_unknown_xapi_versions_are_errors(self):
        with self.assertRaisesMessage(CommandError, "invalid choice"):
            self.run_command("create", "X", "--scopes", "all", "--xapi-version", "1.0")
        self.assertFalse(LrsClient.objects.filter(name="X").exists())

    def test_list_shows_the_xapi_version(self):
        self.run_command("create", "ADL 1.0.3 suite", "--scopes", "all", "--xapi-version", "1.0.3")
        self.run_command("create", "Content", "--scopes", "statements/write")
        lines = {line.split()[-1]: line.split() for line in self.run_command("list").splitlines()}
        self.assertIn("1.0.3", lines["suite"])
        self.assertIn("server", lines["Content"])

    def test_list_disable_and_enable(self):
        self.run_command("create", "Content", "--scopes", "statements/write")
        row = LrsClient.objects.get(name="Content")
        self.assertIn(row.key, self.run_command("list"))
        self.run_command("disable", row.key)
        row.refresh_from_db()
        self.assertFalse(row.is_active)
        self.run_command("enable", row.key)
        row.refresh_from_db()
        self.assertTrue(row.is_active)
