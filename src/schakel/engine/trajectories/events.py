"""Event types of a trajectory and the schema of each payload.

A payload is checked against its schema before anything is written, and a bad payload gets an
error that names the field. Unknown fields are refused, so a typo never becomes silent data.
Which schema belongs to which type is the event-type registry's entry (`event_types.py`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from schakel.engine.errors import SchakelError
from schakel.engine.problems import Code, Problem, custom_error, from_validation, problem
from schakel.engine.trajectories.registry import REGISTRY
from schakel.engine.vocabulary import (
    ClosureReason,
    ControlMethod,
    ExitKind,
    ExploitationForm,
    Fit,
    FollowUpOutcome,
    HtcdsExploitationType,
    InterventionType,
    ModusOperandi,
    PlacementType,
    RecruitmentMethod,
    ReferralPurpose,
    ResidenceDecision,
    ResidenceMilestone,
    ReturnDetection,
    SexExploitationType,
    TraffickerRelation,
    TraffickingStatus,
    VulnerabilityFactor,
)

NOTE_MAX = 4000
Identifier = str  # a short client-made id linking start and end events (placement, referral ...)


class EventType(StrEnum):
    SIGNAL = "signal"
    CONSULTATION = "consultation"
    NATIONAL_CENTRE_REPORT = "national_centre_report"
    REFERRAL_SENT = "referral_sent"
    REFERRAL_ACCEPTED = "referral_accepted"
    REFERRAL_REJECTED = "referral_rejected"
    REFERRAL_REVOKED = "referral_revoked"
    INTAKE = "intake"
    PLACEMENT_START = "placement_start"
    PLACEMENT_END = "placement_end"
    INTERVENTION_START = "intervention_start"
    INTERVENTION_END = "intervention_end"
    RESIDENCE_MILESTONE = "residence_milestone"
    EXPLOITATION_EPISODE = "exploitation_episode"
    VULNERABILITY = "vulnerability"
    EXIT = "exit"
    FOLLOW_UP_CONTACT = "follow_up_contact"
    LOST_CONTACT = "lost_contact"
    RETURN_TO_EXPLOITATION = "return_to_exploitation"
    CLOSURE = "closure"
    ENTERED_IN_ERROR = "entered_in_error"


class InvalidEventError(SchakelError):
    """A payload or event type that cannot be stored; `errors` name each field."""

    code = "invalid_event"

    def __init__(self, event_type: str, problems: list[Problem]):
        self.event_type = event_type
        self.problems = problems
        self.errors = [p.pair for p in problems]
        detail = "; ".join(f"{field}: {message}" for field, message in self.errors)
        super().__init__(f"Invalid {event_type!s} event: {detail}")


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    organisation_fields: ClassVar[frozenset[str]] = frozenset()
    """Fields that hold an organisation's id (the timeline shows its name)."""

    note: str | None = Field(default=None, max_length=NOTE_MAX)


class SignalPayload(Payload):
    observed_by_role: str = Field(min_length=1, max_length=40)
    suspected_form: ExploitationForm | None = None
    minor: bool | None = None
    indicators: list[str] = Field(default_factory=list, max_length=200)
    assessment_id: str | None = Field(default=None, max_length=64)


class ConsultationPayload(Payload):
    organisation_fields = frozenset({"consulted_organisation_id"})

    anonymous: bool = False
    topic: str = Field(min_length=1, max_length=200)
    consulted_organisation_id: int | None = None


class NationalCentreReportPayload(Payload):
    obliged_reporter: bool
    consent_given: bool
    reference: str | None = Field(default=None, max_length=64)

    @model_validator(mode="after")
    def consent_or_obligation(self) -> NationalCentreReportPayload:
        if not (self.obliged_reporter or self.consent_given):
            raise custom_error(Code.REPORT_NEEDS_CONSENT)
        return self


class ReferralSentPayload(Payload):
    organisation_fields = frozenset({"to_organisation_id"})

    referral_id: Identifier = Field(min_length=1, max_length=64)
    to_organisation_id: int
    purpose: ReferralPurpose = ReferralPurpose.SERVICES
    consent_id: str | None = Field(default=None, max_length=64)
    override_reason: str | None = Field(default=None, max_length=500)


class ReferralAnswerPayload(Payload):
    referral_id: Identifier = Field(min_length=1, max_length=64)
    reason: str | None = Field(default=None, max_length=500)


class ReferralRejectedPayload(ReferralAnswerPayload):
    reason: str = Field(min_length=1, max_length=500)


class IntakePayload(Payload):
    trafficking_status: TraffickingStatus = TraffickingStatus.POSSIBLE


class PlacementStartPayload(Payload):
    placement_id: Identifier = Field(min_length=1, max_length=64)
    placement_type: PlacementType
    provider: str | None = Field(default=None, max_length=200)


class PlacementEndPayload(Payload):
    placement_id: Identifier = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=1, max_length=200)
    fit: Fit | None = None


class InterventionStartPayload(Payload):
    intervention_id: Identifier = Field(min_length=1, max_length=64)
    intervention_type: InterventionType
    provider: str | None = Field(default=None, max_length=200)


class InterventionEndPayload(Payload):
    intervention_id: Identifier = Field(min_length=1, max_length=64)
    completed: bool
    reason: str | None = Field(default=None, max_length=200)
    fit: Fit | None = None


class ResidenceMilestonePayload(Payload):
    milestone: ResidenceMilestone
    dublin: bool = False
    decision: ResidenceDecision | None = None

    @model_validator(mode="after")
    def decision_only_on_decisions(self) -> ResidenceMilestonePayload:
        decides = self.milestone in {
            ResidenceMilestone.PERMIT_DECISION,
            ResidenceMilestone.CONTINUED_RESIDENCE_DECISION,
        }
        if decides and self.decision is None:
            raise custom_error(Code.DECISION_REQUIRED, milestone=self.milestone.value)
        if not decides and self.decision is not None:
            raise custom_error(Code.DECISION_NOT_APPLICABLE, milestone=self.milestone.value)
        return self


class ExploitationEpisodePayload(Payload):
    episode_id: Identifier = Field(min_length=1, max_length=64)
    form: ExploitationForm
    htcds_type: HtcdsExploitationType | None = None
    sex_exploitation_type: SexExploitationType | None = None
    sector_isic: str | None = Field(default=None, pattern=r"^[A-U]$")
    modus_operandi: list[ModusOperandi] = Field(default_factory=list)
    recruitment_methods: list[RecruitmentMethod] = Field(default_factory=list)
    recruitment_platforms: list[str] = Field(default_factory=list, max_length=20)
    control_methods: list[ControlMethod] = Field(default_factory=list)
    trafficker_relation: TraffickerRelation | None = None
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    municipality: str | None = Field(default=None, max_length=100)
    started_on: dt.date | None = None
    ended_on: dt.date | None = None

    @model_validator(mode="after")
    def consistent(self) -> ExploitationEpisodePayload:
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise custom_error(Code.ENDED_BEFORE_STARTED)
        if self.sex_exploitation_type and self.form != ExploitationForm.SEXUAL:
            raise custom_error(Code.SEX_TYPE_NOT_SEXUAL)
        return self


class VulnerabilityPayload(Payload):
    factor: VulnerabilityFactor
    addressed: bool = False


class ExitPayload(Payload):
    exit_kind: ExitKind
    follow_up_months: list[int] = Field(default_factory=lambda: [3, 6, 12, 24], max_length=12)

    @model_validator(mode="after")
    def schedule(self) -> ExitPayload:
        months = self.follow_up_months
        if any(m < 1 or m > 120 for m in months):
            raise custom_error(Code.FOLLOW_UP_MONTHS_RANGE)
        if sorted(set(months)) != months:
            raise custom_error(Code.FOLLOW_UP_MONTHS_ORDER)
        return self


class FollowUpContactPayload(Payload):
    outcome: FollowUpOutcome


class LostContactPayload(Payload):
    pass


class ReturnToExploitationPayload(Payload):
    form: ExploitationForm | None = None
    detected_by: ReturnDetection = ReturnDetection.OTHER


class ClosurePayload(Payload):
    organisation_fields = frozenset({"referred_to_organisation_id"})

    reason: ClosureReason
    referred_to_organisation_id: int | None = None


class EnteredInErrorPayload(Payload):
    reason: str = Field(min_length=1, max_length=500)


class _Payloads(Mapping[EventType, type[Payload]]):
    """The payload schema of each event type, read from its registry entry."""

    def __getitem__(self, event_type: EventType) -> type[Payload]:
        return REGISTRY[event_type].payload

    def __iter__(self) -> Iterator[EventType]:
        return iter(REGISTRY)

    def __len__(self) -> int:
        return len(REGISTRY)


EVENT_TYPES: Mapping[EventType, type[Payload]] = _Payloads()


def parse_event_type(value: str) -> EventType:
    try:
        return EventType(value)
    except ValueError:
        known = ", ".join(t.value for t in EventType)
        raise InvalidEventError(
            value, [problem("event_type", Code.UNKNOWN_EVENT_TYPE, known=known)]
        ) from None


def validate_payload(event_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Check a payload and return its normalised JSON form (defaults filled, codes as strings)."""
    kind = parse_event_type(event_type)
    if not isinstance(payload, dict):
        raise InvalidEventError(kind.value, [problem("payload", Code.PAYLOAD_NOT_OBJECT)])
    try:
        model = REGISTRY[kind].payload.model_validate(payload)
    except ValidationError as error:
        raise InvalidEventError(kind.value, from_validation(error, "payload")) from None
    return model.model_dump(mode="json", exclude_none=True)


def parse_payload(event_type: EventType, payload: dict[str, Any]) -> Payload:
    """A stored payload as its typed model (stored payloads were validated on the way in)."""
    return REGISTRY[event_type].payload.model_validate(payload)
