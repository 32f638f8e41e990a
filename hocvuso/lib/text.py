"""Vietnamese text helpers: normalisation, search folding, names and collation.

Framework-free on purpose: used by importers, forms and management commands.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import icu

# Zero-width characters arrive from copy-pasting out of Word, Zalo and web
# pages; they are invisible to the user but break equality and uniqueness.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u00ad\u180e\u200b\u200c\u200d\u2060\ufeff"),
    None,
)

# Letters right after a hyphen or apostrophe start a new name part in
# ethnic-minority names such as "H'Hen Niê" or "Y-Moan", so they are
# capitalised too.
_WORD_START = re.compile(r"(^|[\s\-'’])(\w)", re.UNICODE)

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def nfc(value: str | None) -> str:
    """Return ``value`` in NFC with invisible characters removed and whitespace
    (including NBSP) collapsed to single spaces; ``None`` becomes ``""``."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    # Invisible characters go first: one sitting between a base letter and its
    # combining tone mark would otherwise stop NFC from composing them.
    value = value.translate(_INVISIBLE)
    value = unicodedata.normalize("NFC", value)
    # str.split() with no argument splits on every Unicode space, NBSP included.
    return " ".join(value.split())


def fold(value: str | None) -> str:
    """Accent- and case-insensitive form for search and matching."""
    value = nfc(value).casefold()
    decomposed = unicodedata.normalize("NFD", value)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    # đ is a letter of its own, not d plus a mark, so NFD leaves it intact.
    stripped = stripped.replace("đ", "d")
    return " ".join(stripped.split())


def split_name(full_name: str | None) -> tuple[str, str]:
    """Split a Vietnamese full name into (family and middle names, given name).

    The given name is the last word; everything before it is family + middle.
    """
    words = nfc(full_name).split(" ")
    if words == [""]:
        return "", ""
    return " ".join(words[:-1]), words[-1]


def title_name(value: str | None) -> str:
    """Turn an all-caps or all-lowercase name into "Nguyễn Thị Huyền" form.

    Mixed-case input is returned unchanged (after NFC): the person may have
    chosen that spelling and we cannot tell a typo from intent.
    """
    value = nfc(value)
    if not (value.isupper() or value.islower()):
        return value
    lowered = value.lower()
    return _WORD_START.sub(lambda m: m.group(1) + m.group(2).upper(), lowered)


def name_sort_key(full_name: str | None) -> str:
    """Return "given family middle", the string Vietnamese lists sort by.

    Vietnamese rosters are ordered by given name first, then family and
    middle names, so the database column that is ICU-collated holds this.
    """
    family_middle, given = split_name(full_name)
    return f"{given} {family_middle}".strip()


@functools.cache
def collator() -> icu.Collator:
    """Return the shared ICU collator for Vietnamese.

    One instance is enough: ICU4C collators are safe to share between threads
    for comparison and sort-key generation, and creating one is not free.
    """
    return icu.Collator.createInstance(icu.Locale("vi"))


def vi_sort_key(value: str | None) -> bytes:
    """Binary sort key that orders strings the way Vietnamese readers expect."""
    return collator().getSortKey(nfc(value))


def vi_compare(a: str | None, b: str | None) -> int:
    """Compare two strings in Vietnamese order; returns -1, 0 or 1."""
    result = collator().compare(nfc(a), nfc(b))
    return (result > 0) - (result < 0)


def slugify_vi(value: str | None) -> str:
    """ASCII slug from Vietnamese text: "Xã Liên Minh" -> "xa-lien-minh"."""
    return _NON_SLUG.sub("-", fold(value)).strip("-")
