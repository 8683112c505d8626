"""The exact linear audit of two consecutive funnel and flow releases (ADR 0026), for checks:
every count below k of either release and every change of a count between them below k (the
trajectories that came into or left it), in every selection with at most one filter, must
not be a linear combination of the counts the two releases publish."""

from __future__ import annotations

import numpy as np
import pandas as pd

from schakel.engine.disclosure import TOTAL, determined
from schakel.engine.disclosure.consecutive import PREVIOUS, joint_units
from schakel.engine.monitor.funnel import DIMS, unit_measures


def derivable(
    before: pd.DataFrame, now: pd.DataFrame, old: pd.DataFrame, new: pd.DataFrame, k: int
) -> int:
    """How many counts below k (at least 1 person) of either release, or changes of a count
    between them below k, are linear combinations of what the two releases publish: `before`
    and `now` are `funnel_units` of both, `old` and `new` their frames (dimensions, measure,
    status)."""
    joint, measures = _aligned(before, now)
    published = np.vstack([_rows(old, joint, PREVIOUS), _rows(new, joint, "")])
    targets = _small_groups(joint, measures, k)
    if targets.size == 0 or published.size == 0:
        return 0
    status = np.r_[np.zeros(len(published)), np.ones(len(targets))].astype(np.int8)
    return int(determined(status, np.vstack([published, targets])).sum())


def _aligned(before: pd.DataFrame, now: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    measures = list(dict.fromkeys([*unit_measures(now), *unit_measures(before)]))
    old, new = (f.assign(**{m: False for m in measures if m not in f}) for f in (before, now))
    joint = joint_units(old, new, unit="unit", dims=DIMS, measures=measures, person="person_id")
    return joint, measures


def _inside(joint: pd.DataFrame, levels: dict[str, str]) -> np.ndarray:
    mask = np.ones(len(joint), dtype=bool)
    for name, level in levels.items():
        if level == TOTAL:
            continue
        if name == "form":
            mask &= np.array([level in forms for forms in joint["form"]], dtype=bool)
        else:
            mask &= (joint[name].astype(str) == level).to_numpy()
    return mask


def _rows(frame: pd.DataFrame, joint: pd.DataFrame, prefix: str) -> np.ndarray:
    """0/1 rows over the joint units of every published count of a release's frame."""
    shown = frame[frame["status"].astype(str) == "published"]
    rows = [
        _inside(joint, {d: str(getattr(cell, d)) for d in DIMS})
        & joint[prefix + str(cell.measure)].to_numpy(dtype=bool)
        for cell in shown.itertuples(index=False)
    ]
    return np.array(rows, dtype=float).reshape(-1, len(joint))


def _small_groups(joint: pd.DataFrame, measures: list[str], k: int) -> np.ndarray:
    selections = [dict.fromkeys(DIMS, TOTAL)]
    for name in DIMS:
        found = {v for s in joint[name] for v in s} if name == "form" else set(joint[name])
        selections += [{**dict.fromkeys(DIMS, TOTAL), name: str(v)} for v in sorted(found)]
    persons = joint["person_id"].to_numpy()
    groups = []
    for levels in selections:
        inside = _inside(joint, levels)
        for measure in measures:
            now = inside & joint[measure].to_numpy(dtype=bool)
            before = inside & joint[PREVIOUS + measure].to_numpy(dtype=bool)
            for group in (now, before, now & ~before, before & ~now):
                if 1 <= np.unique(persons[group]).size < k:
                    groups.append(group.astype(float))
    return np.array(groups).reshape(-1, len(joint))
