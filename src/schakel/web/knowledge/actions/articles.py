"""Writing articles: create, edit, publish, withdraw, flag for review.

Every write keeps the search index and the list of internal links in step, in the same
transaction. An edit makes a new version; readers keep seeing the published one until an
editor publishes again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schakel.web.knowledge import search
from schakel.web.knowledge.access import access_article
from schakel.web.knowledge.actions.links import check_review_date, refuse_broken_links
from schakel.web.knowledge.actions.reviews import announce_approval, approve_review
from schakel.web.knowledge.actions.tags import ArticleTags, check_tags, set_tags
from schakel.web.knowledge.models import (
    TEXT_FIELDS,
    Article,
    ArticleReference,
    ArticleStatus,
    ArticleVersion,
)
from schakel.web.knowledge.rendering import has_raw_html, internal_links
from schakel.web.organisations.roles import Actor, Capability, require, user_id_of


@dataclass(frozen=True)
class ArticleContent:
    title_nl: str
    body_nl: str
    title_en: str = ""
    body_en: str = ""
    summary_nl: str = ""
    summary_en: str = ""


@dataclass(frozen=True)
class SaveResult:
    article: Article
    version: ArticleVersion
    warnings: list[str] = field(default_factory=list)


def _link_warnings(article: Article, slugs: list[str]) -> list[str]:
    found = dict(Article.objects.filter(slug__in=slugs).values_list("slug", "status"))
    warnings = []
    for slug in slugs:
        if slug == article.slug:
            continue
        if slug not in found:
            warnings.append(
                _("The link to /kennis/%(slug)s/ leads nowhere: no article has that address.")
                % {"slug": slug}
            )
        elif found[slug] == ArticleStatus.DRAFT:
            warnings.append(
                _("The link to /kennis/%(slug)s/ leads to an article that is not published.")
                % {"slug": slug}
            )
    return warnings


def _save_version(
    article: Article, content: ArticleContent, actor: Actor, note: str
) -> tuple[ArticleVersion, list[str]]:
    number = (article.versions.order_by("-number").values_list("number", flat=True).first()) or 0
    version = ArticleVersion(
        article=article,
        number=number + 1,
        author_id=user_id_of(actor),
        note=note[:200],
        **{name: getattr(content, name).strip() for name in TEXT_FIELDS},
    )
    version.full_clean(exclude=["article"])
    version.save()
    article.current_version = version
    article.save(update_fields=["current_version"])
    slugs = internal_links(version.body_nl) + internal_links(version.body_en)
    slugs = list(dict.fromkeys(slugs))
    ArticleReference.objects.filter(source=article).delete()
    ArticleReference.objects.bulk_create(
        [ArticleReference(source=article, target_slug=s) for s in slugs if s != article.slug]
    )
    warnings = _link_warnings(article, slugs)
    if has_raw_html(version.body_nl) or has_raw_html(version.body_en):
        warnings.append(
            _(
                "The text contains HTML. HTML is not allowed and is shown as plain text; "
                "use Markdown."
            )
        )
    return version, warnings


def do_create_article(
    *,
    actor: Actor,
    slug: str,
    content: ArticleContent,
    tags: ArticleTags,
    note: str = "",
) -> SaveResult:
    """A new article, as a draft with its first version."""
    require(actor, Capability.EDIT_KNOWLEDGE)
    check_tags(tags)
    article = Article(slug=slug.strip(), steward_id=user_id_of(actor))
    article.full_clean(exclude=["current_version", "published_version", "steward"])
    with transaction.atomic():
        article.save()
        set_tags(article, tags)
        version, warnings = _save_version(article, content, actor, note or _("First version"))
    return SaveResult(article, version, warnings)


def do_edit_article(
    *,
    actor: Actor,
    article: Article,
    content: ArticleContent,
    tags: ArticleTags,
    note: str = "",
) -> SaveResult:
    """Save an edit as a new version (when the text changed) and replace the tags."""
    with transaction.atomic():
        article = access_article(actor, article.slug, write=True)
        check_tags(tags)
        set_tags(article, tags)
        current = article.current_version
        candidate = ArticleVersion(**{name: getattr(content, name).strip() for name in TEXT_FIELDS})
        if current is not None and current.same_text(candidate):
            slugs = [r.target_slug for r in article.references.all()]
            return SaveResult(article, current, _link_warnings(article, slugs))
        version, warnings = _save_version(article, content, actor, note)
    return SaveResult(article, version, warnings)


def do_publish_article(
    *, actor: Actor, article: Article, review_date: dt.date, comment: str = ""
) -> Article:
    """Publish the current version until `review_date`, when it comes back to the editors.

    New text needs a second editor: a person publishes only a version another editor wrote and
    submitted, which approves it (`reviews`); a version approved before can go out again."""
    with transaction.atomic():
        article = access_article(actor, article.slug, write=True)
        check_review_date(review_date)
        if article.current_version_id is None:
            raise ValidationError(_("This article has no text to publish."))
        refuse_broken_links(actor, article)
        review = approve_review(actor=actor, article=article, comment=comment)
        article.published_version_id = article.current_version_id
        article.status = ArticleStatus.PUBLISHED
        article.review_date = review_date
        article.published_at = timezone.now()
        article.save(update_fields=["published_version", "status", "review_date", "published_at"])
        if review is not None:
            announce_approval(actor, article, review)
        article = Article.objects.with_texts().get(pk=article.pk)
        search.index_article(article)
    return article


def do_withdraw_article(*, actor: Actor, article: Article) -> Article:
    """Take an article back to draft: readers no longer see it, nor does search."""
    with transaction.atomic():
        article = access_article(actor, article.slug, write=True)
        article.status = ArticleStatus.DRAFT
        article.save(update_fields=["status"])
        search.remove_article(article.pk)
    return article


def do_mark_due_for_review(*, actor: Actor, article: Article) -> Article:
    """Put a published article on the review list now (e.g. when the law changes)."""
    with transaction.atomic():
        article = access_article(actor, article.slug, write=True)
        if not article.is_readable:
            raise ValidationError(_("Only a published article can be due for review."))
        article.status = ArticleStatus.DUE_FOR_REVIEW
        article.save(update_fields=["status"])
    return article


def transfer_stewardship(*, from_user_id: int, to_user_id: int) -> list[int]:
    """Articles (drafts included) kept by one editor pass to another; returns their ids."""
    moving = Article.objects.select_for_update().filter(steward_id=from_user_id)
    ids = list(moving.values_list("pk", flat=True))
    Article.objects.filter(pk__in=ids).update(steward_id=to_user_id)
    return ids
