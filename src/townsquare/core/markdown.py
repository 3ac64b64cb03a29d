"""Markdown written by stewards, rendered safely: raw HTML is not interpreted, dangerous
link schemes are refused by the parser, and the result passes an allowlist sanitizer."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_parser.enable("table")

_ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
    "del",
}


def render(text: str) -> str:
    """Markdown to safe HTML. Headings are shifted down so that the page's own h1 stays first."""
    html = _parser.render(text or "")
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )


def plain_text(text: str) -> str:
    """The words of a Markdown text without its markup, for search and summaries."""
    html = _parser.render(text or "")
    return " ".join(nh3.clean(html, tags=set()).split()).replace("&amp;", "&")
