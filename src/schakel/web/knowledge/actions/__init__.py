"""Every write of the knowledge base: articles and their versions, tags, the shipped seed."""

from __future__ import annotations

from schakel.web.knowledge.actions.articles import (
    ArticleContent,
    SaveResult,
    do_create_article,
    do_edit_article,
    do_mark_due_for_review,
    do_publish_article,
    do_withdraw_article,
    transfer_stewardship,
)
from schakel.web.knowledge.actions.public import do_set_article_public
from schakel.web.knowledge.actions.reviews import (
    do_send_back_article,
    do_submit_article,
    pending_review,
)
from schakel.web.knowledge.actions.seed import SeedReport, do_load_seed_articles
from schakel.web.knowledge.actions.tags import ArticleTags

__all__ = [
    "ArticleContent",
    "ArticleTags",
    "SaveResult",
    "SeedReport",
    "do_create_article",
    "do_edit_article",
    "do_load_seed_articles",
    "do_mark_due_for_review",
    "do_publish_article",
    "do_send_back_article",
    "do_set_article_public",
    "do_submit_article",
    "do_withdraw_article",
    "pending_review",
    "transfer_stewardship",
]
