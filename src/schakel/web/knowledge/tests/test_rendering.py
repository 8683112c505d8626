from __future__ import annotations

from html.parser import HTMLParser

import pytest

from schakel.web.knowledge.rendering import (
    has_raw_html,
    internal_links,
    plain_text,
    render_markdown,
)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, [name for name, _value in attrs]))


def elements_in(html: str) -> list[tuple[str, list[str]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize(
    "markdown",
    [
        "Hallo <script>alert(1)</script> wereld",
        "<script>\nalert(1)\n</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">klik</a>',
        "<iframe src='https://example.org'></iframe>",
        '<div style="position:fixed" onclick="steal()">x</div>',
    ],
)
def test_raw_html_is_never_rendered_as_html(markdown: str) -> None:
    """Raw HTML comes out as harmless text (the editor is warned): no element survives."""
    elements = elements_in(render_markdown(markdown))
    assert {tag for tag, _attributes in elements} <= {"p"}
    assert not [name for _tag, attributes in elements for name in attributes if name != "class"]
    assert has_raw_html(markdown)


@pytest.mark.parametrize(
    "markdown",
    [
        "[klik](javascript:alert(1))",
        "[klik](JavaScript:alert(1))",
        "[klik](  javascript:alert(1) )",
        "<javascript:alert(1)>",
        "[klik](vbscript:msgbox(1))",
        "[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[ref]\n\n[ref]: javascript:alert(1)",
    ],
)
def test_unsafe_link_targets_are_dropped(markdown: str) -> None:
    assert {tag for tag, _attributes in elements_in(render_markdown(markdown))} == {"p"}


def test_the_sanitiser_drops_link_schemes_markdown_allows() -> None:
    assert elements_in(render_markdown("[x](ftp://example.org/f)")) == [
        ("p", ["class"]),
        ("a", ["class", "rel"]),
    ]


def test_ordinary_markdown_renders_with_design_system_classes() -> None:
    html = render_markdown(
        "# Kop\n\nEen **vet** woord en [een link](https://example.org).\n\n- een\n- twee\n"
    )
    assert '<h2 class="utrecht-heading-2">Kop</h2>' in html
    assert "<h1" not in html
    assert "<strong>vet</strong>" in html
    assert 'href="https://example.org"' in html and 'rel="noopener noreferrer"' in html
    assert '<ul class="utrecht-unordered-list">' in html


def test_internal_links_are_found_once_each() -> None:
    text = (
        "Zie [meldcode](/kennis/meldcode/) en [nog eens](/kennis/meldcode/#stap-2), "
        "[bedenktijd](/kennis/bedenktijd) maar niet [extern](https://example.org/kennis/x/) "
        "of `[code](/kennis/code/)`."
    )
    assert internal_links(text) == ["meldcode", "bedenktijd"]


def test_plain_text_keeps_words_not_markup() -> None:
    words = plain_text("## Kop\n\n**Vet** en [link](https://x.org)").split()
    assert words == ["Kop", "Vet", "en", "link"]
    assert not has_raw_html("Gewone *tekst* met 3 < 4")
