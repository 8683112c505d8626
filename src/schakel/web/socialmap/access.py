"""Getting one service of the social map that a member asked for by id.

One call fetches, checks capability and scope, and answers one 404 for "missing" and "not
yours to see" (an inactive service is visible to the map's editors only). A write takes the
row lock as part of the fetch, before anything is checked.
"""

from __future__ import annotations

from django.utils.translation import gettext

from schakel.web.audit.service import do_record_read
from schakel.web.core.access import first_or_missing, require_transaction
from schakel.web.core.errors import NotFound
from schakel.web.organisations.roles import Actor, Capability, require
from schakel.web.socialmap.models import Service


def access_service(
    actor: Actor, service_id: int | str, *, write: bool = False, purpose: str | None = None
) -> Service:
    """The service `service_id` if `actor` may read it (or change it, with `write`)."""
    require(actor, Capability.EDIT_SOCIAL_MAP if write else Capability.READ_SOCIAL_MAP)
    services = Service.objects.visible_to(actor).select_related("organisation")
    if write:
        require_transaction()
        services = services.select_for_update(of=("self",))
    service = first_or_missing(services, _missing, pk=service_id)
    do_record_read(actor=actor, object_type="service", object_id=service.pk, purpose=purpose)
    return service


def _missing() -> NotFound:
    return NotFound(gettext("This service was not found."))
