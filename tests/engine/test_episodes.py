"""The episode builder's definitions: where an episode starts, how its follow-up ends, strata."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from schakel.engine.trajectories.episode_outcomes import add_months as add_months_vectorised
from schakel.engine.trajectories.episodes import (
    EPISODE_COLUMNS,
    EpisodeBuild,
    build_episodes,
)
from schakel.engine.trajectories.events import validate_payload
from schakel.engine.trajectories.intervals import recurrent_intervals
from schakel.engine.trajectories.projection import add_months

T0 = dt.datetime(2023, 1, 2, 9, 0, tzinfo=dt.UTC)
AS_OF = dt.date(2025, 12, 31)


def day(offset: int) -> dt.date:
    return (T0 + dt.timedelta(days=offset)).date()


class Log:
    """A small event log; every payload passes validate_payload, as stored ones do."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(
        self,
        kind: str,
        offset: int,
        payload: dict[str, Any] | None = None,
        *,
        person: str = "p1",
        trajectory: str = "t1",
        supersedes: str | None = None,
        minute: int = 0,
    ) -> str:
        event_id = f"e{len(self.rows) + 1}"
        self.rows.append(
            {
                "trajectory_id": trajectory,
                "person_id": person,
                "region": "amsterdam" if trajectory.endswith("1") else "limburg",
                "event_type": kind,
                "occurred_at": T0 + dt.timedelta(days=offset, minutes=minute),
                "payload": validate_payload(kind, payload or {}),
                "event_id": event_id,
                "supersedes": supersedes,
            }
        )
        return event_id

    def care(
        self,
        start: int,
        leave: int,
        *,
        person: str = "p1",
        trajectory: str = "t1",
        placements: tuple[str, ...] = ("cosm", "omm"),
        interventions: tuple[str, ...] = ("trauma_care", "work"),
        minor: bool | None = False,
        exit_kind: str = "stable",
        started_on: dt.date | None = None,
    ) -> None:
        at = {"person": person, "trajectory": trajectory}
        signal: dict[str, Any] = {"observed_by_role": "police_officer"}
        if minor is not None:
            signal["minor"] = minor
        self.add("signal", start - 10, signal, **at)
        self.add("intake", start, {}, **at)
        episode = {"episode_id": "x", "form": "labour", "modus_operandi": ["debt_bondage", "other"]}
        if started_on is not None:
            episode["started_on"] = started_on.isoformat()
        self.add("exploitation_episode", start, episode, minute=5, **at)
        for number, kind in enumerate(placements):
            placement = {"placement_id": f"p{number}", "placement_type": kind}
            self.add("placement_start", start + 1 + number, placement, **at)
        for number, kind in enumerate(interventions):
            self.add(
                "intervention_start",
                start + 5,
                {"intervention_id": f"i{number}", "intervention_type": kind},
                **at,
            )
        self.add("exit", leave, {"exit_kind": exit_kind}, **at)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows)

    def build(self, as_of: dt.date = AS_OF, **options: Any) -> EpisodeBuild:
        return build_episodes(self.frame(), as_of=as_of, timezone="UTC", **options)


def only(build: EpisodeBuild) -> pd.Series:
    assert len(build.episodes) == 1, build.episodes
    return build.episodes.iloc[0]


def test_a_stable_exit_with_its_strata() -> None:
    log = Log()
    log.care(0, 200, minor=True)
    log.add("follow_up_contact", 290, {"outcome": "concerns"})
    log.add("closure", 400, {"reason": "follow_up_completed"})
    row = only(log.build())
    assert list(log.build().episodes.columns) == list(EPISODE_COLUMNS)
    assert (row.exit_type, row.days, row.ending, row.lost_to_follow_up) == (
        2,
        200,
        "follow_up_completed",
        False,
    )
    assert row.start_date == pd.Timestamp(day(0)) and row.exit_date == pd.Timestamp(day(200))
    assert (row.form, row.modus_operandi, row.placement) == ("labour", "debt_bondage", "omm")
    assert row.intervention_trauma_care and row.intervention_work and not row.intervention_education
    assert row.interventions == 2 and row.minor and row.age_group == "minor"
    assert (row.region, row.cohort, row.episode_no, row.prior_episodes) == ("amsterdam", 2023, 1, 0)


@pytest.mark.parametrize(
    ("kind", "payload", "expected"),
    [
        ("return_to_exploitation", {"detected_by": "follow_up"}, (1, "return_event", False)),
        (
            "follow_up_contact",
            {"outcome": "return_to_exploitation"},
            (1, "follow_up_return", False),
        ),
        ("follow_up_contact", {"outcome": "lost_contact"}, (0, "lost_contact", True)),
        ("lost_contact", {}, (0, "lost_contact", True)),
        ("closure", {"reason": "no_consent"}, (0, "consent_withdrawn", True)),
        ("closure", {"reason": "referred_elsewhere"}, (0, "referred_elsewhere", True)),
        ("closure", {"reason": "deceased"}, (3, "deceased", False)),
        ("closure", {"reason": "left_netherlands"}, (3, "left_netherlands", False)),
        ("closure", {"reason": "other"}, (3, "closed_other", False)),
    ],
)
def test_each_ending(kind: str, payload: dict[str, Any], expected: tuple[int, str, bool]) -> None:
    log = Log()
    log.care(0, 100)
    log.add("follow_up_contact", 190, {"outcome": "stable"})
    log.add(kind, 250, payload)
    row = only(log.build())
    assert (row.exit_type, row.ending, row.lost_to_follow_up) == expected
    assert row.days == 150 and row.end_date == pd.Timestamp(day(250))


def test_censored_at_the_as_of_date_is_not_lost() -> None:
    log = Log()
    log.care(0, 100)
    log.add("follow_up_contact", 190, {"outcome": "stable"})
    row = only(log.build(as_of=day(300)))
    assert (row.exit_type, row.days, row.ending, row.lost_to_follow_up) == (0, 200, "as_of", False)


def test_leaving_the_netherlands_at_exit_ends_on_day_zero() -> None:
    log = Log()
    log.care(0, 100, exit_kind="left_netherlands")
    log.add("closure", 120, {"reason": "left_netherlands"})
    build = log.build()
    assert (only(build).exit_type, only(build).days) == (3, 0)
    assert build.intervals.empty  # no time at risk, so no interval


def test_a_stable_contact_counts_only_at_the_last_scheduled_follow_up() -> None:
    log = Log()
    log.add("signal", -5, {"observed_by_role": "nurse"})
    log.add("intake", 0)
    log.add("exit", 100, {"exit_kind": "stable", "follow_up_months": [3, 6]})
    due = (add_months(day(100), 6) - day(0)).days
    log.add("follow_up_contact", 190, {"outcome": "stable"})  # 3 months: not the end
    log.add("follow_up_contact", due - 40, {"outcome": "stable"})  # within 45 days of the last
    row = only(log.build())
    assert (row.exit_type, row.ending, row.days) == (2, "stable_last_contact", due - 40 - 100)
    assert pd.isna(row.form) and pd.isna(row.minor) and row.age_group == "unknown"


def test_a_return_wins_a_tie_with_a_closure() -> None:
    log = Log()
    log.care(0, 100)
    log.add("closure", 300, {"reason": "follow_up_completed"})
    log.add("return_to_exploitation", 300, {}, minute=30)
    assert only(log.build()).exit_type == 1


def test_a_new_episode_of_the_same_person_elsewhere_is_a_return() -> None:
    log = Log()
    log.care(0, 100)
    log.add("follow_up_contact", 190, {"outcome": "stable"})
    log.add("follow_up_contact", 282, {"outcome": "lost_contact"})  # the return went unseen
    log.care(400, 600, trajectory="t2", started_on=day(250), placements=("own_home",))
    log.add("closure", 700, {"reason": "follow_up_completed"}, trajectory="t2")
    build = log.build()
    first, second = build.episodes.iloc[0], build.episodes.iloc[1]
    assert (first.exit_type, first.ending, first.days) == (1, "new_episode", 150)
    assert (second.episode_no, second.prior_episodes, second.trajectory_id) == (2, 1, "t2")
    assert (second.region, second.placement, second.exit_type) == ("limburg", "own_home", 2)
    intervals = build.intervals
    assert intervals[["start", "stop", "event", "episode_no"]].values.tolist() == [
        [0, 150, 1, 1],
        [500, 600, 0, 2],  # time back in care (days 250-600) is not at risk
    ]


def test_a_new_episode_without_a_usable_start_date_is_dated_by_its_intake() -> None:
    log = Log()
    log.care(0, 100)
    log.care(400, 600, trajectory="t2", started_on=day(50))  # started before the exit
    assert build_first(log).days == 300


def build_first(log: Log) -> pd.Series:
    return log.build().episodes.iloc[0]


def test_an_intake_finding_no_victim_starts_nothing() -> None:
    log = Log()
    log.care(0, 100)
    log.add("signal", 300, {"observed_by_role": "nurse"}, trajectory="t2")
    log.add("intake", 310, {"trafficking_status": "not_a_victim"}, trajectory="t2")
    log.add("closure", 320, {"reason": "not_a_victim"}, trajectory="t2")
    row = only(log.build())
    assert (row.exit_type, row.ending) == (0, "as_of")  # closures elsewhere end nothing here


def test_episodes_still_in_care_are_counted_not_listed() -> None:
    log = Log()
    log.care(0, 100)
    log.add("intake", 10, {}, person="p2", trajectory="t3")
    build = log.build()
    assert len(build.episodes) == 1 and build.quality.open_episodes == 1


def test_recurrent_intervals_need_the_episode_columns() -> None:
    with pytest.raises(ValueError, match="exit_type"):
        recurrent_intervals(
            pd.DataFrame({"person_id": [], "episode_no": [], "exit_date": [], "days": []})
        )


@given(
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31)),
    st.integers(min_value=0, max_value=120),
)
def test_vectorised_add_months_matches_the_projection(start: dt.date, months: int) -> None:
    number = np.array([(start - dt.date(1970, 1, 1)).days])
    got = add_months_vectorised(number, np.array([months]))[0]
    assert dt.date(1970, 1, 1) + dt.timedelta(days=int(got)) == add_months(start, months)
