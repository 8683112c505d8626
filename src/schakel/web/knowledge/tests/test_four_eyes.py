"""Four eyes on new article text: the writer submits, another editor approves or sends back."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from schakel.web.audit.models import AuditEntry
from schakel.web.core.testing import next_year, signed_in
from schakel.web.knowledge.actions import (
    ArticleContent,
    ArticleTags,
    do_create_article,
    do_edit_article,
    do_publish_article,
    do_send_back_article,
    do_submit_article,
    do_withdraw_article,
)
from schakel.web.knowledge.models import Article, ReviewOutcome
from schakel.web.notifications.models import Notification
from schakel.web.organisations.models import Membership

pytestmark = pytest.mark.django_db


def _draft(editor: Membership, body: str = "Tekst.") -> Article:
    content = ArticleContent(title_nl="Meldcode", body_nl=body)
    return do_create_article(
        actor=editor, slug="meldcode", content=content, tags=ArticleTags()
    ).article


def test_the_writer_cannot_publish_new_text_and_another_editor_approves(
    editor: Membership, second_editor: Membership
) -> None:
    article = _draft(editor)
    with pytest.raises(ValidationError, match="submit the latest version"):
        do_publish_article(actor=second_editor, article=article, review_date=next_year())
    do_submit_article(actor=editor, article=article, review_date=next_year(), comment="Graag.")
    assert Notification.objects.filter(user=second_editor.user, kind="content_review").exists()
    assert not Notification.objects.filter(user=editor.user).exists()
    with pytest.raises(ValidationError, match="four eyes"):
        do_publish_article(actor=editor, article=article, review_date=next_year())
    published = do_publish_article(actor=second_editor, article=article, review_date=next_year())
    assert published.status == "published"
    review = article.reviews.get()
    assert review.outcome == ReviewOutcome.APPROVED
    assert (review.submitted_by_id, review.decided_by_id) == (
        editor.user_id,
        second_editor.user_id,
    )
    assert review.version.author_id == editor.user_id
    assert Notification.objects.filter(user=editor.user, kind="content_review").count() == 1
    purposes = set(
        AuditEntry.objects.filter(object_type="article", object_id=str(article.pk)).values_list(
            "purpose", flat=True
        )
    )
    assert purposes == {"submit an article for approval", "approve and publish an article"}


def test_an_editor_who_edited_a_submitted_text_cannot_approve_it(
    editor: Membership, second_editor: Membership
) -> None:
    article = _draft(editor)
    do_edit_article(
        actor=second_editor,
        article=article,
        content=ArticleContent(title_nl="Meldcode", body_nl="Anders."),
        tags=ArticleTags(),
    )
    do_submit_article(actor=editor, article=article, review_date=next_year())
    with pytest.raises(ValidationError, match="four eyes"):
        do_publish_article(actor=second_editor, article=article, review_date=next_year())


def test_sending_back_needs_a_comment_and_a_newer_version_replaces_the_submission(
    editor: Membership, second_editor: Membership
) -> None:
    article = _draft(editor)
    do_submit_article(actor=editor, article=article, review_date=next_year())
    with pytest.raises(ValidationError, match="what must change"):
        do_send_back_article(actor=second_editor, article=article, comment=" ")
    with pytest.raises(ValidationError, match="another editor reviews"):
        do_send_back_article(actor=editor, article=article, comment="Zelf.")
    do_send_back_article(actor=second_editor, article=article, comment="Stap 4 ontbreekt.")
    assert article.reviews.get().outcome == ReviewOutcome.SENT_BACK
    assert Notification.objects.filter(user=editor.user, kind="content_review").exists()
    with pytest.raises(ValidationError, match="submit the latest version"):
        do_publish_article(actor=second_editor, article=article, review_date=next_year())
    do_submit_article(actor=editor, article=article, review_date=next_year())
    with pytest.raises(ValidationError, match="already submitted"):
        do_submit_article(actor=editor, article=article, review_date=next_year())
    do_edit_article(
        actor=editor,
        article=article,
        content=ArticleContent(title_nl="Meldcode", body_nl="Met stap 4."),
        tags=ArticleTags(),
    )
    with pytest.raises(ValidationError, match="submit the latest version"):
        do_publish_article(actor=second_editor, article=article, review_date=next_year())
    do_submit_article(actor=editor, article=article, review_date=next_year())
    outcomes = sorted(article.reviews.values_list("outcome", flat=True))
    assert outcomes == ["pending", "sent_back", "sent_back"]  # the older submission replaced
    do_publish_article(actor=second_editor, article=article, review_date=next_year())
    article.refresh_from_db()
    assert article.published_version.body_nl == "Met stap 4."  # type: ignore[union-attr]


def test_approval_is_blocked_while_a_link_is_broken(
    editor: Membership, second_editor: Membership
) -> None:
    article = _draft(editor, body="Zie [weg](/kennis/bestaat-niet/).")
    do_submit_article(actor=editor, article=article, review_date=next_year())
    with pytest.raises(ValidationError, match="Publishing is blocked"):
        do_publish_article(actor=second_editor, article=article, review_date=next_year())
    article.refresh_from_db()
    assert article.status == "draft"
    assert article.reviews.get().outcome == ReviewOutcome.PENDING


def test_an_approved_version_goes_out_again_without_a_second_approval(
    editor: Membership, approve: Callable[..., Article]
) -> None:
    article = approve(_draft(editor))
    do_withdraw_article(actor=editor, article=article)
    page = signed_in(editor).get(reverse("knowledge-edit", args=[article.slug])).text
    assert "Herzien: opnieuw publiceren" in page and "ter goedkeuring indienen" not in page
    again = do_publish_article(actor=editor, article=article, review_date=next_year())
    assert again.status == "published" and article.reviews.count() == 1
