"""Input and output schemas of the trajectory endpoints (one of each per endpoint)."""

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


class TaskOut(Schema):
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
    open_tasks: list[TaskOut]
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
