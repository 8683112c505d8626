"""Loading the articles that ship with Schakel (the demo and a new installation)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schakel.web.knowledge.actions.articles import (
    ArticleContent,
    do_create_article,
    do_publish_article,
)
from schakel.web.knowledge.actions.tags import ArticleTags
from schakel.web.knowledge.content import seed_articles
from schakel.web.knowledge.models import Article
from schakel.web.organisations.roles import Actor, Capability, require


@dataclass(frozen=True)
class SeedReport:
    created: list[str]
    skipped: list[str]


def do_load_seed_articles(*, actor: Actor) -> SeedReport:
    """Create and publish the shipped articles that do not exist yet (safe to run again).

    An article that already exists is left alone, so an editor's changes survive a reseed.
    """
    require(actor, Capability.EDIT_KNOWLEDGE)
    created, skipped = [], []
    existing = set(Article.objects.values_list("slug", flat=True))
    today = timezone.localdate()
    with transaction.atomic():
        for seed in seed_articles():
            if seed.slug in existing:
                skipped.append(seed.slug)
                continue
            result = do_create_article(
                actor=actor,
                slug=seed.slug,
                content=ArticleContent(
                    title_nl=seed.title_nl,
                    title_en=seed.title_en,
                    summary_nl=seed.summary_nl,
                    summary_en=seed.summary_en,
                    body_nl=seed.body_nl,
                    body_en=seed.body_en,
                ),
                tags=ArticleTags(seed.forms, seed.roles, seed.target_groups, seed.topics),
                note=_("Seed content shipped with Schakel"),
            )
            review = today + dt.timedelta(days=round(seed.review_months * 30.44))
            do_publish_article(actor=actor, article=result.article, review_date=review)
            if seed.public:
                Article.objects.filter(pk=result.article.pk).update(is_public=True)
            created.append(seed.slug)
    return SeedReport(created, skipped)
