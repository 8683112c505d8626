"""The walk behind test_every_read_audited: which pages and endpoints show person-linked data,
how to build their addresses from the data a member can see, and which answered without
writing an audit entry.

Every page with a capability (from the URL resolver) is in exactly one of `PERSON_PAGES` and
`NO_PERSON_DATA`, so a new page fails the classification test until someone decides; every
GET endpoint of the API (from the live OpenAPI description) shows person-linked data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.urls import reverse

from schakel.engine.trajectories.events import EventType
from schakel.web.api.main import api
from schakel.web.audit.models import AuditEntry
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability, has
from schakel.web.retention.models import ErasureRequest
from schakel.web.signals.models import Assessment, Consultation
from schakel.web.trajectories.actions import capability_for
from schakel.web.trajectories.models import Consent, Trajectory
from schakel.web.trajectories.selectors import inbox_for

PERSON_PAGES = {
    "trajectory-list",
    "coordinator-dashboard",
    "referral-inbox",
    "answer-referral",
    "register-time",
    "trajectory-detail",
    "trajectory-identity",
    "trajectory-consents",
    "withdraw-consent",
    "trajectory-refer",
    "national-report",
    "record-event",
    "retract-event",
    "audit-log",
    "audit-export",
    "signal-consultations",
    "signal-consultation",
    "signal-inbox",
    "signal-referrals",
    "signal-referral-label",
    "return-candidates",
    "review-return",
    "retention-request",
    "retention-decide",
}
"""Pages that show a person, a trajectory, a consultation or the audit trail."""

NO_PERSON_DATA = {
    "register-person": "an empty form; the registration itself is audited",
    "team": "counts per colleague",
    "regional-workload": "hours per organisation and task type",
    "quality-worklist": "counts per kind of issue",
    "handover": "colleagues' names; the preview is a POST and the handover is audited",
    "organisation-options": "organisations to refer to",
    "provider-options": "services on the social map to place with",
    "reveal-releases": "colleagues and their number of reveals, no one revealed",
    "signal-consult": "a form with the signal check's summary, no person",
    "signal-refer": "a form; the referral is audited",
    "signal-catalogue": "indicator catalogue versions",
    "signal-catalogue-bundle": "the catalogue as a file",
    "overview": "the monitor: suppressed aggregates",
    "refresh": "the monitor: suppressed aggregates",
    "export": "the monitor: suppressed aggregates",
    "export_xlsx": "the monitor: suppressed aggregates",
    "linkage-runs": "run history: counts",
    "retention-overview": "retention periods, requests by date and ground, erasure counts",
}
"""Pages with a capability that show no person-linked data, and why (knowledge, social map,
training, account and catalogue pages are about staff and content, matched by prefix below)."""

STAFF_AND_CONTENT = ("knowledge-", "socialmap-", "training-", "account-", "signal-catalogue")


NO_PERSON_ENDPOINTS = {
    "/api/v1/linkage/runs": "run history: counts and settings",
}
"""GET endpoints with a capability that show no person-linked data, and why."""


def shows_person_data(name: str) -> bool:
    return name in PERSON_PAGES


def unclassified(names: list[str]) -> list[str]:
    return sorted(
        n
        for n in names
        if n not in PERSON_PAGES and n not in NO_PERSON_DATA and not n.startswith(STAFF_AND_CONTENT)
    )


def person_endpoints() -> list[str]:
    """GET paths of the API that need a capability (all of them show person-linked data)."""
    schema = api.get_openapi_schema()
    return [
        path
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
        if method == "get" and operation.get("x-capability") and path not in NO_PERSON_ENDPOINTS
    ]


def _trajectory(m: Membership) -> Trajectory | None:
    return (
        Trajectory.objects.writable_by(m).order_by("opened_at").first()
        if has(m, Capability.RECORD_EVENTS)
        else Trajectory.objects.visible_to(m).order_by("opened_at").first()
    )


def _event_type(m: Membership) -> str | None:
    for kind in EventType:
        if kind != EventType.ENTERED_IN_ERROR and has(m, capability_for(kind)):
            return kind.value
    return None


def _kwargs(name: str, m: Membership) -> dict[str, Any] | None:
    """The address's arguments from what `m` can see; None when there is nothing to show."""
    t = _trajectory(m)
    found: dict[str, Callable[[], dict[str, Any] | None]] = {
        "answer-referral": lambda: _pk(inbox_for(m).first()),
        "withdraw-consent": lambda: (
            {"pk": t.pk, "consent_id": c.pk}
            if t and (c := Consent.objects.filter(trajectory=t).first())
            else None
        ),
        "record-event": lambda: (
            {"pk": t.pk, "event_type": kind} if t and (kind := _event_type(m)) else None
        ),
        "retract-event": lambda: (
            {"pk": t.pk, "event_id": e.pk}
            if t and (e := t.events.filter(organisation_id=m.organisation_id).first())
            else None  # only the organisation that recorded an event corrects it
        ),
        "signal-consultation": lambda: _pk(Consultation.objects.visible_to(m).first()),
        "signal-referral-label": lambda: _pk(Assessment.objects.referrals_visible_to(m).first()),
        "retention-request": lambda: {"trajectory_id": t.pk} if t else None,
        "retention-decide": lambda: (
            {"request_id": r.pk}
            if (r := ErasureRequest.objects.filter(organisation_id=m.organisation_id).first())
            else None
        ),
        "review-return": lambda: {"pk": 1},
    }
    if name in found:
        return found[name]()
    return {"pk": t.pk} if t else None


def _pk(row: Any) -> dict[str, Any] | None:
    return {"pk": row.pk} if row is not None else None


@dataclass
class Walk:
    """What a walk saw: addresses answered 200, those that wrote no audit entry, and the
    POST-only pages (reads are GETs; their writes are audited by the actions)."""

    walked: dict[str, list[str]] = field(default_factory=dict)
    unaudited: list[str] = field(default_factory=list)
    post_only: set[str] = field(default_factory=set)

    def visit(self, client: Client, m: Membership, name: str, url: str) -> None:
        last = AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first()
        response = client.get(url)
        if response.status_code == 405:
            self.post_only.add(name)
            return
        if response.status_code != 200:
            return
        self.walked.setdefault(name, []).append(f"{m.role} {url}")
        written = AuditEntry.objects.filter(
            sequence__gt=last or 0, actor_id=m.user_id, action=AuditEntry.Action.READ
        )
        if not written.exists():
            self.unaudited.append(f"{m.role} {name} {url}")


def walk_pages(walk: Walk, client: Client, m: Membership, pages: list[Any]) -> None:
    """Every person page whose capability `m` holds, with addresses from `m`'s own data."""
    for page in pages:
        if not shows_person_data(page.name) or page.capability is None:
            continue
        if not has(m, page.capability):
            continue
        kwargs = _kwargs(page.name, m) if page.converters else {}
        if kwargs is None:
            continue
        walk.visit(client, m, page.name, reverse(page.name, kwargs=kwargs))


def walk_endpoints(walk: Walk, client: Client, m: Membership) -> None:
    schema = api.get_openapi_schema()
    for path in person_endpoints():
        capability = schema["paths"][path]["get"]["x-capability"]
        if not has(m, Capability(capability)):
            continue
        url = path
        if "{trajectory_id}" in path:
            t = _trajectory(m)
            if t is None:
                continue
            url = path.replace("{trajectory_id}", str(t.pk))
        walk.visit(client, m, "GET " + path, url)
