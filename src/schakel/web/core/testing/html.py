"""Reading rendered pages in tests: form fields without a label, error-summary links."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

_NOT_FIELDS = {"hidden", "submit", "button", "reset", "image"}


@dataclass
class _Page(HTMLParser):
    fields: list[dict[str, str]] = field(default_factory=list)
    label_targets: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    summary_links: list[str] = field(default_factory=list)
    wrapped: set[int] = field(default_factory=set)
    _label_depth: int = 0
    _summary_depth: int = 0
    _depth: int = 0

    def __post_init__(self) -> None:
        super().__init__()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if values.get("id"):
            self.ids.add(values["id"])
        if tag == "label":
            self._label_depth += 1
            if values.get("for"):
                self.label_targets.add(values["for"])
        if "schakel-error-summary" in values.get("class", "").split():
            self._summary_depth = 1
        elif self._summary_depth and tag not in ("br", "input", "img"):
            self._summary_depth += 1
            if tag == "a" and values.get("href", "").startswith("#"):
                self.summary_links.append(values["href"][1:])
        if tag in ("input", "select", "textarea") and values.get("type") not in _NOT_FIELDS:
            if self._label_depth:
                self.wrapped.add(len(self.fields))
            self.fields.append(values)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self._label_depth:
            self._label_depth -= 1
        if self._summary_depth and tag not in ("br", "input", "img"):
            self._summary_depth -= 1


def read_page(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def unlabelled_fields(html: str) -> list[str]:
    """The name of every form field a screen reader cannot name (no label, no aria-label)."""
    page = read_page(html)
    return [
        values.get("name", "?")
        for index, values in enumerate(page.fields)
        if index not in page.wrapped
        and values.get("id", "") not in page.label_targets
        and not values.get("aria-label")
        and not values.get("aria-labelledby")
    ]


def error_summary_links(html: str) -> list[str]:
    """The ids the error summary links to; each must exist on the page."""
    return read_page(html).summary_links
