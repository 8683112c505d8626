"""Every write of the signal check: counts, consultations, referrals, catalogue versions."""

from __future__ import annotations

from schakel.web.signals.actions.consultations import (
    coordination_for,
    do_answer_consultation,
    do_ask_consultation,
    do_close_consultation,
    do_reply_consultation,
)
from schakel.web.signals.actions.publishing import do_publish_catalogue_version
from schakel.web.signals.actions.referrals import do_refer_with_consent, do_set_referrer_label
from schakel.web.signals.actions.statistics import do_count_signal_check

__all__ = [
    "coordination_for",
    "do_answer_consultation",
    "do_ask_consultation",
    "do_close_consultation",
    "do_count_signal_check",
    "do_publish_catalogue_version",
    "do_refer_with_consent",
    "do_reply_consultation",
    "do_set_referrer_label",
]
