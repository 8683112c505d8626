"""Getting one consultation that a member asked for by id.

The asker sees their own; the care coordination it was sent to sees and answers it. For
anyone else it does not exist (one 404 for missing and not yours). An answer takes the row
lock as part of the fetch, before anything is checked.
"""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import do_record_access
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
        assert transaction.get_connection().in_atomic_block, "a write locks inside a transaction"
        rows = Consultation.objects.inbox_of(actor).select_for_update(of=("self",))
    else:
        require(actor, Capability.VIEW_OWN_CONSULTATIONS)
        rows = Consultation.objects.visible_to(actor)
    rows = rows.select_related(
        "assessment", "asked_by", "asked_from", "to_organisation", "answered_by"
    )
    try:
        consultation = rows.filter(pk=consultation_id).first()
    except (ValueError, TypeError, ValidationError):  # an id that does not parse
        consultation = None
    if consultation is None:
        raise NotFound(gettext("This consultation was not found."))
    if purpose:
        do_record_access(
            actor=actor,
            action=AuditEntry.Action.READ,
            object_type="consultation",
            object_id=consultation.pk,
            purpose=purpose,
        )
    return consultation
