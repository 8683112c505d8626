"""The effectiveness monitor's tables without Django: prepare once per data version
(`EpisodeIndex.build`, `schakel.engine.flow_paths.path_index`), then compute any selection
(`monitor_tables`). See docs/monitor-pages.md."""

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
    MonitorTables,
    fit_hazards,
    funnel_cells_from_paths,
    incidence_levels,
    lost_to_follow_up,
    monitor_tables,
    protect_funnel,
)

__all__ = [
    "FUNNEL_STAGES",
    "INCIDENCE_COLUMNS",
    "MIN_EVENTS_PER_COVARIATE",
    "NONE",
    "EpisodeIndex",
    "Filters",
    "HazardFit",
    "MonitorTables",
    "filter_mask",
    "fit_hazards",
    "funnel_cells_from_paths",
    "incidence_levels",
    "label_episodes",
    "lost_to_follow_up",
    "monitor_tables",
    "protect_funnel",
]
