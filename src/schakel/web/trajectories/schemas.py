"""Input and output schemas of the trajectory and coordination endpoints.

Class names are unique across the whole API: the OpenAPI file names schemas by class name, so
two classes with one name would make it describe one endpoint with the other's fields.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from ninja import Field, Schema

from schakel.engine.trajectories.events import EventType
from schakel.engine.vocabulary import CaseStatus, ExploitationForm, Stage
from schakel.web.core.api_types import MAX_ID, RecordId, one_of
from schakel.web.trajectories.models import Consent, Referral

StageName = Annotated[str, one_of(Stage)]
CaseStatusName = Annotated[str, one_of(CaseStatus)]
EventTypeName = Annotated[str, one_of(EventType)]
ConsentPurpose = Annotated[str, one_of(Consent.Purpose.values)]
ConsentSource = Annotated[str, one_of(Consent.Source.values)]


class TrajectorySummary(Schema):
    id: uuid.UUID
    person: str
    organisation: str
    opened_at: dt.datetime
    stage: StageName
    case_status: CaseStatusName


class TrajectoryPage(Schema):
    count: int
    page: int
    pages: int
    items: list[TrajectorySummary]


class EventOut(Schema):
    id: uuid.UUID
    event_type: EventTypeName
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
    stage: StageName
    case_status: CaseStatusName
    placement: str | None
    forms: list[Annotated[str, one_of(ExploitationForm)]]
    open_tasks: list[OpenTaskOut]
    events: list[EventOut]


class EventIn(Schema):
    event_type: EventTypeName
    occurred_at: dt.datetime
    payload: dict[str, Any] = {}
    supersedes: uuid.UUID | None = None
    expected_version: Annotated[int, Field(ge=0, le=MAX_ID)] | None = None


class EventCreated(Schema):
    id: uuid.UUID
    stage: StageName
    case_status: CaseStatusName
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
    purpose: ConsentPurpose
    given_on: dt.date
    source: ConsentSource
    organisation: RecordId | None = None


class ConsentOut(Schema):
    id: int
    purpose: ConsentPurpose
    given_on: dt.date
    organisation: int | None
    withdrawn_on: dt.date | None


class ReferralOut(Schema):
    id: int
    trajectory: uuid.UUID
    reference: str
    from_organisation: str
    sent_at: dt.datetime
    status: Annotated[str, one_of(Referral.Status.values)]


class AnswerIn(Schema):
    accept: bool
    reason: str = ""


class DueTaskOut(Schema):
    """A task due in one of the trajectories the member may see (the task list)."""

    trajectory: uuid.UUID
    kind: str
    due_on: dt.date


class HandoverIn(Schema):
    from_user: RecordId
    to_user: RecordId
    note: str


class HandoverOut(Schema):
    id: int
    trajectories: int
