"""Trajectories as an event log: typed events, validation and the projection of current state."""

from schakel.engine.trajectories.events import (
    EVENT_TYPES,
    EventType,
    InvalidEventError,
    validate_payload,
)
from schakel.engine.trajectories.projection import (
    Event,
    Task,
    TrajectoryState,
    effective_events,
    project_state,
)

__all__ = [
    "EVENT_TYPES",
    "Event",
    "EventType",
    "InvalidEventError",
    "Task",
    "TrajectoryState",
    "effective_events",
    "project_state",
    "validate_payload",
]
