"""The page keeps the headline (ADR 0021): for every form of exploitation with at least 200
published exit episodes the returns by 12 and 24 months are on the page, exactly in the
incidence table or with noise in the table beside it, whose budget the page states."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from schakel.engine.vocabulary import Role
from schakel.web.core.testing import signed_in
from schakel.web.demo.actions import do_seed_region
from schakel.web.demo.seeding import seed_parameters
from schakel.web.monitor.data import clear_cache
from schakel.web.monitor.stored import compute_release, save_release
from schakel.web.monitor.tests.test_monitor_pages import _table
from schakel.web.organisations.models import Membership, Organisation

pytestmark = pytest.mark.django_db
K = 10


@pytest.fixture
def seeded() -> None:
    """The seeded region and its release (before any other organisation exists)."""
    clear_cache()
    do_seed_region(seed_parameters(persons=1200, seed=11))
    save_release(compute_release(k=K))


@pytest.fixture
def analyst(org_a: Organisation, member: Callable[..., Membership]) -> Client:
    return signed_in(member(org_a, Role.ANALYST))


def test_every_large_form_shows_its_12_and_24_month_returns(seeded: None, analyst: Client) -> None:
    client = analyst
    html = client.get("/monitor/?stratum=form").content.decode()
    incidence = _table(html, "incidence-table")
    noised = _table(html, "noised-table") if 'id="noised-table"' in html else []
    episodes = {row[0]: row[2] for row in incidence}
    large = [
        label
        for label, count in episodes.items()
        if re.fullmatch(r"\d+", count) and int(count) >= 200 and label not in ("Alle", "All")
    ]
    assert large, episodes
    for label in large:
        for months in ("12", "24"):
            exact = [r for r in incidence if r[0] == label and r[1] == months]
            shown = exact and re.fullmatch(r"\d+", exact[0][3])
            with_noise = [r for r in noised if r[0] == label and r[1] == months]
            assert shown or with_noise, (label, months)
            if with_noise:
                assert re.fullmatch(r"\d+", with_noise[0][2])
                assert with_noise[0][3].endswith("%") and "," in with_noise[0][3]
    if noised:
        assert "epsilon 1,0" in html
        assert "Een jaar kost ten hoogste epsilon 4,0." in html


def test_the_budget_says_the_quarter_of_the_draw_and_the_cost_per_year() -> None:
    from django.utils import translation

    from schakel.web.monitor.views import _budget_texts

    budget = {"epsilon": 1.0, "noise_sd": 2.83, "period": "2026-Q4", "epsilon_per_year": 4.0}
    with translation.override("nl"):
        texts = _budget_texts(budget)
    assert texts["noised_period"] == "kwartaal 4 van 2026"
    assert texts["noised_per_year"] == "4,0" and texts["noised_sd"] == "2,8"
    with translation.override("en"):
        assert _budget_texts(budget)["noised_period"] == "quarter 4 of 2026"
    # a release stored before draws were kept per quarter says nothing about quarters
    assert "noised_period" not in _budget_texts({"epsilon": 1.0, "noise_sd": 2.83})
