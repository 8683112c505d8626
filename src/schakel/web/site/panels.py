"""The home page's panels: what needs doing now, per capability.

A panel is one entry: the capability that shows it, its template and a function that reads its
data for the acting membership. The home page shows the panels the acting role may see, in
order; another app's issue adds a panel with one `register(...)` (supervisor, administrator).
Each panel reads counts and at most `SHOWN` rows, and says how many there are in all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from schakel.web.linkage.models import ReturnCandidate
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability, has
from schakel.web.signals.models import Consultation
from schakel.web.trajectories.selectors import inbox_for
from schakel.web.trajectories.worklist import due, referrals_sent, without_coordinator

SHOWN = 5


@dataclass(frozen=True)
class Panel:
    name: str
    capability: Capability
    template: str
    read: Callable[[Membership], dict[str, Any]]
    order: int = 100
    unless: Capability | None = None  # not for roles that have this (they see a fuller panel)


PANELS: list[Panel] = []


def register(panel: Panel) -> Panel:
    PANELS.append(panel)
    PANELS.sort(key=lambda p: p.order)
    return panel


def panels_for(acting: Membership) -> list[tuple[Panel, dict[str, Any]]]:
    """The panels this role sees, each with its data."""
    shown = [
        p
        for p in PANELS
        if has(acting, p.capability) and not (p.unless is not None and has(acting, p.unless))
    ]
    return [(p, p.read(acting)) for p in shown]


def first_rows(rows: QuerySet[Any], shown: QuerySet[Any] | None = None) -> tuple[list[Any], int]:
    """The first `SHOWN` rows (of `shown`, the same rows with less read, if given) and how many
    there are in all: counted by the database only when the first rows fill the panel."""
    first = list((rows if shown is None else shown)[:SHOWN])
    return first, (len(first) if len(first) < SHOWN else rows.count())


def _to_answer(acting: Membership) -> dict[str, Any]:
    referrals = inbox_for(acting)
    # a referral's reason is sealed, and not shown here
    first, count = first_rows(referrals, referrals.defer("reason"))
    data: dict[str, Any] = {"referrals": first, "referral_count": count}
    if has(acting, Capability.ANSWER_CONSULTATIONS):
        data["consultation_count"] = Consultation.objects.inbox_of(acting).open().count()
    return data


def _my_tasks(acting: Membership) -> dict[str, Any]:
    work = due(acting)
    overdue, overdue_count = first_rows(work.overdue)
    this_week, week_count = first_rows(work.this_week)
    return {
        "overdue": overdue,
        "overdue_count": overdue_count,
        "this_week": this_week,
        "week_count": week_count,
    }


def _unassigned(acting: Membership) -> dict[str, Any]:
    rows, count = first_rows(without_coordinator(acting))
    return {"trajectories": rows, "count": count}


def _returns(acting: Membership) -> dict[str, Any]:
    return {"count": ReturnCandidate.objects.for_reviewer(acting).pending().count()}


def _my_referrals(acting: Membership) -> dict[str, Any]:
    rows = referrals_sent(acting)
    # a rejection's reason is sealed and not shown here
    shown, count = first_rows(rows, rows.defer("reason"))
    return {"referrals": shown, "count": count}


def _my_consultations(acting: Membership) -> dict[str, Any]:
    rows = Consultation.objects.asked_by(acting)
    return {"count": rows.count(), "open_count": rows.open().count()}


register(
    Panel("to_answer", Capability.ANSWER_REFERRALS, "site/panels/to_answer.html", _to_answer, 10)
)
register(
    Panel(
        "my_tasks", Capability.COORDINATE_TRAJECTORIES, "site/panels/my_tasks.html", _my_tasks, 20
    )
)
register(
    Panel(
        "unassigned",
        Capability.COORDINATE_TRAJECTORIES,
        "site/panels/unassigned.html",
        _unassigned,
        30,
    )
)
register(Panel("returns", Capability.REVIEW_RETURNS, "site/panels/returns.html", _returns, 40))
register(
    Panel(
        "my_referrals",
        Capability.RECORD_EVENTS,
        "site/panels/my_referrals.html",
        _my_referrals,
        50,
        unless=Capability.COORDINATE_TRAJECTORIES,
    )
)
register(
    Panel(
        "my_consultations",
        Capability.CONSULT,
        "site/panels/my_consultations.html",
        _my_consultations,
        60,
        unless=Capability.ANSWER_CONSULTATIONS,
    )
)


def badges(acting: Membership) -> dict[str, int]:
    """The counts beside the menu items (fetched after the page, so no page pays for them)."""
    counts: dict[str, int] = {}
    if has(acting, Capability.ANSWER_REFERRALS):
        counts["referrals"] = inbox_for(acting).count()
    if has(acting, Capability.ANSWER_CONSULTATIONS):
        counts["consultations"] = Consultation.objects.inbox_of(acting).open().count()
    if has(acting, Capability.REVIEW_RETURNS):
        counts["returns"] = ReturnCandidate.objects.for_reviewer(acting).pending().count()
    if has(acting, Capability.COORDINATE_TRAJECTORIES):
        counts["work"] = due(acting).overdue.count()
    return counts
