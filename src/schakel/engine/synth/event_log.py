"""The synthetic region's events in the episode builder's input shape, without a database."""

from __future__ import annotations

import pandas as pd

from schakel.engine.synth.region import SyntheticRegion
from schakel.engine.trajectories import EVENT_LOG_COLUMNS

COLUMNS = tuple(column.name for column in EVENT_LOG_COLUMNS)


def region_event_log(region: SyntheticRegion, *, linked: bool) -> pd.DataFrame:
    """One row per event. `linked=True` keys episodes by the true person (as if linkage were
    perfect); `linked=False` by the trajectory (each organisation sees only its own)."""
    rows = [
        (
            t.key,
            t.person_key if linked else t.key,
            t.region.value,
            e.event_type.value,
            e.occurred_at,
            e.payload,
            e.key,
            None,
        )
        for t in region.trajectories
        for e in t.events
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS))
