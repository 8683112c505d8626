"""Reads of the training register that are not QuerySet methods: coverage per group."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from schakel.engine.vocabulary import Role
from schakel.web.organisations.models import Membership
from schakel.web.training.models import TrainingRecord


@dataclass(frozen=True)
class CoverageRow:
    """How many members of one organisation in one role hold a valid training of a topic."""

    organisation_id: int
    organisation: str
    region: str
    role: str
    members: int
    trained: int
    expiring: int = 0
    """Of the trained, how many hold no certificate valid beyond the warning horizon."""

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
    topic: str | None = None,
    today: dt.date | None = None,
) -> list[CoverageRow]:
    """Coverage per organisation and role, lowest share first (then the biggest group).

    Counts people with an active membership; someone is trained when they hold a record of
    a training on `topic` (any topic when None) that is valid today. "Expires soon" uses the
    records' own `expiring()` rule, so it counts the people on the expiring list. One query,
    whatever the number of people.
    """
    today = today or timezone.localdate()
    records = TrainingRecord.objects.filter(user=OuterRef("user"))
    if topic:
        records = records.filter(training__topic=topic)
    valid = records.valid_on(today)
    expiring = records.expiring(today)
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
            expiring=Count("user", distinct=True, filter=Q(Exists(expiring))),
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
            expiring=row["expiring"],
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
        expiring=sum(r.expiring for r in rows),
    )
