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
    # the walk's finding: the choices were the file's English codes only
    assert "Kies sterk (strong), middel (medium) of zwak (weak)." in page
    assert "strong, medium" not in page and "is not one of" not in page
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
    assert "the strength “sterk” does not exist. Choose strong, medium or weak." in page


def test_a_missing_strength_is_a_sentence_with_the_choices(editor: Client) -> None:
    bundle = new_version()
    bundle[SET_FILE]["indicators"][3].pop("strength")
    page = publish(editor, bundle).content.decode()
    choices = "Kies sterk (strong), middel (medium) of zwak (weak)."
    assert f"AL-D1-04 ontbreekt de sterkte. {choices}" in page
    assert "in English" not in page and "Engels" not in page


def test_a_wrong_kind_of_set_is_named_in_the_readers_words(editor: Client) -> None:
    bundle = new_version()
    bundle["catalogue.json"]["sets"][0]["kind"] = "lijst"
    page = publish(editor, bundle).content.decode()
    assert "Kies indicatorenset (indicator-set) of signalenlijst (signal-list)." in page
