"""Reads that are not QuerySet methods: the organisation's referrals, and anonymous counts of
completed checks, for the monitor.

Only counts per month, suspected form, role kind, region and outcome exist; the answers of a
single check are never stored. Small counts are returned as they are: the monitor applies its
disclosure control before showing or exporting them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from schakel.web.organisations.models import Membership
from schakel.web.signals.models import Assessment, ReferrerLabel, SignalCheckStatistic
from schakel.web.trajectories.worklist import referrals_sent


def referrals_of_organisation(actor: Membership) -> QuerySet[Any]:
    """Every referral the actor's organisation sent, newest first: the same rows the home
    page counts and lists. A referral made after a signal check carries the check's
    `assessment_pk`, `suspected_form` and the actor's `own_label` (else these are None)."""
    check = Assessment.objects.filter(
        trajectory_id=OuterRef("trajectory_id"), referral_reference=OuterRef("reference")
    )
    own = ReferrerLabel.objects.filter(
        assessment__trajectory_id=OuterRef("trajectory_id"),
        assessment__referral_reference=OuterRef("reference"),
        user_id=actor.user_id,
    )
    return referrals_sent(actor).annotate(
        assessment_pk=Subquery(check.values("pk")[:1]),
        suspected_form=Subquery(check.values("suspected_form")[:1]),
        own_label=Subquery(own.values("label")[:1]),
    )


@dataclass(frozen=True)
class SignalCheckCount:
    month: dt.date  # the first day of the month
    form: str | None  # None: the professional did not know
    role_kind: str
    region: str | None  # None: not given
    outcome: str
    count: int


def signal_check_counts(*, since: dt.date, until: dt.date) -> list[SignalCheckCount]:
    """Counts for the months from `since`'s month up to and including `until`'s month."""
    if until < since:
        raise ValueError(f"until ({until}) lies before since ({since})")
    rows = SignalCheckStatistic.objects.between_months(
        since.replace(day=1), until.replace(day=1)
    ).filter(count__gt=0)
    return [
        SignalCheckCount(
            month=row.month,
            form=row.form or None,
            role_kind=row.role_kind,
            region=row.region or None,
            outcome=row.outcome,
            count=row.count,
        )
        for row in rows.order_by("month", "form", "role_kind", "region", "outcome")
    ]
