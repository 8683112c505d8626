"""One registry entry per event type: payload, projection step, sequence rules, labels, display.

To add an event type: a value in `EventType`, a payload model in `events.py`, a step in
`steps.py` (or `unchanged`), and one `register(...)` here. The registry refuses, at import, a
type registered twice, a type left out and a display that skips a payload field. The labels
are the type's name in Dutch and English; field labels and vocabulary labels stay in the web
layer's translations (see docs/architecture.md, "Event types").
"""

from __future__ import annotations

from schakel.engine.trajectories import events as p
from schakel.engine.trajectories import steps
from schakel.engine.trajectories.events import EventType as T
from schakel.engine.trajectories.registry import REGISTRY, EventTypeSpec, Label, Recorder
from schakel.engine.trajectories.rules import (
    after_exit,
    answers_referral,
    ends,
    exit_once_unless_returned,
    new_reference,
    residence_order,
)

register = REGISTRY.register

register(
    EventTypeSpec(
        T.SIGNAL,
        payload=p.SignalPayload,
        recorder=Recorder.ANYONE,
        label=Label("Signaal", "Signal"),
        project=steps.unchanged,
        display=(
            "suspected_form",
            "minor",
            "observed_by_role",
            "indicators",
            "assessment_id",
            "note",
        ),
    )
)
register(
    EventTypeSpec(
        T.CONSULTATION,
        payload=p.ConsultationPayload,
        recorder=Recorder.ANYONE,
        label=Label("Consultatie", "Consultation"),
        project=steps.consult,
        display=("topic", "consulted_organisation_id", "anonymous", "note"),
    )
)
register(
    EventTypeSpec(
        T.NATIONAL_CENTRE_REPORT,
        payload=p.NationalCentreReportPayload,
        recorder=Recorder.ANYONE,
        label=Label(
            "Melding aan het landelijk coördinatiecentrum",
            "Report to the national coordination centre",
        ),
        project=steps.unchanged,
        display=("obliged_reporter", "consent_given", "reference", "note"),
    )
)
register(
    EventTypeSpec(
        T.REFERRAL_SENT,
        payload=p.ReferralSentPayload,
        recorder=Recorder.ANYONE,
        label=Label("Verwijzing verstuurd", "Referral sent"),
        project=steps.send_referral,
        sequence=(new_reference("referral_id"),),
        display=(
            "to_organisation_id",
            "purpose",
            "referral_id",
            "consent_id",
            "override_reason",
            "note",
        ),
    )
)
register(
    EventTypeSpec(
        T.REFERRAL_ACCEPTED,
        payload=p.ReferralAnswerPayload,
        label=Label("Verwijzing geaccepteerd", "Referral accepted"),
        project=steps.answer_referral,
        sequence=(answers_referral(once=True),),
        display=("referral_id", "reason", "note"),
    )
)
register(
    EventTypeSpec(
        T.REFERRAL_REJECTED,
        payload=p.ReferralRejectedPayload,
        label=Label("Verwijzing afgewezen", "Referral rejected"),
        project=steps.answer_referral,
        sequence=(answers_referral(once=True),),
        display=("referral_id", "reason", "note"),
    )
)
register(
    EventTypeSpec(
        T.REFERRAL_REVOKED,
        payload=p.ReferralRejectedPayload,
        recorder=Recorder.ANYONE,
        label=Label("Verwijzing ingetrokken", "Referral revoked"),
        project=steps.answer_referral,
        sequence=(answers_referral(once=False),),
        display=("referral_id", "reason", "note"),
    )
)
register(
    EventTypeSpec(
        T.INTAKE,
        payload=p.IntakePayload,
        label=Label("Intake", "Intake"),
        project=steps.start_care,
        display=("trafficking_status", "note"),
    )
)
register(
    EventTypeSpec(
        T.PLACEMENT_START,
        payload=p.PlacementStartPayload,
        label=Label("Plaatsing gestart", "Placement started"),
        project=steps.start_placement,
        sequence=(new_reference("placement_id"),),
        display=("placement_type", "provider", "placement_id", "note"),
    )
)
register(
    EventTypeSpec(
        T.PLACEMENT_END,
        payload=p.PlacementEndPayload,
        label=Label("Plaatsing beëindigd", "Placement ended"),
        project=steps.end_placement,
        sequence=(ends(T.PLACEMENT_START, "placement_id"),),
        display=("reason", "fit", "placement_id", "note"),
    )
)
register(
    EventTypeSpec(
        T.INTERVENTION_START,
        payload=p.InterventionStartPayload,
        label=Label("Interventie gestart", "Intervention started"),
        project=steps.start_intervention,
        sequence=(new_reference("intervention_id"),),
        display=("intervention_type", "provider", "intervention_id", "note"),
    )
)
register(
    EventTypeSpec(
        T.INTERVENTION_END,
        payload=p.InterventionEndPayload,
        label=Label("Interventie beëindigd", "Intervention ended"),
        project=steps.end_intervention,
        sequence=(ends(T.INTERVENTION_START, "intervention_id"),),
        display=("completed", "reason", "fit", "intervention_id", "note"),
    )
)
register(
    EventTypeSpec(
        T.RESIDENCE_MILESTONE,
        payload=p.ResidenceMilestonePayload,
        label=Label("Mijlpaal verblijf", "Residence milestone"),
        project=steps.residence_milestone,
        sequence=(residence_order,),
        display=("milestone", "decision", "dublin", "note"),
    )
)
register(
    EventTypeSpec(
        T.EXPLOITATION_EPISODE,
        payload=p.ExploitationEpisodePayload,
        label=Label("Periode van uitbuiting", "Exploitation episode"),
        project=steps.record_episode,
        sequence=(new_reference("episode_id"),),
        display=(
            "form",
            "htcds_type",
            "sex_exploitation_type",
            "started_on",
            "ended_on",
            "country",
            "municipality",
            "sector_isic",
            "modus_operandi",
            "recruitment_methods",
            "recruitment_platforms",
            "control_methods",
            "trafficker_relation",
            "episode_id",
            "note",
        ),
    )
)
register(
    EventTypeSpec(
        T.VULNERABILITY,
        payload=p.VulnerabilityPayload,
        recorder=Recorder.ANYONE,
        label=Label("Kwetsbaarheidsfactor", "Vulnerability factor"),
        project=steps.unchanged,
        display=("factor", "addressed", "note"),
    )
)
register(
    EventTypeSpec(
        T.EXIT,
        payload=p.ExitPayload,
        label=Label("Uitstroom", "Exit"),
        project=steps.exit_care,
        sequence=(exit_once_unless_returned,),
        display=("exit_kind", "follow_up_months", "note"),
    )
)
register(
    EventTypeSpec(
        T.FOLLOW_UP_CONTACT,
        payload=p.FollowUpContactPayload,
        label=Label("Nazorgcontact", "Follow-up contact"),
        project=steps.follow_up_contact,
        sequence=(after_exit,),
        display=("outcome", "note"),
    )
)
register(
    EventTypeSpec(
        T.LOST_CONTACT,
        payload=p.LostContactPayload,
        label=Label("Contact verloren", "Lost contact"),
        project=steps.lose_contact,
        display=("note",),
    )
)
register(
    EventTypeSpec(
        T.RETURN_TO_EXPLOITATION,
        payload=p.ReturnToExploitationPayload,
        label=Label("Terug in uitbuiting", "Return to exploitation"),
        project=steps.return_to_exploitation,
        display=("form", "detected_by", "note"),
    )
)
register(
    EventTypeSpec(
        T.CLOSURE,
        payload=p.ClosurePayload,
        label=Label("Afsluiting", "Closure"),
        project=steps.close,
        display=("reason", "referred_to_organisation_id", "note"),
    )
)
register(
    EventTypeSpec(
        T.ENTERED_IN_ERROR,
        payload=p.EnteredInErrorPayload,
        label=Label("Onterecht vastgelegd", "Entered in error"),
        project=steps.unchanged,  # never reached: a withdrawing marker is never in force
        display=("reason", "note"),
        withdraws=True,
    )
)

REGISTRY.close(T)
