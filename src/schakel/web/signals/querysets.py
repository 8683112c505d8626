"""Scoped reads of the signal check's records; views never filter these by hand."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import OuterRef, Q, Subquery

from schakel.web.organisations.roles import Capability, has

if TYPE_CHECKING:
    from schakel.web.organisations.models import Membership


class ConsultationQuerySet(models.QuerySet[Any]):
    def inbox_of(self, actor: Membership) -> ConsultationQuerySet:
        """Consultations sent to the actor's organisation, for its care coordinators."""
        if not has(actor, Capability.ANSWER_CONSULTATIONS):
            return self.none()
        return self.filter(to_organisation_id=actor.organisation_id)

    def asked_by(self, actor: Membership) -> ConsultationQuerySet:
        """The actor's own questions, asked while acting for this organisation."""
        if not actor.is_current:
            return self.none()
        return self.filter(asked_by_id=actor.user_id, asked_from_id=actor.organisation_id)

    def visible_to(self, actor: Membership) -> ConsultationQuerySet:
        if not actor.is_current:
            return self.none()
        own = Q(asked_by_id=actor.user_id, asked_from_id=actor.organisation_id)
        if has(actor, Capability.ANSWER_CONSULTATIONS):
            return self.filter(own | Q(to_organisation_id=actor.organisation_id))
        return self.filter(own)

    def open(self) -> ConsultationQuerySet:
        return self.filter(answered_at__isnull=True)


class AssessmentQuerySet(models.QuerySet[Any]):
    def referrals_visible_to(self, actor: Membership) -> AssessmentQuerySet:
        """Checks that led to a referral from the actor's organisation, with the referral's
        current status (annotated as `referral_status`), scoped like the trajectory itself."""
        from schakel.web.trajectories.models import Referral, Trajectory

        status = Referral.objects.filter(
            trajectory_id=OuterRef("trajectory_id"), reference=OuterRef("referral_reference")
        ).values("status")[:1]
        answered = Referral.objects.filter(
            trajectory_id=OuterRef("trajectory_id"), reference=OuterRef("referral_reference")
        ).values("answered_at")[:1]
        reason = Referral.objects.filter(
            trajectory_id=OuterRef("trajectory_id"), reference=OuterRef("referral_reference")
        ).values("reason")[:1]
        from schakel.web.signals.models import ReferrerLabel

        own = ReferrerLabel.objects.filter(assessment_id=OuterRef("pk"), user_id=actor.user_id)
        return self.filter(
            organisation_id=actor.organisation_id,
            trajectory__in=Trajectory.objects.visible_to(actor),
        ).annotate(
            referral_status=Subquery(status),
            referral_answered_at=Subquery(answered),
            referral_reason=Subquery(reason),
            own_label=Subquery(own.values("label")[:1]),
        )


class StatisticQuerySet(models.QuerySet[Any]):
    def between_months(self, first: Any, last: Any) -> StatisticQuerySet:
        return self.filter(month__gte=first, month__lte=last)


class CatalogueVersionQuerySet(models.QuerySet[Any]):
    def current(self) -> Any:
        """The most recently published version, or None (then the shipped files apply)."""
        return self.order_by("-published_at", "-pk").first()
