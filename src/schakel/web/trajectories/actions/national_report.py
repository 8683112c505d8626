"""Registration with the national coordination centre, generated from the trajectory.

Police, KMar and the Labour Inspectorate must report; others may, with the person's consent for
national registration. The report carries what the centre registers (HTCDS-aligned fields) and
nothing else; generating it is recorded as an event and every read is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from schakel.engine.trajectories.events import EventType
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.access import access_trajectory
from schakel.web.trajectories.actions.records import (
    do_read_identity,
    do_read_trajectory,
    do_record_event,
)
from schakel.web.trajectories.models import Trajectory
from schakel.web.trajectories.selectors import legal_basis

EPISODE_FIELDS = (
    "form",
    "htcds_type",
    "sex_exploitation_type",
    "sector_isic",
    "modus_operandi",
    "recruitment_methods",
    "recruitment_platforms",
    "control_methods",
    "trafficker_relation",
    "country",
    "started_on",
    "ended_on",
)


def do_report_to_national_centre(*, actor: Membership, trajectory: Trajectory) -> dict[str, Any]:
    """The report for the national centre, as a download; generating it is an event."""
    purpose = "registration with the national coordination centre"
    with transaction.atomic():
        access_trajectory(actor, trajectory.pk, write=True)
        obliged, consented = legal_basis(actor, trajectory)
        if not (obliged or consented):
            raise ValidationError(
                {
                    "consent": gettext(
                        "Registration needs consent for national registration, or a legal duty."
                    )
                }
            )
        view = do_read_trajectory(actor=actor, trajectory_id=trajectory.pk, purpose=purpose)
        identity = do_read_identity(actor=actor, person=trajectory.person, purpose=purpose)
        episodes = [
            {k: e.payload[k] for k in EPISODE_FIELDS if k in e.payload}
            for e in view.events
            if e.event_type == EventType.EXPLOITATION_EPISODE and str(e.pk) not in view.superseded
        ]
        reference = f"NR-{timezone.localdate():%Y%m%d}-{str(trajectory.pk)[:8]}"
        do_record_event(
            actor=actor,
            trajectory=trajectory,
            event_type=EventType.NATIONAL_CENTRE_REPORT.value,
            occurred_at=timezone.now(),
            payload={
                "obliged_reporter": obliged,
                "consent_given": consented,
                "reference": reference,
            },
        )
    return {
        "reference": reference,
        "reported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "reporter": {"organisation": actor.organisation.name, "type": actor.organisation.type},
        "legal_basis": "legal duty" if obliged else "consent",
        "person": {
            "given_names": identity.given_names,
            "family_name": identity.family_name,
            "sex": identity.sex.value,
            "date_of_birth": identity.date_of_birth,
            "date_of_birth_estimated": identity.date_of_birth_estimated,
            "nationality": identity.nationality,
        },
        "trajectory": {
            "stage": view.state.stage.value,
            "forms": [f.value for f in view.state.forms],
            "opened_at": trajectory.opened_at.date().isoformat(),
        },
        "exploitation_episodes": episodes,
    }
