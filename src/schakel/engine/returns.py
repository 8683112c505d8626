"""Candidate returns to exploitation, from linked records.

Record linkage says which trajectories (at any organisation) belong to one person. Within such
a cluster, an exploitation-context event (a signal, an intake or an exploitation episode) that
happens after an earlier trajectory's exit or closure is a *candidate* return: the coordinator of
the earlier trajectory reviews it before it becomes a return-to-exploitation event.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from schakel.engine.trajectories.events import EventType, parse_event_type
from schakel.engine.trajectories.projection import Event, effective_events

EXPLOITATION_CONTEXT = frozenset(
    {EventType.SIGNAL, EventType.INTAKE, EventType.EXPLOITATION_EPISODE}
)
ENDINGS = frozenset({EventType.EXIT, EventType.CLOSURE})


@dataclass(frozen=True)
class CandidateReturn:
    earlier_trajectory: str
    ended_at: dt.datetime
    later_trajectory: str
    later_event: str
    later_event_type: str
    occurred_at: dt.datetime
    cluster: str
    match_probability: float

    @property
    def days_after_exit(self) -> int:
        return (self.occurred_at - self.ended_at).days


def _first_ending(events: Sequence[Event]) -> dt.datetime | None:
    endings = [e.occurred_at for e in events if parse_event_type(e.event_type) in ENDINGS]
    return min(endings) if endings else None


def detect_returns(
    clusters: Mapping[str, Iterable[str]],
    events: Mapping[str, Sequence[Event]],
    probabilities: Mapping[str, float] | None = None,
    *,
    already_returned: Iterable[tuple[str, str]] = (),
) -> list[CandidateReturn]:
    """One candidate per (earlier trajectory, later trajectory): the first exploitation-context
    event of the later trajectory after the earlier one ended. Pairs already reviewed or
    recorded (`already_returned`) are left out."""
    seen = set(already_returned)
    found = []
    for cluster, members in clusters.items():
        trajectories = {t: effective_events(events.get(t, ())) for t in members}
        for earlier, history in trajectories.items():
            ended = _first_ending(history)
            if ended is None:
                continue
            for later, later_events in trajectories.items():
                if later == earlier or (earlier, later) in seen:
                    continue
                hit = next(
                    (
                        e
                        for e in later_events
                        if parse_event_type(e.event_type) in EXPLOITATION_CONTEXT
                        and e.occurred_at > ended
                    ),
                    None,
                )
                if hit is None:
                    continue
                found.append(
                    CandidateReturn(
                        earlier_trajectory=earlier,
                        ended_at=ended,
                        later_trajectory=later,
                        later_event=hit.id,
                        later_event_type=hit.event_type,
                        occurred_at=hit.occurred_at,
                        cluster=cluster,
                        match_probability=(probabilities or {}).get(cluster, 1.0),
                    )
                )
    return sorted(found, key=lambda c: (c.occurred_at, c.earlier_trajectory))


def group_by_cluster(assignments: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """(trajectory, cluster) pairs to cluster -> trajectories."""
    clusters: dict[str, list[str]] = defaultdict(list)
    for trajectory, cluster in assignments:
        clusters[cluster].append(trajectory)
    return dict(clusters)
