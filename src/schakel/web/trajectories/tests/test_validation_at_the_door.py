"""Validation at the door: each rule refuses through the form and through the API, says in
Dutch which field is wrong, and stores nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from schakel.engine.trajectories.events import NOTE_MAX
from schakel.engine.vocabulary import Role
from schakel.web.core.testing import signed_in
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.trajectories.actions import do_record_event
from schakel.web.trajectories.models import Person, Trajectory, TrajectoryEvent

pytestmark = pytest.mark.django_db

DUTCH = {"Accept-Language": "nl"}


def api_event(client: Client, trajectory: Trajectory, kind: str, at: str, **payload: Any) -> Any:
    body = {"event_type": kind, "occurred_at": at, "payload": payload}
    return client.post(
        f"/api/v1/trajectories/{trajectory.pk}/events",
        body,
        content_type="application/json",
        headers=DUTCH,
    )


def page_event(client: Client, trajectory: Trajectory, kind: str, **fields: Any) -> Any:
    trajectory.refresh_from_db()
    url = reverse("record-event", args=[trajectory.pk, kind])
    return client.post(url, {"version": trajectory.version, **fields})


def fields_of(response: Any) -> dict[str, str]:
    return {f["field"]: f["message"] for f in response.json()["error"]["fields"]}


def errors_of(response: Any) -> str:
    return response.content.decode()


# -- date of birth -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "message"),
    [
        ("2031-02-30", "Deze datum bestaat niet. Controleer de dag en de maand."),
        ("2023-02-29", "Deze datum bestaat niet. Controleer de dag en de maand."),
        (
            (dt.date.today() + dt.timedelta(days=2)).isoformat(),
            "Deze datum ligt in de toekomst. Vul een datum tot en met vandaag in.",
        ),
    ],
)
def test_impossible_or_future_birth_dates_are_refused(
    coordinator_a: Membership, born: str, message: str
) -> None:
    client = signed_in(coordinator_a)
    identity = {"family_name": "Ionescu", "date_of_birth": born}
    page = client.post(reverse("register-person"), {**identity, "sex": "female", "create": "1"})
    assert page.status_code == 422 and message in errors_of(page)
    api = client.post(
        "/api/v1/coordination/persons",
        {"identity": identity},
        content_type="application/json",
        headers=DUTCH,
    )
    assert api.status_code == 422 and fields_of(api)["date_of_birth"] == message
    assert Person.objects.count() == 0


# -- B8 milestones ---------------------------------------------------------------------------


def test_b8_milestones_keep_their_legal_order(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    client = signed_in(coordinator_a)
    do_record_event(
        actor=coordinator_a,
        trajectory=trajectory_a,
        event_type="residence_milestone",
        occurred_at=dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC),
        payload={"milestone": "reflection_start"},
    )
    do_record_event(
        actor=coordinator_a,
        trajectory=trajectory_a,
        event_type="residence_milestone",
        occurred_at=dt.datetime(2026, 1, 1, 10, tzinfo=dt.UTC),
        payload={"milestone": "police_report"},
    )
    before = TrajectoryEvent.objects.count()
    early = "Deze datum ligt vóór het begin van de bedenktijd. Controleer de datum."
    page = page_event(
        client,
        trajectory_a,
        "residence_milestone",
        occurred_at="2026-02-01T10:00",
        milestone="permit_decision",
        decision="granted",
    )
    assert page.status_code == 422 and early in errors_of(page)
    api = api_event(
        client,
        trajectory_a,
        "residence_milestone",
        "2026-02-01T10:00:00Z",
        milestone="permit_decision",
        decision="granted",
    )
    assert api.status_code == 422 and fields_of(api) == {"occurred_at": early}
    appeal = api_event(
        client, trajectory_a, "residence_milestone", "2026-03-05T10:00:00Z", milestone="appeal"
    )
    assert fields_of(appeal)["milestone"].startswith(  # the API names the field
        "Mijlpaal: voor deze mijlpaal is eerst een besluit"
    )
    assert TrajectoryEvent.objects.count() == before
    good = api_event(
        client,
        trajectory_a,
        "residence_milestone",
        "2026-03-10T10:00:00Z",
        milestone="permit_decision",
        decision="granted",
    )
    assert good.status_code == 201


# -- end before start ----------------------------------------------------------------------


def test_an_end_before_its_start_is_refused(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    client = signed_in(coordinator_a)
    started = do_record_event(
        actor=coordinator_a,
        trajectory=trajectory_a,
        event_type="placement_start",
        occurred_at=dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC),
        payload={"placement_id": "p1", "placement_type": "omm"},
    )
    page = page_event(
        client,
        trajectory_a,
        "placement_end",
        occurred_at="2026-02-01T10:00",
        placement_id=started.payload["placement_id"],
        reason="verhuisd",
    )
    assert page.status_code == 422 and "Het einde ligt vóór het begin." in errors_of(page)
    api = api_event(
        client,
        trajectory_a,
        "placement_end",
        "2026-02-01T10:00:00Z",
        placement_id="p1",
        reason="verhuisd",
    )
    assert fields_of(api) == {"occurred_at": "Het einde ligt vóór het begin."}
    reversed_period = page_event(
        client,
        trajectory_a,
        "exploitation_episode",
        occurred_at="2026-02-01T10:00",
        form="labour",
        started_on="2025-05-01",
        ended_on="2025-04-01",
    )
    assert reversed_period.status_code == 422
    assert "De einddatum ligt vóór de begindatum." in errors_of(reversed_period)
    episode = api_event(
        client,
        trajectory_a,
        "exploitation_episode",
        "2026-02-01T10:00:00Z",
        episode_id="e1",
        form="labour",
        started_on="2025-05-01",
        ended_on="2025-04-01",
    )
    assert episode.status_code == 422
    assert "De einddatum ligt vóór de begindatum." in fields_of(episode).values()
    assert TrajectoryEvent.objects.count() == 1


# -- text limits -----------------------------------------------------------------------------


def test_a_text_over_its_limit_is_refused_and_the_limit_is_shown(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    client = signed_in(coordinator_a)
    url = reverse("record-event", args=[trajectory_a.pk, "intake"])
    form = client.get(url).content.decode()
    assert "maxlength" not in form and f'data-limit="{NOTE_MAX}"' in form  # nothing cut
    assert "Maximaal 4.000 tekens" in form  # grouped, as Dutch writes numbers
    long = "x" * (NOTE_MAX + 120)
    page = page_event(client, trajectory_a, "intake", occurred_at="2026-01-05T10:00", note=long)
    assert page.status_code == 422 and "4.120" in errors_of(page)  # Django names the length
    assert long in page.content.decode()  # what was typed is kept
    assert long in errors_of(page)  # what was typed is kept
    api = api_event(client, trajectory_a, "intake", "2026-01-05T10:00:00Z", note=long)
    assert fields_of(api) == {"note": "Notitie: vul ten hoogste 4.000 tekens in."}
    assert TrajectoryEvent.objects.count() == 0


def _field(html: str, name: str) -> str:
    """A text field's part of the page: label, hint, error, widget and counter."""
    start = html.index(f'for="id_{name}"')
    return html[start : html.index("</div>", start)]


def test_a_text_field_says_its_limit_once(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    """The walk's finding: the note's hint said "Ten hoogste 4.000 tekens.", the counter under
    it "Maximaal 4.000 tekens", and on an error the message named 4.000 a third time."""
    client = signed_in(coordinator_a)
    form = client.get(reverse("record-event", args=[trajectory_a.pk, "intake"])).content.decode()
    note = _field(form, "note")
    assert note.count("4.000") == 1 and "Maximaal 4.000 tekens" in note
    assert "Schrijf geen namen" in note  # the hint stays, without the limit
    long = "x" * (NOTE_MAX + 120)
    page = page_event(client, trajectory_a, "intake", occurred_at="2026-01-05T10:00", note=long)
    note = _field(page.content.decode(), "note")
    assert note.count("4.000") == 1 and "tot hoogstens 4.000" in note  # in the error only
    assert "120 tekens te veel" in note  # the counter says by how much instead
    wrong = do_record_event(
        actor=coordinator_a,
        trajectory=trajectory_a,
        event_type="intake",
        occurred_at=dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC),
        payload={},
    )
    confirm = client.get(reverse("retract-event", args=[trajectory_a.pk, wrong.pk]))
    reason = _field(confirm.content.decode(), "reason")
    assert reason.count("500 tekens") == 1 and "De reden wordt bij de correctie bewaard." in reason


# -- organisations ---------------------------------------------------------------------------


def test_an_organisation_that_does_not_exist_is_refused(
    coordinator_a: Membership, trajectory_a: Trajectory, org_a: Organisation
) -> None:
    client = signed_in(coordinator_a)
    page = page_event(
        client,
        trajectory_a,
        "closure",
        occurred_at="2026-01-05T10:00",
        reason="referred_elsewhere",
        referred_to_organisation_id="99999",
    )
    missing = "Deze organisatie bestaat niet. Kies een organisatie uit de lijst."
    assert page.status_code == 422 and missing in errors_of(page)
    api = api_event(
        client,
        trajectory_a,
        "closure",
        "2026-01-05T10:00:00Z",
        reason="referred_elsewhere",
        referred_to_organisation_id=99999,
    )
    assert api.status_code == 422
    assert fields_of(api) == {"referred_to_organisation_id": missing}
    assert TrajectoryEvent.objects.count() == 0
    named = api_event(
        client,
        trajectory_a,
        "closure",
        "2026-01-05T10:00:00Z",
        reason="referred_elsewhere",
        referred_to_organisation_id=org_a.pk,
    )
    assert named.status_code == 201


# -- frontline scope -------------------------------------------------------------------------


def test_frontline_gets_403_for_coordination_events_and_corrections(
    coordinator_a: Membership,
    trajectory_a: Trajectory,
    member: Callable[..., Membership],
    org_a: Organisation,
) -> None:
    frontline = member(org_a, Role.FRONTLINE)
    client = signed_in(frontline)
    for kind in ("intake", "placement_start", "exit", "residence_milestone", "closure"):
        page = client.get(reverse("record-event", args=[trajectory_a.pk, kind]))
        assert page.status_code == 403, kind
        posted = page_event(client, trajectory_a, kind, occurred_at="2026-01-05T10:00")
        assert posted.status_code == 403, kind
        api = api_event(client, trajectory_a, kind, "2026-01-05T10:00:00Z")
        assert api.status_code == 403, kind
    signal = api_event(client, trajectory_a, "vulnerability", "2026-01-05T10:00:00Z", factor="debt")
    assert signal.status_code == 201
    event = TrajectoryEvent.objects.get()
    retract = client.post(reverse("retract-event", args=[trajectory_a.pk, event.pk]))
    assert retract.status_code == 403
    marker = client.post(
        f"/api/v1/trajectories/{trajectory_a.pk}/events",
        {
            "event_type": "entered_in_error",
            "occurred_at": "2026-01-05T10:00:00Z",
            "payload": {"reason": "typo"},
            "supersedes": str(event.pk),
        },
        content_type="application/json",
    )
    assert marker.status_code == 403 and TrajectoryEvent.objects.count() == 1
    detail = client.get(reverse("trajectory-detail", args=[trajectory_a.pk])).content.decode()
    assert reverse("record-event", args=[trajectory_a.pk, "intake"]) not in detail
    assert reverse("record-event", args=[trajectory_a.pk, "vulnerability"]) in detail
    assert reverse("retract-event", args=[trajectory_a.pk, event.pk]) not in detail
