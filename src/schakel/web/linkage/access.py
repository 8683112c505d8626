"""Getting one possible return that a data steward asked for by id.

The installation's data steward reviews the linkage match (ADR 0027); for anyone else a
candidate does not exist or is forbidden by role (one 404 for missing). A review takes the row
lock as part of the fetch, before anything is checked, so two stewards cannot both decide.
"""

from __future__ import annotations

from django.utils.translation import gettext

from schakel.web.core.access import first_or_missing, require_transaction
from schakel.web.core.errors import NotFound
from schakel.web.linkage.models import ReturnCandidate
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability, require


def access_return_candidate(
    actor: Membership, candidate_id: int | str, *, write: bool = False
) -> ReturnCandidate:
    """The candidate `candidate_id` if `actor` may review it (`write`: locked, in a transaction)."""
    require(actor, Capability.REVIEW_RETURNS)
    candidates = ReturnCandidate.objects.for_reviewer(actor).select_related(
        "earlier", "later", "later_event", "reviewed_by"
    )
    if write:
        require_transaction()
        candidates = candidates.select_for_update(of=("self",))
    return first_or_missing(candidates, _missing, pk=candidate_id)


def _missing() -> NotFound:
    return NotFound(gettext("This possible return was not found."))
