"""Current state of a trajectory, derived from its events and never stored on its own.

Corrections are new events: an event that names another in `supersedes` replaces it, and an
`entered_in_error` event withdraws it. The projection reads only the effective events, and
folds them one by one through the projection step of each type's registry entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from schakel.engine.trajectories.events import parse_event_type
from schakel.engine.trajectories.registry import REGISTRY
from schakel.engine.vocabulary import CaseStatus, ExploitationForm, Stage

REFLECTION_PERIOD = 3  # months (B8/3)
REFLECTION_PERIOD_DUBLIN = dt.timedelta(days=30)
FOLLOW_UP_EARLY_WINDOW = dt.timedelta(days=45)
REFERRAL_ANSWER_DAYS = dt.timedelta(days=5)


@dataclass(frozen=True)
class Event:
    """One stored event, as plain data."""

    id: str
    event_type: str
    occurred_at: dt.datetime
    recorded_at: dt.datetime
    payload: dict[str, Any]
    supersedes: str | None = None


@dataclass(frozen=True)
class Task:
    kind: str
    due_on: dt.date
    reference: str = ""


@dataclass(frozen=True)
class TrajectoryState:
    stage: Stage
    case_status: CaseStatus
    placement: str | None
    open_placements: dict[str, str] = field(default_factory=dict)
    open_interventions: dict[str, str] = field(default_factory=dict)
    forms: tuple[ExploitationForm, ...] = ()
    episodes: int = 0
    exited_on: dt.date | None = None
    closed_on: dt.date | None = None
    lost_contact: bool = False
    returned: bool = False
    pending_referrals: tuple[str, ...] = ()
    open_tasks: tuple[Task, ...] = ()


def effective_events(events: Iterable[Event]) -> list[Event]:
    """Events still in force, in the order they happened.

    The rule (one rule, two forms: this one for a trajectory's events, `effective_mask` for a
    whole log): an event is in force unless its type withdraws (`entered_in_error`) or
    another event of the same trajectory names it in `supersedes`.
    """
    events = list(events)
    withdrawing = REGISTRY.withdrawing
    replaced = {e.supersedes for e in events if e.supersedes}
    kept = [
        e
        for e in events
        if e.id not in replaced and parse_event_type(e.event_type).value not in withdrawing
    ]
    return sorted(kept, key=lambda e: (e.occurred_at, e.recorded_at, e.id))


def effective_mask(frame: pd.DataFrame | pa.Table) -> npt.NDArray[np.bool_]:
    """True for each row in force, by the rule of `effective_events`, vectorised for a log.

    Needs the columns `event_id`, `event_type` and `supersedes` (empty: null or ""); with a
    `trajectory_id` column a correction only reaches events of its own trajectory, as when
    `effective_events` reads one trajectory; without one the frame is one trajectory.
    """
    withdrawn = _is_in(_column(frame, "event_type"), REGISTRY.withdrawing, as_text=False)
    superseded = np.zeros(withdrawn.size, dtype=bool)
    targets = _column(frame, "supersedes")
    named = np.flatnonzero(present(targets))
    if named.size == 0:
        return ~withdrawn
    replaced = [str(v) for v in _take(targets, named)]
    ids = _column(frame, "event_id")
    candidates = np.flatnonzero(_is_in(ids, set(replaced), as_text=True))
    if not _has(frame, "trajectory_id"):
        superseded[candidates] = True
        return ~withdrawn & ~superseded
    trajectories = _column(frame, "trajectory_id")
    pairs = set(zip(_take(trajectories, named), replaced, strict=True))
    found = zip(_take(trajectories, candidates), _take(ids, candidates), strict=True)
    superseded[candidates] = [(t, str(i)) in pairs for t, i in found]
    return ~withdrawn & ~superseded


def _has(frame: pd.DataFrame | pa.Table, name: str) -> bool:
    return name in (frame.columns if isinstance(frame, pd.DataFrame) else frame.column_names)


def _column(frame: pd.DataFrame | pa.Table, name: str) -> pd.Series | pa.ChunkedArray:
    if isinstance(frame, pd.DataFrame):
        return frame[name].reset_index(drop=True)
    return frame.column(name)


def present(values: pd.Series | pa.ChunkedArray) -> npt.NDArray[np.bool_]:
    """Not null and not the empty string."""
    if isinstance(values, pd.Series):
        present = values.notna().to_numpy(dtype=bool)
        rows = np.flatnonzero(present)
        present[rows] = (values.iloc[rows].astype(str) != "").to_numpy(dtype=bool)
        return present
    present = pc.is_valid(values)
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        present = pc.and_(present, pc.not_equal(values, ""))
    return np.asarray(pc.fill_null(present, False).to_numpy(zero_copy_only=False), dtype=bool)


def _is_in(
    values: pd.Series | pa.ChunkedArray, wanted: set[str] | frozenset[str], *, as_text: bool
) -> npt.NDArray[np.bool_]:
    """Rows whose value is one of `wanted` (compared as text when `as_text`: ids may be
    UUIDs or numbers in one column and text in the other)."""
    if isinstance(values, pd.Series):
        series = values.astype(str) if as_text else values
        return np.asarray(series.isin(wanted).to_numpy(dtype=bool))
    text = pc.cast(values, pa.string())
    found = pc.is_in(text, value_set=pa.array(sorted(wanted), type=pa.string()))
    return np.asarray(pc.fill_null(found, False).to_numpy(zero_copy_only=False), dtype=bool)


def _take(values: pd.Series | pa.ChunkedArray, rows: npt.NDArray[Any]) -> list[Any]:
    if isinstance(values, pd.Series):
        return list(values.iloc[rows])
    return list(values.take(pa.array(rows, type=pa.int64())).to_pylist())


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    last = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return dt.date(year, month, min(day.day, last))


def reflection_deadline(started_on: dt.date, *, dublin: bool) -> dt.date:
    """Last day of the reflection period: 3 months, or 30 days in Dublin cases."""
    if dublin:
        return started_on + REFLECTION_PERIOD_DUBLIN
    return add_months(started_on, REFLECTION_PERIOD)


def follow_up_tasks(
    exited_on: dt.date, months: Sequence[int], contacts: Sequence[dt.date]
) -> list[Task]:
    """Scheduled follow-ups not yet met; a contact counts for the earliest open one it can."""
    open_due = [add_months(exited_on, m) for m in months]
    for contact in sorted(contacts):
        for due in open_due:
            if contact >= due - FOLLOW_UP_EARLY_WINDOW:
                open_due.remove(due)
                break
    return [Task(kind="follow_up", due_on=due) for due in open_due]


NOTHING: Mapping[Any, Any] = MappingProxyType({})


class Fold(NamedTuple):
    """The projection's working state between two events; a step returns a new one (a
    NamedTuple: `_replace` costs a quarter of `dataclasses.replace`, once per event)."""

    stage: Stage = Stage.SIGNALLED
    placements: Mapping[str, str] = NOTHING
    interventions: Mapping[str, str] = NOTHING
    referrals: Mapping[str, dt.date] = NOTHING
    forms: tuple[ExploitationForm, ...] = ()
    episodes: int = 0
    exited_on: dt.date | None = None
    follow_up_months: tuple[int, ...] = ()
    contacts: tuple[dt.date, ...] = ()
    closed_on: dt.date | None = None
    closed_referred: bool = False
    lost: bool = False
    returned: bool = False
    reflection: dt.date | None = None


def project_state(events: Iterable[Event]) -> TrajectoryState:
    fold = Fold()
    for event in effective_events(events):
        fold = REGISTRY[parse_event_type(event.event_type)].project(fold, event)
    return _state(fold)


def _state(fold: Fold) -> TrajectoryState:
    """The state a fold ends in: status, current placement and the open tasks."""
    stage = fold.stage
    tasks: list[Task] = []
    if stage != Stage.CLOSED:
        if fold.reflection is not None:
            tasks.append(Task(kind="reflection_period_ends", due_on=fold.reflection))
        tasks += [
            Task(kind="referral_answer", due_on=sent + REFERRAL_ANSWER_DAYS, reference=ref)
            for ref, sent in fold.referrals.items()
        ]
        if fold.exited_on is not None and not fold.lost:
            tasks += follow_up_tasks(fold.exited_on, fold.follow_up_months, fold.contacts)
    tasks.sort(key=lambda t: (t.due_on, t.kind, t.reference))

    if stage == Stage.CLOSED:
        status = CaseStatus.CLOSED_REFERRED if fold.closed_referred else CaseStatus.CLOSED
    elif stage == Stage.FOLLOW_UP:
        status = CaseStatus.FOLLOW_UP
    else:
        status = CaseStatus.ACTIVE
    placements = dict(fold.placements)
    return TrajectoryState(
        stage=stage,
        case_status=status,
        placement=next(iter(placements.values()), None),
        open_placements=placements,
        open_interventions=dict(fold.interventions),
        forms=fold.forms,
        episodes=fold.episodes,
        exited_on=fold.exited_on,
        closed_on=fold.closed_on,
        lost_contact=fold.lost,
        returned=fold.returned,
        pending_referrals=tuple(fold.referrals),
        open_tasks=tuple(tasks),
    )
