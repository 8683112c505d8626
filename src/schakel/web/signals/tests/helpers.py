"""Shared steps of the signal-check tests: fill in a check the way a browser would."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from schakel.engine.indicators import Dimension, Strength, load_catalogue

CATALOGUE = load_catalogue()
WHO = {
    "age": "minor",
    "form": "labour",
    "role": "youth_care",
    "region": "rotterdam",
    "foreign_national": "no",
    "domestic_setting": "unknown",
}


def of_strength(set_id: str, dimension: Dimension, strength: Strength) -> list[str]:
    return [
        i.id
        for i in CATALOGUE.indicators_of(set_id)
        if i.dimension is dimension and i.strength is strength
    ]


def positive(set_id: str, dimension: Dimension) -> list[str]:
    """Indicators that make a dimension positive: one strong and one medium, or three medium."""
    strong = of_strength(set_id, dimension, Strength.STRONG)[:1]
    medium = of_strength(set_id, dimension, Strength.MEDIUM)
    found = strong + medium[:1] if strong else medium[:3]
    assert len(found) >= 2, (set_id, dimension)
    return found


def answer_part(client: Client, part: str, present: list[str], **extra: str) -> None:
    """Answer one part of the question list: the given ids present, everything else absent."""
    url = reverse("signal-check-part", args=[part])
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    ids = set(page.context["form"].fields)
    data = {i: ("present" if i in present else "absent") for i in ids}
    response = client.post(url, {**data, **extra})
    assert response.status_code == 302, response.content[:2000]


def complete_check(
    client: Client, who: dict[str, str] | None = None, met: bool = True
) -> dict[str, str]:
    """Step 1 and the parts that make the outcome met (or not met) for a minor or adult."""
    who = {**WHO, **(who or {})}
    response = client.post(reverse("signal-check"), who)
    assert response.status_code == 302, response.content[:2000]
    set_id = _set_id(client)
    answer_part(client, "d1", positive(set_id, Dimension.D1) if met else [])
    answer_part(client, "d4", positive(set_id, Dimension.D4))
    if who["age"] == "adult":
        answer_part(client, "d5", positive(set_id, Dimension.D5))
    return who


def _set_id(client: Client) -> str:
    from schakel.web.signals.check import CheckState

    state = CheckState.from_session(client.session["signal_check"])
    assert state is not None
    return state.set_id
