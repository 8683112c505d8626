"""The event log read into what the monitor derives from it: one definition for the release
job, the pages' cache (`web/monitor/data.monitor_data`) and the benchmark
(`benchmarks/monitor_refresh.py`), so that the benchmark times exactly what the job does.

The steps, in order: `code` (the id and type columns encoded once), `build` (episodes),
`details` (where, when and why of each episode), `paths` (every trajectory's path up to the
as-of date) and `prepare` (strata labelled, persons coded). The paths need only the coded log,
so with `workers` 2 they are read on a forked process while this one builds the episodes and
their details (ADR 0034: the child inherits the log, only the `PathIndex` comes back by
pickle); the result is the same as reading them in order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Protocol, TypeVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from schakel.engine.flow_paths import PathIndex, path_index
from schakel.engine.flows import FlowTables, flow_tables_for
from schakel.engine.monitor.details import with_details
from schakel.engine.monitor.selection import EpisodeIndex, Filters
from schakel.engine.parallel import forked_call, workers_for
from schakel.engine.trajectories.episode_input import EventLogInput, coded_ids
from schakel.engine.trajectories.episodes import DEFAULT_TIMEZONE, EpisodeBuild, build_episodes

T = TypeVar("T")


class Step(Protocol):
    """Runs one named step of the read (the benchmark times each; by default: just runs it)."""

    def __call__(self, name: str, work: Callable[[], T]) -> T: ...


def _run(name: str, work: Callable[[], T]) -> T:
    return work()


@dataclass(frozen=True)
class MonitorData:
    """What the monitor derives from the whole event log, built once per log version.

    `episodes` and `path_index` hold what does not depend on the filters (labelled strata,
    person codes, paths as arrays), so a filter change only selects rows.
    """

    build: EpisodeBuild  # the episodes with their details (`with_details`)
    episodes: EpisodeIndex
    path_index: PathIndex

    @cached_property
    def paths(self) -> pd.DataFrame:
        """`trajectory_paths` plus `forms` (effective exploitation forms): built when asked
        (no step of the release reads it; a million Python tuples and sets)."""
        paths = self.path_index.frame()
        paths["forms"] = self.path_index.form_sets()
        return paths

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


def read_monitor_log(
    log: EventLogInput,
    *,
    as_of: dt.date,
    timezone: str = DEFAULT_TIMEZONE,
    workers: int | None = 1,
    step: Step = _run,
) -> MonitorData:
    """Episodes (with details, `strict=False`), trajectory paths up to `as_of` and the
    prepared episode index of the event log (`EVENT_LOG_COLUMNS`, pandas or Arrow).

    `workers`: 1 reads in this process (what a page may do: a web request never forks); 2
    reads the paths on a forked process meanwhile; None chooses by size (`workers_for`).
    """
    coded = step("code", lambda: coded_ids(log))  # ids hashed once for episodes and paths
    rows = coded.num_rows if isinstance(coded, pa.Table) else len(coded)

    def read_paths() -> PathIndex:  # on the forked process, if any: pure engine work
        return path_index(known_at(coded, as_of), timezone=timezone)

    with ExitStack() as stack:
        forked = stack.enter_context(forked_call(read_paths, workers_for(rows, workers)))
        build = step(
            "build", lambda: build_episodes(coded, as_of=as_of, timezone=timezone, strict=False)
        )
        episodes = step("details", lambda: with_details(build.episodes, log, timezone=timezone))

        def paths_read() -> PathIndex:
            index = forked()
            stack.close()  # the child has ended: its CPU seconds are counted in this step
            return index

        index = step("paths", paths_read)
    build = replace(build, episodes=episodes)
    prepared = step("prepare", lambda: EpisodeIndex.build(build.episodes))
    return MonitorData(build=build, episodes=prepared, path_index=index)


def known_at(log: EventLogInput, as_of: dt.date) -> EventLogInput:
    """The events that occurred on or before `as_of`: the calendar date of `occurred_at` in
    its own zone (UTC for the log the web reads), as pandas' `.dt.date <= as_of` says, but
    compared as instants (no Python date per row) and not copied when every event is kept."""
    after = pd.Timestamp(as_of + dt.timedelta(days=1))
    if isinstance(log, pa.Table):
        if log.num_rows == 0:
            return log
        kind = log.schema.field("occurred_at").type
        end = after.tz_localize(kind.tz) if kind.tz else after
        keep = pc.fill_null(pc.less(log["occurred_at"], pa.scalar(end, type=kind)), False)
        return log if pc.all(keep).as_py() else log.filter(keep)
    if len(log) == 0:
        return log
    times = log["occurred_at"]
    zone = times.dt.tz
    keep = (times < (after.tz_localize(zone) if zone is not None else after)).to_numpy()
    return log if keep.all() else log[keep]
