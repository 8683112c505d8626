"""Reading the knowledge base: every signed-in member reads the published articles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext

from schakel.web.core.errors import NotFound
from schakel.web.knowledge.access import access_article, access_article_version
from schakel.web.knowledge.forms import FilterForm
from schakel.web.knowledge.models import (
    Article,
    ArticleReview,
    ArticleTag,
    ArticleVersion,
    ReviewOutcome,
)
from schakel.web.knowledge.rendering import render_markdown
from schakel.web.knowledge.search import ranked_article_ids
from schakel.web.organisations.acting import require_capability
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability, has

PAGE_SIZE = 25
SEARCH_LIMIT = 100


@dataclass(frozen=True)
class ArticleCard:
    """An article as a list shows it, in the reader's language."""

    article: Article
    title: str
    summary: str
    tags: list[ArticleTag]
    status: str


def card(article: Article, version: ArticleVersion, language: str) -> ArticleCard:
    return ArticleCard(
        article=article,
        title=version.title_in(language),
        summary=version.summary_in(language),
        tags=list(article.tags.all()),
        status=article.effective_status(timezone.localdate()),
    )


def _cards(articles: Any, language: str) -> list[ArticleCard]:
    return [card(a, a.published_version, language) for a in articles]


@require_capability(Capability.READ_KNOWLEDGE)
def article_index(request: HttpRequest, acting: Membership) -> HttpResponse:
    """Search and filter published articles; htmx requests get only the results."""
    form = FilterForm(request.GET or None)
    language = translation.get_language() or "nl"
    articles = Article.objects.readable().select_related("published_version")
    for kind, value in form.tag_filters():
        articles = articles.tagged(kind, [value])
    query = form.query()
    if query:
        ranked = ranked_article_ids(query, limit=SEARCH_LIMIT)
        order = {pk: position for position, (pk, _rank) in enumerate(ranked)}
        found = articles.filter(pk__in=list(order)).prefetch_related("tags")
        results = sorted(found, key=lambda a: order[a.pk])
        page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    else:
        field = "published_version__title_en" if language == "en" else "published_version__title_nl"
        ordered = articles.prefetch_related("tags").order_by(field, "slug")
        page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "query": query,
        "page": page,
        "cards": _cards(page.object_list, language),
        "may_edit": has(acting, Capability.EDIT_KNOWLEDGE),
        "querystring": _querystring(request),
    }
    template = "knowledge/index.html#results" if _is_htmx(request) else "knowledge/index.html"
    return render(request, template, context)


def _querystring(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_capability(Capability.READ_KNOWLEDGE)
def article_detail(request: HttpRequest, acting: Membership, slug: str) -> HttpResponse:
    article = access_article(acting, slug)
    is_editor = has(acting, Capability.EDIT_KNOWLEDGE)
    version = article.published_version if article.is_readable else article.current_version
    if version is None:
        raise NotFound(gettext("This article was not found."))
    return _render_version(request, article, version, is_editor=is_editor)


@login_not_required
def public_article(request: HttpRequest, slug: str) -> HttpResponse:
    """A published article marked public, for anyone; any other address is the same 404."""
    article = Article.objects.public().with_texts().filter(slug=str(slug)).first()
    if article is None or article.published_version is None:
        raise NotFound(gettext("This article was not found."))
    return _render_version(request, article, article.published_version, is_editor=False)


@require_capability(Capability.EDIT_KNOWLEDGE)
def version_detail(
    request: HttpRequest, acting: Membership, slug: str, number: int
) -> HttpResponse:
    version = access_article_version(acting, slug, number)
    return _render_version(request, version.article, version, is_editor=True)


def _render_version(
    request: HttpRequest, article: Article, version: ArticleVersion, *, is_editor: bool
) -> HttpResponse:
    language = translation.get_language() or "nl"
    context = {
        "article": article,
        "version": version,
        "title": version.title_in(language),
        "summary": version.summary_in(language),
        "body": render_markdown(version.body_in(language)),
        "shown_in_dutch": language == "en" and not version.body_en,
        "tags": list(article.tags.all()),
        "status": article.effective_status(timezone.localdate()),
        "is_editor": is_editor,
        "is_published_version": version.pk == article.published_version_id,
        "is_current_version": version.pk == article.current_version_id,
    }
    return render(request, "knowledge/article.html", context)


@require_capability(Capability.EDIT_KNOWLEDGE)
def article_versions(request: HttpRequest, acting: Membership, slug: str) -> HttpResponse:
    article = access_article(acting, slug)
    decided = ArticleReview.objects.exclude(outcome=ReviewOutcome.PENDING).select_related(
        "decided_by", "submitted_by"
    )
    versions = (
        article.versions.select_related("author")
        .prefetch_related(Prefetch("reviews", queryset=decided, to_attr="decisions"))
        .order_by("-number")
    )
    return render(
        request, "knowledge/versions.html", {"article": article, "versions": list(versions)}
    )


def _is_htmx(request: HttpRequest) -> bool:
    """A partial update from htmx (django-htmx sets `request.htmx`)."""
    return bool(getattr(request, "htmx", False))
