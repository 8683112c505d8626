"""Whether an article is readable without an account (the public signal check links to it)."""

from __future__ import annotations

from django.db import transaction

from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import do_record_access
from schakel.web.knowledge.access import access_article
from schakel.web.knowledge.models import Article
from schakel.web.organisations.roles import Actor


def do_set_article_public(*, actor: Actor, article: Article, public: bool) -> Article:
    """Open the article's published version to anyone, or close it to signed-in readers."""
    with transaction.atomic():
        article = access_article(actor, article.slug, write=True)
        if article.is_public != public:
            article.is_public = public
            article.save(update_fields=["is_public"])
            do_record_access(
                actor=actor,
                action=AuditEntry.Action.UPDATE,
                object_type="article",
                object_id=article.pk,
                purpose="readable without an account" if public else "readable when signed in",
            )
    return article
