"""`access_article`: readers get published articles, editors everything; one 404; lock first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.db.transaction import TransactionManagementError
from django.urls import reverse
from django.utils import translation

from schakel.web.core.errors import NotFound
from schakel.web.core.testing import next_year, signed_in
from schakel.web.knowledge.access import access_article, access_article_version
from schakel.web.knowledge.actions import (
    ArticleContent,
    ArticleTags,
    do_create_article,
    do_mark_due_for_review,
    do_publish_article,
    do_submit_article,
    do_withdraw_article,
)
from schakel.web.knowledge.models import Article, ArticleStatus
from schakel.web.organisations.models import Membership

pytestmark = pytest.mark.django_db


def _main(content: bytes) -> str:
    """The page's own content (the frame around it has the address and a fresh CSRF token)."""
    text = content.decode()
    return text[text.index("<main") : text.index("</main>")]


def _draft(editor: Membership, slug: str = "concept") -> Article:
    content = ArticleContent(title_nl="Geheim concept", body_nl="x")
    return do_create_article(actor=editor, slug=slug, content=content, tags=ArticleTags()).article


def test_a_draft_and_a_missing_article_give_readers_the_same_404(
    reader: Membership, editor: Membership
) -> None:
    _draft(editor)
    client = signed_in(reader)
    missing = client.get(reverse("knowledge-article", args=["bestaat-niet"]))
    draft = client.get(reverse("knowledge-article", args=["concept"]))
    assert missing.status_code == draft.status_code == 404
    assert _main(missing.content) == _main(draft.content)
    for slug in ("bestaat-niet", "concept"):
        with (
            translation.override("en"),
            pytest.raises(NotFound, match="This article was not found"),
        ):
            access_article(reader, slug)
    assert access_article(editor, "concept").slug == "concept"


def test_versions_are_for_editors_only(
    reader: Membership, editor: Membership, publish: Callable[..., Article]
) -> None:
    publish("meldcode")
    client = signed_in(reader)
    assert client.get(reverse("knowledge-version", args=["meldcode", 1])).status_code == 403
    assert client.get(reverse("knowledge-versions", args=["meldcode"])).status_code == 403
    with pytest.raises(PermissionDenied):
        access_article_version(reader, "meldcode", 1)
    assert access_article_version(editor, "meldcode", 1).number == 1
    editors = signed_in(editor)
    missing = editors.get(reverse("knowledge-version", args=["meldcode", 7]))
    huge = editors.get(f"/kennis/meldcode/versies/{'9' * 30}/")
    assert missing.status_code == huge.status_code == 404
    with translation.override("en"), pytest.raises(NotFound, match="This version was not found"):
        access_article_version(editor, "meldcode", "x")


def test_a_reader_cannot_write(reader: Membership, publish: Callable[..., Article]) -> None:
    publish("meldcode")
    assert signed_in(reader).post(reverse("knowledge-withdraw", args=["meldcode"])).status_code == (
        403
    )
    with transaction.atomic(), pytest.raises(PermissionDenied):
        access_article(reader, "meldcode", write=True)


@pytest.mark.parametrize("bad", ["", None, "x" * 5000, "a/b", "🙂"])
def test_odd_addresses_are_not_found(editor: Membership, bad: Any) -> None:
    with pytest.raises(NotFound):
        access_article(editor, bad)


@pytest.mark.django_db(transaction=True)
def test_a_write_must_run_in_a_transaction(editor: Membership) -> None:
    _draft(editor)
    with pytest.raises(TransactionManagementError):
        access_article(editor, "concept", write=True)


def test_publishing_takes_the_lock_first(
    editor: Membership, second_editor: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    article = _draft(editor)
    do_submit_article(actor=editor, article=article, review_date=next_year())
    locked: list[type] = []
    original = QuerySet.select_for_update

    def spy(self: QuerySet[Any], *args: Any, **kwargs: Any) -> QuerySet[Any]:
        locked.append(self.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    do_publish_article(actor=second_editor, article=article, review_date=next_year())
    assert locked[0] is Article


def test_a_write_checks_the_row_as_it_is_under_the_lock(
    editor: Membership, publish: Callable[..., Article]
) -> None:
    """The editor's page showed the article as published; another editor withdrew it since.
    Flagging it for review must see the withdrawal, not the stale copy."""
    stale = publish("meldcode")
    do_withdraw_article(actor=editor, article=Article.objects.get(pk=stale.pk))
    assert stale.status == ArticleStatus.PUBLISHED
    with pytest.raises(ValidationError, match="Only a published article"):
        do_mark_due_for_review(actor=editor, article=stale)
    assert Article.objects.get(pk=stale.pk).status == ArticleStatus.DRAFT
