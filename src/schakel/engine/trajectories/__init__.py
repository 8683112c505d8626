"""Trajectories as an event log: typed events, validation and the projection of current state."""

from schakel.engine.trajectories.episode_input import EVENT_LOG_COLUMNS, EpisodeInputError
from schakel.engine.trajectories.episode_outcomes import Ending, ExitType
from schakel.engine.trajectories.episode_quality import DataQualityReport, QualityIssue
from schakel.engine.trajectories.episodes import EPISODE_COLUMNS, EpisodeBuild, build_episodes
from schakel.engine.trajectories.events import (
    EVENT_TYPES,
    EventType,
    InvalidEventError,
    validate_payload,
)
from schakel.engine.trajectories.intervals import recurrent_intervals
from schakel.engine.trajectories.projection import (
    Event,
    Task,
    TrajectoryState,
    effective_events,
    project_state,
)

__all__ = [
    "EPISODE_COLUMNS",
    "EVENT_LOG_COLUMNS",
    "EVENT_TYPES",
    "DataQualityReport",
    "Ending",
    "EpisodeBuild",
    "EpisodeInputError",
    "Event",
    "EventType",
    "ExitType",
    "InvalidEventError",
    "QualityIssue",
    "Task",
    "TrajectoryState",
    "build_episodes",
    "effective_events",
    "project_state",
    "recurrent_intervals",
    "validate_payload",
]
