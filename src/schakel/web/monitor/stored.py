"""Computing a release (in the job only) and reading the stored one (pages, downloads, CLI).

A release holds, for every published selection, the protected tables as codes and numbers
(JSON); labels and plain-language readings are added when a page shows them, in the reader's
language. A page view reads; it never computes (a test makes computing raise during views).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from schakel.engine.disclosure import DEFAULT_K
from schakel.engine.flow_paths import path_index
from schakel.engine.monitor.funnel import funnel_units
from schakel.engine.monitor.log_read import known_at
from schakel.engine.monitor.noised import noised_for_release
from schakel.engine.monitor.published import release_tables, selection_key
from schakel.engine.monitor.release import PreviousRelease, episode_statuses, episode_units
from schakel.engine.monitor.selection import label_episodes
from schakel.engine.monitor.units import persons_now, read_previous, trajectory_persons
from schakel.engine.monitor.units import to_bytes as units_to_bytes
from schakel.engine.trajectories import build_episodes
from schakel.web.monitor.data import Filters, event_log, log_version, monitor_data
from schakel.web.monitor.models import Release, ReleaseSelection, ReleaseUnits

KEEP = 3  # releases kept (the newest is shown; older ones for the differencing audit)
ALL = "all"
Progress = Callable[[int, str], None]


def _no_progress(percent: int, step: str) -> None:
    return None


def fingerprint() -> str:
    return "/".join(str(part) for part in log_version())


@dataclass(frozen=True)
class ComputedRelease:
    """A release before it is stored: what `save_release` writes."""

    data_until: dt.datetime
    as_of: dt.date
    k: int
    log_version: str
    quality: list[dict[str, Any]]
    selections: dict[str, dict[str, Any]]
    seconds: float
    statuses: list[list[str]] = field(default_factory=list)
    """Every episode count's status, for protecting the next release (ADR 0026)."""
    funnel_statuses: list[list[str]] = field(default_factory=list)
    """The same for the funnel's stages, paths and steps."""
    differencing: dict[str, str] = field(default_factory=dict)
    """How the episodes and the funnel were protected against the previous release."""
    noised: dict[str, Any] | None = None
    """The draw of the noised figures, republished by the next release of its quarter."""
    units: bytes | None = None
    """The exit episodes as the next release's protection matches them (ADR 0033)."""
    funnel_units: bytes | None = None
    """The trajectories likewise."""


def compute_release(
    *, k: int = DEFAULT_K, as_of: dt.date | None = None, progress: Progress = _no_progress
) -> ComputedRelease:
    """Read the event log once and protect every published selection together (the engine's
    `release_tables`); only the release job and the command line call this."""
    from schakel.web.monitor.release import monitor_release  # heavy imports only in the job
    from schakel.web.monitor.tables import _labelled

    started = time.perf_counter()
    before = Release.objects.order_by("-pk").first()  # with its statuses (ADR 0026)
    data_until = timezone.now()
    version = fingerprint()
    progress(5, gettext_noop("Reading the event log"))
    log = event_log(payload_text=True)
    log = _recorded_until(log, data_until)  # exactly what `data_until` says
    data = monitor_data(as_of, use_cache=False, log=log, workers=None)  # may fork (ADR 0034)
    previous = previous_release(
        log, before, persons=persons_now(data.path_index, data.build.episodes)
    )
    progress(30, gettext_noop("Protecting the counts of every selection"))
    release = monitor_release(data, k, labelled=_labelled, use_cache=False, previous=previous)

    def step(percent: int, _step: str) -> None:
        progress(percent, gettext_noop("Computing the tables"))

    noised = None
    if len(data.episodes.labelled):
        stored_draw = before.summary.get("noised") if before is not None else None
        noised = noised_for_release(
            data.episodes.labelled, as_of=data.build.as_of, previous=stored_draw
        )
    selections = release_tables(
        data.episodes, data.path_index, release, k, progress=step, noised=noised
    )
    quality = data.build.quality.to_frame()[["code", "rows", "dropped"]]
    quality_rows = [
        {"code": str(r.code), "rows": int(r.rows), "dropped": bool(r.dropped)}
        for r in quality.itertuples()
    ]
    return ComputedRelease(
        data_until=data_until,
        as_of=data.build.as_of,
        k=k,
        log_version=version,
        quality=quality_rows,
        selections=selections,
        seconds=time.perf_counter() - started,
        statuses=episode_statuses(release.episodes),
        funnel_statuses=episode_statuses(release.funnel),
        differencing={"episodes": release.differencing, "funnel": release.funnel_differencing},
        noised=noised.to_json() if noised is not None else None,
        units=None if release.units is None else units_to_bytes(release.units),
        funnel_units=None if release.funnel_units is None else units_to_bytes(release.funnel_units),
    )


def _recorded_until(log: pd.DataFrame, moment: dt.datetime) -> pd.DataFrame:
    """The events recorded up to `moment`; the log itself when that is all of them (usually:
    a copy of millions of rows for nothing)."""
    keep = (log["recorded_at"] <= moment).to_numpy() if len(log) else None
    if keep is None or keep.all():
        return log
    return log[keep].reset_index(drop=True)


def previous_release(
    log: pd.DataFrame, release: Release | None, *, persons: pd.Series | None = None
) -> PreviousRelease | None:
    """The last release's exit episodes and trajectories as stored with it (ADR 0033), each
    with its trajectory's person now, and the statuses it published (ADR 0026). A release
    stored without them is rebuilt from the events recorded up to its `data_until` (the log
    is append-only)."""
    if release is None or not release.summary.get("statuses") or len(log) == 0:
        return None
    stored = ReleaseUnits.objects.filter(release=release).first()
    if stored is not None:
        if persons is None:
            current = log.drop_duplicates("trajectory_id")
            persons = trajectory_persons(current["trajectory_id"], current["person_id"])
        return read_previous(
            bytes(stored.episodes),
            None if stored.funnel is None else bytes(stored.funnel),
            persons,
            statuses=release.summary["statuses"],
            funnel_statuses=release.summary.get("funnel_statuses", []),
            k=release.k,
        )
    known = _recorded_until(log, release.data_until)
    episodes = build_episodes(known, as_of=release.as_of, strict=False).episodes
    units = episode_units(label_episodes(episodes))
    paths = path_index(known_at(known, release.as_of))  # as `read_monitor_log`
    return PreviousRelease(
        units=units,
        statuses=release.summary["statuses"],
        k=release.k,
        funnel_units=funnel_units(paths, release.k),
        funnel_statuses=release.summary.get("funnel_statuses", []),
    )


@transaction.atomic
def save_release(computed: ComputedRelease) -> Release:
    """Store the release and its selections in one transaction, then drop old releases."""
    release = Release.objects.create(
        data_until=computed.data_until,
        as_of=computed.as_of,
        k=computed.k,
        log_version=computed.log_version,
        seconds=round(computed.seconds, 3),
        quality=computed.quality,
        summary={
            "selections": list(computed.selections),
            "statuses": computed.statuses,
            "funnel_statuses": computed.funnel_statuses,
            "differencing": computed.differencing,
            "noised": computed.noised,
        },
    )
    ReleaseSelection.objects.bulk_create(
        ReleaseSelection(release=release, key=key, content=content)
        for key, content in computed.selections.items()
    )
    ReleaseUnits.objects.all().delete()  # only the newest release's units are needed
    if computed.units is not None:
        ReleaseUnits.objects.create(
            release=release, episodes=computed.units, funnel=computed.funnel_units
        )
    stale = Release.objects.order_by("-pk").values_list("pk", flat=True)[KEEP:]
    Release.objects.filter(pk__in=list(stale)).delete()
    return release


def latest_release() -> Release | None:
    """The newest complete release (written in one transaction, so never half a release)."""
    return Release.objects.order_by("-pk").defer("summary").first()  # pages skip the statuses


def read_selection(release: Release, filters: Filters) -> dict[str, Any] | None:
    row = (
        ReleaseSelection.objects.filter(release=release, key=selection_key(filters))
        .values_list("content", flat=True)
        .first()
    )
    return row


def published_cohorts(release: Release | None) -> list[int]:
    """The cohort years this release publishes a selection for, oldest first."""
    if release is None:
        return []
    keys = ReleaseSelection.objects.filter(release=release, key__startswith="cohort:")
    return sorted(int(key.partition(":")[2]) for key in keys.values_list("key", flat=True))


def is_current(release: Release | None, *, k: int = DEFAULT_K) -> bool:
    """Whether the release already holds every event and today's as-of date."""
    return (
        release is not None
        and release.k == k
        and release.as_of == timezone.localdate()
        and release.log_version == fingerprint()
    )
