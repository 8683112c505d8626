"""What a coordinator reads before answering a referral: the signal, its questions, the
referrer's note and contact, the consent, and how urgent it is.

Read from the trajectory's events (the `signal` and `referral_sent` the referrer recorded);
indicator questions come from the engine's catalogue in the reader's language.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from django.utils.translation import get_language

from schakel.engine.indicators import Catalogue, load_catalogue
from schakel.engine.trajectories.events import EventType
from schakel.engine.trajectories.projection import REFERRAL_ANSWER_DAYS
from schakel.engine.vocabulary import ExploitationForm
from schakel.web.organisations.models import User
from schakel.web.trajectories.models import Consent, Referral, TrajectoryEvent


@functools.cache
def _catalogue() -> Catalogue:
    return load_catalogue()


@dataclass(frozen=True)
class ReferralDetail:
    referral: Referral
    forms: list[str]
    questions: list[str]
    minor: bool
    urgent: bool
    answer_by: dt.date
    note: str
    referrer: User | None
    consent: Consent | None
    signalled_on: dt.date | None


def referral_detail(referral: Referral) -> ReferralDetail:
    """The referral with what the referrer recorded before and with it (three queries)."""
    events = list(
        TrajectoryEvent.objects.filter(
            trajectory_id=referral.trajectory_id,
            event_type__in=[EventType.SIGNAL, EventType.REFERRAL_SENT],
        )
        .select_related("recorded_by")
        .order_by("occurred_at")
    )
    sent = next(
        (
            e
            for e in events
            if e.event_type == EventType.REFERRAL_SENT
            and e.payload.get("referral_id") == referral.reference
        ),
        None,
    )
    signals = [e for e in events if e.event_type == EventType.SIGNAL]
    forms = sorted(
        {s.payload["suspected_form"] for s in signals if s.payload.get("suspected_form")}
    )
    minor = any(s.payload.get("minor") for s in signals)
    consent = None
    consent_id = (sent.payload.get("consent_id") if sent else None) or ""
    if consent_id.isdigit():
        consent = (
            Consent.objects.filter(trajectory_id=referral.trajectory_id, pk=int(consent_id))
            .select_related("organisation")
            .first()
        )
    answer_by = referral.sent_at.date() + REFERRAL_ANSWER_DAYS
    return ReferralDetail(
        referral=referral,
        forms=forms,
        questions=_questions(signals),
        minor=minor,
        urgent=minor or answer_by <= dt.date.today(),
        answer_by=answer_by,
        note=(sent.full_payload.get("note", "") if sent else ""),
        referrer=sent.recorded_by if sent else None,
        consent=consent,
        signalled_on=signals[-1].occurred_at.date() if signals else None,
    )


def _questions(signals: list[TrajectoryEvent]) -> list[str]:
    catalogue = _catalogue()
    language = get_language() or "nl"
    seen: list[str] = []
    for signal in signals:
        for key in signal.payload.get("indicators", []):
            if catalogue.has_indicator(key):
                text = catalogue.indicator(key).label.in_language(language)
                if text not in seen:
                    seen.append(text)
    return seen


def signalled_forms(referral: Referral) -> list[ExploitationForm]:
    """The forms of exploitation the referrer's signals suspected."""
    return [ExploitationForm(f) for f in referral_detail(referral).forms]
