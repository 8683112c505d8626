"""B8 milestones in their legal order (rules.residence_order)."""

from __future__ import annotations

import datetime as dt

from schakel.engine.trajectories.projection import Event
from schakel.engine.trajectories.rules import check_sequence

T0 = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)


def milestone(n: int, day: int, name: str, **extra: object) -> Event:
    at = T0 + dt.timedelta(days=day)
    return Event(f"m{n}", "residence_milestone", at, at, {"milestone": name, **extra})


def codes(history: list[Event], day: int, name: str, **extra: object) -> list[tuple[str, str]]:
    payload = {"milestone": name, **extra}
    at = T0 + dt.timedelta(days=day)
    return [(p.field, p.code) for p in check_sequence(history, "residence_milestone", at, payload)]


def test_the_reflection_period_ends_after_it_starts() -> None:
    assert codes([], 10, "reflection_end") == [("milestone", "reflection_not_started")]
    started = [milestone(1, 20, "reflection_start")]
    assert codes(started, 10, "reflection_end") == [("milestone", "reflection_not_started")]
    assert codes(started, 30, "reflection_end") == []


def test_a_permit_decision_follows_a_police_report_and_the_reflection_start() -> None:
    assert codes([], 5, "permit_decision", decision="granted") == [
        ("milestone", "permit_needs_report")
    ]
    history = [milestone(1, 0, "police_report"), milestone(2, 30, "reflection_start")]
    assert codes(history, 10, "permit_decision", decision="granted") == [
        ("occurred_at", "before_reflection")
    ]
    assert codes(history, 40, "permit_decision", decision="granted") == []


def test_appeal_and_continued_residence_follow_a_decision() -> None:
    assert codes([], 5, "appeal") == [("milestone", "needs_permit_decision")]
    assert codes([], 5, "continued_residence_application") == [
        ("milestone", "needs_permit_decision")
    ]
    decided = [milestone(1, 0, "police_report"), milestone(2, 3, "permit_decision")]
    assert codes(decided, 4, "appeal") == []
    assert codes(decided, 4, "continued_residence_decision", decision="granted") == [
        ("milestone", "needs_continued_application")
    ]


def test_a_reflection_period_cannot_start_after_a_decision() -> None:
    decided = [milestone(1, 0, "police_report"), milestone(2, 3, "permit_decision")]
    assert codes(decided, 10, "reflection_start") == [("occurred_at", "reflection_after_decision")]
    assert codes(decided, 1, "reflection_start") == []
