"""Who can provide a placement or an intervention, for a person to pick instead of typing.

The social map knows the services, the trajectories record the choice, and neither app may
import the other (they are siblings in the layers), so the social map registers its list here
at start-up, as the apps register their subject sources with the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Choices = list[tuple[str, list[tuple[str, str]]]]
"""Grouped choices (`[(group label, [(value, label), ...]), ...]`), as a select shows them."""

ProviderSource = Callable[[Any], Choices]
"""Given the acting membership, the providers it may choose from."""

SOURCES: list[ProviderSource] = []


def register_provider_source(source: ProviderSource) -> ProviderSource:
    if source not in SOURCES:
        SOURCES.append(source)
    return source


def provider_choices(actor: Any) -> Choices:
    return [group for source in SOURCES for group in source(actor)]
