"""Reads for the data steward's linkage page and the review page: run history, last and next
run. Nothing here returns a name, an encoding or a record id."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schakel.web.core.templatetags.schakel import percent
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
    """The encoding of a run in words: encrypted with the key, whether records are salted and
    bits flipped at random, and the format number last."""
    found = re.match(r"schakel-pprl/(\d+)", encoding)
    if found is None:
        return _("unknown")
    parts = [_("encrypted with the linkage key")]
    if " salt=" in encoding and " salt=none" not in encoding:
        parts.append(_("salted per record"))
    flip = re.search(r" flip=([0-9.]+)", encoding)
    if flip is not None and float(flip.group(1)) > 0:
        parts.append(_("with random bit flips"))
    return _("%(how)s (format %(number)s)") % {"how": ", ".join(parts), "number": found.group(1)}


def in_percent(share: float | None) -> str:
    """A share between 0 and 1 as "98 %" or "99,9 %": whole when it is whole, else one decimal."""
    if share is None:
        return ""
    value = round(share * 100, 1)
    return percent(value, 0 if value == int(value) else 1)


# The reason linkage gives for a possible return, in words (`engine.linkage.explain`).
_FIELD_WORDS = {
    "given_names": gettext_lazy("Given names"),
    "family_name": gettext_lazy("Family name"),
    "date_of_birth": gettext_lazy("Date of birth"),
    "place_of_birth": gettext_lazy("Place of birth"),
    "sex": gettext_lazy("Sex"),
    "nationality": gettext_lazy("Nationality"),
}
_LEVEL_WORDS = {
    "same": gettext_lazy("the same"),
    "close": gettext_lazy("nearly the same (a small spelling difference)"),
    "similar": gettext_lazy("similar (a few letters differ)"),
    "same_year_month": gettext_lazy("same year and month, day differs"),
    "same_year": gettext_lazy("same year, month or day differs"),
    "near_year": gettext_lazy("within three years, one of them estimated"),
    "swapped": gettext_lazy("the same with day and month swapped"),
    "different": gettext_lazy("different"),
    "missing": gettext_lazy("not known in one of the records"),
}


def reason_in_words(agreement: dict[str, str]) -> list[str]:
    """'Family name: the same' for every field linkage compared, in the stored order; fields
    or levels this version does not know are left out rather than shown as codes."""
    lines = []
    for field_name, level in agreement.items():
        if field_name in _FIELD_WORDS and level in _LEVEL_WORDS:
            lines.append(
                _("%(field)s: %(level)s")
                % {"field": _FIELD_WORDS[field_name], "level": _LEVEL_WORDS[level]}
            )
    return lines
