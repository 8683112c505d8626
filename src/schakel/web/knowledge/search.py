"""Full-text search over published articles, on SQLite (FTS5) and PostgreSQL (tsvector).

Both keep one row per readable article: SQLite in the FTS5 table `knowledge_search_fts` (made
by migration 0002), PostgreSQL in `SearchDocument` (table `knowledge_search`, GIN index made by
migration 0002). Only `index_article`, `remove_article` and `rebuild_index` write them; the
actions call them in the same transaction as the change. A query is
split into words; every word must match, as a prefix, so "uitbuit" finds "uitbuiting".
Titles weigh most, then summaries, then the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F

from schakel.web.knowledge.models import Article, ArticleVersion, SearchDocument
from schakel.web.knowledge.rendering import plain_text

MAX_TERMS = 8
TABLE = "knowledge_search"  # PostgreSQL: SearchDocument's table
FTS_TABLE = "knowledge_search_fts"  # SQLite
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SearchHit:
    article: Article
    rank: float


@dataclass(frozen=True)
class Document:
    """What the index holds for one article: both languages, as plain words."""

    title: str
    summary: str
    body: str


def document_of(version: ArticleVersion) -> Document:
    return Document(
        title=f"{version.title_nl} {version.title_en}".strip(),
        summary=f"{version.summary_nl} {version.summary_en}".strip(),
        body=f"{plain_text(version.body_nl)} {plain_text(version.body_en)}".strip(),
    )


def search_terms(text: str) -> list[str]:
    return _WORD.findall(text.lower())[:MAX_TERMS]


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


_PG_DOCUMENT = (
    "setweight(to_tsvector('dutch', %s), 'A') || setweight(to_tsvector('english', %s), 'A') || "
    "setweight(to_tsvector('dutch', %s), 'B') || setweight(to_tsvector('english', %s), 'B') || "
    "setweight(to_tsvector('dutch', %s), 'C') || setweight(to_tsvector('english', %s), 'C')"
)


def _pg_params(version: ArticleVersion) -> list[str]:
    return [
        version.title_nl,
        version.title_en,
        version.summary_nl,
        version.summary_en,
        plain_text(version.body_nl),
        plain_text(version.body_en),
    ]


def index_article(article: Article) -> None:
    """Put the article's published text in the index, or take it out if it is not readable."""
    version = article.published_version
    if version is None or not article.is_readable:
        remove_article(article.pk)
        return
    with connection.cursor() as cursor:
        if _is_postgresql():
            cursor.execute(
                f"INSERT INTO {TABLE} (article_id, document) VALUES (%s, {_PG_DOCUMENT}) "  # noqa: S608
                "ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document",
                [article.pk, *_pg_params(version)],
            )
        else:
            doc = document_of(version)
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [article.pk])  # noqa: S608
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, title, summary, body) VALUES (%s, %s, %s, %s)",  # noqa: S608
                [article.pk, doc.title, doc.summary, doc.body],
            )


def remove_article(article_id: int) -> None:
    if _is_postgresql():
        SearchDocument.objects.filter(article_id=article_id).delete()
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [article_id])  # noqa: S608


def rebuild_index() -> int:
    """Index every readable article again (after a bulk load, or to repair the index)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE if _is_postgresql() else FTS_TABLE}")  # noqa: S608
    articles = Article.objects.readable().select_related("published_version")
    count = 0
    for article in articles.iterator(chunk_size=500):
        index_article(article)
        count += 1
    if _is_postgresql():
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLE}")
    return count


def _ranked_ids_sqlite(terms: list[str], limit: int) -> list[tuple[int, float]]:
    match = " AND ".join(f'"{term}"*' for term in terms)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, bm25({FTS_TABLE}, 10.0, 4.0, 1.0) AS score FROM {FTS_TABLE} "  # noqa: S608
            f"WHERE {FTS_TABLE} MATCH %s ORDER BY score, rowid LIMIT %s",
            [match, limit],
        )
        return [(int(row[0]), -float(row[1])) for row in cursor.fetchall()]


def _ranked_ids_postgresql(terms: list[str], limit: int) -> list[tuple[int, float]]:
    raw = " & ".join(f"{term}:*" for term in terms)
    query = SearchQuery(raw, config="dutch", search_type="raw") | SearchQuery(
        raw, config="english", search_type="raw"
    )
    rows = (
        SearchDocument.objects.filter(document=query)
        .annotate(rank=SearchRank(F("document"), query))
        .order_by("-rank", "article_id")
        .values_list("article_id", "rank")[:limit]
    )
    return [(int(article_id), float(rank)) for article_id, rank in rows]


def ranked_article_ids(text: str, *, limit: int = 50) -> list[tuple[int, float]]:
    """(article id, rank) of readable articles matching `text`, best first."""
    terms = search_terms(text)
    if not terms:
        return []
    if _is_postgresql():
        return _ranked_ids_postgresql(terms, limit)
    return _ranked_ids_sqlite(terms, limit)


def search_articles(text: str, *, limit: int = 50) -> list[SearchHit]:
    ranked = ranked_article_ids(text, limit=limit)
    articles = Article.objects.readable().with_texts().in_bulk([pk for pk, _rank in ranked])
    return [SearchHit(articles[pk], rank) for pk, rank in ranked if pk in articles]
