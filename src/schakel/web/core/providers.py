"""Who can provide a placement or an intervention, for a person to pick instead of typing.

The social map knows the services, the trajectories record the choice, and neither app may
import the other (they are siblings in the layers), so the social map registers its list here
at start-up, as the apps register their subject sources with the audit trail.
"""

from __future__ import annotations

from typing import Any, Protocol

Choices = list[tuple[str, list[tuple[str, str]]]]
"""Grouped choices (`[(group label, [(value, label), ...]), ...]`), as a select shows them."""


class ProviderSource(Protocol):
    """Given the acting membership, the providers it may choose from: for a placement only
    those that take people in; names holding `search` when given."""

    def __call__(self, actor: Any, *, placement: bool = ..., search: str = ...) -> Choices: ...


SOURCES: list[ProviderSource] = []


def register_provider_source(source: ProviderSource) -> ProviderSource:
    if source not in SOURCES:
        SOURCES.append(source)
    return source


def provider_choices(actor: Any, *, placement: bool = False, search: str = "") -> Choices:
    return [
        group for source in SOURCES for group in source(actor, placement=placement, search=search)
    ]
