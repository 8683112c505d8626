"""Getting one training of the register that a member asked for by id.

Every member may read the catalogue; changing a training (its validity, its records) is for
registrars, and takes the row lock as part of the fetch, before anything is checked. A
missing id and one that does not parse get the same 404.
"""

from __future__ import annotations

from django.utils.translation import gettext

from schakel.web.core.access import first_or_missing, require_transaction
from schakel.web.core.errors import NotFound
from schakel.web.organisations.roles import Actor, Capability, require
from schakel.web.training.models import Training


def access_training(actor: Actor, training_id: int | str, *, write: bool = False) -> Training:
    """The training `training_id`, to read or (with `write`, inside a transaction) to change."""
    require(actor, Capability.REGISTER_TRAINING if write else Capability.VIEW_OWN_TRAINING)
    trainings = Training.objects.all()
    if write:
        require_transaction()
        trainings = trainings.select_for_update()
    return first_or_missing(trainings, _missing, pk=training_id)


def _missing() -> NotFound:
    return NotFound(gettext("This training was not found."))
