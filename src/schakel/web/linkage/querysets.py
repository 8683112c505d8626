from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from schakel.web.organisations.models import Membership


class CandidateQuerySet(models.QuerySet[Any]):
    def for_reviewer(self, actor: Membership) -> CandidateQuerySet:
        """Candidates about trajectories the actor coordinates: the review happens at the
        organisation that holds the identities, never at the linking party."""
        from schakel.web.organisations.roles import Capability, has
        from schakel.web.trajectories.models import Trajectory

        if not has(actor, Capability.VIEW_IDENTITY):
            return self.none()
        return self.filter(earlier__in=Trajectory.objects.writable_by(actor))

    def pending(self) -> CandidateQuerySet:
        return self.filter(status="pending")
