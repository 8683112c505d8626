"""Computing a release (in the job only) and reading the stored one (pages, downloads, CLI).

A release holds, for every published selection, the protected tables as codes and numbers
(JSON); labels and plain-language readings are added when a page shows them, in the reader's
language. A page view reads; it never computes (a test makes computing raise during views).
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from schakel.engine.disclosure import DEFAULT_K
from schakel.engine.vocabulary import ExploitationForm, Region
from schakel.web.monitor.data import Filters, log_version, monitor_data
from schakel.web.monitor.models import Release, ReleaseSelection

KEEP = 3  # releases kept (the newest is shown; older ones for the differencing audit)
ALL = "all"
Progress = Callable[[int, str], None]


def _no_progress(percent: int, step: str) -> None:
    return None


def selection_key(filters: Filters) -> str:
    """The one filter a published selection sets: "all", "form:labour", "region:..." ..."""
    if filters.form:
        return f"form:{filters.form}"
    if filters.region:
        return f"region:{filters.region}"
    if filters.cohort:
        return f"cohort:{filters.cohort}"
    return ALL


def filters_of(key: str) -> Filters:
    if key == ALL:
        return Filters()
    dimension, _, value = key.partition(":")
    if dimension == "cohort":
        return Filters(cohort=int(value))
    if dimension == "form":
        return Filters(form=value)
    return Filters(region=value)


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


def compute_release(
    *, k: int = DEFAULT_K, as_of: dt.date | None = None, progress: Progress = _no_progress
) -> ComputedRelease:
    """Read the event log once and protect every published selection together."""
    from schakel.web.monitor.release import monitor_release  # heavy imports only in the job
    from schakel.web.monitor.tables import _labelled, selection_content

    started = time.perf_counter()
    data_until = timezone.now()
    version = fingerprint()
    progress(5, gettext_noop("Reading the event log"))
    data = monitor_data(as_of, use_cache=False)
    progress(30, gettext_noop("Protecting the counts of every selection"))
    release = monitor_release(data, k, labelled=_labelled, use_cache=False)
    keys = list(published_keys(data))
    selections = {}
    for number, key in enumerate(keys):
        progress(40 + 50 * number // max(len(keys), 1), gettext_noop("Computing the tables"))
        selections[key] = jsonable(selection_content(data, release, filters_of(key), k))
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
    )


def published_keys(data: Any) -> Iterator[str]:
    """All, each form, each region and each cohort year in the data: the selections the
    release publishes (the counts of all of them are protected together, ADR 0006)."""
    yield ALL
    for form in ExploitationForm:
        yield f"form:{form.value}"
    for region in Region:
        yield f"region:{region.value}"
    years = {int(c) for c in data.build.episodes["cohort"].dropna().unique()}
    years |= {int(y) for y in data.paths["year"].dropna().unique()} if len(data.paths) else set()
    for year in sorted(years):
        yield f"cohort:{year}"


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
        summary={"selections": list(computed.selections)},
    )
    ReleaseSelection.objects.bulk_create(
        ReleaseSelection(release=release, key=key, content=content)
        for key, content in computed.selections.items()
    )
    stale = Release.objects.order_by("-pk").values_list("pk", flat=True)[KEEP:]
    Release.objects.filter(pk__in=list(stale)).delete()
    return release


def latest_release() -> Release | None:
    """The newest complete release (written in one transaction, so never half a release)."""
    return Release.objects.order_by("-pk").first()


def read_selection(release: Release, filters: Filters) -> dict[str, Any] | None:
    row = (
        ReleaseSelection.objects.filter(release=release, key=selection_key(filters))
        .values_list("content", flat=True)
        .first()
    )
    return row


def is_current(release: Release | None, *, k: int = DEFAULT_K) -> bool:
    """Whether the release already holds every event and today's as-of date."""
    return (
        release is not None
        and release.k == k
        and release.as_of == timezone.localdate()
        and release.log_version == fingerprint()
    )


def jsonable(value: Any) -> Any:
    """Plain JSON (PostgreSQL's jsonb refuses NaN): numbers, text, lists, dicts, None."""
    if isinstance(value, pd.DataFrame):
        return [jsonable(row) for row in value.to_dict(orient="records")]
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [jsonable(item) for item in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if math.isnan(float(value)) else float(value)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
