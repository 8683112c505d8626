"""The rows of the "where, when and why" tables for one selection (all episodes, or one
form's): each published level's counts with their status from the protected release
(`breakdowns.protect_breakdowns`), the estimated chance of return within 12 months where both
counts are shown, the row's status and why something in it is hidden."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from schakel.engine.disclosure import TOTAL, Status, horizon_days
from schakel.engine.monitor.breakdowns import (
    HORIZON_MONTHS,
    NONE,
    REASONS,
    RETURNS,
    Breakdown,
)
from schakel.engine.survival import aalen_johansen


def published_share(breakdowns: Mapping[str, Breakdown]) -> dict[str, tuple[int, int]]:
    """Per dimension (published count cells, all count cells) of the whole release."""
    result = {}
    for name, breakdown in breakdowns.items():
        if breakdown.release is None:
            continue
        status = breakdown.release.frame["status"].astype(str)
        result[name] = (int((status == "published").sum()), len(status))
    return result


Members = Callable[[Breakdown], Mapping[str, np.ndarray]]
"""Per published level of a breakdown, which episodes of the selection (by position) are in
it: `Breakdown.members` of the selection, or the same sliced from all episodes."""


def breakdown_tables(
    episodes: pd.DataFrame,
    breakdowns: Mapping[str, Breakdown],
    form: str | None,
    *,
    members: Members | None = None,
) -> dict[str, dict[str, Any]]:
    """The tables of one selection (all episodes, or one form's): per dimension its rows
    (each published level, then the total) and what its pooled levels hold. `members`: the
    levels' episodes when the caller has them (a release computes them once)."""
    tables = {}
    whole: dict[str, Any] = {}  # the selection's own estimate: the same in every table
    for name, breakdown in breakdowns.items():
        found = None if members is None else members(breakdown)
        tables[name] = {
            "rows": breakdown_rows(episodes, breakdown, form, members=found, whole=whole),
            "merged": {level: list(raw) for level, raw in breakdown.merged.items()},
        }
    return tables


def breakdown_rows(
    episodes: pd.DataFrame,
    breakdown: Breakdown,
    form: str | None,
    *,
    members: Mapping[str, np.ndarray] | None = None,
    whole: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Rows of one selection's table: level, counts with status, estimate, status, reason.
    `whole`: where the estimate of all the selection's episodes (the total row's) is kept
    for the selection's other tables."""
    if members is None:
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
            every = whole is not None and level == TOTAL and bool(inside.all())
            row |= _estimate(durations[inside], codes[inside], counts, whole if every else None)
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
    cells = breakdown.release.cells(**{"form": form, breakdown.dimension.name: level})
    for measure, name in (("episodes", "episodes"), (RETURNS, "returns")):
        if measure in measures:
            result[name], result[f"{name}_status"] = cells[measure]
    return result


def _estimate(
    durations: np.ndarray,
    codes: np.ndarray,
    counts: Mapping[str, Any],
    memo: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Aalen-Johansen chance of return within 12 months, only where both counts are shown;
    `memo`: keeps the estimate of these episodes for the next table."""
    empty = {"estimate": None, "lower": None, "upper": None}
    if counts["episodes"] is None or counts["returns"] is None or durations.size == 0:
        return empty
    if memo is None:
        return _estimated(durations, codes)
    if "estimate" not in memo:
        memo["estimate"] = _estimated(durations, codes)
    return dict(memo["estimate"])


def _estimated(durations: np.ndarray, codes: np.ndarray) -> dict[str, Any]:
    empty = {"estimate": None, "lower": None, "upper": None}
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
