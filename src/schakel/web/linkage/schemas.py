"""Input and output schemas of the data steward's endpoints (class names unique in the API).

Counts, settings and field agreement levels only: no name, pseudonym, organisation, encoding or
date of a person's event."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, Schema

from schakel.engine.trajectories.events import EventType
from schakel.web.core.api_types import one_of
from schakel.web.linkage.models import LinkageRunRecord

RunState = Annotated[str, one_of(LinkageRunRecord.State.values)]
EventTypeName = Annotated[str, one_of(EventType)]


class LinkageRunOut(Schema):
    id: int
    started_at: dt.datetime
    finished_at: dt.datetime | None
    started_by: str | None = Field(description="Who started it; null for the nightly schedule.")
    state: RunState
    encoding: str = Field(description="The encoding format in words.")
    threshold_probability: float | None
    estimated_precision: float | None
    records: int
    candidate_pairs: int
    linked_pairs: int
    possible_returns: int
    new_possible_returns: int


class LinkageRunStarted(Schema):
    run: int
    job: int
    progress_url: str


class PossibleReturnOut(Schema):
    id: int
    match_probability: float
    new_event_type: EventTypeName
    at_another_organisation: bool
    days_after_end: int | None
    detected_at: dt.datetime
    reasons: list[str] = Field(description="Which fields agreed at which level, in words.")


class PossibleReturnReviewIn(Schema):
    answer: Annotated[str, one_of(["confirm", "reject"])]
    reason: str = Field("", max_length=500)


class PossibleReturnReviewed(Schema):
    id: int
    status: Annotated[str, one_of(["confirmed", "rejected"])]
