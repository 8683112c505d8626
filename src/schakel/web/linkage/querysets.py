from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from schakel.web.organisations.models import Membership


class CandidateQuerySet(models.QuerySet[Any]):
    def for_reviewer(self, actor: Membership) -> CandidateQuerySet:
        """Every candidate of this installation for its data steward, who reviews the linkage
        match without identities (ADR 0027); nothing for anyone else."""
        from schakel.web.organisations.roles import Capability, has

        if not has(actor, Capability.REVIEW_RETURNS):
            return self.none()
        return self.all()

    def pending(self) -> CandidateQuerySet:
        return self.filter(status="pending")
