"""From the database to the engine's inputs: the event log and the funnel's base cells.

Only aggregates leave this module's callers; the event log holds person ids (never
identities) and is used only to build episodes in memory.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.db.models import CharField, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from schakel.engine.monitor import FUNNEL_STAGES as FUNNEL_STAGES
from schakel.engine.monitor import Filters as Filters
from schakel.engine.monitor.log_read import MonitorData as MonitorData
from schakel.engine.monitor.log_read import read_monitor_log
from schakel.engine.trajectories import EVENT_LOG_COLUMNS
from schakel.web.trajectories.models import TrajectoryEvent


def event_log(*, payload_text: bool = False) -> pd.DataFrame:
    """Every trajectory event as the engine's EVENT_LOG_COLUMNS, in one query.

    Ids and timestamps are read as text and parsed in bulk: making millions of UUID and
    datetime objects one value at a time took most of the read. With `payload_text` the
    payloads stay JSON text, which `build_episodes` parses in bulk; otherwise they are dicts.
    """
    payload = Cast("payload", output_field=TextField()) if payload_text else "payload"
    rows = TrajectoryEvent.objects.values_list(
        _text("trajectory_id"),
        _text("trajectory__person_id"),
        "trajectory__organisation__region",
        "event_type",
        _text("occurred_at"),
        payload,
        _text("id"),
        _text("supersedes_id"),
        _text("recorded_at"),
    ).order_by()
    columns = [*(column.name for column in EVENT_LOG_COLUMNS), "recorded_at"]
    frame = pd.DataFrame.from_records(list(rows), columns=columns)
    frame["region"] = frame["region"].fillna("")
    for name in ("occurred_at", "recorded_at"):
        frame[name] = pd.to_datetime(frame[name], utc=True, format="ISO8601")
    return frame


def _text(name: str) -> Cast:
    """A column read as the database's text (a UUID as hex, a timestamp in ISO form, UTC)."""
    return Cast(name, output_field=CharField())


_CACHE: dict[tuple[object, ...], MonitorData] = {}


def monitor_data(
    as_of: dt.date | None = None,
    *,
    use_cache: bool = True,
    log: pd.DataFrame | None = None,
    workers: int | None = 1,
) -> MonitorData:
    """Episodes and trajectory paths of the whole platform (`read_monitor_log`); rebuilt only
    when events were added (append-only log). Filters subset these, so changing a filter
    costs no rebuild. `log`: the event log already read (`event_log(payload_text=True)`),
    e.g. up to a moment. `workers`: 1 (never fork in a request); the release job passes None.
    """
    as_of = as_of or timezone.localdate()
    key = (as_of, *log_version())
    given = log
    if use_cache and given is None and key in _CACHE:
        return _CACHE[key]
    log = event_log(payload_text=True) if given is None else given
    data = read_monitor_log(log, as_of=as_of, workers=workers)
    if given is None:  # a log read up to a moment is not this version's
        _CACHE.clear()
        _CACHE[key] = data
    return data


def log_version() -> tuple[object, ...]:
    """A fingerprint of the event log that changes whenever it does: its size, and its
    smallest and largest event id.

    The log is append-only (updates and deletes are refused, foreign keys protect it), so
    every change adds rows; the ids (random UUIDs) tell a different log of the same size
    apart (a rebuilt test database). Three index look-ups; counting rows with `COUNT(*)`
    reads the smallest index, where `Max("recorded_at")` read the whole table.
    """
    events = TrajectoryEvent.objects.order_by()
    ids = events.values_list("pk", flat=True)
    return events.count(), ids.order_by("pk").first(), ids.order_by("-pk").first()


def clear_cache() -> None:
    _CACHE.clear()


def filter_paths(paths: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Paths in the filters; cohort is the year of the trajectory's first step."""
    mask = pd.Series(True, index=paths.index)
    if filters.form:
        mask &= paths["forms"].map(lambda forms: filters.form in forms).astype(bool)
    if filters.region:
        mask &= paths["region"] == filters.region
    if filters.cohort:
        mask &= paths["year"] == filters.cohort
    return paths.loc[mask.astype(bool)].reset_index(drop=True)


def filter_episodes(episodes: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    mask = pd.Series(True, index=episodes.index)
    if filters.form:
        mask &= episodes["form"].astype("string") == filters.form
    if filters.region:
        mask &= episodes["region"].astype("string") == filters.region
    if filters.cohort:
        mask &= episodes["cohort"] == filters.cohort
    return episodes.loc[mask.fillna(False).astype(bool)].reset_index(drop=True)
