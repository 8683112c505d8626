"""Trajectory flows: the most common paths through care and the time between their steps.

Paths come from `schakel.engine.flow_paths` (`trajectory_paths` for a DataFrame, `path_index`
for the arrays behind it). `flow_tables(paths, k=10)` gives the publishable tables, and
`flow_tables_for(index, selected, k=10)` the same tables for a selection (a boolean mask)
of an index built once:

- `variants`: one row per path with at least k persons (and k trajectories), ordered by
  size, with the median days of each step; all other paths are merged into one "other paths"
  row. When that row would hold fewer than k persons, the smallest published paths are merged
  into it too, until it holds k or more (or every path is in it); an empty "other" row is
  left out. So no published count, nor the total minus the published counts, is below k.
- `edges`: the step pairs (from stage, to stage) that at least k persons took, with the
  median days between them. Edges are not margins of the variants table that add up to a
  published total, so leaving a small edge out reveals nothing.

Pure numpy and pandas; no Django.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from schakel.engine.disclosure import DEFAULT_K, check_k
from schakel.engine.flow_paths import (
    FLOW_STAGES,
    MAX_GAPS,
    PATH_COLUMNS,
    REQUIRED,
    SEPARATOR,
    STAGE_NAMES,
    STAGE_ORDER,
    FlowInputError,
    PathIndex,
    path_index,
    trajectory_paths,
)

__all__ = [
    "FLOW_STAGES",
    "OTHER",
    "PATH_COLUMNS",
    "REQUIRED",
    "SEPARATOR",
    "STAGE_NAMES",
    "STAGE_ORDER",
    "TOTAL",
    "FlowInputError",
    "FlowSteps",
    "FlowTables",
    "PathIndex",
    "flow_tables",
    "flow_tables_for",
    "path_index",
    "trajectory_paths",
]

OTHER = "other"
TOTAL = "total"
_PAIR = len(FLOW_STAGES) + 1  # an edge (a, b) is the number a * _PAIR + b
_STAGE_LIST = list(STAGE_NAMES.values())


@dataclass(frozen=True)
class FlowTables:
    """Publishable tables; counts below k never appear in them."""

    k: int
    variants: pd.DataFrame  # variant, steps, trajectories, persons, median_days, kind
    edges: pd.DataFrame  # source, target, trajectories, persons, median_days
    merged_variants: int  # number of distinct paths inside the "other paths" row


@dataclass(frozen=True)
class FlowSteps:
    """Every step of every path of an index (in path order), and the (path, person) and
    (step, person) pairs of all of them sorted once: a selection's pairs are these, masked,
    and still sorted, so counting its distinct persons needs no sort of its own (a release
    counts them for every published selection)."""

    path: npt.NDArray[np.int64]  # the path (row of the index) of each step
    edge: npt.NDArray[np.int64]  # the step's edge number
    days: npt.NDArray[Any]  # the step's days
    width: int  # a pair is group * width + person
    variant_pairs: npt.NDArray[np.int64]  # sorted (variant, person) pair of each path
    variant_rows: npt.NDArray[np.int64]  # the path of each of them
    edge_pairs: npt.NDArray[np.int64]  # sorted (edge, person) pair of each step
    edge_rows: npt.NDArray[np.int64]  # the path of each of them

    @classmethod
    def of(cls, index: PathIndex) -> FlowSteps:
        path, step = np.nonzero(index.gaps >= 0)
        edge = _variant_pairs(index.variant_names)[index.variant[path], step]
        width = int(index.person.max()) + 1 if len(index) else 1
        variant_pairs = index.variant.astype(np.int64) * width + index.person
        variant_rows = np.argsort(variant_pairs, kind="stable")
        edge_pairs = edge * width + index.person[path]
        edge_order = np.argsort(edge_pairs, kind="stable")
        return cls(
            path=path.astype(np.int64),
            edge=edge,
            days=index.gaps[path, step],
            width=width,
            variant_pairs=variant_pairs[variant_rows],
            variant_rows=variant_rows.astype(np.int64),
            edge_pairs=edge_pairs[edge_order],
            edge_rows=path[edge_order].astype(np.int64),
        )

    def distinct(
        self, pairs: npt.NDArray[np.int64], rows: npt.NDArray[np.int64],
        selected: npt.NDArray[np.bool_] | None, size: int,
    ) -> Any:  # fmt: skip
        """`_distinct` of the selected paths' pairs (`pairs`, sorted; `rows`: their paths)."""
        chosen = pairs if selected is None else pairs[selected[rows]]
        return _distinct_sorted(chosen, self.width, size)


def flow_tables(paths: pd.DataFrame, *, k: int = DEFAULT_K, top: int | None = None) -> FlowTables:
    """Protected variants and edges from `trajectory_paths` output.

    A path is published when its trajectories come from at least k persons; `top` (optional)
    publishes at most that many paths and merges the rest into "other paths".
    """
    check_k(k)
    return flow_tables_for(PathIndex.from_frame(paths), None, k=k, top=top)


def flow_tables_for(
    index: PathIndex,
    selected: npt.NDArray[np.bool_] | None = None,
    *,
    k: int = DEFAULT_K,
    top: int | None = None,
    steps: FlowSteps | None = None,
) -> FlowTables:
    """`flow_tables` of the paths in `selected` (all when None), without building a frame.
    `steps`: `FlowSteps.of(index)` when the caller has it (the same tables)."""
    check_k(k)
    rows = np.arange(len(index)) if selected is None else np.flatnonzero(selected)
    if rows.size == 0:
        return FlowTables(k, _variants_frame([]), _edges_frame([]), 0)
    variant, person = index.variant[rows], index.person[rows]
    count = len(index.variant_names)
    trajectories = np.bincount(variant, minlength=count)
    if steps is None:
        persons = _distinct(variant, person, count)
    else:
        persons = steps.distinct(steps.variant_pairs, steps.variant_rows, selected, count)
    names = index.variant_names
    present = np.flatnonzero(trajectories).tolist()
    ranked = sorted(present, key=lambda n: (-persons[n], -trajectories[n], names[n]))
    published = [n for n in ranked if persons[n] >= k]
    if top is not None:
        published = published[: max(top, 0)]
    while True:
        rest = [n for n in ranked if n not in set(published)]
        in_rest = np.isin(variant, rest)
        other_persons = _count_persons(person[in_rest])
        if not rest or other_persons >= k or not published:
            break
        published.pop()  # the smallest published path joins "other paths"
    members = _members(variant, published)
    out = [
        _variant_row(names[n], index.gaps[rows[members[n]]], trajectories[n], persons[n])
        for n in published
    ]
    if rest:
        protected = other_persons >= k
        out.append(
            _row(
                OTHER,
                OTHER,
                int(in_rest.sum()) if protected else None,
                other_persons if protected else None,
            )
        )
    total_persons = _count_persons(person)
    if total_persons >= k:
        out.append(_row(TOTAL, TOTAL, int(rows.size), total_persons))
    edges = _edges(index, rows, k) if steps is None else _edges_of(steps, selected, k)
    return FlowTables(k, _variants_frame(out), edges, len(rest))


def _variant_row(
    name: str, gaps: npt.NDArray[np.int64], trajectories: int, persons: int
) -> dict[str, Any]:
    steps = tuple(name.split(SEPARATOR))
    values = gaps[:, : len(steps) - 1].astype(np.float64)
    medians = tuple(float(np.median(values[:, i])) for i in range(values.shape[1]))
    return {**_row(name, "variant", int(trajectories), int(persons)), "steps": steps,
            "median_days": medians}  # fmt: skip


def _row(name: str, kind: str, trajectories: int | None, persons: int | None) -> dict[str, Any]:
    return {
        "variant": name,
        "steps": (),
        "trajectories": trajectories,
        "persons": persons,
        "median_days": (),
        "kind": kind,
    }


def _variants_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    columns = ["variant", "steps", "trajectories", "persons", "median_days", "kind"]
    frame = pd.DataFrame(rows, columns=columns)
    for name in ("trajectories", "persons"):
        frame[name] = pd.array(list(frame[name]), dtype="Int64")
    return frame


def _edges(index: PathIndex, rows: npt.NDArray[np.int64], k: int) -> pd.DataFrame:
    """Steps taken by at least k persons, with their median days, in stage order."""
    pairs = _variant_pairs(index.variant_names)
    gaps = index.gaps[rows]
    variant, person = index.variant[rows], index.person[rows]
    taken = gaps >= 0
    path, step = np.nonzero(taken)
    if path.size == 0:
        return _edges_frame([])
    edge = pairs[variant[path], step]
    days = gaps[path, step]
    size = _PAIR * _PAIR
    return _edge_rows(edge, days, _distinct(edge, person[path], size), k)


def _edges_of(steps: FlowSteps, selected: npt.NDArray[np.bool_] | None, k: int) -> pd.DataFrame:
    """`_edges` of the selected paths from the steps of all paths."""
    inside = None if selected is None else selected[steps.path]
    edge = steps.edge if inside is None else steps.edge[inside]
    if edge.size == 0:
        return _edges_frame([])
    days = steps.days if inside is None else steps.days[inside]
    persons = steps.distinct(steps.edge_pairs, steps.edge_rows, selected, _PAIR * _PAIR)
    return _edge_rows(edge, days, persons, k)


def _edge_rows(
    edge: npt.NDArray[np.int64], days: npt.NDArray[Any], persons: Any, k: int
) -> pd.DataFrame:
    """The rows of the steps taken by at least k persons (`persons`: per edge number)."""
    trajectories = np.bincount(edge, minlength=_PAIR * _PAIR)
    found = []
    chosen = np.flatnonzero(persons >= k)
    members = _members(edge, chosen.tolist())
    for code in chosen:
        source, target = divmod(int(code), _PAIR)
        found.append(
            {
                "source": _STAGE_LIST[source],
                "target": _STAGE_LIST[target],
                "trajectories": int(trajectories[code]),
                "persons": int(persons[code]),
                "median_days": float(np.median(days[members[int(code)]])),
            }
        )
    return _edges_frame(found)


def _members(
    group: npt.NDArray[np.int64], wanted: Sequence[int]
) -> dict[int, npt.NDArray[np.int64]]:
    """Positions of each wanted group number, in ascending order (`np.flatnonzero(group ==
    n)` for each n, from one stable sort instead of a pass over all rows per group)."""
    small = group.size and group.min() >= 0 and group.max() <= np.iinfo(np.int16).max
    order = np.argsort(group.astype(np.int16) if small else group, kind="stable")  # radix
    ordered = group[order]
    found = {}
    for n in wanted:
        begin, end = np.searchsorted(ordered, [n, n + 1])
        found[n] = order[begin:end]
    return found


def _variant_pairs(names: tuple[str, ...]) -> npt.NDArray[np.int64]:
    """Per variant, the edge number of each of its steps (-1 beyond the last)."""
    pairs = np.full((max(len(names), 1), MAX_GAPS), -1, dtype=np.int64)
    for number, name in enumerate(names):
        stages = [STAGE_ORDER[s] for s in name.split(SEPARATOR)]
        for step, (a, b) in enumerate(itertools.pairwise(stages)):
            pairs[number, step] = a * _PAIR + b
    return pairs


def _distinct(group: npt.NDArray[np.int64], person: npt.NDArray[np.int64], size: int) -> Any:
    """Distinct persons per group number (0 <= group < size)."""
    if group.size == 0:
        return np.zeros(size, dtype=np.int64)
    width = int(person.max()) + 1
    return _distinct_sorted(np.sort(group.astype(np.int64) * width + person), width, size)


def _distinct_sorted(pairs: npt.NDArray[np.int64], width: int, size: int) -> Any:
    """Distinct persons per group number of sorted (group * width + person) pairs."""
    if pairs.size == 0:
        return np.zeros(size, dtype=np.int64)
    first = np.r_[True, pairs[1:] != pairs[:-1]]
    return np.bincount(pairs[first] // width, minlength=size)


def _count_persons(person: npt.NDArray[np.int64]) -> int:
    return int(np.count_nonzero(np.bincount(person))) if person.size else 0


def _edges_frame(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    columns = ["source", "target", "trajectories", "persons", "median_days"]
    frame = pd.DataFrame(rows, columns=columns)
    for name in ("trajectories", "persons"):
        frame[name] = pd.array(list(frame[name]), dtype="Int64")
    frame["median_days"] = frame["median_days"].astype(float)
    return frame.reset_index(drop=True)
