"""Data quality of an episode build: every input row is used or counted, never lost silently.

Corrections follow `effective_events` itself (superseded and withdrawn events leave, as in the
trajectory's own projection). Only trajectories that contain a correction go through it, so a
million clean episodes cost nothing here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from schakel.engine.trajectories.episode_input import (
    ERROR_EXAMPLES,
    EVENT_TYPE_ORDER,
    BoolArray,
    EventLog,
    take_values,
)
from schakel.engine.trajectories.events import EventType
from schakel.engine.trajectories.projection import Event, effective_events

ENTERED_IN_ERROR = EVENT_TYPE_ORDER.index(EventType.ENTERED_IN_ERROR)


@dataclass(frozen=True)
class QualityIssue:
    """One kind of problem: how many input rows, whether they were left out, a few event ids."""

    code: str
    rows: int
    dropped: bool
    message: str
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class DataQualityReport:
    """What the build did with the input; `input_rows == used_rows + dropped_rows` always."""

    input_rows: int
    used_rows: int
    episodes: int
    open_episodes: int
    issues: tuple[QualityIssue, ...] = field(default_factory=tuple)

    @property
    def dropped_rows(self) -> int:
        return sum(issue.rows for issue in self.issues if issue.dropped)

    def count(self, code: str) -> int:
        return sum(issue.rows for issue in self.issues if issue.code == code)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [(i.code, i.rows, i.dropped, i.message, ", ".join(i.examples)) for i in self.issues],
            columns=["code", "rows", "dropped", "message", "examples"],
        )


def issue(
    log: EventLog, code: str, mask: BoolArray, *, dropped: bool, message: str
) -> QualityIssue | None:
    """An issue for the rows in `mask` (positions in the input), or None if there are none."""
    count = int(mask.sum())
    if count == 0:
        return None
    rows = log.row[np.flatnonzero(mask)[:ERROR_EXAMPLES]]
    examples = tuple(str(v) for v in take_values(log.event_ids, rows))
    return QualityIssue(code, count, dropped, message, examples)


def correction_mask(log: EventLog) -> tuple[BoolArray, BoolArray]:
    """(kept, dangling): rows still in force after corrections, and corrections naming no event
    of their own trajectory."""
    kept = np.ones(log.row.size, dtype=bool)
    dangling = np.zeros(log.row.size, dtype=bool)
    marks = log.has_supersedes | (log.kind == ENTERED_IN_ERROR)
    if not marks.any():
        return kept, dangling
    corrected = np.unique(log.trajectory.codes[marks])
    positions = np.flatnonzero(np.isin(log.trajectory.codes, corrected))
    ids = [str(v) for v in take_values(log.event_ids, log.row[positions])]
    replaces = take_values(log.supersedes, log.row[positions])
    by_trajectory: dict[int, list[Event]] = defaultdict(list)
    for position, event_id, target in zip(positions, ids, replaces, strict=True):
        by_trajectory[int(log.trajectory.codes[position])].append(
            Event(
                id=event_id,
                event_type=EVENT_TYPE_ORDER[int(log.kind[position])].value,
                occurred_at=_instant(int(log.utc_ns[position])),
                recorded_at=_instant(int(log.recorded_ns[position])),
                payload={},  # effective_events decides on ids, types and times only
                supersedes=None if pd.isna(target) else str(target),
            )
        )
    survivors: set[tuple[int, str]] = set()
    position_of = {
        (int(log.trajectory.codes[p]), i): p for p, i in zip(positions, ids, strict=True)
    }
    for trajectory, events in by_trajectory.items():
        survivors.update((trajectory, e.id) for e in effective_events(events))
        known = {e.id for e in events}
        for e in events:
            if e.supersedes is not None and e.supersedes not in known:
                dangling[position_of[(trajectory, e.id)]] = True
    kept[positions] = [
        (int(log.trajectory.codes[p]), i) in survivors for p, i in zip(positions, ids, strict=True)
    ]
    return kept, dangling


def _instant(utc_ns: int) -> dt.datetime:
    return pd.Timestamp(utc_ns, tz="UTC").to_pydatetime()


def corrections_and_cut(log: EventLog, as_of_day: int) -> tuple[BoolArray, list[QualityIssue]]:
    """Rows to use: in force after corrections and not after the as-of date."""
    kept, dangling = correction_mask(log)
    withdrawn_marks = ~kept & (log.kind == ENTERED_IN_ERROR)
    later = kept & (log.day > as_of_day)
    found = [
        issue(
            log,
            "superseded",
            ~kept & ~withdrawn_marks,
            dropped=True,
            message="replaced by a correction or withdrawn as entered in error",
        ),
        issue(
            log,
            "entered_in_error",
            withdrawn_marks,
            dropped=True,
            message="entered_in_error markers (they withdraw another event)",
        ),
        issue(
            log,
            "dangling_correction",
            dangling,
            dropped=False,
            message="supersedes names no event of the same trajectory; kept as is",
        ),
        issue(
            log,
            "after_as_of",
            later,
            dropped=True,
            message="occurred after the as-of date; not yet known at that date",
        ),
    ]
    return kept & ~later, [i for i in found if i is not None]
