"""What other apps may call in trajectories; everything else in the app is internal and may move.

Models and querysets may still be imported from `trajectories.models` for ORM relations.

- `access_trajectory`: a trajectory the actor asked for by id (one 404 for missing and not
  yours; with `write`, locked and checked under the lock).
- `do_register_person`: register a person with an encrypted identity record.
- `do_open_trajectory`: open a trajectory for a person in the actor's organisation.
- `do_record_event`: append one validated event to a trajectory (locked, scoped, audited).
- `do_record_linked_return`: a return to exploitation the data steward confirmed from linkage.
- `do_record_consent`: record a person's consent for a purpose.
- `do_read_identity`: who a person is, for a stated purpose (audited).
- `state_of`: the trajectory's state projected from its events.
- `tokens_for`: the search tokens of an identity (for the duplicate check index).
- `quality_counts`: per data-quality check, how many trajectories of the organisation need work.
"""

from __future__ import annotations

from schakel.web.trajectories.access import access_trajectory
from schakel.web.trajectories.actions import (
    do_open_trajectory,
    do_read_identity,
    do_record_consent,
    do_record_event,
    do_record_linked_return,
    do_register_person,
    state_of,
)
from schakel.web.trajectories.actions.registration import tokens_for
from schakel.web.trajectories.quality import CHECKS as QUALITY_CHECKS
from schakel.web.trajectories.quality import quality_counts

__all__ = [
    "QUALITY_CHECKS",
    "access_trajectory",
    "do_open_trajectory",
    "do_read_identity",
    "do_record_consent",
    "do_record_event",
    "do_record_linked_return",
    "do_register_person",
    "quality_counts",
    "state_of",
    "tokens_for",
]
