"""Every read of personal data is scoped here; views never filter personal data by hand."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Exists, OuterRef, Q

from schakel.web.organisations.roles import Capability, has

if TYPE_CHECKING:
    from schakel.web.organisations.models import Membership


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Trajectory events are append-only; record a correction instead.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Trajectory events are append-only; record a correction instead.")


class AccessGrantQuerySet(models.QuerySet[Any]):
    def active(self) -> AccessGrantQuerySet:
        return self.filter(revoked_at__isnull=True)


class TrajectoryQuerySet(models.QuerySet[Any]):
    def visible_to(self, actor: Membership) -> TrajectoryQuerySet:
        """Trajectories of the actor's organisation, plus those a referral or consent opened."""
        if not has(actor, Capability.VIEW_RECORDS):
            return self.none()
        from schakel.web.trajectories.models import AccessGrant

        # `pk IN (grants)`, not a correlated EXISTS: PostgreSQL runs both as one hashed subplan,
        # but costs the EXISTS per row (84,000 for 10,000 trajectories instead of 300), and
        # over 100,000 it compiles every list query with JIT first (60 ms per query).
        granted = AccessGrant.objects.active().filter(organisation_id=actor.organisation_id)
        return self.filter(
            Q(organisation_id=actor.organisation_id) | Q(pk__in=granted.values("trajectory_id"))
        )

    def of_organisation(self, actor: Membership) -> TrajectoryQuerySet:
        """Only the actor's organisation's own trajectories (a subset of `visible_to` that
        needs no look-up of grants: the worklists of a team)."""
        if not has(actor, Capability.VIEW_RECORDS):
            return self.none()
        return self.filter(organisation_id=actor.organisation_id)

    def writable_by(self, actor: Membership) -> TrajectoryQuerySet:
        if not has(actor, Capability.RECORD_EVENTS):
            return self.none()
        return self.visible_to(actor)


class PersonQuerySet(models.QuerySet[Any]):
    def visible_to(self, actor: Membership) -> PersonQuerySet:
        from schakel.web.trajectories.models import Trajectory

        visible = Trajectory.objects.visible_to(actor).filter(person=OuterRef("pk"))
        return self.filter(Exists(visible))

    def identifiable_by(self, actor: Membership) -> PersonQuerySet:
        """Persons whose identity the actor may read: in scope, and a role that needs it.

        A coordinator sees everyone in scope; a frontline professional (least privilege) only
        the persons of the organisation's trajectories they coordinate or recorded an event in
        themselves: whom they registered, signalled or referred."""
        if has(actor, Capability.VIEW_IDENTITY):
            return self.visible_to(actor)
        if not has(actor, Capability.VIEW_OWN_IDENTITY):
            return self.none()
        from schakel.web.trajectories.models import Trajectory, TrajectoryEvent

        recorded = TrajectoryEvent.objects.filter(
            recorded_by_id=actor.user_id, organisation_id=actor.organisation_id
        ).values("trajectory_id")
        own = Trajectory.objects.of_organisation(actor).filter(
            Q(coordinator_id=actor.user_id) | Q(pk__in=recorded)
        )
        return self.filter(pk__in=own.values("person_id"))


class TaskQuerySet(models.QuerySet[Any]):
    def visible_to(self, actor: Membership) -> TaskQuerySet:
        from schakel.web.trajectories.models import Trajectory

        return self.filter(trajectory__in=Trajectory.objects.visible_to(actor))

    def of_organisation(self, actor: Membership) -> TaskQuerySet:
        """Tasks of the actor's organisation's own trajectories (see `of_organisation`)."""
        if not has(actor, Capability.VIEW_RECORDS):
            return self.none()
        return self.filter(trajectory__organisation_id=actor.organisation_id)

    def due_before(self, day: Any) -> TaskQuerySet:
        return self.filter(due_on__lt=day)


class ConsentQuerySet(models.QuerySet[Any]):
    def in_force(self, on: Any = None) -> ConsentQuerySet:
        from django.utils import timezone

        day = on or timezone.localdate()
        return self.filter(given_on__lte=day).filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day)
        )

    def allows_disclosure_to(self, organisation_id: int) -> ConsentQuerySet:
        return self.in_force().filter(purpose="disclosure", organisation_id=organisation_id)
