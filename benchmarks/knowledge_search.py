"""Search latency of the knowledge base with 5,000 published articles.

    .venv/bin/python benchmarks/knowledge_search.py [--articles 5000] [--repeat 30]
    .venv/bin/python benchmarks/knowledge_search.py --database-url postgres://user@host:5432/db

Builds a throw-away SQLite database (and, when DATABASE_URL points at a PostgreSQL server, a
throw-away database on that server, dropped afterwards), loads the seed articles plus
synthetic bilingual articles up to --articles, indexes them the way the actions do, and times
`search_articles` (index query plus loading the articles, what the search page runs) and
`articles_for` over a set of realistic queries. Prints median and p95 per database.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from schakel.web.organisations.roles import SYSTEM

QUERIES = [
    "meldcode",
    "afwegingskader veilig thuis",
    "bedenktijd dublin",
    "criminele uitbuiting minderjarigen",
    "straatboete",
    "arbeidsuitbuiting paspoort",
    "loverboy",
    "zorgcoördinator",
    "reflection period",
    "uitbuit",
    "politie aangifte",
    "online platform werving",
]
WORDS_NL = [
    "uitbuiting", "mensenhandel", "slachtoffer", "signaal", "melding", "meldcode", "zorg",
    "opvang", "politie", "gemeente", "jongere", "minderjarige", "schuld", "werkgever",
    "huisvesting", "paspoort", "advertentie", "platform", "onthulling", "bedenktijd", "verblijf",
    "aangifte", "vergunning", "coördinator", "toezicht", "handhaving", "school", "huisarts",
    "consulent", "jeugdzorg", "veiligheid", "risico", "overleg", "collega", "vermoeden",
    "afweging", "hulp", "traject", "nazorg", "terugval", "werving", "vriend", "telefoon", "geld",
    "drugs", "koerier", "straat", "arbeid", "seksueel", "crimineel", "orgaan", "inspectie",
    "wijk", "buurt", "gezin", "familie", "tolk", "dossier", "privacy", "toestemming",
]  # fmt: skip
WORDS_EN = [
    "exploitation", "trafficking", "victim", "signal", "report", "code", "care", "shelter",
    "police", "municipality", "young", "minor", "debt", "employer", "housing", "passport",
    "advert", "platform", "disclosure", "reflection", "residence", "permit", "coordinator",
    "supervision", "enforcement", "school", "doctor", "consultant", "youth", "safety", "risk",
    "consult", "colleague", "suspicion", "assessment", "help", "trajectory", "aftercare",
    "relapse", "recruitment", "friend", "phone", "money", "drugs", "courier", "street", "labour",
    "sexual", "criminal", "organ", "inspection", "family",
]  # fmt: skip


class Corpus:
    """Bilingual synthetic text: Zipf-distributed filler words plus a few domain words per
    article, so a domain word appears in a few percent of the articles, as in real content."""

    SYLLABLES = ("ka", "te", "ro", "mi", "sun", "del", "vor", "ap", "ing", "ber", "lo", "na")

    def __init__(self, rng: random.Random, size: int = 20_000):
        self.rng = rng
        words: set[str] = set()
        while len(words) < size:
            words.add("".join(rng.choice(self.SYLLABLES) for _ in range(rng.randint(2, 4))))
        self.filler = sorted(words)
        self.weights = [1 / (rank + 1) for rank in range(size)]

    def text(self, domain: list[str], count: int) -> str:
        words = self.rng.choices(self.filler, self.weights, k=count)
        for term in self.rng.sample(domain, self.rng.randint(3, 6)):
            for _ in range(self.rng.randint(1, 4)):
                words[self.rng.randrange(count)] = term
        sentences = [" ".join(words[i : i + 12]).capitalize() + "." for i in range(0, count, 12)]
        return "\n\n".join(" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5))

    def title(self, domain: list[str]) -> str:
        words = self.rng.choices(self.filler, self.weights, k=self.rng.randint(2, 4))
        words.insert(self.rng.randrange(len(words) + 1), self.rng.choice(domain))
        return " ".join(words).capitalize()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def child(articles: int, repeat: int) -> dict[str, object]:
    """Runs inside a process whose environment names the database."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from schakel.web.knowledge.actions import do_load_seed_articles
    from schakel.web.knowledge.models import Article, ArticleTag, ArticleVersion
    from schakel.web.knowledge.search import rebuild_index, search_articles
    from schakel.web.knowledge.service import articles_for

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    do_load_seed_articles(actor=SYSTEM)
    rng = random.Random(2024)
    corpus = Corpus(rng)
    synthetic = max(articles - Article.objects.count(), 0)
    forms = ["sexual", "labour", "criminal", "organ_removal"]
    with transaction.atomic():
        rows = Article.objects.bulk_create(
            [
                Article(
                    slug=f"synthetisch-{n}",
                    status="published",
                    review_date=timezone.localdate().replace(year=timezone.localdate().year + 1),
                    published_at=timezone.now(),
                )
                for n in range(synthetic)
            ],
            batch_size=1000,
        )
        versions = ArticleVersion.objects.bulk_create(
            [
                ArticleVersion(
                    article=row,
                    number=1,
                    title_nl=corpus.title(WORDS_NL),
                    title_en=corpus.title(WORDS_EN),
                    summary_nl=corpus.text(WORDS_NL, 20),
                    summary_en=corpus.text(WORDS_EN, 20),
                    body_nl=corpus.text(WORDS_NL, rng.randint(200, 600)),
                    body_en=corpus.text(WORDS_EN, rng.randint(200, 600)),
                )
                for row in rows
            ],
            batch_size=1000,
        )
        for row, version in zip(rows, versions, strict=True):
            row.current_version = row.published_version = version
        Article.objects.bulk_update(rows, ["current_version", "published_version"], 1000)
        ArticleTag.objects.bulk_create(
            [ArticleTag(article=row, kind="form", value=rng.choice(forms)) for row in rows],
            batch_size=1000,
        )
        indexed = rebuild_index()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum does after a bulk load
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    build = time.perf_counter() - started

    timings: dict[str, list[float]] = {}
    hits: dict[str, int] = {}
    for query in QUERIES:
        hits[query] = len(search_articles(query, limit=50))  # warm up
        timings[query] = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            search_articles(query, limit=50)
            timings[query].append((time.perf_counter() - t0) * 1000)
    perspective: list[float] = []
    for _ in range(repeat):
        for role, form, minor in [("teacher", "criminal", True), ("frontline", None, None)]:
            t0 = time.perf_counter()
            articles_for(role=role, form=form, minor=minor, topic=None, language="nl", limit=5)
            perspective.append((time.perf_counter() - t0) * 1000)
    every = [t for values in timings.values() for t in values]
    return {
        "database": _database_name(connection),
        "articles": Article.objects.readable().count(),
        "indexed": indexed,
        "build_s": build,
        "median_ms": statistics.median(every),
        "p95_ms": _percentile(every, 0.95),
        "max_ms": max(every),
        "per_query": {q: (statistics.median(v), hits[q]) for q, v in timings.items()},
        "articles_for_median_ms": statistics.median(perspective),
        "articles_for_p95_ms": _percentile(perspective, 0.95),
    }


def _database_name(connection: Any) -> str:
    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"
    version = connection.cursor().connection.info.server_version
    return f"PostgreSQL {version // 10000}.{version % 10000}"


def _run(env: dict[str, str], articles: int, repeat: int) -> dict[str, object]:
    command = [sys.executable, __file__, "--child", "--articles", str(articles)]
    command += ["--repeat", str(repeat)]
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _postgresql(url: str, env: dict[str, str], articles: int, repeat: int) -> dict[str, object]:
    import psycopg

    name = f"schakel_bench_{uuid.uuid4().hex[:8]}"
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        return _run(
            {**env, "DATABASE_URL": urlunsplit(parts._replace(path=f"/{name}"))}, articles, repeat
        )
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _print(results: list[dict[str, object]]) -> None:
    print(
        f"{'database':<18} {'articles':>8} {'build s':>8} {'median ms':>10} {'p95 ms':>8} "
        f"{'max ms':>8} {'articles_for p95 ms':>20}"
    )
    for r in results:
        print(
            f"{r['database']:<18} {r['articles']:>8} {r['build_s']:>8.1f} {r['median_ms']:>10.2f} "
            f"{r['p95_ms']:>8.2f} {r['max_ms']:>8.2f} {r['articles_for_p95_ms']:>20.2f}"
        )
    for r in results:
        print(f"\n{r['database']}: median ms (hits, at most 50) per query")
        per_query = r["per_query"]
        assert isinstance(per_query, dict)
        for query, (median, count) in per_query.items():
            print(f"  {query:<38} {median:>7.2f}  ({count})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--smoke", action="store_true", help="smallest size: check it runs")
    args = parser.parse_args()
    if args.smoke:
        args.articles, args.repeat = 100, 2
    if args.child:
        print(json.dumps(child(args.articles, args.repeat)))
        return 0
    results = []
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "SCHAKEL_DATA_DIR": folder}
        env.setdefault("DJANGO_SETTINGS_MODULE", "schakel.web.test_settings")
        env.pop("DATABASE_URL", None)
        results.append(_run(env, args.articles, args.repeat))
        if args.database_url:
            results.append(_postgresql(args.database_url, env, args.articles, args.repeat))
    _print(results)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    sys.exit(main())
