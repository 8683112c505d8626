"""The monitor's episodes, prepared once per data version so that a filter is only a mask.

Labelling the strata and coding the persons depends on the data alone, not on the filters, so
`EpisodeIndex.build` does it once; `select` then takes the rows of a selection. The result
equals labelling the filtered episodes (a test checks it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from schakel.engine.vocabulary import InterventionType

NONE = "none"
"""Label of a missing stratum value (the disclosure tables ask for a label)."""
TEXT_STRATA = ("form", "placement", "region", "age_group")


@dataclass(frozen=True)
class Filters:
    """Form of exploitation, region, cohort year; None (or empty) means all."""

    form: str | None = None
    region: str | None = None
    cohort: int | None = None


def label_episodes(episodes: pd.DataFrame) -> pd.DataFrame:
    """Strata without missing values (as text, `NONE` when missing) and boolean interventions."""
    episodes = episodes.copy()
    for name in TEXT_STRATA:
        if name in episodes.columns:
            episodes[name] = episodes[name].astype("string").fillna(NONE).replace("", NONE)
    episodes["cohort"] = episodes["cohort"].astype("string").fillna(NONE)
    for kind in InterventionType:
        name = f"intervention_{kind.value}"
        if name in episodes.columns:
            episodes[name] = episodes[name].astype(bool)
    return episodes


def filter_mask(episodes: pd.DataFrame, filters: Filters) -> npt.NDArray[np.bool_]:
    """Episodes in the filters; the cohort is the year of exit."""
    return _mask(
        episodes["form"].astype("string") if filters.form else None,
        episodes["region"].astype("string") if filters.region else None,
        episodes["cohort"],
        filters,
    )


@dataclass(frozen=True)
class EpisodeIndex:
    """Labelled episodes of the whole data version; `person_id` holds integer codes in the
    order of the original ids (distinct persons and clusters stay exactly the same)."""

    labelled: pd.DataFrame
    form: pd.Series
    region: pd.Series
    cohort: pd.Series

    @classmethod
    def build(cls, episodes: pd.DataFrame) -> EpisodeIndex:
        episodes = episodes.reset_index(drop=True)
        labelled = label_episodes(episodes)
        persons = np.asarray(episodes["person_id"], dtype=object)
        labelled["person_id"] = pd.factorize(persons, sort=True)[0].astype(np.int64)
        return cls(
            labelled=labelled,
            form=episodes["form"].astype("string"),
            region=episodes["region"].astype("string"),
            cohort=episodes["cohort"],
        )

    coded: dict[str, tuple[np.ndarray, Any]] = field(
        default_factory=dict, compare=False, repr=False
    )
    """Per filter column its `pd.factorize` codes and distinct values, found on first use."""

    def mask(self, filters: Filters) -> npt.NDArray[np.bool_]:
        """`_mask` of the filters: each distinct value is compared once, not every row."""
        mask = np.ones(len(self.cohort), dtype=bool)
        for name, value in (
            ("form", filters.form),
            ("region", filters.region),
            ("cohort", filters.cohort),
        ):
            if not value:
                continue
            if name not in self.coded:
                self.coded[name] = pd.factorize(getattr(self, name))
            codes, uniques = self.coded[name]
            equal = pd.Series(uniques) == value  # a missing value (code -1) is never equal
            mask &= np.isin(codes, np.flatnonzero(equal.fillna(False).to_numpy(dtype=bool)))
        return mask

    def select(self, filters: Filters) -> pd.DataFrame:
        """The labelled episodes in the filters, numbered from 0."""
        mask = self.mask(filters)
        if mask.all():
            return self.labelled.copy()
        return self.labelled.loc[mask].reset_index(drop=True)


def _mask(form: Any, region: Any, cohort: pd.Series, filters: Filters) -> npt.NDArray[np.bool_]:
    mask = pd.Series(True, index=cohort.index)
    if filters.form:
        mask &= form == filters.form
    if filters.region:
        mask &= region == filters.region
    if filters.cohort:
        mask &= cohort == filters.cohort
    return mask.fillna(False).astype(bool).to_numpy()
