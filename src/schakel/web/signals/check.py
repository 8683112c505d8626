"""The state of one signal check, kept in the visitor's session and nowhere else.

The answers never go into a URL and are never written to a table: the session holds them until
the check is restarted or the session ends. What a check needs from the engine (the set to use,
the evaluation, the action perspective) is computed from this state on every request.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from django.http import HttpRequest

from schakel.engine.indicators import Answer, Catalogue, Evaluation, evaluate
from schakel.engine.indicators.perspective import (
    Perspective,
    RoleKind,
    Situation,
    action_perspective,
)
from schakel.engine.vocabulary import ExploitationForm, OrganisationType, Region

SESSION_KEY = "signal_check"

SETS: dict[tuple[bool, ExploitationForm | None], str] = {
    (True, ExploitationForm.SEXUAL): "children-sexual",
    (True, ExploitationForm.LABOUR): "children-labour",
    (True, ExploitationForm.CRIMINAL): "criminal-exploitation-minors",
    (False, ExploitationForm.SEXUAL): "adults-sexual",
    (False, ExploitationForm.LABOUR): "adults-labour",
}
"""The indicator set per target group and suspected form. Criminal exploitation of adults,
organ removal and "don't know" use the labour set of the age group: the complete, verified ILO
set whose dimensions (deception, coercion, exploitative conditions) hold for every form."""

ROLE_BY_ORGANISATION_TYPE: dict[str, RoleKind] = {
    OrganisationType.YOUTH_CARE: RoleKind.YOUTH_CARE,
    OrganisationType.SOCIAL_SUPPORT: RoleKind.SOCIAL_SUPPORT,
    OrganisationType.HEALTH_CARE: RoleKind.HEALTH_CARE,
    OrganisationType.EDUCATION: RoleKind.EDUCATION,
    OrganisationType.POLICE: RoleKind.POLICE,
    OrganisationType.LABOUR_INSPECTORATE: RoleKind.LABOUR_INSPECTION,
    OrganisationType.MUNICIPALITY: RoleKind.MUNICIPAL_ENFORCEMENT,
}


def set_for(*, minor: bool, form: ExploitationForm | None) -> str:
    fallback = "children-labour" if minor else "adults-labour"
    return SETS.get((minor, form), fallback)


def role_kind_of(organisation_type: str) -> RoleKind:
    return ROLE_BY_ORGANISATION_TYPE.get(organisation_type, RoleKind.OTHER)


@dataclass
class CheckState:
    """Step 1's answers about who, and step 2's answers per indicator id."""

    minor: bool
    form: ExploitationForm | None
    role: RoleKind
    region: Region | None
    foreign_national: bool | None = None
    domestic_setting: bool | None = None
    answers: dict[str, str] = field(default_factory=dict)  # "unknown" = asked, don't know
    catalogue_version: str = ""
    counted_as: dict[str, str] | None = None  # the statistics key this check was counted under
    rounds: list[list[str]] = field(default_factory=list)  # the questions shown per round
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def set_id(self) -> str:
        return set_for(minor=self.minor, form=self.form)

    def evaluate(self, catalogue: Catalogue) -> Evaluation:
        return evaluate(catalogue, self.set_id, self.answers)

    def situation(self, evaluation: Evaluation) -> Situation:
        return Situation(
            outcome=evaluation.outcome,
            minor=self.minor,
            form=self.form,
            role=self.role,
            region=self.region,
            foreign_national=self.foreign_national,
            domestic_setting=self.domestic_setting,
        )

    def perspective(self, evaluation: Evaluation) -> Perspective:
        return action_perspective(self.situation(evaluation))

    def present(self) -> list[str]:
        return [i for i, a in self.answers.items() if a == Answer.PRESENT]

    def record(self, answers: dict[str, str]) -> None:
        self.answers.update(answers)

    def record_round(self, number: int, shown: list[str]) -> None:
        """Round `number` (from 1) showed these questions; later rounds are asked afresh, since
        changed answers change which questions matter most."""
        self.rounds = [*self.rounds[: number - 1], shown]

    def as_session(self) -> dict[str, Any]:
        data = asdict(self)
        data["form"] = self.form.value if self.form else None
        data["role"] = self.role.value
        data["region"] = self.region.value if self.region else None
        return data

    @classmethod
    def from_session(cls, data: Any) -> CheckState | None:
        try:
            return cls(
                minor=bool(data["minor"]),
                form=ExploitationForm(data["form"]) if data.get("form") else None,
                role=RoleKind(data["role"]),
                region=Region(data["region"]) if data.get("region") else None,
                foreign_national=data.get("foreign_national"),
                domestic_setting=data.get("domestic_setting"),
                answers={str(k): str(v) for k, v in dict(data.get("answers") or {}).items()},
                catalogue_version=str(data.get("catalogue_version", "")),
                counted_as=dict(data["counted_as"]) if data.get("counted_as") else None,
                rounds=[[str(i) for i in r] for r in list(data.get("rounds") or [])],
                id=str(data.get("id") or uuid.uuid4().hex),
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            return None


def load_state(request: HttpRequest, catalogue: Catalogue) -> CheckState | None:
    """The visitor's check, with answers the catalogue in force no longer knows left out."""
    state = CheckState.from_session(request.session.get(SESSION_KEY))
    if state is None:
        return None
    if state.catalogue_version != catalogue.version:
        known = {i.id for i in catalogue.indicators_of(state.set_id)}
        state.answers = {k: v for k, v in state.answers.items() if k in known}
        state.rounds = []
        state.catalogue_version = catalogue.version
    return state


ANONYMOUS_SESSION_SECONDS = 60 * 60
"""A visitor without an account keeps a check for an hour after the last answer; the
scheduled session clean-up (site.clear-sessions) then removes the row."""


def save_state(request: HttpRequest, state: CheckState) -> None:
    request.session[SESSION_KEY] = state.as_session()
    if not request.user.is_authenticated:
        request.session.set_expiry(ANONYMOUS_SESSION_SECONDS)


def clear_state(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
