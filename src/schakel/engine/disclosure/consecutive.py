"""A release protected together with the one before it, so that differencing the two reveals
no group below k (ADR 0026).

Two consecutive releases of the same selections differ by what was recorded in between: a
count that was 50 and is now 53 names a group of 3. Here the units (episodes) of both
releases are matched by an id, and each unit's base cell is its cell in the previous release
and its cell now (a unit whose dimensions changed counts as one that left and one that came).
Every count of both releases is then a sum of these joint cells, and `protect_selections`
protects them together with the previous release's statuses fixed: a count now is published
only if no combination with what was published before isolates a group below k (the same
per-equation rules and exact linear audit). A count that has not changed keeps its previous
status (publishing it again reveals nothing new). The units that came into a count and those
that left it are groups of their own: below k, the audit keeps them underivable too, even
where neither count shows them (a bridge through other selections and measures).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from schakel.engine.disclosure.errors import DisclosureError
from schakel.engine.disclosure.selections import SelectionRelease, protect_selections
from schakel.engine.disclosure.suppression import Status
from schakel.engine.disclosure.tables import TOTAL

PREVIOUS = "previous: "
CAME = "came into: "
LEFT = "left: "


def joint_units(
    previous: pd.DataFrame,
    current: pd.DataFrame,
    *,
    unit: str,
    dims: Sequence[str],
    measures: Sequence[str],
    person: str,
) -> pd.DataFrame:
    """One row per unit and set of dimension levels: its measure flags now and, prefixed
    with PREVIOUS, in the previous release (False where it was not there)."""
    for name, frame in (("previous", previous), ("current", current)):
        missing = [c for c in (unit, *dims, *measures, person) if c not in frame.columns]
        if missing:
            raise DisclosureError(f"{name}: unknown column(s): {', '.join(missing)}")
    keys = [unit, *dims]
    old_key, new_key = _joint_key(previous[keys], current[keys])
    now, before = _outer_positions(new_key, old_key)
    joint = pd.DataFrame(
        {key: np.where(now >= 0, _taken(current[key], now), _taken(previous[key], before))
         for key in keys}
    )  # fmt: skip
    who = np.where(now >= 0, _taken(current[person], now), _taken(previous[person], before))
    joint[person] = who
    # the flags moved by row position: merging ~80 boolean columns took seconds at 1M units
    flags = {m: _flag(current[m], now) for m in measures}
    flags |= {PREVIOUS + m: _flag(previous[m], before) for m in measures}
    joint = pd.concat([joint, pd.DataFrame(flags, index=joint.index)], axis=1)
    return joint.reset_index(drop=True)


def _outer_positions(new: np.ndarray, old: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row positions (-1: not there) in `new` and `old` of every distinct key of both, keys
    ascending: an outer merge one to one on integer keys, by one sort (the merge took a
    second at a million units)."""
    keys = np.concatenate([new, old])
    order = np.argsort(keys, kind="stable")  # a key in both: its row in `new` first
    ordered = keys[order]
    first = np.ones(keys.size, dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    in_new = order < new.size
    again = np.flatnonzero(~first)  # a key's second row: must be old after new
    if (~in_new[again - 1] | in_new[again]).any():
        raise pd.errors.MergeError("Merge keys are not unique in either dataset")
    slot = np.cumsum(first) - 1  # each sorted row's key number
    now = np.full(int(first.sum()), -1, dtype=np.int64)
    before = now.copy()
    now[slot[in_new]] = order[in_new]
    before[slot[~in_new]] = order[~in_new] - new.size
    return now, before


def _joint_key(previous: pd.DataFrame, current: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """One integer per row of both frames, equal where all columns are equal: a merge on it
    instead of on the unit and dimension columns (text and sets) took a second per million."""
    key = np.zeros(len(previous) + len(current), dtype=np.int64)
    for name in previous.columns:
        codes, uniques = pd.factorize(pd.concat([previous[name], current[name]], ignore_index=True))
        if int(key.max(initial=0) + 1) * (len(uniques) + 1) >= 2**62:
            key = pd.factorize(key)[0].astype(np.int64)
        key = key * (len(uniques) + 1) + codes + 1
    return key[: len(previous)], key[len(previous) :]


def _taken(column: pd.Series, at: np.ndarray) -> np.ndarray:
    """column's values at the positions `at` (None where -1)."""
    values = column.to_numpy(dtype=object)
    found = np.full(at.size, None, dtype=object)
    found[at >= 0] = values[at[at >= 0]]
    return found


def _flag(column: pd.Series, at: np.ndarray) -> np.ndarray:
    """A boolean column at the positions `at`, False where -1 (the unit is not there)."""
    values = column.astype("boolean").fillna(False).to_numpy(dtype=bool)
    found = np.zeros(at.size, dtype=bool)
    found[at >= 0] = values[at[at >= 0]]
    return found


def protect_consecutive(
    previous: pd.DataFrame,
    current: pd.DataFrame,
    previous_release: SelectionRelease,
    *,
    unit: str,
    dims: Sequence[str],
    measures: Sequence[str],
    person: str,
    k: int,
    multi_valued: Sequence[str] = (),
    **options: object,
) -> SelectionRelease:
    """The release of `current`, protected together with `previous_release` (the release of
    `previous`, whose statuses stay as published). Returns the current counts only; `audit`
    keeps both releases' counts for checks. `multi_valued`: dimensions holding sets of levels
    as text (the funnel's forms); a unit whose set changed left and came. `options` go to
    `protect_selections` (`max_dims`, `priority`, `zero_is_safe`)."""
    joint = joint_units(previous, current, unit=unit, dims=dims, measures=measures, person=person)
    statuses = _statuses(previous_release)
    multi = set(multi_valued)
    levels = {  # both releases' levels
        d: sorted({str(v) for s in joint[d] for v in s} if d in multi else
                  set(map(str, joint[d].unique())), key=str)
        for d in dims
    }  # fmt: skip
    data = joint.assign(**{d: joint[d].astype(str) for d in dims if d not in multi})
    for m in measures:
        data[CAME + m] = data[m] & ~data[PREVIOUS + m]
        data[LEFT + m] = data[PREVIOUS + m] & ~data[m]
    named: Mapping[str, str] = {
        **{m: m for m in measures},
        **{PREVIOUS + m: PREVIOUS + m for m in measures},
    }

    def held(selection: Mapping[str, object], measure: str) -> int:
        if not measure.startswith(PREVIOUS):
            return -1
        key = (*(str(selection[d]) for d in dims), measure.removeprefix(PREVIOUS))
        return statuses.get(key, int(Status.PRIMARY))

    both = protect_selections(
        data,
        dims=dims,
        measures=named,
        person=person,
        k=k,
        levels=levels,
        multi_valued=list(multi),
        fixed=held,
        hidden={name: name for m in measures for name in (CAME + m, LEFT + m)},
        **options,  # type: ignore[arg-type]
    )
    now = both.frame["measure"].astype(str).isin(list(measures)).to_numpy()
    frame = both.frame.loc[now].reset_index(drop=True)
    frame["measure"] = pd.Categorical(frame["measure"].astype(str), categories=list(measures))
    return SelectionRelease(tuple(dims), tuple(measures), frame, both.audit, k)


def _statuses(release: SelectionRelease) -> dict[tuple[str, ...], int]:
    frame = release.frame
    codes = {s.name.lower(): int(s) for s in Status}
    keys = zip(
        *(frame[d].astype(str) for d in release.dims),
        frame["measure"].astype(str),
        frame["status"].astype(str).map(codes),
        strict=True,
    )
    return {tuple(map(str, key[:-1])): int(key[-1]) for key in keys}


def selection_matrix(
    frame: pd.DataFrame, units: pd.DataFrame, dims: Sequence[str], flag_of: Mapping[str, str]
) -> np.ndarray:
    """0/1 rows over `units` (one row per count of `frame`: its dimension levels, TOTAL for
    all, and its measure, whose flag column `flag_of` names): the exact audit's matrix."""
    matrix = np.zeros((len(frame), len(units)))
    values = {d: units[d].astype(str).to_numpy() for d in dims}
    for row, cell in enumerate(frame.itertuples(index=False)):
        mask = units[flag_of[str(cell.measure)]].to_numpy(dtype=bool).copy()
        for d in dims:
            level = str(getattr(cell, d))
            if level != str(TOTAL):
                mask &= values[d] == level
        matrix[row] = mask
    return matrix
