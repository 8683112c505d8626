"""Who may do what: one table from capability to roles, read by `has` and `require`.

Every permission check in views, the API and actions names a capability; no other module keeps
a set of roles. Work that no person starts (the demo seed, a scheduled job, a linkage run from
the command line) acts as an explicit `SystemActor`, never as `None`, so a view cannot skip a
check by passing nothing and mypy sees where the system acts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, TypeAlias

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from schakel.engine.vocabulary import Role

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from schakel.web.organisations.models import Membership


class Capability(StrEnum):
    VIEW_RECORDS = "view_records"
    VIEW_IDENTITY = "view_identity"
    VIEW_OWN_IDENTITY = "view_own_identity"
    RECORD_EVENTS = "record_events"
    OVERRIDE_CONSENT = "override_consent"
    COORDINATE_TRAJECTORIES = "coordinate_trajectories"
    ANSWER_REFERRALS = "answer_referrals"
    MANAGE_TEAM = "manage_team"
    VIEW_WORKLOAD = "view_workload"
    REVIEW_RETURNS = "review_returns"
    CONSULT = "consult"
    ANSWER_CONSULTATIONS = "answer_consultations"
    VIEW_OWN_CONSULTATIONS = "view_own_consultations"
    READ_KNOWLEDGE = "read_knowledge"
    EDIT_KNOWLEDGE = "edit_knowledge"
    EDIT_CATALOGUE = "edit_catalogue"
    APPROVE_CONTENT = "approve_content"
    READ_SOCIAL_MAP = "read_social_map"
    EDIT_SOCIAL_MAP = "edit_social_map"
    VIEW_OWN_TRAINING = "view_own_training"
    REGISTER_TRAINING = "register_training"
    VIEW_TRAINING_RECORDS = "view_training_records"
    VIEW_TRAINING_COVERAGE = "view_training_coverage"
    VIEW_MONITOR = "view_monitor"
    VIEW_AUDIT = "view_audit"
    MANAGE_ORGANISATIONS = "manage_organisations"
    REVIEW_ACCESS = "review_access"
    RECORD_CARE_EVENTS = "record_care_events"
    CORRECT_EVENTS = "correct_events"
    VIEW_DATA_QUALITY = "view_data_quality"
    RESET_SECOND_FACTOR = "reset_second_factor"
    REQUEST_ERASURE = "request_erasure"
    APPROVE_ERASURE = "approve_erasure"
    VIEW_RETENTION = "view_retention"
    RUN_LINKAGE = "run_linkage"
    RELEASE_REVEALS = "release_reveals"


EVERY_ROLE = frozenset(Role)
_F, _C, _A, _S, _E, _ADM = (
    Role.FRONTLINE,
    Role.COORDINATOR,
    Role.ANALYST,
    Role.SUPERVISOR,
    Role.CONTENT_EDITOR,
    Role.ADMINISTRATOR,
)

CAPABILITY_ROLES: dict[Capability, frozenset[Role]] = {
    Capability.VIEW_RECORDS: frozenset({_F, _C, _S}),
    Capability.VIEW_IDENTITY: frozenset({_C}),
    Capability.VIEW_OWN_IDENTITY: frozenset({_F, _C}),
    Capability.RECORD_EVENTS: frozenset({_F, _C}),
    Capability.OVERRIDE_CONSENT: frozenset({_F, _C}),
    Capability.COORDINATE_TRAJECTORIES: frozenset({_C}),
    Capability.ANSWER_REFERRALS: frozenset({_C}),
    Capability.MANAGE_TEAM: frozenset({_C, _S}),
    Capability.VIEW_WORKLOAD: frozenset({_C, _S, _A}),
    Capability.REVIEW_RETURNS: frozenset({Role.DATA_STEWARD}),
    Capability.CONSULT: frozenset({_F, _C}),
    Capability.ANSWER_CONSULTATIONS: frozenset({_C}),
    Capability.VIEW_OWN_CONSULTATIONS: EVERY_ROLE,
    Capability.READ_KNOWLEDGE: EVERY_ROLE,
    Capability.EDIT_KNOWLEDGE: frozenset({_E}),
    Capability.EDIT_CATALOGUE: frozenset({_E}),
    Capability.APPROVE_CONTENT: frozenset({_E}),
    Capability.READ_SOCIAL_MAP: EVERY_ROLE,
    Capability.EDIT_SOCIAL_MAP: frozenset({_E, _ADM}),
    Capability.VIEW_OWN_TRAINING: EVERY_ROLE,
    Capability.REGISTER_TRAINING: frozenset({_E, _ADM}),
    Capability.VIEW_TRAINING_RECORDS: frozenset({_E, _ADM, _S}),
    Capability.VIEW_TRAINING_COVERAGE: frozenset({_S, _ADM}),
    Capability.VIEW_MONITOR: frozenset({_A, _S}),
    Capability.VIEW_AUDIT: frozenset({_S, _ADM}),
    Capability.MANAGE_ORGANISATIONS: frozenset({_ADM}),
    Capability.REVIEW_ACCESS: frozenset({_S, _ADM}),
    Capability.RECORD_CARE_EVENTS: frozenset({_C}),
    Capability.CORRECT_EVENTS: frozenset({_C}),
    Capability.VIEW_DATA_QUALITY: frozenset({_C, _S}),
    Capability.RESET_SECOND_FACTOR: frozenset({_ADM}),
    Capability.REQUEST_ERASURE: frozenset({_C}),
    Capability.APPROVE_ERASURE: frozenset({_S}),
    Capability.VIEW_RETENTION: frozenset({_S, _ADM}),
    Capability.RUN_LINKAGE: frozenset({Role.DATA_STEWARD}),
    Capability.RELEASE_REVEALS: frozenset({_S}),
}
"""The one table. `docs/architecture.md` shows it as a matrix (a test keeps the two equal)."""

FLAG_GATED: dict[Capability, str] = {Capability.OVERRIDE_CONSENT: "may_override_consent"}
"""Capabilities that also need a flag on the membership (granted per person, audited)."""

CAPABILITY_LABELS: dict[Capability, _StrPromise] = {
    Capability.VIEW_RECORDS: _("See trajectories of the organisation and of grants to it"),
    Capability.VIEW_IDENTITY: _("See who a person is (name, date of birth)"),
    Capability.VIEW_OWN_IDENTITY: _(
        "See who a person is when one registered, signalled or referred them oneself"
    ),
    Capability.RECORD_EVENTS: _("Register persons and record events, consent and referrals"),
    Capability.OVERRIDE_CONSENT: _("Refer without consent (with the membership's permission)"),
    Capability.COORDINATE_TRAJECTORIES: _("Be the coordinator of trajectories"),
    Capability.ANSWER_REFERRALS: _("Accept or reject referrals to the organisation"),
    Capability.MANAGE_TEAM: _("See the team's caseload and hand trajectories over"),
    Capability.VIEW_WORKLOAD: _("See the regional workload"),
    Capability.REVIEW_RETURNS: _("Review possible returns found by linkage"),
    Capability.CONSULT: _("Ask for advice and share a signal check"),
    Capability.ANSWER_CONSULTATIONS: _("Answer consultations"),
    Capability.VIEW_OWN_CONSULTATIONS: _("See one's own consultations"),
    Capability.READ_KNOWLEDGE: _("Read the knowledge base"),
    Capability.EDIT_KNOWLEDGE: _("Write and publish articles"),
    Capability.EDIT_CATALOGUE: _("Publish the indicator catalogue"),
    Capability.APPROVE_CONTENT: _("Approve an article version another editor wrote"),
    Capability.READ_SOCIAL_MAP: _("Read the social map"),
    Capability.EDIT_SOCIAL_MAP: _("Edit the social map"),
    Capability.VIEW_OWN_TRAINING: _("See one's own training"),
    Capability.REGISTER_TRAINING: _("Register trainings and attendance"),
    Capability.VIEW_TRAINING_RECORDS: _("See the training records of others"),
    Capability.VIEW_TRAINING_COVERAGE: _("See training coverage"),
    Capability.VIEW_MONITOR: _("See the effectiveness monitor"),
    Capability.VIEW_AUDIT: _("See the audit trail"),
    Capability.MANAGE_ORGANISATIONS: _("Manage organisations, users and memberships"),
    Capability.REVIEW_ACCESS: _("Review who has access to the organisation"),
    Capability.RECORD_CARE_EVENTS: _(
        "Record the care coordination's events (intake, placement, residence, exit, follow-up)"
    ),
    Capability.CORRECT_EVENTS: _("Mark events as entered in error"),
    Capability.VIEW_DATA_QUALITY: _("See the organisation's data-quality worklist"),
    Capability.RESET_SECOND_FACTOR: _("Reset a colleague's second sign-in factor"),
    Capability.REQUEST_ERASURE: _("Ask for a person's data to be erased"),
    Capability.APPROVE_ERASURE: _("Approve or refuse erasure requests"),
    Capability.VIEW_RETENTION: _("See retention periods and what was erased"),
    Capability.RUN_LINKAGE: _("Start and follow linkage runs"),
    Capability.RELEASE_REVEALS: _("Release more identity reveals for a colleague this hour"),
}


@dataclass(frozen=True)
class SystemActor:
    """The installation itself acting: a seed, a scheduled job, a command-line run.

    It holds every capability and no organisation; the audit trail records its name.
    Views and API endpoints never use it (a test checks that).
    """

    name: str = "system"

    @property
    def is_current(self) -> bool:
        return True


SYSTEM = SystemActor()

Actor: TypeAlias = "Membership | SystemActor"


def roles_with(capability: Capability) -> frozenset[Role]:
    return CAPABILITY_ROLES[capability]


def has(actor: Actor | None, capability: Capability) -> bool:
    """Whether `actor` may do what `capability` names (a current membership in a role with it)."""
    if isinstance(actor, SystemActor):
        return True
    if actor is None or not actor.is_current:
        return False
    if actor.role not in CAPABILITY_ROLES[capability]:
        return False
    flag = FLAG_GATED.get(capability)
    return flag is None or bool(getattr(actor, flag))


def require(actor: Actor | None, capability: Capability) -> None:
    """Raise PermissionDenied unless `actor` has `capability`."""
    if not has(actor, capability):
        raise PermissionDenied(_("Your role does not allow this."))


def capabilities_of(actor: Actor | None) -> frozenset[Capability]:
    return frozenset(c for c in Capability if has(actor, c))


def user_id_of(actor: Actor) -> int | None:
    """The user behind `actor`, or None for the system (authorship, stewardship)."""
    return None if isinstance(actor, SystemActor) else actor.user_id


def capability_matrix() -> str:
    """The table as a Markdown matrix (capability x role), for `docs/architecture.md`."""
    roles = list(Role)
    lines = [
        "| capability | " + " | ".join(r.value for r in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for capability in Capability:
        marks = ["x" if r in CAPABILITY_ROLES[capability] else "" for r in roles]
        flag = f" (and `{FLAG_GATED[capability]}`)" if capability in FLAG_GATED else ""
        lines.append(f"| `{capability.value}`{flag} | " + " | ".join(marks) + " |")
    return "\n".join(lines) + "\n"
