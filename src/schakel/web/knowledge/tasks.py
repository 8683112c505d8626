"""Daily notices of the knowledge base: articles whose review date has come."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext

from schakel.web.knowledge.models import Article
from schakel.web.notifications.service import Kind, Notice, register_digest_source


def review_notices(today: dt.date) -> list[Notice]:
    """One notice per article whose review date is today, for its steward (the editor who
    keeps it); the editor's task list shows every article that is due."""
    due = (
        Article.objects.readable()
        .filter(review_date=today, steward__isnull=False)
        .select_related("published_version")
        .order_by("slug")
    )
    notices = []
    for article in due:
        version = article.published_version
        title = version.title_nl if version is not None else article.slug
        text = gettext("The article “%(title)s” is due for review.") % {"title": title}
        notices.append(
            Notice(article.steward_id, Kind.ARTICLE_REVIEW, text, reverse("knowledge-tasks"))
        )
    return notices


register_digest_source("knowledge.review-due", review_notices)
