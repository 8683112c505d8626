"""What other apps use of the knowledge base."""

from __future__ import annotations

from schakel.web.knowledge.actions import do_load_seed_articles, transfer_stewardship
from schakel.web.knowledge.selectors import ArticleLink, articles_for
from schakel.web.knowledge.tags import audience_of

__all__ = [
    "ArticleLink",  # a published article to link to, in the reader's language
    "articles_for",  # published articles for a role and a situation, most specific first
    "audience_of",  # the role tag that fits a member: their profession when frontline
    "do_load_seed_articles",  # create and publish the shipped articles (safe to rerun)
    "transfer_stewardship",  # articles kept by one editor pass to another (a handover)
]
