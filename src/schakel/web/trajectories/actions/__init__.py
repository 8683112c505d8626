"""Every write of the trajectories app (and the audited reads of personal data), by topic.

`from schakel.web.trajectories.actions import do_x` works for each of them; other apps use
`schakel.web.trajectories.service` instead.
"""

from schakel.web.trajectories.actions.coordination import (
    do_answer_referral,
    do_hand_over_trajectories,
)
from schakel.web.trajectories.actions.national_report import do_report_to_national_centre
from schakel.web.trajectories.actions.records import (
    ConflictError,
    TrajectoryView,
    capability_for,
    do_open_trajectory,
    do_read_identity,
    do_read_trajectory,
    do_record_event,
    do_record_linked_return,
    do_register_and_open,
    do_register_person,
    refresh_projection,
    state_of,
)
from schakel.web.trajectories.actions.referrals import do_record_consent, do_withdraw_consent
from schakel.web.trajectories.actions.registration import (
    Candidate,
    do_find_duplicates,
    do_merge_persons,
)
from schakel.web.trajectories.actions.workload import do_register_time

__all__ = [
    "Candidate",
    "ConflictError",
    "TrajectoryView",
    "capability_for",
    "do_answer_referral",
    "do_find_duplicates",
    "do_hand_over_trajectories",
    "do_merge_persons",
    "do_open_trajectory",
    "do_read_identity",
    "do_read_trajectory",
    "do_record_consent",
    "do_record_event",
    "do_record_linked_return",
    "do_register_and_open",
    "do_register_person",
    "do_register_time",
    "do_report_to_national_centre",
    "do_withdraw_consent",
    "refresh_projection",
    "state_of",
]
