"""From the database to the engine's inputs: the event log and the funnel's base cells.

Only aggregates leave this module's callers; the event log holds person ids (never
identities) and is used only to build episodes in memory.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pandas as pd
from django.db.models import CharField, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from schakel.engine.flow_paths import PathIndex, path_index
from schakel.engine.flows import FlowTables, flow_tables_for
from schakel.engine.monitor import FUNNEL_STAGES as FUNNEL_STAGES
from schakel.engine.monitor import EpisodeIndex
from schakel.engine.monitor import Filters as Filters
from schakel.engine.monitor.details import with_details
from schakel.engine.trajectories import EVENT_LOG_COLUMNS, build_episodes
from schakel.engine.trajectories.episode_input import coded_ids
from schakel.engine.trajectories.episodes import EpisodeBuild
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


@dataclass(frozen=True)
class MonitorData:
    """What the monitor derives from the whole event log, built once per log version.

    `episodes` and `path_index` hold what does not depend on the filters (labelled strata,
    person codes, paths as arrays), so a filter change only selects rows.
    """

    build: EpisodeBuild
    paths: pd.DataFrame  # trajectory_paths plus `forms` (effective exploitation forms)
    episodes: EpisodeIndex
    path_index: PathIndex

    def selected_episodes(self, filters: Filters) -> pd.DataFrame:
        """Labelled episodes in the filters, as `_labelled(filter_episodes(...))` gives them
        (but `person_id` holds integer codes in the order of the person ids)."""
        return self.episodes.select(filters)

    def flows(self, filters: Filters, *, k: int, top: int | None) -> FlowTables:
        """`flow_tables(filter_paths(paths, filters))`, without building a frame."""
        selected = self.path_index.select(
            form=filters.form, region=filters.region, cohort=filters.cohort
        )
        return flow_tables_for(self.path_index, selected, k=k, top=top)


_CACHE: dict[tuple[object, ...], MonitorData] = {}


def monitor_data(
    as_of: dt.date | None = None, *, use_cache: bool = True, log: pd.DataFrame | None = None
) -> MonitorData:
    """Episodes and trajectory paths of the whole platform; rebuilt only when events were
    added (append-only log). Filters subset these, so changing a filter costs no rebuild.
    `log`: the event log already read (`event_log(payload_text=True)`), e.g. up to a moment.
    """
    as_of = as_of or timezone.localdate()
    key = (as_of, *log_version())
    given = log
    if use_cache and given is None and key in _CACHE:
        return _CACHE[key]
    log = event_log(payload_text=True) if given is None else given
    coded = coded_ids(log)  # ids hashed once for the episodes and the paths
    build = build_episodes(coded, as_of=as_of, strict=False)
    build = replace(build, episodes=with_details(build.episodes, log))  # where, when and why
    known = coded[coded["occurred_at"].dt.date <= as_of] if len(coded) else coded
    index = path_index(known)
    paths = index.frame()
    paths["forms"] = index.form_sets()
    data = MonitorData(
        build=build, paths=paths, episodes=EpisodeIndex.build(build.episodes), path_index=index
    )
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
