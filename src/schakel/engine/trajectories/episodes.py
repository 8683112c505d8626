"""From the event log to one row per person-episode: what the effectiveness monitor analyses.

    build = build_episodes(events, as_of=dt.date(2024, 12, 31))
    build.episodes   # one row per exited episode: days from exit to return / stable / other
    build.intervals  # recurrent (start, stop] rows per person for Andersen-Gill and PWP
    build.quality    # every input row used or counted

The monitor's question is whether people return to exploitation after leaving care, so the
clock starts at the exit (see `episode_outcomes` for the endings and `episode_segments` for
where an episode starts). docs/monitor.md describes every column.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from schakel.engine.trajectories.episode_input import (
    EpisodeInputError,
    EventLog,
    EventLogInput,
    IntArray,
    day_number,
    read_event_log,
    to_dates,
)
from schakel.engine.trajectories.episode_outcomes import (
    ENDINGS,
    LOST_TO_FOLLOW_UP,
    ExitType,
    resolve_outcomes,
)
from schakel.engine.trajectories.episode_payloads import (
    MISSING,
    MISSING_DAY,
    read_payload_fields,
)
from schakel.engine.trajectories.episode_quality import (
    DataQualityReport,
    QualityIssue,
    corrections_and_cut,
    issue,
)
from schakel.engine.trajectories.episode_segments import (
    EXPLOITATION,
    INTERVENTION_START,
    PLACEMENT_START,
    SIGNAL,
    Segments,
    SortedEvents,
    first_per_episode,
    latest_before,
    segment,
)
from schakel.engine.trajectories.events import EventType
from schakel.engine.trajectories.intervals import recurrent_intervals
from schakel.engine.vocabulary import (
    ExitKind,
    ExploitationForm,
    InterventionType,
    ModusOperandi,
    PlacementType,
)

DEFAULT_TIMEZONE = "Europe/Amsterdam"
RETURN_EVENT = list(EventType).index(EventType.RETURN_TO_EXPLOITATION)
INTERVENTION_COLUMNS: tuple[str, ...] = tuple(f"intervention_{t.value}" for t in InterventionType)

EPISODE_COLUMNS: dict[str, str] = {
    "person_id": "person or linkage cluster",
    "episode_no": "the person's episode number, 1 for the first",
    "trajectory_id": "trajectory that recorded the exit",
    "region": "region of the trajectory where the episode started",
    "start_date": "first intake or exploitation episode after the previous exit",
    "exit_date": "exit from care: the time origin",
    "end_date": "when the follow-up ended (event or censoring)",
    "days": "whole days from exit to end_date",
    "exit_type": "0 censored, 1 return to exploitation, 2 stable exit, 3 death/left NL/other",
    "ending": "which evidence ended the follow-up (Ending)",
    "lost_to_follow_up": "censored because contact was lost, not because the as-of date came",
    "exit_kind": "ExitKind recorded at exit",
    "form": "form of exploitation (first exploitation episode in the episode)",
    "modus_operandi": "first modus operandi of that exploitation episode",
    "placement": "placement at exit (the last placement started before the exit)",
    "interventions": "number of intervention types started during care",
    **{c: "this intervention type was started during care" for c in INTERVENTION_COLUMNS},
    "minor": "signal's minor flag (latest signal at or before the start); empty if unknown",
    "age_group": "minor / adult / unknown, from `minor` (payloads carry no age)",
    "cohort": "calendar year of the exit",
    "prior_episodes": "earlier episodes of the person (episode_no - 1)",
}
"""Columns of `EpisodeBuild.episodes`, in order."""


@dataclass(frozen=True)
class EpisodeBuild:
    """The analysis tables of one build, with the report on what happened to every row."""

    episodes: pd.DataFrame
    intervals: pd.DataFrame
    quality: DataQualityReport
    as_of: dt.date


def build_episodes(
    events: EventLogInput,
    *,
    as_of: dt.date,
    timezone: str = DEFAULT_TIMEZONE,
    strict: bool = True,
) -> EpisodeBuild:
    """Episodes known at `as_of` (later events are left out and counted).

    Days are calendar days on the clock of `timezone`. With `strict`, an exit before any start
    of its person is an error; otherwise such exits are left out and counted.
    """
    if not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime):
        raise EpisodeInputError("as_of", "must be a date")
    log = read_event_log(events, timezone)
    as_of_day = day_number(as_of)
    use, issues = corrections_and_cut(log, as_of_day)
    ordered = _sort(log, use)
    segments = segment(ordered)
    issues += _segment_issues(log, ordered, segments, strict)
    episodes = _episode_table(log, ordered, segments, as_of_day)
    open_episodes = int(np.sum(segments.exit_at[1:] < 0))
    quality = DataQualityReport(
        input_rows=int(log.row.size),
        used_rows=int(log.row.size) - sum(i.rows for i in issues if i.dropped),
        episodes=len(episodes),
        open_episodes=open_episodes,
        issues=tuple(issues),
    )
    return EpisodeBuild(episodes, recurrent_intervals(episodes), quality, as_of)


def time_order(person: IntArray, utc_ns: IntArray) -> IntArray:
    """Stable order by person, then time (ties keep input order).

    Records carry whole seconds, so one int64 key (person, seconds) sorts in a third of the
    time of a two-key lexsort; sub-second stamps or huge spans fall back to the lexsort.
    """
    if person.size == 0:
        return np.zeros(0, dtype=np.int64)
    first = int(utc_ns.min())
    seconds, fraction = np.divmod(utc_ns - first, 10**9)
    span = int(seconds.max()) + 1
    if not fraction.any() and span * (int(person.max()) + 1) < 2**62:
        return np.argsort(person.astype(np.int64) * span + seconds, kind="stable")
    return np.lexsort((utc_ns, person))


def _sort(log: EventLog, use: np.ndarray) -> SortedEvents:
    positions = np.flatnonzero(use)
    fields = read_payload_fields(log.payload, positions, log.kind[positions])
    order = time_order(log.person.codes[positions], log.utc_ns[positions])
    rows = positions[order]
    return SortedEvents(
        row=rows,
        person=log.person.codes[rows],
        trajectory=log.trajectory.codes[rows],
        region=log.region.codes[rows],
        kind=log.kind[rows],
        day=log.day[rows],
        fields=fields.take(order),
    )


def _segment_issues(
    log: EventLog, events: SortedEvents, segments: Segments, strict: bool
) -> list[QualityIssue]:
    def in_input(mask: np.ndarray) -> np.ndarray:
        full = np.zeros(log.row.size, dtype=bool)
        full[events.row[mask]] = True
        return full

    if strict and segments.exit_without_start.any():
        rows = tuple(int(r) for r in np.sort(events.row[segments.exit_without_start])[:5])
        raise EpisodeInputError(
            "event_type", "exit before any intake or exploitation episode of the person", rows
        )
    stray_return = (events.kind == RETURN_EVENT) & ~segments.post_exit
    found = [
        issue(
            log,
            "exit_without_start",
            in_input(segments.exit_without_start),
            dropped=True,
            message="exit before any intake or exploitation episode of the person",
        ),
        issue(
            log,
            "repeat_exit",
            in_input(segments.repeat_exit),
            dropped=True,
            message="second exit without a new start; the first exit counts",
        ),
        issue(
            log,
            "return_without_exit",
            in_input(stray_return),
            dropped=False,
            message="return to exploitation while in care or before any episode; not an outcome",
        ),
    ]
    return [i for i in found if i is not None]


def _episode_table(
    log: EventLog, events: SortedEvents, segments: Segments, as_of_day: int
) -> pd.DataFrame:
    exited = np.flatnonzero(segments.exit_at >= 0)
    exit_rows = segments.exit_at[exited]
    count = segments.exit_at.size - 1
    exploitation = first_per_episode(segments.episode, events.kind == EXPLOITATION, count)
    outcomes = resolve_outcomes(
        events, segments, exited, _return_days(events, segments, exploitation), as_of_day
    )
    exit_day = events.day[exit_rows]
    exit_type = outcomes.exit_type
    lost = np.isin(outcomes.ending, [ENDINGS.index(e) for e in LOST_TO_FOLLOW_UP])
    opening = segments.opening_at[exited]
    frame = pd.DataFrame(
        {
            "person_id": log.person.labels[events.person[exit_rows]],
            "episode_no": segments.number[exited],
            "trajectory_id": log.trajectory.labels[events.trajectory[exit_rows]],
            "region": _categories(events.region[opening], log.region.labels),
            "start_date": to_dates(events.day[opening]),
            "exit_date": to_dates(exit_day),
            "end_date": to_dates(outcomes.end_day),
            "days": outcomes.end_day - exit_day,
            "exit_type": exit_type.astype(np.int8),
            "ending": _categories(outcomes.ending, [e.value for e in ENDINGS]),
            "lost_to_follow_up": lost & (exit_type == ExitType.CENSORED),
            "exit_kind": _vocabulary(events.fields.code[exit_rows], ExitKind),
        }
    )
    strata = _strata(events, segments, exited, exploitation[exited])
    frame = pd.concat([frame, strata], axis=1)
    frame["cohort"] = frame["exit_date"].dt.year.astype(np.int16)
    frame["prior_episodes"] = frame["episode_no"] - 1
    return frame


def _return_days(events: SortedEvents, segments: Segments, exploitation: IntArray) -> IntArray:
    """Per episode id: when the person's next episode shows a return (MISSING_DAY if none)."""
    size = segments.exit_at.size
    result = np.full(size, MISSING_DAY, dtype=np.int64)
    has_next = np.zeros(size, dtype=bool)
    has_next[1:-1] = segments.number[2:] > 1  # the next id is the same person's next episode
    current = np.flatnonzero(has_next & (segments.exit_at >= 0))
    if current.size == 0:
        return result
    following = current + 1
    exit_day = events.day[segments.exit_at[current]]
    start_day = events.day[segments.opening_at[following]]
    found = exploitation[following]
    started = np.where(found >= 0, events.fields.started_on[np.maximum(found, 0)], MISSING_DAY)
    plausible = (started != MISSING_DAY) & (started > exit_day) & (started <= start_day)
    result[current] = np.where(plausible, started, start_day)
    return result


def _strata(
    events: SortedEvents, segments: Segments, exited: IntArray, exploitation: IntArray
) -> pd.DataFrame:
    count = segments.exit_at.size - 1
    care = (segments.episode > 0) & ~segments.post_exit
    code = events.fields.code
    placement = first_per_episode(
        segments.episode, care & (events.kind == PLACEMENT_START), count, last=True
    )[exited]
    flags = np.zeros((count + 1, len(InterventionType)), dtype=bool)
    started = care & (events.kind == INTERVENTION_START)
    flags[segments.episode[started], code[started]] = True
    flags = flags[exited]
    signal = (events.kind == SIGNAL) & (events.fields.minor != MISSING)
    minor = latest_before(events, signal, events.fields.minor, segments.opening_at[exited])
    columns: dict[str, object] = {
        "form": _vocabulary(_at(code, exploitation), ExploitationForm),
        "modus_operandi": _vocabulary(
            _at(events.fields.modus_operandi, exploitation), ModusOperandi
        ),
        "placement": _vocabulary(_at(code, placement), PlacementType),
        "interventions": flags.sum(axis=1).astype(np.int16),
        **{name: flags[:, i] for i, name in enumerate(INTERVENTION_COLUMNS)},
        "minor": pd.array(np.where(minor == MISSING, None, minor == 1), dtype="boolean"),
        "age_group": pd.Categorical.from_codes(
            np.where(minor == MISSING, 2, 1 - minor), categories=["minor", "adult", "unknown"]
        ),
    }
    return pd.DataFrame(columns)


def _at(values: IntArray, positions: IntArray) -> IntArray:
    return np.where(positions >= 0, values[np.maximum(positions, 0)], MISSING)


def _vocabulary(codes: IntArray, vocabulary: type[StrEnum]) -> pd.Categorical:
    return _categories(codes, [member.value for member in vocabulary])


def _categories(codes: IntArray, labels: object) -> pd.Categorical:
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int64), categories=labels)
