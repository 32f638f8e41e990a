"""Names of administrative units: type prefixes and labels.

Vietnamese writes the type in front of the name ("Xã Hồng Hà", "TP Hà Nội",
"H. Đan Phượng"); people type it, drop it or abbreviate it at will, so
matching works on the *bare* name with the prefix removed and keeps the prefix
only as a hint about the level.
"""

from __future__ import annotations

import re

from hocvuso.lib.text import fold

# Folded prefix -> kind slugs it names. Longest first so that "thanh pho truc
# thuoc trung uong" wins over "thanh pho" and "thi xa" over "xa". One-letter
# abbreviations count only with a dot ("P. Phúc Xá"): "P 1" is too uncertain.
_PREFIXES: list[tuple[str, frozenset[str]]] = [
    ("thanh pho truc thuoc trung uong", frozenset({"thanh-pho-trung-uong"})),
    ("thanh pho trung uong", frozenset({"thanh-pho-trung-uong"})),
    ("thanh pho", frozenset({"thanh-pho-trung-uong", "thanh-pho-thuoc-tinh"})),
    ("tp.", frozenset({"thanh-pho-trung-uong", "thanh-pho-thuoc-tinh"})),
    ("tp", frozenset({"thanh-pho-trung-uong", "thanh-pho-thuoc-tinh"})),
    ("tinh", frozenset({"tinh"})),
    ("t.", frozenset({"tinh"})),
    ("quan", frozenset({"quan"})),
    ("q.", frozenset({"quan"})),
    ("huyen", frozenset({"huyen"})),
    ("h.", frozenset({"huyen"})),
    ("thi xa", frozenset({"thi-xa"})),
    ("tx.", frozenset({"thi-xa"})),
    ("tx", frozenset({"thi-xa"})),
    ("thi tran", frozenset({"thi-tran"})),
    ("tt.", frozenset({"thi-tran"})),
    ("tt", frozenset({"thi-tran"})),
    ("dac khu", frozenset({"dac-khu"})),
    ("phuong", frozenset({"phuong"})),
    ("p.", frozenset({"phuong"})),
    ("xa", frozenset({"xa"})),
    ("x.", frozenset({"xa"})),
]
_PREFIXES.sort(key=lambda p: -len(p[0]))

# Everyday names of the biggest cities that share no words with the official one.
ALIASES = {
    "hcm": "ho chi minh",
    "tphcm": "ho chi minh",
    "sai gon": "ho chi minh",
    "hn": "ha noi",
}


def split_prefix(folded: str) -> tuple[frozenset[str], str]:
    """("xa hong ha") -> ({"xa"}, "hong ha"). No prefix -> (empty set, folded).

    ``folded`` must already be folded. A prefix counts only when something
    follows it, so a commune called "Phường 1" keeps "1" and a bare "xa" stays.
    """
    for prefix, kinds in _PREFIXES:
        if folded.startswith(prefix):
            rest = folded[len(prefix) :]
            if prefix.endswith("."):
                rest = rest.strip()
            elif rest.startswith((" ", ".")):
                rest = rest.lstrip(" .")
            else:
                continue
            if rest:
                return kinds, rest
    return frozenset(), folded


_SPACES = re.compile(r"\s+")
_HYPHEN = re.compile(r"\s*-\s*")


def _tidy(rest: str) -> str:
    # "Phan Rang - Tháp Chàm" and "Phan Rang-Tháp Chàm" are the same place;
    # stray dots come from abbreviations ("TP.Hà Nội").
    rest = _HYPHEN.sub("-", rest.replace(".", " "))
    return _SPACES.sub(" ", rest).strip()


def tidy_fold(name: str) -> str:
    """Folded and tidied, prefix kept: how organisations' names are compared."""
    return _tidy(fold(name))


def bare_name(name: str) -> str:
    """The folded name without its type prefix: "Thành phố Hà Nội" -> "ha noi"."""
    return _tidy(split_prefix(fold(name))[1])


def search_key(text: str) -> tuple[frozenset[str], str]:
    """Prefix hint and bare key of what a person typed ("TP. HCM" -> ({tp kinds}, "ho chi minh"))."""
    kinds, rest = split_prefix(fold(text))
    rest = _tidy(rest)
    return kinds, ALIASES.get(rest, rest)


def label(name: str, ancestor_names: list[str]) -> str:
    """'Xã Liên Minh, Thành phố Hà Nội': the name, then the administrative ancestors, nearest first."""
    return ", ".join([name, *ancestor_names])
