"""Getting a record by id: one 404 for missing and not yours, 403 for a role that can never,
ids that do not parse are not found, writes check the scope under the row lock, and an audited
read is audited once."""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from schakel.engine.vocabulary import Role
from schakel.web.audit.models import AuditEntry
from schakel.web.core.errors import NotFound
from schakel.web.core.testing import OrganisationFactory, signed_in
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.trajectories.access import (
    access_consent,
    access_person,
    access_referral,
    access_trajectory,
)
from schakel.web.trajectories.actions import (
    do_record_consent,
    do_record_event,
    do_register_time,
)
from schakel.web.trajectories.models import Referral, TimeEntry, Trajectory, TrajectoryEvent

pytestmark = pytest.mark.django_db
API = "/api/v1"
TOO_BIG = 10**30
OPENAPI = Path(__file__).resolve().parents[5] / "docs" / "api" / "openapi.json"


def _refer(sender: Membership, trajectory: Trajectory, receiver: Membership) -> Referral:
    consent = do_record_consent(
        actor=sender,
        trajectory=trajectory,
        purpose="disclosure",
        organisation=receiver.organisation,
        given_on=timezone.localdate(),
        source="written",
    )
    do_record_event(
        actor=sender,
        trajectory=trajectory,
        event_type="referral_sent",
        occurred_at=timezone.now(),
        payload={
            "referral_id": "r1",
            "to_organisation_id": receiver.organisation_id,
            "consent_id": str(consent.pk),
        },
    )
    return Referral.objects.get(trajectory=trajectory, reference="r1")


def _revoke(sender: Membership, trajectory: Trajectory) -> None:
    do_record_event(
        actor=sender,
        trajectory=Trajectory.objects.get(pk=trajectory.pk),
        event_type="referral_revoked",
        occurred_at=timezone.now(),
        payload={"referral_id": "r1", "reason": "consent withdrawn"},
    )


def _page(response: Any, asked: object) -> str:
    """The page without what differs per request: CSRF tokens, and the id asked for (the
    language switch links back to the page's own address)."""
    page = re.sub(r"\b[A-Za-z0-9]{64}\b", "", response.content.decode())
    return page.replace(f"/{asked}/", "/ID/")


def test_missing_and_foreign_trajectory_give_the_same_404(
    coordinator_b: Membership, trajectory_a: Trajectory
) -> None:
    client = signed_in(coordinator_b)
    foreign, missing = trajectory_a.pk, uuid.uuid4()
    pages = [client.get(reverse("trajectory-detail", args=[pk])) for pk in (foreign, missing)]
    assert [p.status_code for p in pages] == [404, 404]
    assert _page(pages[0], foreign) == _page(pages[1], missing)
    for url in ("/trajectories/{}", "/coordination/trajectories/{}/consents"):
        answers = [client.get(API + url.format(pk)) for pk in (foreign, missing)]
        assert [a.status_code for a in answers] == [404, 404]
        assert answers[0].json() == answers[1].json()
        assert answers[0].json()["error"]["code"] == "not_found"


def test_missing_and_foreign_referral_give_the_same_404(
    coordinator_a: Membership,
    coordinator_b: Membership,
    trajectory_a: Trajectory,
    member: Callable[..., Membership],
) -> None:
    referral = _refer(coordinator_a, trajectory_a, coordinator_b)
    third = member(OrganisationFactory.create(name="Derde"))
    client = signed_in(third)
    body = {"accept": True}
    answers = [
        client.post(f"{API}/coordination/referrals/{pk}/answer", body, "application/json")
        for pk in (referral.pk, referral.pk + 1000)
    ]
    assert [a.status_code for a in answers] == [404, 404]
    assert answers[0].json() == answers[1].json()
    ids = (referral.pk, referral.pk + 1000)
    pages = [client.post(reverse("answer-referral", args=[pk]), {"answer": "accept"}) for pk in ids]
    assert [p.status_code for p in pages] == [404, 404]
    assert _page(pages[0], ids[0]) == _page(pages[1], ids[1])
    referral.refresh_from_db()
    assert referral.status == Referral.Status.IN_PROGRESS


@pytest.mark.parametrize(
    ("role", "method", "url"),
    [
        (Role.ANALYST, "get", "/trajectories/{pk}"),
        (Role.SUPERVISOR, "post", "/trajectories/{pk}/events"),
        (Role.SUPERVISOR, "get", "/coordination/trajectories/{pk}/consents"),
        (Role.FRONTLINE, "get", "/coordination/referrals/inbox"),
        (Role.FRONTLINE, "post", "/coordination/referrals/1/answer"),
        (Role.FRONTLINE, "post", "/coordination/handovers"),
        (Role.SUPERVISOR, "post", "/coordination/persons/duplicates"),
    ],
)
def test_a_role_without_the_capability_gets_403(
    role: Role,
    method: str,
    url: str,
    org_a: Organisation,
    member: Callable[..., Membership],
    trajectory_a: Trajectory,
) -> None:
    client = signed_in(member(org_a, role))
    body: dict[str, Any] = {"event_type": "intake", "occurred_at": timezone.now().isoformat()}
    body |= {"accept": True, "from_user": 1, "to_user": 2, "note": "x", "identity": {}}
    target = API + url.format(pk=trajectory_a.pk)
    response = (
        client.post(target, body, "application/json") if method == "post" else client.get(target)
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_a_role_without_the_capability_is_refused_before_the_lookup(
    org_a: Organisation, member: Callable[..., Membership]
) -> None:
    analyst, supervisor = member(org_a, Role.ANALYST), member(org_a, Role.SUPERVISOR)
    with pytest.raises(PermissionDenied):
        access_trajectory(analyst, uuid.uuid4())
    with pytest.raises(PermissionDenied), transaction.atomic():
        access_trajectory(supervisor, uuid.uuid4(), write=True)
    with pytest.raises(PermissionDenied):
        access_person(supervisor, uuid.uuid4())
    with pytest.raises(PermissionDenied):
        access_referral(supervisor, 1)
    client = signed_in(supervisor)
    page = client.get(reverse("record-event", args=[uuid.uuid4(), "intake"]))
    assert page.status_code == 403


@pytest.mark.parametrize("bad", ["not-a-uuid", "", "1' OR '1'='1", str(TOO_BIG)])
def test_ids_that_do_not_parse_are_not_found(bad: str, coordinator_a: Membership) -> None:
    with pytest.raises(NotFound):
        access_trajectory(coordinator_a, bad)
    with pytest.raises(NotFound):
        access_person(coordinator_a, bad)
    with pytest.raises(NotFound):
        access_referral(coordinator_a, bad)
    with pytest.raises(NotFound):
        access_consent(coordinator_a, uuid.uuid4(), bad)


def test_malformed_ids_give_404_not_500(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    """Pages answer 404; the API's schema bounds ids (OpenAPI `maximum`), so a larger one is
    refused at the door with 422 naming the field. Never a 500 (OverflowError on SQLite)."""
    client = signed_in(coordinator_a)
    client.raise_request_exception = False
    pages = [
        client.post(reverse("answer-referral", args=[TOO_BIG]), {"answer": "accept"}),
        client.post(reverse("withdraw-consent", args=[trajectory_a.pk, TOO_BIG])),
        client.post(reverse("register-person"), {"family_name": "X", "sex": "unknown", "use": "?"}),
    ]
    assert [a.status_code for a in pages] == [404] * len(pages)
    endpoints = [
        client.post(
            f"{API}/coordination/referrals/{TOO_BIG}/answer", {"accept": True}, "application/json"
        ),
        client.post(
            f"{API}/coordination/handovers",
            {"from_user": TOO_BIG, "to_user": coordinator_a.user_id, "note": "x"},
            "application/json",
        ),
    ]
    assert [a.status_code for a in endpoints] == [422, 422]
    named = [[f["field"] for f in a.json()["error"]["fields"]] for a in endpoints]
    assert named == [["referral_id"], ["body.from_user"]]


def test_handover_through_the_api_only_between_colleagues(
    coordinator_a: Membership, coordinator_b: Membership, trajectory_a: Trajectory
) -> None:
    client = signed_in(coordinator_a)
    body = {"from_user": coordinator_b.user_id, "to_user": coordinator_a.user_id, "note": "x"}
    response = client.post(f"{API}/coordination/handovers", body, "application/json")
    assert response.status_code == 404


def test_an_audited_read_writes_exactly_one_entry(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    before = AuditEntry.objects.count()
    access_trajectory(coordinator_a, trajectory_a.pk)
    assert AuditEntry.objects.count() == before
    access_trajectory(coordinator_a, str(trajectory_a.pk), purpose="case review")
    entry = AuditEntry.objects.get(sequence__gt=before)
    assert (entry.action, entry.object_type, entry.object_id, entry.purpose) == (
        AuditEntry.Action.READ,
        "trajectory",
        str(trajectory_a.pk),
        "case review",
    )
    page = signed_in(coordinator_a).get(reverse("trajectory-detail", args=[trajectory_a.pk]))
    assert page.status_code == 200
    assert AuditEntry.objects.filter(sequence__gt=entry.sequence).count() == 1


def test_an_audited_read_of_something_not_found_is_audited_as_denied(
    coordinator_b: Membership, trajectory_a: Trajectory
) -> None:
    with pytest.raises(NotFound):
        access_trajectory(coordinator_b, trajectory_a.pk, purpose="curious")
    entry = AuditEntry.objects.get(actor=coordinator_b.user)
    assert (entry.action, entry.object_id) == (AuditEntry.Action.DENIED, str(trajectory_a.pk))


@pytest.mark.django_db(transaction=True)
def test_a_write_access_needs_a_transaction(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    with pytest.raises(transaction.TransactionManagementError):
        access_trajectory(coordinator_a, trajectory_a.pk, write=True)
    with transaction.atomic():
        assert access_trajectory(coordinator_a, trajectory_a.pk, write=True) == trajectory_a


def _write_event(actor: Membership, trajectory: Trajectory) -> None:
    do_record_event(
        actor=actor,
        trajectory=trajectory,
        event_type="vulnerability",
        occurred_at=timezone.now(),
        payload={"factor": "debt"},
    )


def _write_consent(actor: Membership, trajectory: Trajectory) -> None:
    do_record_consent(
        actor=actor,
        trajectory=trajectory,
        purpose="services",
        given_on=timezone.localdate(),
        source="verbal",
    )


def _write_time(actor: Membership, trajectory: Trajectory) -> None:
    do_register_time(
        actor=actor, trajectory=trajectory, task_type="contact", on=timezone.localdate(), minutes=5
    )


@pytest.mark.parametrize("write", [_write_event, _write_consent, _write_time])
def test_a_grant_revoked_after_the_read_refuses_the_write(
    write: Callable[[Membership, Trajectory], None],
    coordinator_a: Membership,
    coordinator_b: Membership,
    trajectory_a: Trajectory,
) -> None:
    _refer(coordinator_a, trajectory_a, coordinator_b)
    stale = access_trajectory(coordinator_b, trajectory_a.pk)  # the receiver reads it
    _revoke(coordinator_a, trajectory_a)  # then the sender revokes the referral
    events, consents = TrajectoryEvent.objects.count(), trajectory_a.consents.count()
    with pytest.raises(NotFound):
        write(coordinator_b, stale)
    assert TrajectoryEvent.objects.count() == events
    assert trajectory_a.consents.count() == consents and not TimeEntry.objects.exists()


def test_a_refused_event_is_audited_as_denied(
    coordinator_a: Membership, coordinator_b: Membership, trajectory_a: Trajectory
) -> None:
    with pytest.raises(NotFound):
        _write_event(coordinator_b, trajectory_a)
    entry = AuditEntry.objects.get(actor=coordinator_b.user)
    assert entry.action == AuditEntry.Action.DENIED and entry.object_id == str(trajectory_a.pk)


def test_an_answer_to_a_referral_revoked_after_the_read_is_refused(
    coordinator_a: Membership, coordinator_b: Membership, trajectory_a: Trajectory
) -> None:
    from schakel.web.trajectories.actions import do_answer_referral

    referral = access_referral(coordinator_b, _refer(coordinator_a, trajectory_a, coordinator_b).pk)
    _revoke(coordinator_a, trajectory_a)
    with pytest.raises(NotFound):
        do_answer_referral(actor=coordinator_b, referral=referral, accept=True)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.REVOKED


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_write_waits_for_the_lock_and_then_sees_the_revocation(
    coordinator_a: Membership, coordinator_b: Membership, trajectory_a: Trajectory
) -> None:
    """The sender holds the lock while revoking; the receiver's write, already past its own
    read, waits for the lock and then finds the grant gone (a check before the lock would not)."""
    _refer(coordinator_a, trajectory_a, coordinator_b)
    stale = access_trajectory(coordinator_b, trajectory_a.pk)
    locked, outcome = threading.Event(), []

    def receiver() -> None:
        try:
            locked.wait(10)
            receiver_actor = Membership.objects.select_related("organisation").get(
                pk=coordinator_b.pk
            )
            _write_event(receiver_actor, stale)
            outcome.append("written")
        except NotFound:
            outcome.append("not found")
        finally:
            connections.close_all()

    thread = threading.Thread(target=receiver)
    thread.start()
    with transaction.atomic():
        access_trajectory(coordinator_a, trajectory_a.pk, write=True)
        locked.set()
        thread.join(timeout=1)  # the receiver blocks on the lock meanwhile
        assert thread.is_alive()
        _revoke(coordinator_a, trajectory_a)
    thread.join(timeout=30)
    assert outcome == ["not found"]
    assert not TrajectoryEvent.objects.filter(event_type="vulnerability").exists()


def test_the_api_detail_matches_its_openapi_schema(
    coordinator_a: Membership, coordinator_b: Membership, trajectory_a: Trajectory
) -> None:
    """The committed OpenAPI file describes the fields GET /trajectories/{id} returns (two
    schemas named `TaskOut` made it describe the task list's fields instead)."""
    _refer(coordinator_a, trajectory_a, coordinator_b)  # opens a task: the answer is due
    detail = signed_in(coordinator_a).get(f"{API}/trajectories/{trajectory_a.pk}").json()
    assert [t["kind"] for t in detail["open_tasks"]] == ["referral_answer"]
    schemas = json.loads(OPENAPI.read_text())["components"]["schemas"]
    ref = schemas["TrajectoryDetail"]["properties"]["open_tasks"]["items"]["$ref"]
    task_schema = schemas[ref.rsplit("/", 1)[1]]
    assert set(detail["open_tasks"][0]) == set(task_schema["properties"])
