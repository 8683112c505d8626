from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.utils import translation

from schakel.engine.vocabulary import Role
from schakel.web.core.testing import next_year
from schakel.web.knowledge.actions import (
    ArticleContent,
    ArticleTags,
    do_create_article,
    do_publish_article,
    do_submit_article,
)
from schakel.web.knowledge.models import Article
from schakel.web.organisations.models import Membership, Organisation


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """Messages are matched in English, the source language, whatever the catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture
def editor(org_a: Organisation, member: Callable[..., Membership]) -> Membership:
    return member(org_a, Role.CONTENT_EDITOR)


@pytest.fixture
def second_editor(org_a: Organisation, member: Callable[..., Membership]) -> Membership:
    return member(org_a, Role.CONTENT_EDITOR)


@pytest.fixture
def approve(editor: Membership, second_editor: Membership) -> Callable[..., Article]:
    """Publish new text with four eyes: `editor` submits, `second_editor` approves."""

    def done(article: Article) -> Article:
        do_submit_article(actor=editor, article=article, review_date=next_year())
        return do_publish_article(actor=second_editor, article=article, review_date=next_year())

    return done


@pytest.fixture
def reader(org_a: Organisation, member: Callable[..., Membership]) -> Membership:
    return member(org_a, Role.FRONTLINE)


@pytest.fixture
def publish(editor: Membership, approve: Callable[..., Article]) -> Callable[..., Article]:
    """Create and publish an article in one call."""

    def make(
        slug: str,
        title: str = "",
        body: str = "Tekst.",
        *,
        summary: str = "",
        title_en: str = "",
        body_en: str = "",
        forms: tuple[str, ...] = (),
        roles: tuple[str, ...] = (),
        target_groups: tuple[str, ...] = (),
        topics: tuple[str, ...] = (),
    ) -> Article:
        result = do_create_article(
            actor=editor,
            slug=slug,
            content=ArticleContent(
                title_nl=title or slug,
                body_nl=body,
                title_en=title_en,
                body_en=body_en,
                summary_nl=summary,
            ),
            tags=ArticleTags(forms, roles, target_groups, topics),
        )
        return approve(result.article)

    return make
