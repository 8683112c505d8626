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

    def expiring(
        self, today: dt.date | None = None, days: int = EXPIRY_WARNING_DAYS
    ) -> TrainingRecordQuerySet:
        """Valid certificates that lapse within `days` and were not renewed (same topic)."""
        today = today or timezone.localdate()
        later = self.model.objects.filter(
            user=OuterRef("user"),
            training__topic=OuterRef("training__topic"),
            expires_on__gt=OuterRef("expires_on"),
        )
        return (
            self.valid_on(today)
            .filter(expires_on__lte=today + dt.timedelta(days=days))
            .exclude(Exists(later))
        )
