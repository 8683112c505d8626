"""Where, when and why people return: returns within 12 months by one more dimension.

One table type: per level of a dimension (modus operandi, recruitment method, online platform,
region, municipality and country of exploitation, sector, how the return was detected,
vulnerability factors at exit, cohort year of exit) the exit episodes, the returns within 12
months, and the estimated chance of return within 12 months (Aalen-Johansen, as the incidence
tables). Published nationally and per form of exploitation.

Small levels are pooled before protection (docs/monitor.md, "Where, when and why"): a level
with fewer than k exit episodes or fewer than k returns within 12 months nationally goes into
"other"; a small municipality first into "other municipalities in its region", and that group
into "other" when it is small too. The rule reads only national counts, so a table per form
has the same rows as the national one.

Protection: the counts of each dimension (form x level, with margins) go through
`protect_selections` with the counts the main release already published held at their status
(every total by form, and for region and cohort each level that is a level of the main release
too), so the same primary and secondary suppression and exact linear audit decide what is
shown around them (tests/engine/test_monitor_breakdowns.py audits all tables together).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from schakel.engine.disclosure import (
    TOTAL,
    DisclosureError,
    SelectionRelease,
    Status,
    horizon_days,
    protect_selections,
)
from schakel.engine.survival import aalen_johansen

NONE = "none"
OTHER = "other"
IN_REGION = "region:"
"""Prefix of a pooled level "other municipalities in region ...", followed by the region."""
HORIZON_MONTHS = 12
RETURNS = f"returns_{HORIZON_MONTHS}"
MEASURES = ("episodes", RETURNS)
REASONS = {
    "primary": "fewer_than_k",
    "secondary": "reveals_smaller_group",
}
"""Why a count is hidden; an estimate is also hidden when a count behind it is
("count_hidden") or when nobody was followed for 12 months ("too_short")."""


@dataclass(frozen=True)
class Dimension:
    """`column` of the labelled episodes (a tuple of levels when `multi`); `main`: also a
    dimension of the main release; `within`: small levels are pooled into their level of this
    column first; `pool`: small levels are pooled at all."""

    name: str
    column: str
    multi: bool = False
    pool: bool = True
    main: bool = False
    within: str | None = None
    measures: tuple[str, ...] = MEASURES


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("modus_operandi", "modus_operandi"),
    Dimension("recruitment", "recruitment", multi=True),
    Dimension("platform", "platforms", multi=True),
    Dimension("region", "region", main=True),
    Dimension("municipality", "municipality", within="region"),
    Dimension("country", "country"),
    Dimension("sector", "sector"),
    Dimension("detection", "detection", pool=False, measures=(RETURNS,)),
    Dimension("vulnerability", "vulnerabilities", multi=True),
    Dimension("cohort", "cohort", pool=False, main=True),
)
DIMENSION_NAMES = tuple(d.name for d in DIMENSIONS)


@dataclass(frozen=True)
class Breakdown:
    """One dimension's protected counts. `levels`: the published levels in order; `merged`:
    per pooled level the levels it holds; `kept`: levels (and, with `within`, `kept_first`:
    the first-stage levels) that stay themselves. `release` is None when nothing could be
    published (every count withheld)."""

    dimension: Dimension
    levels: tuple[str, ...]
    merged: Mapping[str, tuple[str, ...]]
    kept: frozenset[str]
    kept_first: frozenset[str]
    release: SelectionRelease | None

    def values(self, episodes: pd.DataFrame) -> pd.Series:
        """Each episode's published level (a tuple of them for a multi-valued dimension),
        numbered from 0."""
        raw = episodes[self.dimension.column].reset_index(drop=True)
        if self.dimension.multi:
            return raw.map(lambda levels: _pooled_set(levels, self.kept))
        keys = _first_stage(episodes, self.dimension, self.kept_first)
        return keys.where(keys.isin(self.kept), OTHER) if self.dimension.pool else keys

    def members(self, episodes: pd.DataFrame) -> dict[str, np.ndarray]:
        """Per published level, which episodes (by position) are in it; vectorised, so a
        million episodes cost no Python loop per episode."""
        size = len(episodes)
        if self.dimension.multi:
            exploded = episodes[self.dimension.column].reset_index(drop=True).explode()
            levels = exploded.astype(str)
            levels = levels.where(levels.isin(self.kept), OTHER)
            positions, found = exploded.index.to_numpy(), levels.to_numpy()
        else:
            positions, found = np.arange(size), self.values(episodes).to_numpy()
        result = {}
        for level in self.levels:
            mask = np.zeros(size, dtype=bool)
            mask[positions[found == level]] = True
            result[level] = mask
        result[TOTAL] = np.ones(size, dtype=bool)
        return result


def protect_breakdowns(
    episodes: pd.DataFrame,
    main: SelectionRelease | None,
    k: int,
    *,
    zero_is_safe: bool = True,
    pooling: bool = True,
) -> dict[str, Breakdown]:
    """Every dimension's table, protected around `main` (the release of the episode counts by
    form x region x cohort). `pooling=False`: every level on its own (for comparison)."""
    if main is None or len(episodes) == 0:
        return {}
    forms = [f for f in main.frame["form"].cat.categories if f != TOTAL]
    result = {}
    for dimension in DIMENSIONS:
        if dimension.column not in episodes.columns:
            continue
        if not pooling:
            dimension = replace(dimension, pool=False, within=None)
        result[dimension.name] = _protect(episodes, dimension, main, forms, k, zero_is_safe)
    return result


def _protect(
    episodes: pd.DataFrame,
    dimension: Dimension,
    main: SelectionRelease,
    forms: list[str],
    k: int,
    zero_is_safe: bool,
) -> Breakdown:
    returned = _returned(episodes)
    kept_first: frozenset[str] = frozenset()
    if dimension.within is not None:
        kept_first = _large(_level_counts(_text(episodes[dimension.column]), returned), k)
    keys = (
        episodes[dimension.column]
        if dimension.multi
        else _first_stage(episodes, dimension, kept_first)
    )
    counted = _level_counts(keys, returned)
    kept = _large(counted, k) if dimension.pool else frozenset(counted.index)
    draft = Breakdown(dimension, (), {}, kept, kept_first, None)
    values = draft.values(episodes)
    levels = _ordered(values, dimension)
    raw = episodes[dimension.column] if dimension.multi else _text(episodes[dimension.column])
    merged = _merged(raw, values, dimension, kept)
    data = pd.DataFrame(
        {
            "form": episodes["form"].astype(str).to_numpy(),
            dimension.name: values.to_numpy(),
            "person_id": episodes["person_id"].to_numpy(),
            "episodes": np.ones(len(episodes), dtype=bool),
            RETURNS: returned,
        }
    )
    main_levels = {str(level) for level in main.frame[dimension.name].cat.categories} if (
        dimension.main
    ) else set()  # fmt: skip

    def held(selection: Mapping[str, object], measure: str) -> int:
        level = str(selection[dimension.name])
        if level != TOTAL and level not in main_levels:
            return -1
        wanted = {"form": selection["form"]}
        if level != TOTAL:
            wanted[dimension.name] = level
        status = main.selection(**wanted).loc[measure, "status"]
        return int(Status[str(status).upper()])

    try:
        release = protect_selections(
            data,
            dims=("form", dimension.name),
            measures={m: m for m in dimension.measures},
            multi_valued=[dimension.name] if dimension.multi else [],
            levels={"form": forms, dimension.name: list(levels)},
            person="person_id",
            k=k,
            zero_is_safe=zero_is_safe,
            max_dims=2,
            priority=lambda selection, _measure: int(selection["form"] == TOTAL),
            fixed=held,
        )
    except DisclosureError:  # the held counts leave no way to publish: withhold the table
        release = None
    return Breakdown(dimension, levels, merged, kept, kept_first, release)


def _returned(episodes: pd.DataFrame) -> np.ndarray:
    days = episodes["days"].to_numpy()
    return ((episodes["exit_type"] == 1).to_numpy()) & (days <= horizon_days(HORIZON_MONTHS))


def _first_stage(
    episodes: pd.DataFrame, dimension: Dimension, kept_first: frozenset[str]
) -> pd.Series:
    """Levels as text; with `within`, a small level becomes "region:<its region>"."""
    raw = _text(episodes[dimension.column])
    if dimension.within is None:
        return raw
    inner = IN_REGION + _text(episodes[dimension.within])
    return raw.where(raw.isin(kept_first), inner)


def _text(column: pd.Series) -> pd.Series:
    """Levels as text, NONE where missing (the builder leaves an unknown modus operandi
    empty), numbered from 0."""
    text = column.astype("string").fillna(NONE).replace("", NONE)
    return text.astype(str).reset_index(drop=True)


def _level_counts(values: pd.Series, returned: np.ndarray) -> pd.DataFrame:
    """Episodes and returns within 12 months per level (each level of a set counted)."""
    frame = pd.DataFrame({"level": values.to_numpy(), "returned": returned})
    if len(frame) and isinstance(frame["level"].iloc[0], tuple):
        frame = frame.explode("level")
    frame["level"] = frame["level"].astype(str)
    return frame.groupby("level").agg(episodes=("returned", "size"), returns=("returned", "sum"))


def _large(counted: pd.DataFrame, k: int) -> frozenset[str]:
    big = (counted["episodes"] >= k) & (counted["returns"] >= k)
    return frozenset(str(level) for level in counted.index[big.to_numpy()])


def _pooled_set(levels: Any, kept: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted({str(v) if str(v) in kept else OTHER for v in levels}))


def _ordered(values: pd.Series, dimension: Dimension) -> tuple[str, ...]:
    """Largest first, then unknown, then "other"; cohort years and detection as they come."""
    exploded = values.explode() if dimension.multi else values
    sizes = exploded.astype(str).value_counts()
    if not dimension.pool:
        return tuple(sorted(sizes.index, key=str))
    named = [lvl for lvl in sizes.index if lvl not in (NONE, OTHER)]
    named.sort(key=lambda lvl: (-int(sizes[lvl]), lvl))
    return tuple([*named, *(lvl for lvl in (NONE, OTHER) if lvl in sizes.index)])


def _merged(
    raw: pd.Series, values: pd.Series, dimension: Dimension, kept: frozenset[str]
) -> dict[str, tuple[str, ...]]:
    """Per pooled level the levels in it (municipalities for a regional group)."""
    if not dimension.pool:
        return {}
    pairs = pd.DataFrame({"raw": raw.to_numpy(), "level": values.to_numpy()})
    if dimension.multi:
        pairs = pairs[["raw"]].explode("raw").astype(str)
        pairs["level"] = pairs["raw"].where(pairs["raw"].isin(kept), OTHER)
    pairs = pairs.astype(str)
    pooled = pairs[pairs["raw"] != pairs["level"]]
    return {
        str(level): tuple(sorted(group["raw"].unique()))
        for level, group in pooled.groupby("level", sort=True)
    }


def published_share(breakdowns: Mapping[str, Breakdown]) -> dict[str, tuple[int, int]]:
    """Per dimension (published count cells, all count cells) of the whole release."""
    result = {}
    for name, breakdown in breakdowns.items():
        if breakdown.release is None:
            continue
        status = breakdown.release.frame["status"].astype(str)
        result[name] = (int((status == "published").sum()), len(status))
    return result


def breakdown_tables(
    episodes: pd.DataFrame, breakdowns: Mapping[str, Breakdown], form: str | None
) -> dict[str, dict[str, Any]]:
    """The tables of one selection (all episodes, or one form's): per dimension its rows
    (each published level, then the total) and what its pooled levels hold."""
    tables = {}
    for name, breakdown in breakdowns.items():
        tables[name] = {
            "rows": breakdown_rows(episodes, breakdown, form),
            "merged": {level: list(raw) for level, raw in breakdown.merged.items()},
        }
    return tables


def breakdown_rows(
    episodes: pd.DataFrame, breakdown: Breakdown, form: str | None
) -> list[dict[str, Any]]:
    """Rows of one selection's table: level, counts with status, estimate, status, reason."""
    members = breakdown.members(episodes)
    durations = episodes["days"].to_numpy(dtype=np.float64)
    codes = episodes["exit_type"].to_numpy(dtype=np.int64)
    rows = []
    total_returns = None
    for level in (*breakdown.levels, TOTAL):
        counts = _counts(breakdown, form, level)
        inside = members[level]
        row: dict[str, Any] = {"level": level, **counts}
        if "episodes" in breakdown.dimension.measures:
            row |= _estimate(durations[inside], codes[inside], counts)
        else:
            row |= {"estimate": None, "lower": None, "upper": None}
        rows.append(row)
        if level == TOTAL:
            total_returns = counts["returns"]
    if "episodes" not in breakdown.dimension.measures:  # detection: share of all returns
        for row in rows:
            if row["returns"] is not None and total_returns:
                row["estimate"] = round(row["returns"] / total_returns, 3)
    for row in rows:
        row["status"], row["reason"] = _row_status(row)
    return [row for row in rows if not (breakdown.dimension.name == "detection"
                                         and row["level"] == NONE)]  # fmt: skip


def _counts(breakdown: Breakdown, form: str | None, level: str) -> dict[str, Any]:
    measures = breakdown.dimension.measures
    result: dict[str, Any] = {
        "episodes": None,
        "episodes_status": None,
        "returns": None,
        "returns_status": "secondary",
    }
    if "episodes" in measures:
        result["episodes_status"] = "secondary"
    if breakdown.release is None:
        return result
    cells = breakdown.release.selection(**{"form": form, breakdown.dimension.name: level})
    for measure, name in (("episodes", "episodes"), (RETURNS, "returns")):
        if measure in measures:
            value = cells.loc[measure, "published"]
            result[name] = None if pd.isna(value) else int(value)
            result[f"{name}_status"] = str(cells.loc[measure, "status"])
    return result


def _estimate(
    durations: np.ndarray, codes: np.ndarray, counts: Mapping[str, Any]
) -> dict[str, Any]:
    """Aalen-Johansen chance of return within 12 months, only where both counts are shown."""
    empty = {"estimate": None, "lower": None, "upper": None}
    if counts["episodes"] is None or counts["returns"] is None or durations.size == 0:
        return empty
    day = horizon_days(HORIZON_MONTHS)
    if not np.any(durations >= day):
        return {**empty, "too_short": True}
    if not np.any(codes > 0):
        return {"estimate": 0.0, "lower": None, "upper": None}
    curve = aalen_johansen(durations, codes, causes=[1]).incidence[1].at([day]).iloc[0]
    return {
        name: None if pd.isna(curve[name]) else round(float(curve[name]), 3)
        for name in ("estimate", "lower", "upper")
    }


def _row_status(row: dict[str, Any]) -> tuple[str, str | None]:
    """The row's status (the worst of its counts) and why something in it is hidden."""
    too_short = row.pop("too_short", False)
    statuses = [row[f"{name}_status"] for name in ("episodes", "returns") if row[f"{name}_status"]]
    worst = max(statuses, key=lambda s: int(Status[s.upper()]))
    if worst != "published":
        return worst, REASONS[worst]
    if too_short:
        return "published", "too_short"
    return "published", None


def level_values(breakdown: Breakdown, episodes: pd.DataFrame) -> list[Sequence[str]]:
    """Each episode's published levels as a list (one for a single-valued dimension)."""
    values = breakdown.values(episodes)
    return [list(v) if breakdown.dimension.multi else [v] for v in values]
