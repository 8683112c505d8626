"""The monitor's details (`episode_details`) against a straightforward computation, episode by
episode, on small random logs: several exploitation episodes per care episode (some before its
start or after its exit), factors recorded several times (some at the same instant, some after
exit), corrections and events entered in error, fields and lists missing or untidy, and clocks
on which an event near midnight falls on another day. The vectorised code sorts, searches and
codes; this test is the plain reading of the rules it must keep."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from schakel.engine.monitor.details import DETAIL_COLUMNS, NONE, episode_details
from schakel.engine.trajectories.episodes import build_episodes

AS_OF = dt.date(2024, 6, 30)
FACTORS = ("debt", "trauma", "addiction")
WHERE = ("Utrecht", " Zeist ", "", "Amersfoort")


class _Log:
    def __init__(self, rng: np.random.Generator, factors: tuple[str, ...]) -> None:
        self.rng, self.factors = rng, factors
        self.rows: list[dict[str, Any]] = []

    def add(
        self, person: str, kind: str, day: dt.date, payload: dict[str, Any], *, again: bool = False
    ) -> str:
        """An event on `day` (`again`: at the instant of the event added last)."""
        hour = int(self.rng.choice([0, 1, 12, 22, 23]))  # near midnight: another local day
        at = dt.datetime.combine(day, dt.time(hour, int(self.rng.choice([0, 30]))), dt.UTC)
        at = self.rows[-1]["occurred_at"] if again else at
        event_id = f"e{len(self.rows)}"
        self.rows.append(
            {"trajectory_id": f"t-{person}", "person_id": person, "region": "utrecht",
             "event_type": kind, "occurred_at": at, "payload": payload, "event_id": event_id,
             "supersedes": None}
        )  # fmt: skip
        return event_id

    def correct(self, row: dict[str, Any], payload: dict[str, Any] | None) -> None:
        """A correction of `row` (a new payload), or its withdrawal (`payload` None)."""
        kind = row["event_type"] if payload is not None else "entered_in_error"
        day = row["occurred_at"].date()
        self.add(row["person_id"], kind, day, payload or {"reason": "wrong"})
        self.rows[-1]["supersedes"] = row["event_id"]


def _maybe(rng: np.random.Generator, payload: dict[str, Any], key: str, value: Any) -> None:
    if rng.random() < 0.7:
        payload[key] = value


def _exploitation(rng: np.random.Generator) -> dict[str, Any]:
    payload: dict[str, Any] = {"episode_id": f"x{rng.integers(10**6)}", "form": "labour"}
    _maybe(rng, payload, "municipality", str(rng.choice(WHERE)))
    _maybe(rng, payload, "country", str(rng.choice(["NL", "BE"])))
    _maybe(rng, payload, "sector_isic", str(rng.choice(["A", "C"])))
    methods = ["at_work", "online_social_network", " at_work", "", "other"]
    _maybe(rng, payload, "recruitment_methods", list(rng.choice(methods, rng.integers(0, 4))))
    _maybe(rng, payload, "recruitment_platforms", list(rng.choice(["Snapchat", "TikTok"], 2)))
    return payload


def _vulnerability(rng: np.random.Generator, factors: tuple[str, ...]) -> dict[str, Any]:
    payload: dict[str, Any] = {}
    _maybe(rng, payload, "addressed", bool(rng.random() < 0.5))
    if rng.random() < 0.95:
        payload["factor"] = str(rng.choice(factors))
    return payload


def _person(log: _Log, person: str, first: dt.date) -> None:
    rng, day = log.rng, first
    for _ in range(int(rng.integers(1, 4))):
        care = int(rng.integers(20, 90))
        log.add(person, "intake", day, {"trafficking_status": "possible"})
        for _ in range(int(rng.integers(0, 4))):
            at = day + dt.timedelta(days=int(rng.integers(-3, care + 5)))
            log.add(person, "exploitation_episode", at, _exploitation(rng))
            if rng.random() < 0.3:  # another the same day, earlier or later
                log.add(person, "exploitation_episode", at, _exploitation(rng))
        for _ in range(int(rng.integers(0, 5))):
            at = day + dt.timedelta(days=int(rng.integers(-10, care + 30)))
            payload = _vulnerability(rng, log.factors)
            log.add(person, "vulnerability", at, payload)
            draw = rng.random()
            if draw < 0.3:  # the same factor again, at the same instant
                log.add(person, "vulnerability", at, {**payload, "addressed": True}, again=True)
            elif draw < 0.6:  # or the same day, earlier or later
                log.add(person, "vulnerability", at, {**payload, "addressed": False})
        exit_day = day + dt.timedelta(days=care)
        log.add(person, "exit", exit_day, {"exit_kind": "stable"})
        ending = rng.integers(0, 4)
        later = exit_day + dt.timedelta(days=int(rng.integers(10, 60)))
        if ending == 0:
            log.add(person, "follow_up_contact", later, {"outcome": "return_to_exploitation"})
        elif ending == 1:
            payload = {}
            _maybe(rng, payload, "detected_by", str(rng.choice(["report", "linkage"])))
            log.add(person, "return_to_exploitation", later, payload)
            if rng.random() < 0.3:  # a second report of the same return
                second = {"detected_by": "follow_up"}
                log.add(person, "return_to_exploitation", later, second, again=True)
        day = later + dt.timedelta(days=int(rng.integers(5, 100)))


def random_log(seed: int, persons: int = 40, factors: tuple[str, ...] = FACTORS) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    log = _Log(rng, factors)
    for p in range(persons):
        _person(log, f"p{p}", dt.date(2021, 1, 1) + dt.timedelta(days=int(rng.integers(0, 300))))
    for row in list(log.rows):
        if row["event_type"] in ("vulnerability", "exploitation_episode", "return_to_exploitation"):
            draw = rng.random()
            if draw < 0.1:
                log.correct(row, None)
            elif draw < 0.2:
                replacement = {
                    "vulnerability": lambda: _vulnerability(rng, factors),
                    "exploitation_episode": lambda: _exploitation(rng),
                    "return_to_exploitation": lambda: {"detected_by": "report"},
                }[row["event_type"]]()
                log.correct(row, replacement)
    order = rng.permutation(len(log.rows))  # the log's order is not the time order
    return pd.DataFrame([log.rows[i] for i in order])


# the rules, read plainly


def _in_force(log: pd.DataFrame) -> pd.DataFrame:
    named = {(r.trajectory_id, r.supersedes) for r in log.itertuples() if r.supersedes}
    keep = [
        r.event_type != "entered_in_error" and (r.trajectory_id, r.event_id) not in named
        for r in log.itertuples()
    ]
    return log[keep]


def _text(value: Any) -> str:
    return str(value).strip() if value is not None and str(value).strip() else NONE


def _many(values: Any) -> tuple[str, ...]:
    kept = {str(v).strip() for v in values or [] if str(v).strip()}
    return tuple(sorted(kept)) or (NONE,)


def expected_details(log: pd.DataFrame, episodes: pd.DataFrame, zone: str) -> pd.DataFrame:
    events = _in_force(log).assign(row=lambda f: range(len(f)))
    events = events.assign(day=[t.astimezone(ZoneInfo(zone)).date() for t in events.occurred_at])
    rows = []
    for episode in episodes.itertuples():
        mine = events[events.person_id == episode.person_id].sort_values(["occurred_at", "row"])
        start, exit_day = episode.start_date.date(), episode.exit_date.date()
        found = [
            e.payload
            for e in mine.itertuples()
            if e.event_type == "exploitation_episode" and start <= e.day <= exit_day
        ]
        first = found[0] if found else {}
        latest: dict[str, bool] = {}
        for e in mine.itertuples():
            if e.event_type == "vulnerability" and e.day <= exit_day and e.payload.get("factor"):
                latest[e.payload["factor"]] = e.payload.get("addressed") is True
        levels = sorted(f"{f}:{'addressed' if a else 'not_addressed'}" for f, a in latest.items())
        rows.append(
            {
                "municipality": _text(first.get("municipality")),
                "country": _text(first.get("country")),
                "sector": _text(first.get("sector_isic")),
                "recruitment": _many(first.get("recruitment_methods")),
                "platforms": _many(first.get("recruitment_platforms")),
                "vulnerabilities": tuple(levels) or (NONE,),
                "detection": _detection(episode, mine),
            }
        )
    return pd.DataFrame(rows, index=episodes.index, columns=list(DETAIL_COLUMNS))


def _detection(episode: Any, mine: pd.DataFrame) -> str:
    if episode.exit_type != 1:
        return NONE
    ending = str(episode.ending)
    if ending != "return_event":
        return {"follow_up_return": "follow_up", "new_episode": "new_episode"}.get(ending, NONE)
    end = episode.end_date.date()
    found = [e.payload for e in mine.itertuples() if e.event_type == "return_to_exploitation"
             and e.day == end]  # fmt: skip
    return str(found[0].get("detected_by", "other")) if found else "other"


MANY = tuple(f"factor_{i:02}" for i in range(40))
"""More than 64 levels (factor:addressed|not_addressed): a set of levels takes two words."""


@pytest.mark.parametrize(
    ("seed", "zone", "factors"),
    [(1, "UTC", FACTORS), (2, "Europe/Amsterdam", FACTORS), (3, "UTC", FACTORS), (4, "UTC", MANY)],
)
def test_details_equal_a_plain_reading_of_each_episode(
    seed: int, zone: str, factors: tuple[str, ...]
) -> None:
    log = random_log(seed, persons=60 if factors == MANY else 40, factors=factors)
    episodes = build_episodes(log, as_of=AS_OF, timezone=zone, strict=False).episodes
    expected = expected_details(log, episodes, zone)
    as_text = log.assign(payload=[json.dumps(p) for p in log["payload"]])
    for given in (log, as_text, pa.Table.from_pandas(as_text, preserve_index=False)):
        found = episode_details(given, episodes, timezone=zone)
        pd.testing.assert_frame_equal(found, expected)


def test_the_random_logs_hold_the_cases_the_rules_are_about() -> None:
    """Else the comparison above could pass with a rule broken: an episode whose first
    exploitation episode is not its only one in the window, a factor whose latest record
    differs from an earlier one, a withdrawn record, and all three endings with a return."""
    log = random_log(1)
    episodes = build_episodes(log, as_of=AS_OF, timezone="UTC", strict=False).episodes
    assert log["supersedes"].notna().sum() >= 10
    assert {"return_event", "follow_up_return"} <= set(episodes["ending"].astype(str))
    details = expected_details(log, episodes, "UTC")
    assert (details["vulnerabilities"].map(len) >= 2).sum() >= 5
    assert details["detection"].isin(["report", "linkage", "follow_up", "other"]).sum() >= 3
