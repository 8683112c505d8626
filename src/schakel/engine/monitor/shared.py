"""Work a release does once for all its selections instead of once per selection.

Every published selection (all, each form, region and cohort year) reads the same
episodes; what depends only on an episode (its censoring risk score, the code of its level
in each stratum) is computed once for the whole data and sliced per selection. The result is
the same as computing each selection on its own (`tests/engine/test_monitor_speed.py`
compares every cell).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from schakel.engine.flow_paths import PathIndex
from schakel.engine.flows import FlowSteps
from schakel.engine.monitor.breakdowns import Breakdown
from schakel.engine.monitor.release import MonitorRelease, censoring_risk
from schakel.engine.monitor.selection import EpisodeIndex, Filters


@dataclass(frozen=True)
class SharedWork:
    """The censoring risk score of every episode of the index (in its row order), and per
    stratum each episode's level as a code into the levels sorted as text."""

    index: EpisodeIndex
    risk: np.ndarray
    codes: dict[str, tuple[np.ndarray, list[object]]]
    masks: dict[Filters, np.ndarray] = field(default_factory=dict)
    positions: dict[Filters, np.ndarray] = field(default_factory=dict)
    members: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    steps: list[tuple[PathIndex, FlowSteps]] = field(default_factory=list)

    @classmethod
    def of(
        cls, index: EpisodeIndex, release: MonitorRelease, strata: tuple[str, ...]
    ) -> SharedWork:
        codes = {}
        for name in strata:
            if name not in index.labelled.columns:
                continue
            found, uniques = pd.factorize(index.labelled[name])
            if found.size and found.min() < 0:  # a missing value: the tables say so
                continue
            levels = sorted(uniques.tolist(), key=str)
            narrow = np.min_scalar_type(-max(len(levels), 1))  # int8 for < 128 levels
            position = np.array([levels.index(u) for u in uniques.tolist()], dtype=narrow)
            codes[name] = (position[found], levels)
        return cls(index, censoring_risk(release.censoring, index.labelled), codes)

    def warm(self, release: MonitorRelease, paths: PathIndex | None = None) -> None:
        """Fill what every selection reads (the release's cell lookups, each breakdown's
        members among all episodes, the steps of all paths) now, so that forked workers
        inherit it instead of each finding it again (ADR 0034)."""
        if paths is not None:
            self.flow_steps(paths)
        for protected in (release.episodes, release.funnel):
            if protected is not None:
                protected.cells()
        members = self.breakdown_members(Filters())
        for breakdown in release.breakdowns.values():
            members(breakdown)

    def flow_steps(self, paths: PathIndex) -> FlowSteps:
        """`FlowSteps.of(paths)`, built once for every selection's flows."""
        for known, steps in self.steps:
            if known is paths:
                return steps
        self.steps.append((paths, FlowSteps.of(paths)))
        return self.steps[-1][1]

    def mask(self, filters: Filters) -> np.ndarray:
        if filters not in self.masks:
            self.masks[filters] = self.index.mask(filters)
        return self.masks[filters]

    def rows(self, filters: Filters) -> np.ndarray:
        """The positions of `index.select(filters)` among all episodes."""
        if filters not in self.positions:
            self.positions[filters] = np.flatnonzero(self.mask(filters))
        return self.positions[filters]

    def breakdown_members(self, filters: Filters) -> Callable[[Breakdown], dict[str, np.ndarray]]:
        """`Breakdown.members` of `index.select(filters)`: each level's episodes are found
        once among all episodes (a row's level depends on that row alone) and sliced."""

        def members(breakdown: Breakdown) -> dict[str, np.ndarray]:
            name = breakdown.dimension.name
            if name not in self.members:
                self.members[name] = breakdown.members(self.index.labelled)
            mask = self.mask(filters)
            found = self.members[name]
            if mask.all():
                return found
            chosen = self.rows(filters)  # taken by position: faster than a boolean index
            return {level: rows.take(chosen) for level, rows in found.items()}

        return members

    def risk_of(self, filters: Filters) -> np.ndarray:
        """The risk scores of `index.select(filters)`, in its order."""
        mask = self.mask(filters)
        return self.risk if mask.all() else self.risk.take(self.rows(filters))

    def strata_frame(self, filters: Filters, episodes: pd.DataFrame) -> pd.DataFrame:
        """`index.select(filters)` (`episodes`) as the incidence tables read it: days,
        exit type, person and each coded stratum (`stratum`), built once per selection."""
        columns = {name: episodes[name] for name in ("days", "exit_type", "person_id")}
        for name in self.codes:
            coded = self.stratum(filters, name)
            if coded is not None:
                columns[name] = coded.array
        return pd.DataFrame(columns, index=episodes.index)

    def stratum(self, filters: Filters, name: str) -> pd.Series | None:
        """The stratum column of `index.select(filters)` as a categorical whose categories
        are the levels that occur, sorted as text (what the incidence table would find)."""
        if name not in self.codes:
            return None
        codes, levels = self.codes[name]
        mask = self.mask(filters)  # small codes, taken by position: a fraction of the work
        chosen = codes if mask.all() else codes.take(self.rows(filters))
        present = np.flatnonzero(np.bincount(chosen, minlength=len(levels)))
        if present.size < len(levels):  # number the levels that occur
            position = np.full(len(levels), -1, dtype=codes.dtype)
            position[present] = np.arange(present.size)
            chosen = position[chosen]
        categories = [levels[i] for i in present]
        # every code is a category's position (no check needed)
        return pd.Series(pd.Categorical.from_codes(chosen, categories=categories, validate=False))
