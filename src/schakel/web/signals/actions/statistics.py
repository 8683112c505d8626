"""Counting completed signal checks: five codes per check, never its answers."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from schakel.engine.indicators import Evaluation
from schakel.web.signals.check import CheckState
from schakel.web.signals.models import SignalCheckStatistic


def statistic_key(
    state: CheckState, evaluation: Evaluation, on: dt.date | None = None
) -> dict[str, str]:
    """The five codes a check is counted under: never its answers, set or anything else."""
    month = (on or timezone.localdate()).replace(day=1)
    if state.counted_as:
        month = dt.date.fromisoformat(state.counted_as["month"])
    return {
        "month": month.isoformat(),
        "form": state.form.value if state.form else "",
        "role_kind": state.role.value,
        "region": state.region.value if state.region else "",
        "outcome": evaluation.outcome.value,
    }


def do_count_signal_check(
    *, state: CheckState, evaluation: Evaluation, on: dt.date | None = None
) -> dict[str, str]:
    """Count a completed check once. When the professional changes answers after seeing the
    result and the outcome changes, the check moves to its new outcome (one down, one up), so
    one check is never counted twice. Returns the key; the caller keeps it in the session."""
    key = statistic_key(state, evaluation, on)
    if state.counted_as == key:
        return key
    with transaction.atomic():
        if state.counted_as:
            SignalCheckStatistic.objects.filter(**state.counted_as, count__gt=0).update(
                count=F("count") - 1
            )
        row, created = SignalCheckStatistic.objects.get_or_create(**key, defaults={"count": 1})
        if not created:
            SignalCheckStatistic.objects.filter(pk=row.pk).update(count=F("count") + 1)
    state.counted_as = key
    return key
