"""Real responses of every endpoint validate against the committed OpenAPI file.

The drift test (`test_openapi_file_is_current`) only shows that the file matches what the code
declares; this one shows that what the code declares is what it returns. A journey through the
API calls every operation at least once with success and with errors, and each body is checked
against the schema the committed file gives for that path, method and status.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from schakel.engine.vocabulary import Role
from schakel.web.core.testing import signed_in
from schakel.web.linkage.models import ReturnCandidate
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.models import Trajectory, TrajectoryEvent

pytestmark = pytest.mark.django_db
OPENAPI = Path(__file__).resolve().parents[5] / "docs" / "api" / "openapi.json"
PREFIX = "/api/v1"


class Checker:
    """Calls the API and validates every response against the committed description."""

    def __init__(self) -> None:
        self.spec = json.loads(OPENAPI.read_text(encoding="utf-8"))
        resource = Resource.from_contents(self.spec, default_specification=DRAFT202012)
        self.registry: Registry = Registry().with_resource(BASE, resource)
        self.seen: set[tuple[str, str, int]] = set()

    def call(
        self, client: Client, method: str, url: str, body: object = None, expect: int = 200
    ) -> Any:
        if method == "get":
            response = client.get(url)
        else:
            response = client.post(url, body or {}, content_type="application/json")
        assert response.status_code == expect, (url, response.status_code, response.content[:300])
        path = self._template(method, url.split("?")[0])
        responses = self.spec["paths"][path][method]["responses"]
        assert str(expect) in responses, f"{method.upper()} {path} may not answer {expect}"
        schema = _absolute(responses[str(expect)]["content"]["application/json"]["schema"])
        validator = Draft202012Validator(schema, registry=self.registry)
        problems = list(validator.iter_errors(response.json()))
        assert not problems, (
            f"{method.upper()} {path} {expect}: the response does not fit the committed schema: "
            + "; ".join(f"{list(p.absolute_path)}: {p.message[:200]}" for p in problems[:5])
        )
        self.seen.add((method, path, expect))
        return response.json()

    def _template(self, method: str, url: str) -> str:
        for path, operations in self.spec["paths"].items():
            pattern = re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(path))
            if method in operations and re.fullmatch(pattern, url):
                return path
        raise AssertionError(f"{method.upper()} {url} is not in docs/api/openapi.json")


BASE = "urn:schakel-openapi"


def _absolute(schema: Any) -> Any:
    """The schema with its references pointing into the committed file."""
    if isinstance(schema, dict):
        return {
            k: (BASE + v if k == "$ref" and v.startswith("#") else _absolute(v))
            for k, v in schema.items()
        }
    if isinstance(schema, list):
        return [_absolute(v) for v in schema]
    return schema


@pytest.fixture
def checker() -> Checker:
    return Checker()


def test_every_endpoint_answers_as_described(
    checker: Checker,
    coordinator_a: Membership,
    coordinator_b: Membership,
    trajectory_a: Trajectory,
    member: Any,
) -> None:
    a, b = signed_in(coordinator_a), signed_in(coordinator_b)
    analyst = signed_in(member(coordinator_a.organisation, Role.ANALYST))
    now = timezone.now().isoformat()
    today = timezone.localdate().isoformat()
    tid = trajectory_a.pk

    # Trajectories: list, detail, record an event, and the errors.
    checker.call(a, "get", f"{PREFIX}/trajectories")
    checker.call(b, "get", f"{PREFIX}/trajectories/{tid}", expect=404)
    checker.call(
        a,
        "post",
        f"{PREFIX}/trajectories/{tid}/events",
        {"event_type": "intake", "occurred_at": now, "payload": {}},
        expect=201,
    )
    checker.call(
        a,
        "post",
        f"{PREFIX}/trajectories/{tid}/events",
        {"event_type": "placement_start", "occurred_at": now, "payload": {}},
        expect=422,
    )
    checker.call(
        a,
        "post",
        f"{PREFIX}/trajectories/{tid}/events",
        {"event_type": "intake", "occurred_at": now, "expected_version": 0},
        expect=409,
    )
    checker.call(
        a,
        "post",
        f"{PREFIX}/coordination/trajectories/{tid}/consents",
        {
            "purpose": "disclosure",
            "given_on": today,
            "source": "written",
            "organisation": coordinator_b.organisation_id,
        },
        expect=201,
    )
    consents = checker.call(a, "get", f"{PREFIX}/coordination/trajectories/{tid}/consents")
    checker.call(
        a,
        "post",
        f"{PREFIX}/trajectories/{tid}/events",
        {
            "event_type": "referral_sent",
            "occurred_at": now,
            "payload": {
                "referral_id": "r1",
                "to_organisation_id": coordinator_b.organisation_id,
                "consent_id": str(consents[0]["id"]),
            },
        },
        expect=201,
    )
    checker.call(a, "get", f"{PREFIX}/trajectories/{tid}")
    checker.call(analyst, "get", f"{PREFIX}/trajectories", expect=403)
    checker.call(Client(), "get", f"{PREFIX}/trajectories", expect=401)

    # Coordination: inbox, answer, tasks, duplicates, registration, handover.
    inbox = checker.call(b, "get", f"{PREFIX}/coordination/referrals/inbox")
    referral = inbox[0]["id"]
    checker.call(
        b,
        "post",
        f"{PREFIX}/coordination/referrals/{referral}/answer",
        {"accept": True, "reason": ""},
    )
    checker.call(
        b,
        "post",
        f"{PREFIX}/coordination/referrals/{referral}/answer",
        {"accept": True, "reason": ""},
        expect=404,
    )
    checker.call(a, "get", f"{PREFIX}/coordination/tasks")
    checker.call(a, "get", f"{PREFIX}/coordination/tasks?before={today}")
    checker.call(
        a,
        "post",
        f"{PREFIX}/coordination/persons/duplicates",
        {"identity": {"given_names": "Joana", "family_name": "Popesku", "date_of_birth": "1999"}},
    )
    checker.call(
        a,
        "post",
        f"{PREFIX}/coordination/persons",
        {
            "identity": {
                "given_names": "Mara",
                "family_name": "Ionescu",
                "sex": "female",
                "date_of_birth": "2001-02-03",
            }
        },
        expect=201,
    )
    checker.call(
        a,
        "post",
        f"{PREFIX}/coordination/persons",
        {"identity": {"family_name": "X", "sex": "robot"}},
        expect=422,
    )
    colleague = member(coordinator_a.organisation, Role.COORDINATOR)
    checker.call(
        a,
        "post",
        f"{PREFIX}/coordination/handovers",
        {
            "from_user": coordinator_a.user_id,
            "to_user": colleague.user_id,
            "note": "Overdracht wegens vertrek",
        },
        expect=201,
    )

    # Linkage: the data steward's runs and review of possible returns.
    steward = signed_in(member(coordinator_b.organisation, Role.DATA_STEWARD))
    checker.call(steward, "post", f"{PREFIX}/linkage/runs", {}, expect=202)
    checker.call(steward, "get", f"{PREFIX}/linkage/runs")
    candidate = ReturnCandidate.objects.create(
        earlier=trajectory_a,
        later=trajectory_a,
        later_event=TrajectoryEvent.objects.filter(trajectory=trajectory_a).earliest("pk"),
        cluster="c1",
        match_probability=0.93,
        days_after_end=40,
        detected_at=timezone.now(),
        agreement={"family_name": "same", "date_of_birth": "same_year"},
    )
    checker.call(steward, "get", f"{PREFIX}/linkage/returns")
    checker.call(a, "get", f"{PREFIX}/linkage/returns", expect=403)
    review = f"{PREFIX}/linkage/returns/{candidate.pk}/review"
    checker.call(steward, "post", review, {"answer": "reject"}, expect=422)
    checker.call(steward, "post", review, {"answer": "reject", "reason": "Ander geboortejaar"})
    missing = f"{PREFIX}/linkage/returns/{candidate.pk + 1000}/review"
    checker.call(steward, "post", missing, {"answer": "confirm"}, expect=404)

    # Signals: public, no sign-in.
    public = Client()
    catalogue = checker.call(public, "get", f"{PREFIX}/signals/catalogue")
    checker.call(public, "get", f"{PREFIX}/signals/catalogue?set=no-such-set", expect=422)
    first_set = catalogue["sets"][0]["id"] if isinstance(catalogue, dict) else catalogue[0]["id"]
    checker.call(public, "post", f"{PREFIX}/signals/evaluate", {"set": first_set, "answers": {}})
    checker.call(
        public,
        "post",
        f"{PREFIX}/signals/evaluate",
        {"set": first_set, "answers": {"no-such-indicator": "present"}},
        expect=422,
    )
    checker.call(
        public, "post", f"{PREFIX}/signals/perspective", {"outcome": "met", "minor": False}
    )

    described = {
        (method, path)
        for path, operations in checker.spec["paths"].items()
        for method in operations
    }
    succeeded = {(m, p) for m, p, status in checker.seen if status < 300}
    assert described - succeeded == set(), "operations the journey did not call with success"
