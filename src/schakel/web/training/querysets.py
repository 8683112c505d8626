"""Reads of the training register: scope, expiring certificates and coverage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from schakel.engine.vocabulary import Role
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


@dataclass(frozen=True)
class CoverageRow:
    """How many members of one organisation in one role hold a valid training of a topic."""

    organisation_id: int
    organisation: str
    region: str
    role: str
    members: int
    trained: int

    @property
    def share(self) -> float:
        return self.trained / self.members if self.members else 0.0

    @property
    def percentage(self) -> int:
        return round(100 * self.share)


def coverage(
    *,
    region: str | None = None,
    roles: tuple[str, ...] | None = (Role.FRONTLINE,),  # a filter, not a permission
    topic: str = SIGNALLING,
    today: dt.date | None = None,
) -> list[CoverageRow]:
    """Coverage per organisation and role, lowest share first (then the biggest group).

    Counts people with an active membership; someone is trained when they hold a record of
    a training on `topic` that is valid today. One query, whatever the number of people.
    """
    from schakel.web.organisations.models import Membership
    from schakel.web.training.models import TrainingRecord

    today = today or timezone.localdate()
    valid = TrainingRecord.objects.valid_on(today).filter(
        user=OuterRef("user"), training__topic=topic
    )
    members = Membership.objects.active()
    if region:
        members = members.filter(organisation__region=region)
    if roles:
        members = members.filter(role__in=roles)
    rows = (
        members.values("organisation_id", "organisation__name", "organisation__region", "role")
        .annotate(
            people=Count("user", distinct=True),
            trained=Count("user", distinct=True, filter=Q(Exists(valid))),
        )
        .order_by()
    )
    result = [
        CoverageRow(
            organisation_id=row["organisation_id"],
            organisation=row["organisation__name"],
            region=row["organisation__region"],
            role=row["role"],
            members=row["people"],
            trained=row["trained"],
        )
        for row in rows
    ]
    result.sort(key=lambda r: (r.share, -r.members, r.organisation, r.role))
    return result


def total_coverage(rows: list[CoverageRow]) -> CoverageRow | None:
    if not rows:
        return None
    return CoverageRow(
        organisation_id=0,
        organisation="",
        region="",
        role="",
        members=sum(r.members for r in rows),
        trained=sum(r.trained for r in rows),
    )
