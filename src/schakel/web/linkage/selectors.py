"""Reads for the data steward's linkage page and the review page: run history, last and next
run. Nothing here returns a name, an encoding or a record id."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from schakel.web.linkage.models import LinkageRunRecord


@dataclass(frozen=True)
class RunTimes:
    last: LinkageRunRecord | None
    next_at: dt.datetime


def run_history(limit: int = 30) -> QuerySet[LinkageRunRecord]:
    return LinkageRunRecord.objects.select_related("started_by").order_by("-started_at")[:limit]


def run_times(now: dt.datetime | None = None) -> RunTimes:
    """The last finished run and the next scheduled one (the nightly schedule)."""
    from schakel.web.linkage.tasks import NIGHTLY_LINKAGE

    moment = now or timezone.now()
    last = (
        LinkageRunRecord.objects.filter(state=LinkageRunRecord.State.DONE)
        .order_by("-finished_at")
        .first()
    )
    return RunTimes(last=last, next_at=NIGHTLY_LINKAGE.last_slot(moment) + dt.timedelta(days=1))


def encoding_label(encoding: str) -> str:
    """The encoding of a run in words: its format and whether records are salted."""
    found = re.match(r"schakel-pprl/(\d+)", encoding)
    if found is None:
        return _("unknown")
    salted = " salt=" in encoding and " salt=none" not in encoding
    if salted:
        return _("format %(number)s, salted per record") % {"number": found.group(1)}
    return _("format %(number)s") % {"number": found.group(1)}
