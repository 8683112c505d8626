"""Getting one article (or one of its versions) that a member asked for by its address.

Readers see published articles; editors also drafts, withdrawn articles and every version.
Anything else is the same 404 as an address that does not exist, so a draft's existence does
not leak. A write takes the row lock as part of the fetch, before anything is checked.
"""

from __future__ import annotations

from django.utils.translation import gettext

from schakel.web.core.access import first_or_missing, require_transaction
from schakel.web.core.errors import NotFound
from schakel.web.knowledge.models import Article, ArticleVersion
from schakel.web.organisations.roles import Actor, Capability, require


def access_article(actor: Actor, slug: str, *, write: bool = False) -> Article:
    """The article at `slug` if `actor` may read it (or, with `write`, change it)."""
    require(actor, Capability.EDIT_KNOWLEDGE if write else Capability.READ_KNOWLEDGE)
    articles = Article.objects.visible_to(actor).with_texts()
    if write:
        require_transaction()
        articles = articles.select_for_update(of=("self",))
    else:
        articles = articles.prefetch_related("tags")
    article = articles.filter(slug=str(slug)).first() if slug else None
    if article is None:
        raise NotFound(gettext("This article was not found."))
    return article


def access_article_version(actor: Actor, slug: str, number: int | str) -> ArticleVersion:
    """Version `number` of the article at `slug`: earlier versions are for editors only."""
    require(actor, Capability.EDIT_KNOWLEDGE)
    article = access_article(actor, slug)
    versions = article.versions.select_related("author")
    return first_or_missing(versions, _missing_version, number=number)


def _missing_version() -> NotFound:
    return NotFound(gettext("This version was not found."))
