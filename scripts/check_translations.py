#!/usr/bin/env python3
"""List English messages that two apps translate differently, and fail if there are any.

Django merges every app's catalogue into one per language: for a message (msgid plus msgctxt) found in several
apps, the app earliest in INSTALLED_APPS wins everywhere. So when people says "Position" is "Chức vụ" (a job) and
learning meant the position of a lesson, learning's pages show "Chức vụ". The cure is a context
(``pgettext_lazy("order", "Position")``, ``{% translate "Position" context "order" %}``) where the meanings
differ, and one wording where they are the same.

Usage: ``.venv/bin/python scripts/check_translations.py`` from anywhere; exits 1 when it finds a clash that the
allow-list (scripts/translation_clashes_allowed.txt) does not excuse, or an allow-list entry that no longer clashes.
Framework-free on purpose (no Django, no polib): it reads the .po files with the small parser below.
"""

from __future__ import annotations

import ast
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLOW_LIST = ROOT / "scripts" / "translation_clashes_allowed.txt"
CATALOGUE_GLOB = "*/locale/*/LC_MESSAGES/django.po"

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_ESCAPE_RE = re.compile(r"\\(.)")


def unquote(token: str) -> str:
    """The text of one PO string literal, '"a\\"b"' -> 'a"b'."""
    token = token.strip()
    if len(token) < 2 or token[0] != '"' or token[-1] != '"':
        raise ValueError(f"not a quoted string: {token!r}")
    return _ESCAPE_RE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), token[1:-1])


@dataclass(frozen=True)
class Entry:
    context: str | None
    msgid: str
    msgstr: tuple[str, ...]  # one item, or one per plural form
    plural: bool = False
    fuzzy: bool = False
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.context, self.msgid)

    @property
    def compiled(self) -> bool:
        """Whether msgfmt puts it in the .mo: not the header, not fuzzy, translated."""
        return bool(self.msgid) and not self.fuzzy and any(self.msgstr)


_KEYWORD_RE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")\s*$')


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file, header included; obsolete (#~) entries are left out, as msgfmt leaves them."""
    entries: list[Entry] = []
    fields: dict[str, str] = {}  # keyword ("msgctxt", "msgid", "msgstr", "msgstr[1]", ...) -> text
    flags: set[str] = set()
    last = ""  # the keyword that a continuation line extends
    start = 0

    def finish():
        if "msgid" in fields:
            plural = sorted((int(k[len("msgstr[") : -1]), v) for k, v in fields.items() if k.startswith("msgstr["))
            msgstr = tuple(v for _, v in plural) if plural else (fields.get("msgstr", ""),)
            entries.append(
                Entry(fields.get("msgctxt"), fields["msgid"], msgstr, "msgid_plural" in fields, "fuzzy" in flags, start)
            )
        fields.clear()
        flags.clear()

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        translated = any(keyword.startswith("msgstr") for keyword in fields)
        if line.startswith("#"):
            # A comment after a msgstr opens the next entry; an obsolete entry takes its flags with it.
            if translated:
                finish()
            if line.startswith("#~"):
                flags.clear()
            elif line.startswith("#,"):
                flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if not line:
            continue
        if line.startswith('"'):
            if last not in fields:
                raise ValueError(f"{path}:{number}: a string that continues nothing")
            fields[last] += unquote(line)
            continue
        match = _KEYWORD_RE.match(line)
        if not match:
            raise ValueError(f"{path}:{number}: cannot read {raw!r}")
        last, literal = match.groups()
        if last in ("msgctxt", "msgid") and translated:
            finish()
        if not fields:
            start = number
        fields[last] = unquote(literal)
    finish()
    return entries


def precedence(root: Path = ROOT) -> list[str]:
    """The apps whose catalogue wins, first to last: INSTALLED_APPS as written in hocvuso/settings.py.

    hocvuso/locale is also settings.LOCALE_PATHS, which outranks every app, so hocvuso comes first whatever
    the order of INSTALLED_APPS. Read without importing Django, so the script runs without settings.
    """
    settings = root / "hocvuso" / "settings.py"
    if not settings.exists():
        return ["hocvuso"]
    for node in ast.parse(settings.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "INSTALLED_APPS" for t in node.targets):
            apps = [app.split(".")[0] for app in ast.literal_eval(node.value)]
            return ["hocvuso", *(app for app in apps if app != "hocvuso")]
    return ["hocvuso"]


@dataclass(frozen=True)
class Clash:
    language: str
    context: str | None
    msgid: str
    translations: dict[str, tuple[str, ...]]  # app -> msgstr, in INSTALLED_APPS order (the first one wins)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.context, self.msgid)

    def describe(self) -> str:
        head = f"msgctxt {self.context!r} msgid {self.msgid!r}" if self.context is not None else repr(self.msgid)
        lines = [f"[{self.language}] {head}"]
        for position, (app, msgstr) in enumerate(self.translations.items()):
            shown = " / ".join(repr(s) for s in msgstr) if len(msgstr) > 1 else repr(msgstr[0])
            lines.append(f"    {app:<10} {shown}{'   <- shown everywhere' if position == 0 else ''}")
        return "\n".join(lines)


def catalogues(root: Path = ROOT) -> dict[tuple[str, str], Path]:
    """(app, language) -> the app's django.po (one folder deep, so nothing in the virtualenv)."""
    found = {}
    for path in sorted(root.glob(CATALOGUE_GLOB)):
        app, language = path.parts[-5], path.parts[-3]
        found[(app, language)] = path
    return found


def _by_language_and_msgid(item) -> tuple[str, str, str]:
    (language, (context, msgid)), _ = item
    return (language, msgid, context or "")


def find_clashes(root: Path = ROOT, app_order: list[str] | None = None) -> list[Clash]:
    order = app_order if app_order is not None else precedence(root)
    rank = {app: i for i, app in enumerate(order)}
    seen: dict[tuple[str, tuple[str | None, str]], dict[str, tuple[str, ...]]] = defaultdict(dict)
    for (app, language), path in catalogues(root).items():
        for entry in parse_po(path):
            if entry.compiled:
                seen[(language, entry.key)][app] = entry.msgstr
    clashes = []
    for (language, (context, msgid)), by_app in sorted(seen.items(), key=_by_language_and_msgid):
        if len(set(by_app.values())) > 1:
            ordered = dict(sorted(by_app.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0])))
            clashes.append(Clash(language, context, msgid, ordered))
    return clashes


_ALLOW_RE = re.compile(r'^(?:msgctxt\s+(".*?(?<!\\)")\s+)?msgid\s+(".*")\s*$')


def read_allow_list(path: Path = ALLOW_LIST) -> set[tuple[str | None, str]]:
    """Entries written as in a .po file, one a line: 'msgid "Started"' or 'msgctxt "x" msgid "Position"'."""
    if not path.exists():
        return set()
    allowed = set()
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _ALLOW_RE.match(line)
        if not match:
            raise ValueError(f'{path}:{number}: expected \'msgid "..."\' or \'msgctxt "..." msgid "..."\'')
        context = unquote(match.group(1)) if match.group(1) else None
        allowed.add((context, unquote(match.group(2))))
    return allowed


def check(
    root: Path = ROOT, allow_list: Path = ALLOW_LIST
) -> tuple[list[Clash], list[Clash], list[tuple[str | None, str]]]:
    """(clashes to fix, clashes the allow-list excuses, allow-list entries that no longer clash)."""
    clashes = find_clashes(root)
    allowed = read_allow_list(allow_list)
    failing = [c for c in clashes if c.key not in allowed]
    excused = [c for c in clashes if c.key in allowed]
    stale = sorted(allowed - {c.key for c in clashes}, key=lambda key: (key[1], key[0] or ""))
    return failing, excused, stale


def main() -> int:
    failing, excused, stale = check()
    allow_list = ALLOW_LIST.relative_to(ROOT)
    if excused:
        print(f"{len(excused)} clash(es) allowed for now by {allow_list}:")
        for clash in excused:
            print(f"    {clash.describe().splitlines()[0]}  ({', '.join(clash.translations)})")
        print()
    for clash in failing:
        print(clash.describe())
    for context, msgid in stale:
        where = f"msgctxt {context!r} msgid {msgid!r}" if context is not None else repr(msgid)
        print(f"No longer clashes, remove it from {allow_list}: {where}")
    if failing or stale:
        print(
            f"\n{len(failing)} clash(es) to fix: give the message a context where the meanings differ "
            f"(pgettext, {{% translate ... context ... %}}), or one wording where they are the same."
        )
        return 1
    print(f"No translation clash to fix ({len(excused)} allowed for now).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
