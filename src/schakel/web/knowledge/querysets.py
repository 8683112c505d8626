"""Reads of the knowledge base, and `articles_for`, which other apps call.

`articles_for` is the public face of this app: the signal check's action perspective asks it
which published articles fit a role and a situation, and links to them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from schakel.engine.vocabulary import ExploitationForm
from schakel.web.knowledge.tags import ROLE_CODES, TagKind, TargetGroup, Topic, roles_covering

if TYPE_CHECKING:
    from schakel.web.knowledge.models import Article

READABLE = ("published", "due_for_review")


class ArticleQuerySet(models.QuerySet[Any]):
    def readable(self) -> ArticleQuerySet:
        """Articles every signed-in member may read: published, including those due a review."""
        return self.filter(status__in=READABLE, published_version__isnull=False)

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
        return self.filter(_tagged(kind, values))

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


def _tagged(kind: str, values: list[str] | tuple[str, ...]) -> Exists:
    from schakel.web.knowledge.models import ArticleTag

    return Exists(ArticleTag.objects.filter(article=OuterRef("pk"), kind=kind, value__in=values))


def _untagged(kind: str) -> Q:
    from schakel.web.knowledge.models import ArticleTag

    return ~Q(Exists(ArticleTag.objects.filter(article=OuterRef("pk"), kind=kind)))


@dataclass(frozen=True)
class ArticleLink:
    """A published article to link to, in the reader's language."""

    slug: str
    title: str
    summary: str
    url: str


def link_to(article: Article, language: str) -> ArticleLink:
    version = article.published_version
    if version is None:
        raise ValueError(f"Article {article.slug} has no published version.")
    return ArticleLink(
        slug=article.slug,
        title=version.title_in(language),
        summary=version.summary_in(language),
        url=reverse("knowledge-article", args=[article.slug]),
    )


def _points(condition: Exists | Q, points: int) -> Case:
    return Case(When(condition, then=Value(points)), default=Value(0), output_field=IntegerField())


def articles_for(
    *,
    role: str,
    form: str | None,
    minor: bool | None,
    topic: str | None,
    language: str,
    limit: int,
) -> list[ArticleLink]:
    """Published articles for someone in `role` facing a situation, most specific first.

    `role` is a system role (`frontline`, `coordinator`, ...) or a frontline profession
    (`general_practitioner`, `teacher`, ... see `knowledge.tags.Profession`; use
    `knowledge.tags.audience_of` to find a member's). An article without tags of a kind
    applies to everyone for that kind; `topic`, when given, must match. Articles tagged
    for the exact role, the form and the target group rank first.
    """
    from schakel.web.knowledge.models import Article

    if role not in ROLE_CODES:
        raise ValueError(f"Unknown role {role!r}; expected one of {sorted(ROLE_CODES)}.")
    if form is not None and form not in {f.value for f in ExploitationForm}:
        raise ValueError(f"Unknown form of exploitation {form!r}.")
    if topic is not None and topic not in Topic.values:
        raise ValueError(f"Unknown topic {topic!r}; expected one of {sorted(Topic.values)}.")
    roles = roles_covering(role)
    articles = Article.objects.readable().filter(
        _untagged(TagKind.ROLE) | Q(_tagged(TagKind.ROLE, roles))
    )
    score = _points(_tagged(TagKind.ROLE, [role]), 4) + _points(_tagged(TagKind.ROLE, roles), 2)
    if form is not None:
        articles = articles.filter(_untagged(TagKind.FORM) | Q(_tagged(TagKind.FORM, [form])))
        score = score + _points(_tagged(TagKind.FORM, [form]), 3)
    else:
        score = score + _points(_untagged(TagKind.FORM), 1)
    if minor is not None:
        group = TargetGroup.MINOR if minor else TargetGroup.ADULT
        articles = articles.filter(
            _untagged(TagKind.TARGET_GROUP) | Q(_tagged(TagKind.TARGET_GROUP, [group]))
        )
        score = score + _points(_tagged(TagKind.TARGET_GROUP, [group]), 1)
    if topic is not None:
        articles = articles.filter(_tagged(TagKind.TOPIC, [topic]))
    ranked = list(
        articles.annotate(score=score)
        .order_by("-score", "slug")
        .values_list("pk", flat=True)[: max(limit, 0)]
    )
    found = Article.objects.select_related("published_version").in_bulk(ranked)
    return [link_to(found[pk], language) for pk in ranked]
