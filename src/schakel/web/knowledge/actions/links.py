"""Checks before an article's text goes out: a review date ahead, and no broken links."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from schakel.web.knowledge.models import Article, ArticleReference
from schakel.web.organisations.roles import Actor, SystemActor


def check_review_date(review_date: dt.date) -> None:
    if review_date <= timezone.localdate():
        raise ValidationError({"review_date": _("The review date must lie in the future.")})


def refuse_broken_links(actor: Actor, article: Article) -> None:
    """Content about legal duties goes out with working links only: a person cannot submit or
    publish while a link leads nowhere or to an article readers cannot open. (The shipped seed,
    which the system publishes one article at a time, links ahead to articles still to come.)"""
    if isinstance(actor, SystemActor):
        return
    slugs = broken_link_slugs(article)
    if slugs:
        raise ValidationError(blocked_by_links(slugs))


def broken_link_slugs(article: Article) -> list[str]:
    """The addresses this article links to that lead nowhere or to an unreadable article."""
    broken = ArticleReference.objects.filter(source=article).broken()
    return list(dict.fromkeys(broken.values_list("target_slug", flat=True)))


def blocked_by_links(slugs: list[str]) -> str:
    return _(
        "Publishing is blocked: the link to %(links)s leads nowhere or to an article "
        "that is not published. Repair the link, or publish that article first."
    ) % {"links": ", ".join(f"/kennis/{slug}/" for slug in slugs)}
