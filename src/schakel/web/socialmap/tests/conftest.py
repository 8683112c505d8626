from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.utils import translation

from schakel.engine.vocabulary import Role
from schakel.web.organisations.models import Membership, Organisation


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """Messages are matched in English, the source language, whatever the catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture
def editor(org_a: Organisation, member: Callable[..., Membership]) -> Membership:
    return member(org_a, Role.CONTENT_EDITOR)
