"""Author text to safe HTML: lesson Markdown and question texts in Moodle's four formats.

Everything an author or an imported file provides goes through ``nh3`` with a
fixed allow-list before it reaches a page; links get ``rel="noopener
noreferrer"`` and only http(s), mailto and tel links survive. Embedded files
(``media/x.png`` in a lesson, ``@@PLUGINFILE@@/x.png`` in a Moodle question)
are rewritten to the URLs that serve them.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable, Mapping
from urllib.parse import unquote

import markdown as md
import nh3

PLUGINFILE = "@@PLUGINFILE@@/"

_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
    "audio",
    "video",
    "source",
}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    "audio": {"src", "controls"},
    "video": {"src", "controls", "poster", "width", "height"},
    "source": {"src", "type"},
    "abbr": {"title"},
}
_CLASSES = {"div": {"note", "tip", "warning", "example"}, "p": {"note", "tip", "warning"}}
_URL_SCHEMES = {"http", "https", "mailto", "tel"}
_BLOCK_TAG = re.compile(r"<\s*(p|div|ul|ol|table|br|h[1-6]|pre|blockquote)\b", re.I)


def _make_filter(resolve: Callable[[str], str | None] | None):
    def attribute_filter(tag: str, attr: str, value: str) -> str | None:
        if attr in {"src", "href", "poster"} and resolve is not None:
            resolved = resolve(value)
            if resolved is not None:
                return resolved
        return value

    return attribute_filter


def clean_html(text: str, resolve: Callable[[str], str | None] | None = None) -> str:
    return nh3.clean(
        text,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        allowed_classes=_CLASSES,
        url_schemes=_URL_SCHEMES,
        attribute_filter=_make_filter(resolve),
        link_rel="noopener noreferrer",
    )


def markdown_to_html(text: str, files: Mapping[str, str] | None = None) -> str:
    """Lesson Markdown to safe HTML; ``files`` maps names used in the text (``media/a.png``) to URLs."""
    raw = md.markdown(text or "", extensions=["tables", "attr_list", "md_in_html", "sane_lists"], output_format="html")
    files = files or {}

    def resolve(value: str) -> str | None:
        # Lesson files are addressed by name wherever the author kept them ("media/a.png", "../media/a.png").
        if "://" in value or value.startswith(("data:", "mailto:", "tel:", "#", "/")):
            return None
        return files.get(posixpath.basename(unquote(value)))

    return clean_html(raw, resolve)


def _file_resolver(files: Mapping[str, str], prefixes: tuple[str, ...]):
    def resolve(value: str) -> str | None:
        name = unquote(value)
        for prefix in prefixes:
            if name.startswith(prefix) and name[len(prefix) :] in files:
                return files[name[len(prefix) :]]
        return None

    return resolve


def text_to_html(text: str, fmt: str, files: Mapping[str, str] | None = None) -> str:
    """A question text in one of Moodle's formats (html, moodle, plain, markdown) to safe HTML."""
    text = text or ""
    resolve = _file_resolver(files or {}, prefixes=(PLUGINFILE,))
    if fmt == "plain":
        return html.escape(text).replace("\n", "<br>")
    if fmt == "markdown":
        raw = md.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
        return clean_html(raw, resolve)
    if fmt == "moodle" and not _BLOCK_TAG.search(text):
        # Moodle's auto-format: line breaks the author typed are kept.
        text = text.replace("\r\n", "\n").replace("\n", "<br>")
    return clean_html(text, resolve)


def plain_text(text: str, fmt: str) -> str:
    """Readable one-line text of a question (for names, lists and statistics)."""
    if fmt in {"html", "moodle", "markdown"}:
        text = nh3.clean(text_to_html(text, fmt), tags=set())
        text = html.unescape(text)
    return " ".join(text.split())
