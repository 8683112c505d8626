from __future__ import annotations

import pytest

from schakel.engine.vocabulary import ExploitationForm
from schakel.web.knowledge.actions import (
    ArticleContent,
    ArticleTags,
    do_edit_article,
    do_load_seed_articles,
)
from schakel.web.knowledge.content import (
    CONTENT_DIR,
    SeedFormatError,
    parse_seed_article,
    seed_articles,
)
from schakel.web.knowledge.models import Article, ArticleReference
from schakel.web.knowledge.rendering import has_raw_html
from schakel.web.knowledge.search import search_articles
from schakel.web.knowledge.selectors import articles_for
from schakel.web.knowledge.tags import TAG_CHOICES, Profession, TagKind
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import SYSTEM

SEEDS = seed_articles()
FRONTLINE_PROFESSIONS = [
    Profession.YOUTH_CARE_WORKER,
    Profession.SOCIAL_SUPPORT_CONSULTANT,
    Profession.GENERAL_PRACTITIONER,
    Profession.TEACHER,
    Profession.POLICE_OFFICER,
    Profession.LABOUR_INSPECTOR,
    Profession.MUNICIPAL_ENFORCEMENT,
]


def test_every_seed_file_is_well_formed_and_bilingual() -> None:
    assert len(SEEDS) == len(list(CONTENT_DIR.glob("*.md")))
    for seed in SEEDS:
        assert (CONTENT_DIR / f"{seed.slug}.md").exists()
        assert seed.title_en and seed.summary_nl and seed.summary_en and seed.body_en.strip()
        assert not has_raw_html(seed.body_nl) and not has_raw_html(seed.body_en)
        tags = {
            TagKind.FORM: seed.forms,
            TagKind.ROLE: seed.roles,
            TagKind.TARGET_GROUP: seed.target_groups,
            TagKind.TOPIC: seed.topics,
        }
        for kind, values in tags.items():
            assert set(values) <= {v for v, _label in TAG_CHOICES[kind]}, seed.slug


def test_the_seed_covers_what_the_issue_asks_for() -> None:
    forms = {form for seed in SEEDS for form in seed.forms}
    assert forms == {form.value for form in ExploitationForm}
    powers = {role for s in SEEDS if "powers_and_duties" in s.topics for role in s.roles}
    assert set(FRONTLINE_PROFESSIONS) <= powers
    topics = {topic for seed in SEEDS for topic in seed.topics}
    assert {
        "meldcode", "reflection_period", "online_recruitment", "prevention", "after_disclosure",
    } <= topics  # fmt: skip
    assert any("criminal" in s.forms and s.target_groups == ("minor",) for s in SEEDS)
    assert any("afwegingskader" in s.body_nl and "five yes/no" in s.body_en for s in SEEDS)


@pytest.mark.django_db
def test_loading_is_idempotent_and_keeps_editors_changes(editor: Membership) -> None:
    first = do_load_seed_articles(actor=SYSTEM)
    assert sorted(first.created) == sorted(s.slug for s in SEEDS) and first.skipped == []
    assert Article.objects.readable().count() == len(SEEDS)
    assert list(ArticleReference.objects.broken()) == [], "seed links all resolve"
    article = Article.objects.get(slug="bedenktijd")
    do_edit_article(
        actor=editor,
        article=article,
        content=ArticleContent(title_nl="Bedenktijd, herzien", body_nl="Nieuwe tekst."),
        tags=ArticleTags(),
    )
    second = do_load_seed_articles(actor=SYSTEM)
    assert second.created == [] and len(second.skipped) == len(SEEDS)
    article.refresh_from_db()
    assert article.current_version is not None
    assert article.current_version.title_nl == "Bedenktijd, herzien"
    assert Article.objects.count() == len(SEEDS)


@pytest.mark.django_db
def test_seeded_articles_are_found_and_offered() -> None:
    do_load_seed_articles(actor=SYSTEM)
    assert search_articles("straatboete")[0].article.slug in {
        "criminele-uitbuiting",
        "criminele-uitbuiting-minderjarigen",
    }
    assert search_articles("afwegingskader")[0].article.slug == "meldcode-en-afwegingskader"
    assert search_articles("reflection period dublin")[0].article.slug == "bedenktijd"
    for profession in FRONTLINE_PROFESSIONS:
        links = articles_for(
            role=profession, form=None, minor=None, topic="powers_and_duties", language="en",
            limit=3,
        )  # fmt: skip
        assert links and links[0].slug.startswith("bevoegdheden-"), profession
    after = articles_for(
        role="teacher", form="criminal", minor=True, topic="after_disclosure", language="nl",
        limit=3,
    )  # fmt: skip
    assert [link.slug for link in after] == ["na-een-onthulling"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("slug: x\n---\n[nl]\nx", "must start"),
        ("---\nslug: x\ntitle_nl: X\n[nl]\nx", "no closing"),
        ("---\nslug: x\ncolour: blue\n---\n[nl]\nx", "unknown front-matter"),
        ("---\ntitle_nl: X\n---\n[nl]\nx", "'slug' is missing"),
        ("---\nslug: x\ntitle_nl: X\n---\n[en]\nx", "Dutch text"),
        ("---\nslug: x\ntitle_nl: X\n---\nloose\n[nl]\nx", "before the first"),
        ("---\nslug: x\ntitle_nl: X\nreview_months: soon\n---\n[nl]\nx", "whole number"),
    ],
)
def test_malformed_seed_files_are_named_clearly(text: str, problem: str) -> None:
    with pytest.raises(SeedFormatError, match=problem):
        parse_seed_article(text, "x.md")
