"""Catalogue upload errors read as one language: Dutch by default, English by choice."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import translation

from schakel.engine.vocabulary import Role
from schakel.web.core.testing import signed_in
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.signals.models import CatalogueVersion
from schakel.web.signals.tests.test_catalogue_versions import SET_FILE, new_version, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(org_a: Organisation, member: Callable[..., Membership]) -> Client:
    return signed_in(member(org_a, Role.CONTENT_EDITOR))


def test_a_wrong_strength_is_named_in_dutch(editor: Client) -> None:
    bundle = new_version()
    bundle[SET_FILE]["indicators"][3]["strength"] = "sterk"
    page = publish(editor, bundle).content.decode()
    assert "AL-D1-04 bestaat de sterkte “sterk” niet" in page
    assert "strong, medium, weak" in page  # the codes the file must use
    assert "is not one of" not in page
    assert not CatalogueVersion.objects.exists()


def test_a_missing_dutch_text_is_named_in_dutch(editor: Client) -> None:
    bundle = new_version()
    bundle[SET_FILE]["indicators"][5]["label"].pop("nl")
    page = publish(editor, bundle).content.decode()
    assert "geen tekst in het Nederlands" in page and "AL-D1-06" in page
    assert "must have" not in page


def test_in_english_by_choice(editor: Client) -> None:
    bundle = new_version()
    bundle[SET_FILE]["indicators"][3]["strength"] = "sterk"
    with translation.override("en"):
        editor.cookies["django_language"] = "en"
        page = publish(editor, bundle).content.decode()
    assert "the strength “sterk” does not exist" in page
