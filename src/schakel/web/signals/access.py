"""Getting one consultation that a member asked for by id.

The asker sees their own; the care coordination it was sent to sees and answers it. For
anyone else it does not exist (one 404 for missing and not yours). An answer takes the row
lock as part of the fetch, before anything is checked.
"""

from __future__ import annotations

from uuid import UUID

from django.utils.translation import gettext

from schakel.web.audit.service import do_record_read
from schakel.web.core.access import first_or_missing, require_transaction
from schakel.web.core.errors import NotFound
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability, require
from schakel.web.signals.models import Consultation


def access_consultation(
    actor: Membership,
    consultation_id: UUID | str,
    *,
    write: bool = False,
    purpose: str | None = None,
) -> Consultation:
    """The consultation to read (asker or addressee) or, with `write`, to answer (addressee)."""
    if write:
        require(actor, Capability.ANSWER_CONSULTATIONS)
        require_transaction()
        rows = Consultation.objects.inbox_of(actor).select_for_update(of=("self",))
    else:
        require(actor, Capability.VIEW_OWN_CONSULTATIONS)
        rows = Consultation.objects.visible_to(actor)
    rows = rows.select_related(
        "assessment", "asked_by", "asked_from", "to_organisation", "answered_by"
    )
    consultation = first_or_missing(rows, _missing, pk=consultation_id)
    do_record_read(
        actor=actor, object_type="consultation", object_id=consultation.pk, purpose=purpose
    )
    return consultation


def access_consultation_to_write(actor: Membership, consultation_id: UUID | str) -> Consultation:
    """A consultation the actor takes part in (asker or addressee), locked for a reply or for
    closing it."""
    require(actor, Capability.VIEW_OWN_CONSULTATIONS)
    require_transaction()
    rows = Consultation.objects.visible_to(actor).select_for_update(of=("self",))
    rows = rows.select_related("asked_by", "answered_by")
    return first_or_missing(rows, _missing, pk=consultation_id)


def _missing() -> NotFound:
    return NotFound(gettext("This consultation was not found."))
