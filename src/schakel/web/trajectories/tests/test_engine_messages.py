"""Problems the engine finds reach pages and the API in the reader's language (issue 11)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from schakel.web.core.labels import FIELD_LABELS
from schakel.web.core.testing import signed_in
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.models import Person, Trajectory

pytestmark = pytest.mark.django_db


def test_a_bad_date_of_birth_and_bsn_read_in_dutch(coordinator_a: Membership) -> None:
    response = signed_in(coordinator_a).post(
        reverse("register-person"),
        {
            "family_name": "Nowak",
            "sex": "male",
            "date_of_birth": "31-02-2010",
            "bsn": "123456789",
            "create": "1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 422 and Person.objects.count() == 0
    assert "Schrijf de geboortedatum in cijfers, bijvoorbeeld 14 3 1999." in html
    assert "Geen geldig BSN: negen cijfers die de elfproef doorstaan." in html
    assert "Value error" not in html and "eleven test" not in html


def test_an_event_form_shows_the_engine_problem_in_dutch(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    client = signed_in(coordinator_a)
    base = {"version": str(trajectory_a.version), "occurred_at": "2026-01-05T10:00"}
    ended = client.post(
        reverse("record-event", args=[trajectory_a.pk, "residence_milestone"]),
        {**base, "milestone": "reflection_end"},
    )
    assert ended.status_code == 422
    assert "Vóór deze datum is geen bedenktijd begonnen." in ended.content.decode()
    episode = client.post(
        reverse("record-event", args=[trajectory_a.pk, "exploitation_episode"]),
        {**base, "form": "labour", "started_on": "2025-05-01", "ended_on": "2025-04-01"},
    )
    html = episode.content.decode()
    assert episode.status_code == 422 and "De einddatum ligt vóór de begindatum." in html
    assert "String should match" not in html


@pytest.mark.parametrize(
    ("language", "required", "no_start"),
    [
        (
            "en",
            "This is required: fill it in or make a choice.",
            "Nothing in the trajectory started with this reference.",
        ),
        (
            "nl",
            "Dit is verplicht: vul het in of maak een keuze.",
            "Niets in het traject is met deze referentie begonnen.",
        ),
    ],
)
def test_an_api_422_names_each_field_in_the_readers_language(
    coordinator_a: Membership, trajectory_a: Trajectory, language: str, required: str, no_start: str
) -> None:
    client = signed_in(coordinator_a)
    url = f"/api/v1/trajectories/{trajectory_a.pk}/events"
    now = timezone.now().isoformat()

    def post(event_type: str, payload: dict[str, str]) -> dict[str, object]:
        body = {"event_type": event_type, "occurred_at": now, "payload": payload}
        response = client.post(
            url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
        )
        assert response.status_code == 422 and response["Content-Language"] == language
        error: dict[str, object] = response.json()["error"]
        return error

    missing = post("placement_start", {"placement_id": "p"})
    assert missing["code"] == "invalid_event"
    kind, reference = FIELD_LABELS["placement_type"], FIELD_LABELS["placement_id"]
    with translation.override(language):
        required = f"{kind}: {required[0].lower()}{required[1:]}"  # the field is named
        no_start = f"{reference}: {no_start[0].lower()}{no_start[1:]}"
    assert missing["fields"] == [{"field": "placement_type", "message": required}]
    unstarted = post("placement_end", {"placement_id": "p", "reason": "x"})
    assert unstarted["fields"] == [{"field": "placement_id", "message": no_start}]
