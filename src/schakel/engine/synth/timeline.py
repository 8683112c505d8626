"""Generated events and trajectories, and the timeline that orders them.

Generators think in whole days since the region's first day. The timeline drops whatever falls
after the region's last day (those trajectories are censored) and gives each kept event a clock
time, so events on the same day keep the order in which they were added.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from schakel.engine.trajectories.events import EventType
from schakel.engine.trajectories.projection import Event
from schakel.engine.vocabulary import ExploitationForm, Region

FIRST_MINUTE = 8 * 60
LAST_MINUTE = 23 * 60 + 59
MINUTES = tuple(dt.timedelta(minutes=m) for m in range(LAST_MINUTE + 1))


@dataclass(frozen=True, slots=True)
class SyntheticEvent:
    """One event as an organisation would record it; the payload passes validate_payload."""

    key: str
    event_type: EventType
    occurred_at: dt.datetime
    payload: dict[str, Any]
    organisation_key: str
    recorded_by: str


@dataclass(frozen=True, slots=True)
class Trajectory:
    """One trajectory at one lead organisation; a person has one per registered episode."""

    key: str
    person_key: str
    identity_record_key: str
    region: Region
    lead_organisation_key: str
    signal_organisation_key: str
    episode_no: int
    form: ExploitationForm
    events: tuple[SyntheticEvent, ...]

    def projection_events(self) -> list[Event]:
        """The events as `project_state` takes them (recorded when they occurred)."""
        return [
            Event(
                id=e.key,
                event_type=e.event_type.value,
                occurred_at=e.occurred_at,
                recorded_at=e.occurred_at,
                payload=e.payload,
            )
            for e in self.events
        ]


class Timeline:
    """Collects one trajectory's events by day and turns them into ordered, timed events."""

    def __init__(self, key: str, first_day: dt.date, end_day: int):
        self.key = key
        self.end_day = end_day
        self._midnight = dt.datetime.combine(first_day, dt.time(), tzinfo=dt.UTC)
        self._items: list[tuple[int, int, EventType, dict[str, Any], str, str]] = []

    def add(
        self,
        day: int,
        event_type: EventType,
        payload: dict[str, Any],
        organisation_key: str,
        recorded_by: str,
    ) -> bool:
        """Keep the event unless it falls after the region's last day; say whether it was kept."""
        if day > self.end_day:
            return False
        self._items.append(
            (day, len(self._items), event_type, payload, organisation_key, recorded_by)
        )
        return True

    def build(self, rng: random.Random) -> tuple[SyntheticEvent, ...]:
        self._items.sort(key=lambda item: (item[0], item[1]))
        events: list[SyntheticEvent] = []
        day, minute, midnight = -1, 0, self._midnight
        for number, (item_day, _, event_type, payload, organisation, by) in enumerate(
            self._items, start=1
        ):
            if item_day != day:
                day, minute = item_day, FIRST_MINUTE + int(rng.random() * 120)
                midnight = self._midnight + dt.timedelta(days=day)
            else:
                minute = min(LAST_MINUTE, minute + 5 + int(rng.random() * 45))
            occurred = midnight + MINUTES[minute]
            key = f"{self.key}-{number:03d}"
            events.append(SyntheticEvent(key, event_type, occurred, payload, organisation, by))
        return tuple(events)
