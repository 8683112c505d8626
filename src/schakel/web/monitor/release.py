"""The monitor's consistent release from the database: the event log's episodes (through
`data.monitor_data`) and the funnel and flows from its trajectory paths, protected together
by `schakel.engine.monitor.protect_release` (`funnel_base` is the funnel as one aggregate
query, kept for checks). See docs/adr/0006-one-release-for-all-filter-selections.md for
what is protected this way and what is not.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import ExtractYear

from schakel.engine.monitor.release import (
    NONE,
    MonitorRelease,
    PreviousRelease,
    protect_release,
)
from schakel.engine.trajectories.events import EventType
from schakel.engine.vocabulary import ExploitationForm
from schakel.web.monitor.data import FUNNEL_STAGES, MonitorData
from schakel.web.trajectories.models import Trajectory, TrajectoryEvent

_CACHE: dict[tuple[int, int], tuple[MonitorData, MonitorRelease]] = {}


def monitor_release(
    data: MonitorData,
    k: int,
    *,
    labelled: Callable[[pd.DataFrame], pd.DataFrame],
    use_cache: bool = True,
    previous: PreviousRelease | None = None,
) -> MonitorRelease:
    """The release for this data version; `labelled` gives the strata their labels;
    `previous`: the last stored release, protected against differencing (ADR 0026)."""
    key = (id(data), k)
    cached = _CACHE.get(key)
    if use_cache and previous is None and cached is not None and cached[0] is data:
        return cached[1]
    release = protect_release(
        labelled(data.build.episodes), None, k, previous=previous, paths=data.path_index
    )
    _CACHE.clear()
    _CACHE[key] = (data, release)
    return release


def clear_cache() -> None:
    _CACHE.clear()


def funnel_base() -> pd.DataFrame:
    """Trajectories per (region, year opened, forms, stages reached): one aggregate query."""
    forms = {f"form_{f.value}": Exists(_effective_form(f.value)) for f in ExploitationForm}
    stages = {
        stage.value: Exists(_effective(stage).filter(trajectory=OuterRef("pk")))
        for stage in FUNNEL_STAGES
    }
    names = [*forms, *stages]
    rows = (
        Trajectory.objects.annotate(year=ExtractYear("opened_at"), **forms, **stages)
        .values("organisation__region", "year", *names)
        .annotate(count=Count("pk"))
        .order_by()
    )
    frame = pd.DataFrame.from_records(
        list(rows), columns=["organisation__region", "year", *names, "count"]
    )
    frame["region"] = frame.pop("organisation__region").fillna("").replace("", NONE).astype(str)
    frame["cohort"] = frame.pop("year").map(lambda y: NONE if pd.isna(y) else str(int(y)))
    frame["form"] = [
        frozenset(f.value for f in ExploitationForm if row[f"form_{f.value}"])
        for _, row in frame.iterrows()
    ]
    for name in names:
        frame[name] = frame[name].astype(bool)
    return frame


def _effective(stage: EventType) -> QuerySet[TrajectoryEvent]:
    """Events of a type that no event supersedes: the engine's effective rule in SQL (an
    entered-in-error marker supersedes what it withdraws); test_effective_sql holds them equal."""
    return TrajectoryEvent.objects.filter(event_type=stage.value, superseded_by__isnull=True)


def _effective_form(form: str) -> QuerySet[TrajectoryEvent]:
    return _effective(EventType.EXPLOITATION_EPISODE).filter(
        trajectory=OuterRef("pk"), payload__form=form
    )
