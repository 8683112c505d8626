from __future__ import annotations

from collections.abc import Callable

import pytest

from schakel.engine.vocabulary import OrganisationType, Role
from schakel.web.knowledge.models import Article
from schakel.web.knowledge.selectors import ArticleLink, articles_for
from schakel.web.knowledge.tags import Profession, audience_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(publish: Callable[..., Article]) -> None:
    publish(
        "na-een-onthulling",
        "Wat te doen na een onthulling",
        title_en="What to do after a disclosure",
        summary="Rust, veiligheid, meldcode.",
        topics=("after_disclosure",),
    )
    publish(
        "bevoegdheden-wmo",
        "Uw bevoegdheden als Wmo-consulent",
        roles=(Profession.SOCIAL_SUPPORT_CONSULTANT,),
        topics=("powers_and_duties",),
    )
    publish(
        "bevoegdheden-huisarts",
        "Uw bevoegdheden als huisarts",
        roles=(Profession.GENERAL_PRACTITIONER,),
        topics=("powers_and_duties",),
    )
    publish(
        "criminele-uitbuiting-minderjarigen",
        "Criminele uitbuiting van minderjarigen",
        forms=("criminal",),
        target_groups=("minor",),
        roles=("frontline",),
        topics=("forms_of_exploitation",),
    )
    publish(
        "arbeidsuitbuiting",
        "Arbeidsuitbuiting",
        forms=("labour",),
        target_groups=("adult",),
        topics=("forms_of_exploitation",),
    )
    publish("voor-coordinatoren", "Voor coördinatoren", roles=("coordinator",))


def slugs(links: list[ArticleLink]) -> list[str]:
    return [link.slug for link in links]


def test_a_profession_gets_its_own_powers_and_what_applies_to_everyone(library: None) -> None:
    links = articles_for(
        role=Profession.SOCIAL_SUPPORT_CONSULTANT,
        form=None,
        minor=None,
        topic=None,
        language="nl",
        limit=10,
    )
    assert slugs(links)[0] == "bevoegdheden-wmo"
    assert "bevoegdheden-huisarts" not in slugs(links)
    assert "voor-coordinatoren" not in slugs(links)
    assert set(slugs(links)) == {
        "bevoegdheden-wmo",
        "criminele-uitbuiting-minderjarigen",
        "na-een-onthulling",
        "arbeidsuitbuiting",
    }


def test_the_situation_narrows_and_orders_the_list(library: None) -> None:
    links = articles_for(
        role=Role.FRONTLINE, form="criminal", minor=True, topic=None, language="nl", limit=10
    )
    assert slugs(links) == ["criminele-uitbuiting-minderjarigen", "na-een-onthulling"]
    adults = articles_for(
        role=Role.FRONTLINE, form="labour", minor=False, topic=None, language="nl", limit=10
    )
    assert slugs(adults) == ["arbeidsuitbuiting", "na-een-onthulling"]


def test_topic_must_match_and_limit_is_kept(library: None) -> None:
    links = articles_for(
        role=Role.COORDINATOR,
        form=None,
        minor=None,
        topic="after_disclosure",
        language="en",
        limit=5,
    )
    assert links == [
        ArticleLink(
            slug="na-een-onthulling",
            title="What to do after a disclosure",
            summary="Rust, veiligheid, meldcode.",
            url="/kennis/na-een-onthulling/",
        )
    ]
    many = articles_for(
        role=Role.COORDINATOR, form=None, minor=None, topic=None, language="nl", limit=2
    )
    assert slugs(many) == ["voor-coordinatoren", "na-een-onthulling"]


def test_drafts_never_appear(editor, library: None) -> None:
    from schakel.web.knowledge.actions import do_withdraw_article

    do_withdraw_article(actor=editor, article=Article.objects.get(slug="voor-coordinatoren"))
    links = articles_for(
        role=Role.COORDINATOR, form=None, minor=None, topic=None, language="nl", limit=10
    )
    assert "voor-coordinatoren" not in slugs(links)


@pytest.mark.parametrize(
    "arguments",
    [
        {"role": "astronaut"},
        {"role": "frontline", "form": "piracy"},
        {"role": "frontline", "topic": "weather"},
    ],
)
def test_unknown_codes_are_refused(arguments: dict[str, str]) -> None:
    given = {"form": None, "minor": None, "topic": None, "language": "nl", "limit": 3}
    with pytest.raises(ValueError, match="Unknown"):
        articles_for(**{**given, **arguments})  # type: ignore[arg-type]


def test_audience_of_a_member() -> None:
    assert audience_of(role="frontline", organisation_type=OrganisationType.EDUCATION) == "teacher"
    assert audience_of(role="frontline", organisation_type=OrganisationType.NGO) == "frontline"
    assert (
        audience_of(role="coordinator", organisation_type=OrganisationType.POLICE) == "coordinator"
    )
