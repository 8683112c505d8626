from __future__ import annotations

from collections.abc import Callable

import pytest

from schakel.web.knowledge.actions import (
    ArticleContent,
    ArticleTags,
    do_create_article,
    do_edit_article,
    do_withdraw_article,
)
from schakel.web.knowledge.models import Article
from schakel.web.knowledge.search import rebuild_index, search_articles, search_terms
from schakel.web.organisations.models import Membership

pytestmark = pytest.mark.django_db


def slugs(text: str) -> list[str]:
    return [hit.article.slug for hit in search_articles(text)]


@pytest.fixture
def library(publish: Callable[..., Article]) -> None:
    publish(
        "criminele-uitbuiting",
        "Criminele uitbuiting van minderjarigen",
        "Jongeren worden ingezet voor drugskoeriers en krijgen een straatboete.",
        title_en="Criminal exploitation of minors",
    )
    publish(
        "meldcode",
        "De meldcode en het afwegingskader",
        "Vijf stappen. Bij criminele uitbuiting van een minderjarige geldt de meldcode ook.",
    )
    publish(
        "arbeidsuitbuiting",
        "Arbeidsuitbuiting",
        "Schulden bij de werkgever, huisvesting via de werkgever, paspoort ingenomen.",
        summary="Signalen van uitbuiting in werk.",
    )


def test_search_finds_relevant_articles_best_first(library: None) -> None:
    assert slugs("criminele uitbuiting") == ["criminele-uitbuiting", "meldcode"]
    assert slugs("straatboete") == ["criminele-uitbuiting"]
    assert slugs("paspoort werkgever") == ["arbeidsuitbuiting"]
    assert slugs("teleportatie") == []


def test_words_match_as_prefixes_and_in_either_language(library: None) -> None:
    assert slugs("afwegingsk") == ["meldcode"]
    assert slugs("criminal exploitation") == ["criminele-uitbuiting"]
    assert slugs("MELDCODE!") == slugs("meldcode") == ["meldcode"]


def test_title_outranks_text(library: None) -> None:
    hits = search_articles("uitbuiting")
    assert hits[0].article.slug in {"criminele-uitbuiting", "arbeidsuitbuiting"}
    assert hits[-1].article.slug == "meldcode"
    assert hits[0].rank >= hits[-1].rank


def test_only_published_text_is_searchable(
    editor: Membership, library: None, approve: Callable[..., Article]
) -> None:
    draft = do_create_article(
        actor=editor,
        slug="concept",
        content=ArticleContent(title_nl="Loverboys", body_nl="Loverboymethode."),
        tags=ArticleTags(),
    )
    assert slugs("loverboy") == []
    approve(draft.article)
    assert slugs("loverboy") == ["concept"]
    do_edit_article(
        actor=editor,
        article=draft.article,
        content=ArticleContent(title_nl="Pooierboys", body_nl="Pooiermethode."),
        tags=ArticleTags(),
    )
    assert slugs("pooier") == [], "an unpublished edit is not searchable yet"
    assert slugs("loverboy") == ["concept"]
    approve(draft.article)
    assert slugs("pooier") == ["concept"] and slugs("loverboy") == []
    do_withdraw_article(actor=editor, article=draft.article)
    assert slugs("pooier") == []


def test_rebuilding_the_index_gives_the_same_answers(library: None) -> None:
    before = slugs("uitbuiting")
    assert rebuild_index() == 3
    assert slugs("uitbuiting") == before


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ('"bedenktijd" OR NEAR(x) *', ["bedenktijd", "or", "near", "x"]),
        ("  ", []),
        ("B8/3 - dublin_zaak", ["b8", "3", "dublin", "zaak"]),
        ("Zorgcoördinator", ["zorgcoördinator"]),
    ],
)
def test_query_syntax_cannot_reach_the_search_engine(text: str, terms: list[str]) -> None:
    assert search_terms(text) == terms


def test_operators_in_a_query_are_just_words(library: None) -> None:
    assert slugs('meldcode" OR "x') == []
    assert slugs("") == []


@pytest.mark.django_db(transaction=True)
def test_the_index_survives_a_flush_part_one(publish: Callable[..., Article]) -> None:
    """Transactional tests empty the database by flushing it; the index must allow that."""
    publish("a", "Zeldzaamwoord")
    assert slugs("zeldzaamwoord") == ["a"]


@pytest.mark.django_db(transaction=True)
def test_the_index_survives_a_flush_part_two(editor: Membership) -> None:
    """After the flush the ids start again; a draft with a reused id is not found."""
    do_create_article(
        actor=editor,
        slug="b",
        content=ArticleContent(title_nl="Iets anders", body_nl="x"),
        tags=ArticleTags(),
    )
    assert slugs("zeldzaamwoord") == []
