"""An article's tags: what it is about and for whom, as `articles_for` reads them."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from schakel.web.knowledge.models import Article, ArticleTag
from schakel.web.knowledge.tags import TAG_CHOICES, TagKind


@dataclass(frozen=True)
class ArticleTags:
    forms: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()

    def pairs(self) -> list[tuple[str, str]]:
        return [
            *((TagKind.FORM.value, v) for v in self.forms),
            *((TagKind.ROLE.value, v) for v in self.roles),
            *((TagKind.TARGET_GROUP.value, v) for v in self.target_groups),
            *((TagKind.TOPIC.value, v) for v in self.topics),
        ]


def check_tags(tags: ArticleTags) -> None:
    for kind, value in tags.pairs():
        if value not in dict(TAG_CHOICES[kind]):
            raise ValidationError({kind: _("Unknown tag %(value)s.") % {"value": value}})


def set_tags(article: Article, tags: ArticleTags) -> None:
    article.tags.all().delete()
    ArticleTag.objects.bulk_create(
        [ArticleTag(article=article, kind=k, value=v) for k, v in dict.fromkeys(tags.pairs())]
    )
