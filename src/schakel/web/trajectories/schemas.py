"""Input and output schemas of the trajectory and coordination endpoints.

Class names are unique across the whole API: the OpenAPI file names schemas by class name, so
two classes with one name would make it describe one endpoint with the other's fields.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Schema


class TrajectorySummary(Schema):
    id: uuid.UUID
    person: str
    organisation: str
    opened_at: dt.datetime
    stage: str
    case_status: str


class TrajectoryPage(Schema):
    count: int
    page: int
    pages: int
    items: list[TrajectorySummary]


class EventOut(Schema):
    id: uuid.UUID
    event_type: str
    occurred_at: dt.datetime
    recorded_at: dt.datetime
    organisation: str
    payload: dict[str, Any]
    supersedes: uuid.UUID | None
    in_force: bool


class OpenTaskOut(Schema):
    """A task the trajectory's events call for (part of the trajectory's detail)."""

    kind: str
    due_on: dt.date
    reference: str


class TrajectoryDetail(Schema):
    id: uuid.UUID
    version: int
    person: str
    organisation: str
    opened_at: dt.datetime
    stage: str
    case_status: str
    placement: str | None
    forms: list[str]
    open_tasks: list[OpenTaskOut]
    events: list[EventOut]


class EventIn(Schema):
    event_type: str
    occurred_at: dt.datetime
    payload: dict[str, Any] = {}
    supersedes: uuid.UUID | None = None
    expected_version: int | None = None


class EventCreated(Schema):
    id: uuid.UUID
    stage: str
    case_status: str
    version: int


class IdentityIn(Schema):
    identity: dict[str, Any]


class CandidateOut(Schema):
    person: uuid.UUID
    pseudonym: str
    score: float
    reasons: list[str]


class RegistrationIn(Schema):
    identity: dict[str, Any] | None = None
    existing_person: uuid.UUID | None = None


class RegistrationOut(Schema):
    trajectory: uuid.UUID
    person: uuid.UUID
    pseudonym: str


class ConsentIn(Schema):
    purpose: str
    given_on: dt.date
    source: str
    organisation: int | None = None


class ConsentOut(Schema):
    id: int
    purpose: str
    given_on: dt.date
    organisation: int | None
    withdrawn_on: dt.date | None


class ReferralOut(Schema):
    id: int
    trajectory: uuid.UUID
    reference: str
    from_organisation: str
    sent_at: dt.datetime
    status: str


class AnswerIn(Schema):
    accept: bool
    reason: str = ""


class DueTaskOut(Schema):
    """A task due in one of the trajectories the member may see (the task list)."""

    trajectory: uuid.UUID
    kind: str
    due_on: dt.date


class HandoverIn(Schema):
    from_user: int
    to_user: int
    note: str


class HandoverOut(Schema):
    id: int
    trajectories: int
