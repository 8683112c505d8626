"""The timeline shows each event as its registry entry says: labels, not codes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from schakel.engine.trajectories import REGISTRY, EventType
from schakel.web.core.labels import LABELS, choices
from schakel.web.core.testing import signed_in
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.actions import do_record_consent, do_record_event
from schakel.web.trajectories.models import Trajectory, TrajectoryEvent

pytestmark = pytest.mark.django_db
FIELD = re.compile(r"<dt>(.*?)</dt><dd>(.*?)</dd>", re.S)


def _record(
    actor: Membership, trajectory: Trajectory, kind: str, **payload: object
) -> TrajectoryEvent:
    return do_record_event(
        actor=actor,
        trajectory=trajectory,
        event_type=kind,
        occurred_at=timezone.now() - dt.timedelta(days=1),
        payload=payload,
    )


def _page(actor: Membership, trajectory: Trajectory, language: str = "nl") -> str:
    client = signed_in(actor)
    client.cookies["django_language"] = language
    page = client.get(reverse("trajectory-detail", args=[trajectory.pk]))
    assert page.status_code == 200
    return page.content.decode()


def test_payload_values_read_as_labels_and_names(
    coordinator_a: Membership, coordinator_b: Membership, trajectory_a: Trajectory
) -> None:
    consent = do_record_consent(
        actor=coordinator_a,
        trajectory=trajectory_a,
        purpose="disclosure",
        organisation=coordinator_b.organisation,
        given_on=timezone.localdate(),
        source="verbal",
    )
    _record(
        coordinator_a,
        trajectory_a,
        "referral_sent",
        referral_id="r1",
        to_organisation_id=coordinator_b.organisation_id,
        consent_id=str(consent.pk),
    )
    _record(
        coordinator_a, trajectory_a, "placement_start", placement_id="p1", placement_type="cosm"
    )
    _record(coordinator_a, trajectory_a, "residence_milestone", milestone="police_report")
    _record(
        coordinator_a,
        trajectory_a,
        "residence_milestone",
        milestone="permit_decision",
        decision="granted",
    )
    _record(
        coordinator_a,
        trajectory_a,
        "exploitation_episode",
        episode_id="e1",
        form="labour",
        control_methods=["debt_bondage", "withholds_documents"],
        started_on="2023-05-02",
    )
    _record(coordinator_a, trajectory_a, "vulnerability", factor="debt", addressed=True)
    fields = [f"{k}: {v}" for k, v in FIELD.findall(_page(coordinator_a, trajectory_a, "en"))]
    for shown in (
        "To organisation: Zorgcoördinatie B",
        "Purpose: Services",
        "Type of placement: COSM (categorical shelter)",
        "Milestone: Residence permit decision",
        "Decision: Granted",
        "Form of exploitation: Labour exploitation",
        "Means of control: Debt bondage, Withholds documents",
        "Started on: 2 May 2023",
        "Addressed: Yes",
    ):
        assert shown in fields
    codes = {"cosm", "permit_decision", "granted", "labour", "debt_bondage", "services"}
    assert not {f.split(": ", 1)[1] for f in fields} & codes
    assert f"To organisation: {coordinator_b.organisation_id}" not in fields


def test_event_names_come_from_the_registry_in_the_active_language(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    _record(coordinator_a, trajectory_a, "intake")
    _record(coordinator_a, trajectory_a, "lost_contact")
    assert "<strong>Contact verloren</strong>" in _page(coordinator_a, trajectory_a)
    assert "<strong>Lost contact</strong>" in _page(coordinator_a, trajectory_a, "en")
    _record(coordinator_a, trajectory_a, "placement_start", placement_id="p", placement_type="omm")
    _record(coordinator_a, trajectory_a, "placement_end", placement_id="p", reason="x", fit="good")
    dutch = _page(coordinator_a, trajectory_a)
    assert "<strong>Plaatsing beëindigd</strong>" in dutch and "Past goed" in dutch


def test_event_type_labels_and_choices_follow_the_registry() -> None:
    for kind in EventType:
        label = REGISTRY[kind].label
        with translation.override("nl"):
            assert str(LABELS[EventType][kind.value]) == label.nl
            assert dict(choices(EventType))[kind.value] == label.nl
        with translation.override("en"):
            assert str(LABELS[EventType][kind.value]) == label.en


def test_every_shown_code_has_a_label() -> None:
    """A code on the timeline never shows raw: each vocabulary it can come from is labelled."""
    for kind in EventType:
        for shown in REGISTRY[kind].shown:
            if shown.vocabulary is not None:
                assert shown.vocabulary in LABELS, (kind, shown.name)
                assert set(LABELS[shown.vocabulary]) == {m.value for m in shown.vocabulary}


def test_corrected_events_stay_visible_and_cannot_be_withdrawn_again(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    wrong = _record(coordinator_a, trajectory_a, "intake")
    do_record_event(
        actor=coordinator_a,
        trajectory=trajectory_a,
        event_type="entered_in_error",
        occurred_at=wrong.occurred_at,
        payload={"reason": "wrong person"},
        supersedes=wrong,
    )
    html = _page(coordinator_a, trajectory_a, "en")
    assert html.count('class="schakel-superseded"') == 2  # the intake and its marker
    assert reverse("retract-event", args=[trajectory_a.pk, wrong.pk]) not in html
    assert "Mark as entered in error" not in html
    assert "<dt>Reason</dt><dd>wrong person</dd>" in html
    assert html.count("withdrawn</strong>") == 2


def test_withdrawing_a_corrected_event_again_says_why_and_writes_nothing(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    """A second click (an old tab, a double submit) gets a message, not an error page."""
    wrong = _record(coordinator_a, trajectory_a, "intake")
    client = signed_in(coordinator_a)
    url = reverse("retract-event", args=[trajectory_a.pk, wrong.pk])
    confirm = client.get(url).content.decode()
    assert "Wat er gebeurt:" in confirm and 'name="reason"' in confirm
    unconfirmed = client.post(url, {"reason": "dubbel"})  # only ever shows the question
    assert unconfirmed.status_code == 200 and not TrajectoryEvent.objects.filter(supersedes=wrong)
    no_reason = client.post(url, {"confirmed": "1", "reason": ""})
    assert no_reason.status_code == 422 and not TrajectoryEvent.objects.filter(supersedes=wrong)
    assert client.post(url, {"confirmed": "1", "reason": "dubbel"}).status_code == 302
    again = client.post(url, {"confirmed": "1", "reason": "dubbel"})
    assert again.status_code == 409  # the question page says so, with no button to do it again
    assert "Dit is al gedaan op " in again.content.decode()
    assert 'name="confirmed"' not in again.content.decode()
    assert TrajectoryEvent.objects.filter(supersedes=wrong).count() == 1


def test_detail_page_queries_do_not_grow_with_events(
    coordinator_a: Membership, coordinator_b: Membership, trajectory_a: Trajectory
) -> None:
    client = signed_in(coordinator_a)
    url = reverse("trajectory-detail", args=[trajectory_a.pk])
    _record(
        coordinator_a,
        trajectory_a,
        "consultation",
        topic="a",
        consulted_organisation_id=coordinator_b.organisation_id,
    )
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(4):
        _record(
            coordinator_a,
            trajectory_a,
            "consultation",
            topic=f"t{n}",
            consulted_organisation_id=coordinator_a.organisation_id,
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_each_entry_says_when_what_and_who_in_local_time_with_names_escaped(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    user = coordinator_a.user
    user.first_name, user.last_name = "Ans <b>", "de Vries"
    user.save()
    # 23:30 UTC on 1 March is 00:30 on 2 March in Amsterdam
    do_record_event(
        actor=coordinator_a,
        trajectory=trajectory_a,
        event_type="intake",
        occurred_at=dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC),
        payload={},
    )
    org = coordinator_a.organisation.name
    dutch = _page(coordinator_a, trajectory_a)
    assert (
        "Op 2 maart 2026 om 00:30: <strong>Intake</strong>, "
        f"vastgelegd door Ans &lt;b&gt; de Vries ({org})." in dutch
    )
    english = _page(coordinator_a, trajectory_a, "en")
    assert (
        "On 2 March 2026 at 00:30: <strong>Intake</strong>, "
        f"recorded by Ans &lt;b&gt; de Vries ({org})." in english
    )
