"""Scoped reads of the training register: who sees which records, which are expiring."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone

from schakel.web.organisations.roles import Capability, has

if TYPE_CHECKING:
    from schakel.web.organisations.models import Membership

EXPIRY_WARNING_DAYS = 60
SIGNALLING = "signalling"


def warning_horizon(today: dt.date | None = None) -> dt.date:
    """The last day on which a certificate expiring counts as "expires soon"."""
    return (today or timezone.localdate()) + dt.timedelta(days=EXPIRY_WARNING_DAYS)


class TrainingRecordQuerySet(models.QuerySet[Any]):
    def visible_to(self, actor: Membership) -> TrainingRecordQuerySet:
        """Registrars see all; a supervisor the staff of their region; anyone else their own."""
        if not actor.is_current:
            return self.none()
        if has(actor, Capability.REGISTER_TRAINING):
            return self
        if has(actor, Capability.VIEW_TRAINING_RECORDS):
            from schakel.web.organisations.models import Membership

            in_region = Membership.objects.active().filter(
                user=OuterRef("user"), organisation__region=actor.organisation.region
            )
            return self.filter(Exists(in_region))
        return self.filter(user_id=actor.user_id)

    def valid_on(self, day: dt.date) -> TrainingRecordQuerySet:
        return self.filter(completed_on__lte=day, expires_on__gt=day)

    def _renewals(self) -> TrainingRecordQuerySet:
        return self.model.objects.filter(
            user=OuterRef("user"),
            training__topic=OuterRef("training__topic"),
            expires_on__gt=OuterRef("expires_on"),
        )

    def expiring(
        self, today: dt.date | None = None, days: int = EXPIRY_WARNING_DAYS
    ) -> TrainingRecordQuerySet:
        """Valid certificates that lapse within `days` and were not renewed (same topic)."""
        today = today or timezone.localdate()
        return (
            self.valid_on(today)
            .filter(expires_on__lte=today + dt.timedelta(days=days))
            .exclude(Exists(self._renewals()))
        )

    def with_renewal(self) -> TrainingRecordQuerySet:
        """Each record with `renewed`: a later certificate of the same topic exists (then its
        lapsing needs no warning)."""
        return self.annotate(renewed=Exists(self._renewals()))
