"""Getting one possible return that a coordinator asked for by id.

Only the organisation that holds the earlier trajectory reviews a candidate; for anyone else
it does not exist (one 404 for missing and not yours). A review takes the row lock as part
of the fetch, before anything is checked, so two coordinators cannot both decide.
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
        "earlier", "later_event"
    )
    if write:
        require_transaction()
        candidates = candidates.select_for_update(of=("self",))
    return first_or_missing(candidates, _missing, pk=candidate_id)


def _missing() -> NotFound:
    return NotFound(gettext("This possible return was not found."))
