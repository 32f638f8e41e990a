"""Every app's Vietnamese catalogue compiles, and no two apps translate the same message differently.

The check itself lives in scripts/check_translations.py (runnable without Django); these tests run it in CI
and pin down its .po reader, which must see exactly what msgfmt compiles.
"""

from __future__ import annotations

import gettext
import importlib.util
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from unittest import skipUnless

from django.conf import settings
from django.test import SimpleTestCase
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
MSGFMT = shutil.which("msgfmt")


def _load_script():
    spec = importlib.util.spec_from_file_location("check_translations", ROOT / "scripts" / "check_translations.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("check_translations", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


ct = _load_script()


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


HEADER = """
    msgid ""
    msgstr ""
    "Content-Type: text/plain; charset=UTF-8\\n"
    "Plural-Forms: nplurals=1; plural=0;\\n"
"""


class CataloguesTests(SimpleTestCase):
    def test_no_two_apps_translate_a_message_differently(self):
        failing, _excused, stale = ct.check()
        self.assertEqual(
            [c.describe() for c in failing],
            [],
            "Give the message a context where the meanings differ, or one wording where they are the same.",
        )
        self.assertEqual(stale, [], f"These no longer clash: remove them from {ct.ALLOW_LIST.name}.")

    def test_the_script_knows_every_app_with_a_catalogue_in_the_order_django_merges_them(self):
        apps = [app.split(".")[0] for app in settings.INSTALLED_APPS]
        with_catalogues = [app for app in apps if (ROOT / app / "locale").is_dir()]
        self.assertEqual([app for app in ct.precedence() if app in with_catalogues], with_catalogues)
        self.assertEqual({app for app, _ in ct.catalogues()}, set(with_catalogues))

    @skipUnless(MSGFMT, "msgfmt (gettext) is not installed")
    def test_every_catalogue_compiles_with_msgfmt_check(self):
        for (app, language), path in ct.catalogues().items():
            with self.subTest(app=app, language=language), tempfile.TemporaryDirectory() as tmp:
                result = subprocess.run(
                    [MSGFMT, "-c", "-o", str(Path(tmp) / "django.mo"), str(path)], capture_output=True, text=True
                )
                self.assertEqual(result.returncode, 0, result.stderr)

    @skipUnless(MSGFMT, "msgfmt (gettext) is not installed")
    def test_the_reader_sees_exactly_what_msgfmt_compiles(self):
        for (app, language), path in ct.catalogues().items():
            with self.subTest(app=app, language=language), tempfile.TemporaryDirectory() as tmp:
                mo = Path(tmp) / "django.mo"
                subprocess.run([MSGFMT, "-o", str(mo), str(path)], check=True)
                with mo.open("rb") as fp:
                    compiled = {k: v for k, v in gettext.GNUTranslations(fp)._catalog.items() if k != ""}
                self.assertEqual(_as_gnu_catalog(ct.parse_po(path)), compiled)

    def test_contexts_keep_apart_what_the_apps_mean(self):
        with translation.override("vi"):
            self.assertEqual(translation.pgettext("order", "Position"), "Thứ tự")
            self.assertEqual(translation.gettext("Position"), "Chức vụ")
            self.assertEqual(translation.pgettext("date range", "From"), "Từ ngày")
            self.assertEqual(translation.gettext("From"), "Từ")
            self.assertEqual(translation.pgettext("unit", "Deactivate"), "Ngừng hoạt động")
            self.assertEqual(translation.pgettext("user account", "Deactivate"), "Vô hiệu hoá")


def _as_gnu_catalog(entries) -> dict:
    """Entries keyed as Python's gettext keys a compiled catalogue: "ctx\\x04msgid", (msgid, n) for plurals."""
    catalog = {}
    for entry in entries:
        if not entry.compiled:
            continue
        key = entry.msgid if entry.context is None else f"{entry.context}\x04{entry.msgid}"
        if entry.plural:
            catalog.update({(key, n): text for n, text in enumerate(entry.msgstr)})
        else:
            catalog[key] = entry.msgstr[0]
    return catalog


class ReaderTests(SimpleTestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.tmp)

    def test_it_reads_contexts_plurals_continuations_and_escapes(self):
        path = _write(
            self.tmp / "django.po",
            HEADER
            + """
    #: learning/forms.py:98
    msgctxt "order"
    msgid "Position"
    msgstr "Thứ tự"

    #, python-format
    msgid "%(n)d lesson"
    msgid_plural "%(n)d lessons"
    msgstr[0] "%(n)d bài"

    msgid ""
    "A long "
    "message with \\"quotes\\""
    msgstr ""
    "Một thông báo "
    "dài có \\"ngoặc\\"\\n"
""",
        )
        entries = {entry.key: entry for entry in ct.parse_po(path)}
        self.assertEqual(entries[("order", "Position")].msgstr, ("Thứ tự",))
        self.assertNotIn((None, "Position"), entries)
        self.assertEqual(entries[(None, "%(n)d lesson")].msgstr, ("%(n)d bài",))
        self.assertTrue(entries[(None, "%(n)d lesson")].plural)
        self.assertEqual(entries[(None, 'A long message with "quotes"')].msgstr, ('Một thông báo dài có "ngoặc"\n',))

    def test_it_leaves_out_fuzzy_untranslated_and_obsolete_entries_as_msgfmt_does(self):
        path = _write(
            self.tmp / "django.po",
            HEADER
            + """
    #, fuzzy
    msgid "Kind"
    msgstr "Loại"

    msgid "Title"
    msgstr ""

    #, fuzzy
    #~ msgid "Old"
    #~ msgstr "Cũ"

    msgid "Status"
    msgstr "Trạng thái"
""",
        )
        compiled = [entry.msgid for entry in ct.parse_po(path) if entry.compiled]
        self.assertEqual(compiled, ["Status"])

    def test_it_finds_a_message_two_apps_translate_differently_and_names_the_winner(self):
        po = "locale/vi/LC_MESSAGES/django.po"
        _write(self.tmp / "people" / po, HEADER + '\n    msgid "Position"\n    msgstr "Chức vụ"\n')
        _write(
            self.tmp / "learning" / po,
            HEADER + '\n    msgid "Position"\n    msgstr "Thứ tự"\n\n    msgid "Status"\n    msgstr "Trạng thái"\n',
        )
        _write(self.tmp / "org" / po, HEADER + '\n    msgctxt "x"\n    msgid "Position"\n    msgstr "Vị trí"\n')
        _write(self.tmp / "accounts" / po, HEADER + '\n    msgid "Status"\n    msgstr "Trạng thái"\n')

        [clash] = ct.find_clashes(self.tmp, app_order=["people", "org", "accounts", "learning"])

        self.assertEqual((clash.language, clash.context, clash.msgid), ("vi", None, "Position"))
        self.assertEqual(list(clash.translations.items()), [("people", ("Chức vụ",)), ("learning", ("Thứ tự",))])
        self.assertIn("people     'Chức vụ'   <- shown everywhere", clash.describe())

    def test_the_allow_list_excuses_a_clash_and_reports_an_entry_that_no_longer_clashes(self):
        po = "locale/vi/LC_MESSAGES/django.po"
        _write(self.tmp / "people" / po, HEADER + '\n    msgid "Position"\n    msgstr "Chức vụ"\n')
        _write(self.tmp / "learning" / po, HEADER + '\n    msgid "Position"\n    msgstr "Thứ tự"\n')
        allow = _write(
            self.tmp / "allowed.txt",
            """
    # learning adds a context
    msgid "Position"
    msgctxt "order" msgid "Kind"
""",
        )
        self.assertEqual(ct.read_allow_list(allow), {(None, "Position"), ("order", "Kind")})

        failing, excused, stale = ct.check(self.tmp, allow)

        self.assertEqual(failing, [])
        self.assertEqual([c.msgid for c in excused], ["Position"])
        self.assertEqual(stale, [("order", "Kind")])

    def test_it_rejects_an_allow_list_line_it_cannot_read(self):
        allow = _write(self.tmp / "allowed.txt", "Position\n")
        with self.assertRaisesMessage(ValueError, "allowed.txt:1"):
            ct.read_allow_list(allow)
