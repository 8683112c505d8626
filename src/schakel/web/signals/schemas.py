"""Input and output schemas of the signal endpoints (one of each per endpoint).

Names are unique across the whole API (the OpenAPI file names components by class name), so
the general ones carry the app's name: `SignalTextOut`, `SignalStepOut` ...
"""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import Field

from schakel.engine.indicators import Outcome
from schakel.engine.indicators.evaluation import DimensionStatus
from schakel.engine.indicators.model import Dimension, Strength
from schakel.engine.indicators.perspective import RoleKind
from schakel.engine.vocabulary import ExploitationForm, Region
from schakel.web.core.api_types import one_of

OutcomeName = Annotated[str, one_of(Outcome)]
DimensionName = Annotated[str, one_of(Dimension)]

MAX_ANSWERS = 500
"""More answers than any indicator set has questions (the largest has fewer than 100)."""


class CatalogueQuery(Schema):
    set: str | None = None


class SignalTextOut(Schema):
    nl: str
    en: str


class IndicatorOut(Schema):
    id: str
    dimension: str | None
    phase: str | None
    strength: str | None
    label: SignalTextOut
    explanation: SignalTextOut
    source: str
    verification: str
    provisional: bool
    observation_aid: bool
    maps_to: str | None
    derived_from: str | None


class IndicatorSetOut(Schema):
    id: str
    kind: str
    population: str
    form: str | None
    rule: str | None
    label: SignalTextOut
    source: str
    verification: str
    provisional: bool
    note: str
    indicators: list[IndicatorOut]


class CatalogueOut(Schema):
    version: str
    digest: str
    sets: list[IndicatorSetOut]


class EvaluateIn(Schema):
    set: str = Field(description="An indicator set id, e.g. adults-labour")
    answers: dict[str, str] = Field(
        default_factory=dict,
        max_length=MAX_ANSWERS,
        description="Indicator or signal id -> present, absent or unknown; unanswered is unknown",
    )


class SignalDimensionOut(Schema):
    dimension: DimensionName
    status: Annotated[str, one_of(DimensionStatus)]
    present: list[str]
    absent: list[str]
    unknown: list[str]
    strong: int
    medium: int
    weak: int


class SignalQuestionOut(Schema):
    indicator_id: str
    dimension: DimensionName
    strength: Annotated[str, one_of(Strength)]
    steps_to_met: int
    completes_alone: bool
    rules_out_alone: bool


class SignalEvidenceOut(Schema):
    signal_id: str
    indicator_id: str


class EvaluationOut(Schema):
    set: str
    catalogue_version: str
    catalogue_digest: str
    rule: str
    provisional: bool
    outcome: OutcomeName
    positive_dimensions: list[str]
    dimensions: list[SignalDimensionOut]
    next_questions: list[SignalQuestionOut]
    evidence: list[SignalEvidenceOut]
    observations: list[str]


class PerspectiveIn(Schema):
    outcome: Outcome
    minor: bool
    form: ExploitationForm | None = None
    role: RoleKind = RoleKind.OTHER
    region: Region | None = None
    foreign_national: bool | None = None
    domestic_setting: bool | None = None


class SignalContactOut(Schema):
    kind: str
    phone: str | None


class SignalStepOut(Schema):
    code: str
    priority: str
    title: SignalTextOut
    explanation: SignalTextOut
    contacts: list[str]
    items: list[SignalTextOut]


class RoleGuidanceOut(Schema):
    role: str
    label: SignalTextOut
    powers: list[SignalTextOut]
    duties: list[SignalTextOut]
    reporting: SignalTextOut
    obliged_to_report: bool


class PerspectiveOut(Schema):
    outcome: OutcomeName
    meaning: SignalTextOut
    steps: list[SignalStepOut]
    role: RoleGuidanceOut
    trust: list[SignalTextOut]
    contacts: list[SignalContactOut]
