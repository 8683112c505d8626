"""Reading the published monitor: the latest stored release, labelled for the reader."""

from __future__ import annotations

from dataclasses import dataclass

from schakel.web.monitor.data import Filters
from schakel.web.monitor.models import Release
from schakel.web.monitor.stored import latest_release, read_selection
from schakel.web.monitor.tables import Monitor, monitor_from_content


@dataclass(frozen=True)
class Published:
    """What a page shows: the release (None when there is none yet) and the selection's
    tables (None when the release does not publish this selection)."""

    release: Release | None
    monitor: Monitor | None


def published_monitor(
    filters: Filters, *, stratum: str = "form", release: Release | None = None
) -> Published:
    """The selection's tables from `release`, or from the latest one when none is given."""
    release = release or latest_release()
    if release is None:
        return Published(None, None)
    content = read_selection(release, filters)
    if content is None:
        return Published(release, None)
    monitor = monitor_from_content(
        content,
        filters=filters,
        stratum=stratum,
        k=release.k,
        as_of=release.as_of,
        quality=release.quality,
    )
    return Published(release, monitor)
