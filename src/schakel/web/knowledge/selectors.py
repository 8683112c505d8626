"""Reads of the knowledge base that are not QuerySet methods: `articles_for`.

`articles_for` is this app's public face (through `knowledge.service`): the signal check's
action perspective asks it which published articles fit a role and a situation, and links to them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.urls import reverse

from schakel.engine.vocabulary import ExploitationForm
from schakel.web.knowledge.models import Article, ArticleTag
from schakel.web.knowledge.querysets import tagged_with
from schakel.web.knowledge.tags import ROLE_CODES, TagKind, TargetGroup, Topic, roles_covering


def _untagged(kind: str) -> Q:
    return ~Q(Exists(ArticleTag.objects.filter(article=OuterRef("pk"), kind=kind)))


@dataclass(frozen=True)
class ArticleLink:
    """A published article to link to, in the reader's language."""

    slug: str
    title: str
    summary: str
    url: str


def link_to(article: Article, language: str, *, public: bool = False) -> ArticleLink:
    version = article.published_version
    if version is None:
        raise ValueError(f"Article {article.slug} has no published version.")
    name = "knowledge-public-article" if public else "knowledge-article"
    return ArticleLink(
        slug=article.slug,
        title=version.title_in(language),
        summary=version.summary_in(language),
        url=reverse(name, args=[article.slug]),
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
    public: bool = False,
) -> list[ArticleLink]:
    """Published articles for someone in `role` facing a situation, most specific first.

    `role` is a system role (`frontline`, `coordinator`, ...) or a frontline profession
    (`general_practitioner`, `teacher`, ... see `knowledge.tags.Profession`; use
    `knowledge.tags.audience_of` to find a member's). An article without tags of a kind
    applies to everyone for that kind; `topic`, when given, must match. Articles tagged
    for the exact role, the form and the target group rank first. With `public`, only
    articles readable without an account, linked to their public page.
    """
    if role not in ROLE_CODES:
        raise ValueError(f"Unknown role {role!r}; expected one of {sorted(ROLE_CODES)}.")
    if form is not None and form not in {f.value for f in ExploitationForm}:
        raise ValueError(f"Unknown form of exploitation {form!r}.")
    if topic is not None and topic not in Topic.values:
        raise ValueError(f"Unknown topic {topic!r}; expected one of {sorted(Topic.values)}.")
    roles = roles_covering(role)
    readable = Article.objects.public() if public else Article.objects.readable()
    articles = readable.filter(_untagged(TagKind.ROLE) | Q(tagged_with(TagKind.ROLE, roles)))
    score = _points(tagged_with(TagKind.ROLE, [role]), 4) + _points(
        tagged_with(TagKind.ROLE, roles), 2
    )
    if form is not None:
        articles = articles.filter(_untagged(TagKind.FORM) | Q(tagged_with(TagKind.FORM, [form])))
        score = score + _points(tagged_with(TagKind.FORM, [form]), 3)
    else:
        score = score + _points(_untagged(TagKind.FORM), 1)
    if minor is not None:
        group = TargetGroup.MINOR if minor else TargetGroup.ADULT
        articles = articles.filter(
            _untagged(TagKind.TARGET_GROUP) | Q(tagged_with(TagKind.TARGET_GROUP, [group]))
        )
        score = score + _points(tagged_with(TagKind.TARGET_GROUP, [group]), 1)
    if topic is not None:
        articles = articles.filter(tagged_with(TagKind.TOPIC, [topic]))
    ranked = list(
        articles.annotate(score=score)
        .order_by("-score", "slug")
        .values_list("pk", flat=True)[: max(limit, 0)]
    )
    found = Article.objects.select_related("published_version").in_bulk(ranked)
    return [link_to(found[pk], language, public=public) for pk in ranked]
