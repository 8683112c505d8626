"""Trajectory flows: the most common paths through care and the time between their steps.

A trajectory's **path** (variant) is the order in which it first reached each stage
(signal, consultation, referral, intake, placement, exit, follow-up), computed from its
effective events only (`effective_events`: superseded and withdrawn events do not count).
Days between two steps are calendar days (Europe/Amsterdam by default) between the first
events of the two stages.

`trajectory_paths(events)` gives one row per trajectory; `flow_tables(paths, k=10)` gives the
publishable tables:

- `variants`: one row per path with at least k persons (and k trajectories), ordered by
  size, with the median days of each step; all other paths are merged into one "other paths"
  row. When that row would hold fewer than k persons, the smallest published paths are merged
  into it too, until it holds k or more (or every path is in it); an empty "other" row is
  left out. So no published count, nor the total minus the published counts, is below k.
- `edges`: the step pairs (from stage, to stage) that at least k persons took, with the
  median days between them. Edges are not margins of the variants table that add up to a
  published total, so leaving a small edge out reveals nothing.

Pure pandas; no Django.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from schakel.engine.disclosure import DEFAULT_K, check_k
from schakel.engine.trajectories.events import EventType
from schakel.engine.trajectories.projection import Event, effective_events

FLOW_STAGES: tuple[EventType, ...] = (
    EventType.SIGNAL,
    EventType.CONSULTATION,
    EventType.REFERRAL_SENT,
    EventType.INTAKE,
    EventType.PLACEMENT_START,
    EventType.EXIT,
    EventType.FOLLOW_UP_CONTACT,
)
STAGE_NAMES: dict[str, str] = {
    EventType.SIGNAL.value: "signal",
    EventType.CONSULTATION.value: "consultation",
    EventType.REFERRAL_SENT.value: "referral",
    EventType.INTAKE.value: "intake",
    EventType.PLACEMENT_START.value: "placement",
    EventType.EXIT.value: "exit",
    EventType.FOLLOW_UP_CONTACT.value: "follow_up",
}
STAGE_ORDER = {name: i for i, name in enumerate(STAGE_NAMES.values())}
SEPARATOR = ">"
OTHER = "other"
TOTAL = "total"
PATH_COLUMNS = ["trajectory_id", "person_id", "region", "year", "variant", "step_days"]
REQUIRED = ["trajectory_id", "person_id", "event_type", "occurred_at", "event_id"]


class FlowInputError(ValueError):
    """The event log lacks a column or holds naive timestamps."""


@dataclass(frozen=True)
class FlowTables:
    """Publishable tables; counts below k never appear in them."""

    k: int
    variants: pd.DataFrame  # variant, steps, trajectories, persons, median_days, kind
    edges: pd.DataFrame  # source, target, trajectories, persons, median_days
    merged_variants: int  # number of distinct paths inside the "other paths" row


def trajectory_paths(events: pd.DataFrame, *, timezone: str = "Europe/Amsterdam") -> pd.DataFrame:
    """One row per trajectory that reached any stage: its path and the days of each step.

    `variant` is the stage names joined by ">" (e.g. "signal>intake>placement>exit");
    `step_days` a tuple of whole days between consecutive steps; `year` the year of the
    first step; `region` as in the log (empty when absent).
    """
    missing = [c for c in REQUIRED if c not in events.columns]
    if missing:
        raise FlowInputError(f"event log lacks column(s): {', '.join(missing)}")
    if len(events) == 0:
        return pd.DataFrame(columns=PATH_COLUMNS)
    frame = pd.DataFrame(
        {
            "trajectory_id": events["trajectory_id"].to_numpy(),
            "person_id": events["person_id"].astype(str).to_numpy(),
            "region": (
                events["region"].fillna("").astype(str).to_numpy()
                if "region" in events.columns
                else ""
            ),
            "event_type": events["event_type"].astype(str).to_numpy(),
            "occurred_at": _aware(events["occurred_at"]),
            "event_id": events["event_id"].astype(str).to_numpy(),
        }
    )
    frame = _effective_only(frame, events)
    frame = frame[frame["event_type"].isin(STAGE_NAMES.keys())]
    if len(frame) == 0:
        return pd.DataFrame(columns=PATH_COLUMNS)
    frame = frame.assign(
        stage=frame["event_type"].map(STAGE_NAMES),
        day=frame["occurred_at"].dt.tz_convert(timezone).dt.tz_localize(None).dt.normalize(),
    )
    first = (
        frame.groupby(["trajectory_id", "stage"], sort=False, observed=True)
        .agg(day=("day", "min"), person_id=("person_id", "first"), region=("region", "first"))
        .reset_index()
    )
    first["order"] = first["stage"].map(STAGE_ORDER)
    # Same day: the natural order of the stages (a signal before its consultation).
    first = first.sort_values(["trajectory_id", "day", "order"], kind="stable")
    days = first["day"].to_numpy()
    same = first["trajectory_id"].to_numpy()
    gap = np.full(len(first), -1, dtype=np.int64)
    if len(first) > 1:
        follows = same[1:] == same[:-1]
        delta = (days[1:] - days[:-1]).astype("timedelta64[D]").astype(np.int64)
        gap[1:] = np.where(follows, delta, -1)
    first["gap"] = gap
    grouped = first.groupby("trajectory_id", sort=False)
    paths = grouped.agg(
        person_id=("person_id", "first"),
        region=("region", "first"),
        start=("day", "min"),
        variant=("stage", SEPARATOR.join),
        gaps=("gap", tuple),
    ).reset_index()
    paths["year"] = paths["start"].dt.year.astype("int64")
    paths["step_days"] = paths["gaps"].map(lambda g: tuple(int(x) for x in g[1:]))
    return paths[PATH_COLUMNS].reset_index(drop=True)


def flow_tables(paths: pd.DataFrame, *, k: int = DEFAULT_K, top: int | None = None) -> FlowTables:
    """Protected variants and edges from `trajectory_paths` output.

    A path is published when its trajectories come from at least k persons; `top` (optional)
    publishes at most that many paths and merges the rest into "other paths".
    """
    check_k(k)
    if len(paths) == 0:
        return FlowTables(k, _variants_frame([]), _edges_frame([]), 0)
    by_variant = {
        name: group for name, group in paths.groupby("variant", sort=False, observed=True)
    }
    sizes = {name: (int(g["person_id"].nunique()), len(g)) for name, g in by_variant.items()}
    ranked = sorted(by_variant, key=lambda n: (-sizes[n][0], -sizes[n][1], n))
    published = [n for n in ranked if sizes[n][0] >= k]
    if top is not None:
        published = published[: max(top, 0)]
    while True:
        rest = [n for n in ranked if n not in set(published)]
        other_persons = _persons(by_variant, rest)
        if not rest or other_persons >= k or not published:
            break
        published.pop()  # the smallest published path joins "other paths"
    rows = [_variant_row(name, by_variant[name], "variant") for name in published]
    if rest:
        other = pd.concat([by_variant[n] for n in rest])
        rows.append(_variant_row(OTHER, other, OTHER, protected=other_persons >= k))
    total_persons = int(paths["person_id"].nunique())
    if total_persons >= k:
        rows.append(_variant_row(TOTAL, paths, TOTAL))
    return FlowTables(k, _variants_frame(rows), _edges(paths, k), len(rest))


def _variant_row(
    name: str, group: pd.DataFrame, kind: str, *, protected: bool = True
) -> dict[str, Any]:
    steps = tuple(name.split(SEPARATOR)) if kind == "variant" else ()
    medians: tuple[float, ...] = ()
    if kind == "variant" and len(steps) > 1:
        gaps = np.array([list(g) for g in group["step_days"]], dtype=np.float64)
        medians = tuple(float(np.median(gaps[:, i])) for i in range(gaps.shape[1]))
    return {
        "variant": name,
        "steps": steps,
        "trajectories": len(group) if protected else None,
        "persons": int(group["person_id"].nunique()) if protected else None,
        "median_days": medians,
        "kind": kind,
    }


def _variants_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    columns = ["variant", "steps", "trajectories", "persons", "median_days", "kind"]
    frame = pd.DataFrame(rows, columns=columns)
    for name in ("trajectories", "persons"):
        frame[name] = pd.array(list(frame[name]), dtype="Int64")
    return frame


def _edges(paths: pd.DataFrame, k: int) -> pd.DataFrame:
    # Per distinct variant, its steps; then one row per (trajectory, step) by repetition.
    lengths = paths["step_days"].map(len).to_numpy()
    if lengths.sum() == 0:
        return _edges_frame([])
    steps = {v: v.split(SEPARATOR) for v in paths["variant"].unique()}
    sources = [s for v in paths["variant"] for s in steps[v][:-1]]
    targets = [s for v in paths["variant"] for s in steps[v][1:]]
    gaps = [d for g in paths["step_days"] for d in g]
    people = np.repeat(paths["person_id"].to_numpy(), lengths)
    edges = pd.DataFrame({"source": sources, "target": targets, "days": gaps, "person": people})
    summary = (
        edges.groupby(["source", "target"], sort=False)
        .agg(
            trajectories=("days", "size"),
            persons=("person", "nunique"),
            median_days=("days", "median"),
        )
        .reset_index()
    )
    summary = summary[summary["persons"] >= k]
    summary = summary.assign(
        so=summary["source"].map(STAGE_ORDER), to=summary["target"].map(STAGE_ORDER)
    ).sort_values(["so", "to"])
    return _edges_frame(summary.drop(columns=["so", "to"]).to_dict("records"))


def _edges_frame(rows: list[Mapping[str, Any]]) -> pd.DataFrame:
    columns = ["source", "target", "trajectories", "persons", "median_days"]
    frame = pd.DataFrame(rows, columns=columns)
    for name in ("trajectories", "persons"):
        frame[name] = pd.array(list(frame[name]), dtype="Int64")
    frame["median_days"] = frame["median_days"].astype(float)
    return frame.reset_index(drop=True)


def _persons(by_variant: Mapping[str, pd.DataFrame], names: list[str]) -> int:
    if not names:
        return 0
    return int(pd.concat([by_variant[n]["person_id"] for n in names]).nunique())


def _aware(column: pd.Series) -> pd.Series:
    values = pd.to_datetime(column.to_numpy() if column.dtype == object else column)
    if not isinstance(values, pd.Series):
        values = pd.Series(values)
    if values.dt.tz is None:
        raise FlowInputError("occurred_at: naive timestamps are refused (whose clock?)")
    return values.dt.tz_convert("UTC").reset_index(drop=True)


def _effective_only(frame: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Drop superseded and withdrawn events with `effective_events`, only for trajectories
    that contain a correction (the others are already effective)."""
    supersedes = (
        events["supersedes"].to_numpy()
        if "supersedes" in events.columns
        else np.full(len(events), None, dtype=object)
    )
    corrected_mask = pd.notna(supersedes) & (pd.Series(supersedes).astype(str) != "").to_numpy()
    corrected_mask |= frame["event_type"].to_numpy() == EventType.ENTERED_IN_ERROR.value
    if not corrected_mask.any():
        return frame
    touched = set(frame.loc[corrected_mask, "trajectory_id"])
    inside = frame["trajectory_id"].isin(touched).to_numpy()
    recorded = (
        _aware(events["recorded_at"]) if "recorded_at" in events.columns else frame["occurred_at"]
    )
    keep = ~inside
    subset = np.flatnonzero(inside)
    table = pd.DataFrame(
        {
            "trajectory_id": frame["trajectory_id"].to_numpy()[subset],
            "position": subset,
        }
    )
    for _, group in table.groupby("trajectory_id", sort=False):
        positions = group["position"].to_numpy()
        chain = [
            Event(
                id=str(frame["event_id"].iat[p]),
                event_type=str(frame["event_type"].iat[p]),
                occurred_at=_py(frame["occurred_at"].iat[p]),
                recorded_at=_py(recorded.iat[p]),
                payload={},
                supersedes=(
                    None
                    if pd.isna(supersedes[p]) or str(supersedes[p]) == ""
                    else str(supersedes[p])
                ),
            )
            for p in positions
        ]
        kept = {e.id for e in effective_events(chain)}
        for p in positions:
            if str(frame["event_id"].iat[p]) in kept:
                keep[p] = True
    return frame.loc[keep].reset_index(drop=True)


def _py(value: Any) -> dt.datetime:
    return value.to_pydatetime() if isinstance(value, pd.Timestamp) else value
