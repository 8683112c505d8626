"""Markdown to safe HTML, and what an editor should hear about a text before it is published.

Raw HTML is never rendered: markdown-it runs with HTML disabled (so tags show as text) and the
result goes through nh3 with a short allow-list, which also drops `javascript:` and other
unsafe link targets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

_RENDERER = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
_HTML_FINDER = MarkdownIt("commonmark", {"html": True})

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "h5", "h6", "hr", "li",
    "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"style"}, "th": {"style"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
CLASSES = {
    "a": {"class": "utrecht-link"},
    "p": {"class": "utrecht-paragraph"},
    "h2": {"class": "utrecht-heading-2"},
    "h3": {"class": "utrecht-heading-3"},
    "h4": {"class": "utrecht-heading-4"},
    "ul": {"class": "utrecht-unordered-list"},
    "ol": {"class": "utrecht-ordered-list"},
    "blockquote": {"class": "utrecht-blockquote"},
    "table": {"class": "utrecht-table"},
}
INTERNAL_LINK = re.compile(r"^/kennis/([a-z0-9]+(?:-[a-z0-9]+)*)/?(?:[?#].*)?$")


def _shift_headings(tokens: list[Token]) -> None:
    """The page's title is the only h1, so a Markdown `#` heading becomes an h2."""
    for token in tokens:
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"


def render_markdown(text: str) -> SafeString:
    tokens = _RENDERER.parse(text)
    _shift_headings(tokens)
    html = _RENDERER.renderer.render(tokens, _RENDERER.options, {})
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        filter_style_properties={"text-align"},
        set_tag_attribute_values=CLASSES,
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 -- sanitised by nh3 just above


def _walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def internal_links(text: str) -> list[str]:
    """The slugs of /kennis/<slug>/ links in a Markdown text, in order, without repeats."""
    found: dict[str, None] = {}
    for token in _walk(_RENDERER.parse(text)):
        if token.type == "link_open":
            match = INTERNAL_LINK.match(str(token.attrGet("href") or ""))
            if match:
                found[match.group(1)] = None
    return list(found)


def has_raw_html(text: str) -> bool:
    return any(t.type in ("html_block", "html_inline") for t in _walk(_HTML_FINDER.parse(text)))


def plain_text(text: str) -> str:
    """The words of a Markdown text, for the search index."""
    words = [t.content for t in _walk(_RENDERER.parse(text)) if t.type in ("text", "code_inline")]
    return " ".join(words)
