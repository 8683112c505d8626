"""Trajectories as an event log: typed events, validation and the projection of current state.

What each event type means is its entry in `REGISTRY`; `event_types` fills the registry when
this package is imported, so every module below reads a complete one.
"""

from schakel.engine.trajectories import event_types as _event_types  # noqa: F401  (registers)
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
    effective_mask,
    project_state,
)
from schakel.engine.trajectories.referrals import ReferralState, referral_states
from schakel.engine.trajectories.registry import REGISTRY, EventTypeSpec

__all__ = [
    "EPISODE_COLUMNS",
    "EVENT_LOG_COLUMNS",
    "EVENT_TYPES",
    "REGISTRY",
    "DataQualityReport",
    "Ending",
    "EpisodeBuild",
    "EpisodeInputError",
    "Event",
    "EventType",
    "EventTypeSpec",
    "ExitType",
    "InvalidEventError",
    "QualityIssue",
    "ReferralState",
    "Task",
    "TrajectoryState",
    "build_episodes",
    "effective_events",
    "effective_mask",
    "project_state",
    "recurrent_intervals",
    "referral_states",
    "validate_payload",
]
