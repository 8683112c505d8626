"""Reads for the data steward's linkage page and the review page: run history, last and next
run. Nothing here returns a name, an encoding or a record id."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from schakel.web.core.templatetags.schakel import percent
from schakel.web.jobs.service import next_run
from schakel.web.linkage.models import LinkageRunRecord, ReturnCandidate


@dataclass(frozen=True)
class RunTimes:
    last: LinkageRunRecord | None
    next_at: dt.datetime | None
    """None: no nightly run is scheduled (SCHAKEL_LINKAGE_SCHEDULE is off)."""


def run_history(limit: int = 30) -> QuerySet[LinkageRunRecord]:
    return LinkageRunRecord.objects.select_related("started_by").order_by("-started_at")[:limit]


def run_times(now: dt.datetime | None = None) -> RunTimes:
    """The last finished run and the next one the job queue's schedule will start."""
    from schakel.web.linkage.tasks import NIGHTLY_NAME

    last = (
        LinkageRunRecord.objects.filter(state=LinkageRunRecord.State.DONE)
        .order_by("-finished_at")
        .first()
    )
    return RunTimes(last=last, next_at=next_run(NIGHTLY_NAME, now or timezone.now()))


def encoding_label(encoding: str) -> str:
    """The encoding of a run in words: encrypted with the key, whether records are salted and
    bits flipped at random, and the format number last."""
    found = re.match(r"schakel-pprl/(\d+)", encoding)
    if found is None:
        return _("unknown")
    parts = [_("encrypted with the linkage key")]
    if " salt=" in encoding and " salt=none" not in encoding:
        parts.append(_("salted per record"))
    if " mix=record" in encoding:
        parts.append(_("names and date of birth in one filter per record"))
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
    "names": gettext_lazy("Names (given and family name together)"),
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


@dataclass(frozen=True)
class ReviewRow:
    """One possible return as the data steward sees it: how likely, what kind of new event,
    how long after the end, and why linkage found it; no pseudonym, organisation or date."""

    candidate: ReturnCandidate
    chance: str
    new_event: str
    elsewhere: bool
    after: str
    reasons: list[str]


def review_row(candidate: ReturnCandidate) -> ReviewRow:
    return ReviewRow(
        candidate=candidate,
        chance=chance_in_words(candidate.match_probability),
        new_event=candidate.later_event.get_event_type_display(),
        elsewhere=candidate.earlier.organisation_id != candidate.later.organisation_id,
        after=time_after_in_words(candidate.days_after_end),
        reasons=reason_in_words(candidate.agreement),
    )


def chance_in_words(probability: float) -> str:
    """The match probability as a Dutch percentage; just below 1 it says "more than 99,9 %"
    rather than a rounded "100 %" that claims certainty."""
    if probability < 1 and round(probability * 100, 1) >= 100:
        return _("more than %(share)s") % {"share": in_percent(0.999)}
    return in_percent(probability)


def time_after_in_words(days: int | None) -> str:
    """ "12 days" up to two months, then "about 11 months"; "" when the run did not keep it."""
    if days is None:
        return ""
    if days < 62:
        return ngettext("%(n)s day", "%(n)s days", days) % {"n": days}
    months = round(days / 30.44)
    return ngettext("about %(n)s month", "about %(n)s months", months) % {"n": months}
