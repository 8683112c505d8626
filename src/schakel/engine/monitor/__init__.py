"""The effectiveness monitor without Django: prepare once per data version
(`EpisodeIndex.build`, `schakel.engine.flow_paths.path_index`), protect every selection's
counts together (`protect_release`), then compute every published selection's tables
(`release_tables`). The web job stores the result; see docs/monitor-pages.md."""

from schakel.engine.monitor.published import (
    STRATA,
    filters_of,
    jsonable,
    published_keys,
    release_tables,
    selection_key,
    selection_tables,
)
from schakel.engine.monitor.release import (
    MonitorRelease,
    funnel_base_from_paths,
    protect_release,
)
from schakel.engine.monitor.selection import (
    NONE,
    EpisodeIndex,
    Filters,
    filter_mask,
    label_episodes,
)
from schakel.engine.monitor.tables import (
    FUNNEL_STAGES,
    INCIDENCE_COLUMNS,
    MIN_EVENTS_PER_COVARIATE,
    HazardFit,
    fit_hazards,
    funnel_cells_from_paths,
)

__all__ = [
    "FUNNEL_STAGES",
    "INCIDENCE_COLUMNS",
    "MIN_EVENTS_PER_COVARIATE",
    "NONE",
    "STRATA",
    "EpisodeIndex",
    "Filters",
    "HazardFit",
    "MonitorRelease",
    "filter_mask",
    "filters_of",
    "fit_hazards",
    "funnel_base_from_paths",
    "funnel_cells_from_paths",
    "jsonable",
    "label_episodes",
    "protect_release",
    "published_keys",
    "release_tables",
    "selection_key",
    "selection_tables",
]
