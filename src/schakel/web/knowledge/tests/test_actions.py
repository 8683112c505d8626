from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from schakel.engine.vocabulary import Role
from schakel.web.core.testing import next_year
from schakel.web.knowledge.actions import (
    ArticleContent,
    ArticleTags,
    do_create_article,
    do_edit_article,
    do_mark_due_for_review,
    do_publish_article,
    do_withdraw_article,
)
from schakel.web.knowledge.models import Article, ArticleReference, ArticleStatus
from schakel.web.organisations.models import Membership

pytestmark = pytest.mark.django_db


def content(title: str = "Titel", body: str = "Tekst.") -> ArticleContent:
    return ArticleContent(title_nl=title, body_nl=body)


def test_each_edit_makes_a_version_and_readers_keep_the_published_one(
    editor: Membership, approve: Callable[..., Article]
) -> None:
    created = do_create_article(
        actor=editor, slug="meldcode", content=content("Meldcode"), tags=ArticleTags()
    )
    article = approve(created.article)
    edited = do_edit_article(
        actor=editor,
        article=article,
        content=content("Meldcode, herzien"),
        tags=ArticleTags(topics=("meldcode",)),
        note="stap 4",
    )
    article.refresh_from_db()
    assert [v.number for v in article.versions.all()] == [2, 1]
    assert edited.version.author_id == editor.user_id and edited.version.note == "stap 4"
    assert article.current_version is not None and article.published_version is not None
    assert article.current_version.title_nl == "Meldcode, herzien"
    assert article.published_version.title_nl == "Meldcode"
    assert article.has_unpublished_changes
    assert list(article.tags.values_list("value", flat=True)) == ["meldcode"]


def test_saving_the_same_text_makes_no_new_version(editor: Membership) -> None:
    created = do_create_article(actor=editor, slug="a", content=content(), tags=ArticleTags())
    again = do_edit_article(
        actor=editor, article=created.article, content=content(), tags=ArticleTags()
    )
    assert again.version.pk == created.version.pk
    assert created.article.versions.count() == 1


def test_only_content_editors_write(
    org_a, member: Callable[..., Membership], coordinator_a: Membership
) -> None:
    with pytest.raises(PermissionDenied):
        do_create_article(actor=coordinator_a, slug="x", content=content(), tags=ArticleTags())
    admin = member(org_a, Role.ADMINISTRATOR)
    with pytest.raises(PermissionDenied):
        do_create_article(actor=admin, slug="x", content=content(), tags=ArticleTags())
    assert not Article.objects.exists()


@pytest.mark.parametrize("slug", ["Met Spatie", "hoofd-Letter", "dubbel--streepje", "redactie"])
def test_bad_addresses_are_refused(editor: Membership, slug: str) -> None:
    with pytest.raises(ValidationError) as caught:
        do_create_article(actor=editor, slug=slug, content=content(), tags=ArticleTags())
    assert "slug" in caught.value.error_dict


def test_duplicate_address_and_unknown_tag_are_clear_errors(editor: Membership) -> None:
    do_create_article(actor=editor, slug="a", content=content(), tags=ArticleTags())
    with pytest.raises(ValidationError, match="already exists"):
        do_create_article(actor=editor, slug="a", content=content(), tags=ArticleTags())
    with pytest.raises(ValidationError, match="Unknown tag"):
        do_create_article(
            actor=editor, slug="b", content=content(), tags=ArticleTags(forms=("organ",))
        )
    assert Article.objects.count() == 1


def test_review_date_must_lie_in_the_future(editor: Membership) -> None:
    created = do_create_article(actor=editor, slug="a", content=content(), tags=ArticleTags())
    with pytest.raises(ValidationError, match="future"):
        do_publish_article(actor=editor, article=created.article, review_date=timezone.localdate())
    created.article.refresh_from_db()
    assert created.article.status == ArticleStatus.DRAFT


def test_a_passing_review_date_puts_the_article_on_the_review_list(
    publish: Callable[..., Article],
) -> None:
    article = publish("bedenktijd")
    today = timezone.localdate()
    assert not Article.objects.due_for_review(today).exists()
    later = article.review_date
    assert later is not None
    assert list(Article.objects.due_for_review(later)) == [article]
    assert list(Article.objects.due_for_review(later - dt.timedelta(days=1))) == []
    assert article.effective_status(later) == ArticleStatus.DUE_FOR_REVIEW
    # Still readable while it waits for review.
    assert Article.objects.readable().filter(pk=article.pk).exists()


def test_publishing_again_takes_it_off_the_review_list(
    editor: Membership, publish: Callable[..., Article]
) -> None:
    article = publish("a")
    do_mark_due_for_review(actor=editor, article=article)
    assert list(Article.objects.due_for_review()) == [article]
    do_publish_article(actor=editor, article=article, review_date=next_year())
    assert not Article.objects.due_for_review().exists()


def test_withdrawn_articles_are_not_readable(
    editor: Membership, publish: Callable[..., Article]
) -> None:
    article = publish("a")
    do_withdraw_article(actor=editor, article=article)
    assert not Article.objects.readable().exists()
    with pytest.raises(ValidationError, match="Only a published"):
        do_mark_due_for_review(actor=editor, article=article)


def test_broken_internal_links_are_reported_on_save_and_listed(
    editor: Membership, publish: Callable[..., Article], approve: Callable[..., Article]
) -> None:
    publish("meldcode")
    draft = do_create_article(actor=editor, slug="concept", content=content(), tags=ArticleTags())
    result = do_create_article(
        actor=editor,
        slug="na-een-onthulling",
        content=content(
            body="Zie [meldcode](/kennis/meldcode/), [weg](/kennis/bestaat-niet/) en "
            "[concept](/kennis/concept/)."
        ),
        tags=ArticleTags(),
    )
    assert len(result.warnings) == 2
    assert "/kennis/bestaat-niet/" in result.warnings[0]
    assert "not published" in result.warnings[1]
    broken = {(r.target_slug, r.target_exists) for r in ArticleReference.objects.broken()}
    assert broken == {("bestaat-niet", False), ("concept", True)}
    # Publishing the draft mends one link; the list follows without another save.
    approve(draft.article)
    assert [r.target_slug for r in ArticleReference.objects.broken()] == ["bestaat-niet"]


def test_html_in_the_text_is_reported_on_save(editor: Membership) -> None:
    result = do_create_article(
        actor=editor,
        slug="a",
        content=content(body="Hallo <script>alert(1)</script>"),
        tags=ArticleTags(),
    )
    assert any("HTML" in w for w in result.warnings)
