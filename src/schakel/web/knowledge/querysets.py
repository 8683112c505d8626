"""Scoped reads of the knowledge base (`selectors.articles_for` answers other apps)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from schakel.web.organisations.roles import Actor, Capability, has

READABLE = ("published", "due_for_review")


class ArticleQuerySet(models.QuerySet[Any]):
    def readable(self) -> ArticleQuerySet:
        """Articles every signed-in member may read: published, including those due a review."""
        return self.filter(status__in=READABLE, published_version__isnull=False)

    def public(self) -> ArticleQuerySet:
        """Published articles marked readable without an account."""
        return self.readable().filter(is_public=True)

    def visible_to(self, actor: Actor) -> ArticleQuerySet:
        """The published articles for readers; drafts and withdrawn articles too for editors."""
        if not has(actor, Capability.READ_KNOWLEDGE):
            return self.none()
        return self if has(actor, Capability.EDIT_KNOWLEDGE) else self.readable()

    def due_for_review(self, today: dt.date | None = None) -> ArticleQuerySet:
        """The editors' review list: flagged by hand, or published with the review date come."""
        today = today or timezone.localdate()
        return self.filter(
            Q(status="due_for_review") | Q(status="published", review_date__lte=today)
        )

    def with_unpublished_changes(self) -> ArticleQuerySet:
        """Drafts, and published articles whose latest version is not the published one."""
        return self.filter(
            Q(published_version__isnull=True) | ~Q(current_version=models.F("published_version"))
        )

    def tagged(self, kind: str, values: list[str] | tuple[str, ...]) -> ArticleQuerySet:
        return self.filter(tagged_with(kind, values))

    def with_texts(self) -> ArticleQuerySet:
        return self.select_related("current_version", "published_version")


class ArticleReferenceQuerySet(models.QuerySet[Any]):
    def broken(self) -> ArticleReferenceQuerySet:
        """Links whose target does not exist or cannot be read (a draft)."""
        from schakel.web.knowledge.models import Article

        exists = Article.objects.filter(slug=OuterRef("target_slug"))
        return (
            self.annotate(target_exists=Exists(exists))
            .filter(~Exists(exists.readable()))
            .select_related("source__current_version")
            .order_by("source__slug", "target_slug")
        )


def tagged_with(kind: str, values: list[str] | tuple[str, ...]) -> Exists:
    """A condition: the article carries one of `values` as a tag of `kind`."""
    from schakel.web.knowledge.models import ArticleTag

    return Exists(ArticleTag.objects.filter(article=OuterRef("pk"), kind=kind, value__in=values))
