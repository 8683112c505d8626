"""The array path index gives exactly the paths and flow tables of the straightforward pandas
version it replaced (kept here as the oracle), for any selection."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schakel.engine.flow_paths import FLOW_STAGES, PathIndex, _step_order, path_index
from schakel.engine.flows import (
    SEPARATOR,
    STAGE_NAMES,
    STAGE_ORDER,
    FlowSteps,
    flow_tables,
    flow_tables_for,
    trajectory_paths,
)
from schakel.engine.trajectories.projection import Event, effective_events

UTC = dt.UTC


def reference_paths(events: pd.DataFrame, timezone: str = "Europe/Amsterdam") -> pd.DataFrame:
    """The first implementation: pandas groupby over every stage event."""
    frame = pd.DataFrame(
        {
            "trajectory_id": events["trajectory_id"].to_numpy(),
            "person_id": events["person_id"].astype(str).to_numpy(),
            "region": events["region"].fillna("").astype(str).to_numpy(),
            "event_type": events["event_type"].astype(str).to_numpy(),
            "occurred_at": pd.to_datetime(events["occurred_at"], utc=True),
            "event_id": events["event_id"].astype(str).to_numpy(),
        }
    )
    touched = set(
        frame.loc[
            events["supersedes"].notna().to_numpy()
            | (frame["event_type"] == "entered_in_error").to_numpy(),
            "trajectory_id",
        ]
    )
    keep = ~frame["trajectory_id"].isin(touched).to_numpy()
    for _, group in frame[~keep].groupby("trajectory_id"):
        chain = [
            Event(
                id=row.event_id,
                event_type=row.event_type,
                occurred_at=row.occurred_at.to_pydatetime(),
                recorded_at=row.occurred_at.to_pydatetime(),
                payload={},
                supersedes=events["supersedes"].iat[position],
            )
            for position, row in zip(group.index, group.itertuples(), strict=True)
        ]
        kept = {e.id for e in effective_events(chain)}
        keep[group.index[group["event_id"].isin(kept)]] = True
    frame = frame[keep & frame["event_type"].isin(STAGE_NAMES.keys()).to_numpy()]
    frame = frame.assign(
        stage=frame["event_type"].map(STAGE_NAMES),
        day=frame["occurred_at"].dt.tz_convert(timezone).dt.tz_localize(None).dt.normalize(),
    )
    first = (
        frame.groupby(["trajectory_id", "stage"], sort=False)
        .agg(day=("day", "min"), person_id=("person_id", "first"), region=("region", "first"))
        .reset_index()
    )
    first["order"] = first["stage"].map(STAGE_ORDER)
    first = first.sort_values(["trajectory_id", "day", "order"], kind="stable")
    rows = []
    for trajectory, group in first.groupby("trajectory_id", sort=True):
        days = group["day"].tolist()
        rows.append(
            {
                "trajectory_id": trajectory,
                "person_id": group["person_id"].iloc[0],
                "region": group["region"].iloc[0],
                "year": days[0].year,
                "variant": SEPARATOR.join(group["stage"]),
                "step_days": tuple((b - a).days for a, b in itertools.pairwise(days)),
            }
        )
    return pd.DataFrame(rows, columns=["trajectory_id", "person_id", "region", "year",
                                       "variant", "step_days"])  # fmt: skip


def reference_tables(paths: pd.DataFrame, k: int, top: int | None) -> dict[str, object]:
    """Variants and edges by the definition, one group at a time."""
    persons = paths.groupby("variant")["person_id"].nunique().to_dict()
    sizes = paths.groupby("variant").size().to_dict()
    ranked = sorted(persons, key=lambda n: (-persons[n], -sizes[n], n))
    published = [n for n in ranked if persons[n] >= k][: top if top is not None else None]
    while True:
        rest = [n for n in ranked if n not in published]
        other = paths.loc[paths["variant"].isin(rest), "person_id"].nunique()
        if not rest or other >= k or not published:
            break
        published.pop()
    variants = []
    for name in published:
        group = paths[paths["variant"] == name]
        gaps = np.array([list(g) for g in group["step_days"]], dtype=float)
        medians = tuple(
            float(np.median(gaps[:, i])) for i in range(gaps.shape[1] if gaps.ndim == 2 else 0)
        )
        variants.append((name, len(group), persons[name], medians))
    if rest:
        shown = other >= k
        count = int(paths["variant"].isin(rest).sum())
        variants.append(("other", count if shown else None, other if shown else None, ()))
    if paths["person_id"].nunique() >= k:
        variants.append(("total", len(paths), paths["person_id"].nunique(), ()))
    steps = [
        (a, b, d, p)
        for v, g, p in zip(paths["variant"], paths["step_days"], paths["person_id"], strict=True)
        for (a, b), d in zip(
            zip(v.split(SEPARATOR), v.split(SEPARATOR)[1:], strict=False), g, strict=True
        )
    ]
    edges = pd.DataFrame(steps, columns=["source", "target", "days", "person"])
    found = []
    for (a, b), group in edges.groupby(["source", "target"]):
        if group["person"].nunique() >= k:
            found.append((STAGE_ORDER[a], STAGE_ORDER[b], a, b, len(group),
                          group["person"].nunique(), float(group["days"].median())))  # fmt: skip
    return {"variants": variants, "edges": [f[2:] for f in sorted(found)], "merged": len(rest)}


def published(tables: object) -> dict[str, object]:
    v = tables.variants  # type: ignore[attr-defined]
    e = tables.edges  # type: ignore[attr-defined]
    as_int = lambda x: None if pd.isna(x) else int(x)  # noqa: E731
    return {
        "variants": [
            (r.variant, as_int(r.trajectories), as_int(r.persons), tuple(r.median_days))
            for r in v.itertuples()
        ],
        "edges": [
            (r.source, r.target, int(r.trajectories), int(r.persons), float(r.median_days))
            for r in e.itertuples()
        ],
        "merged": tables.merged_variants,  # type: ignore[attr-defined]
    }


TYPES = [*STAGE_NAMES, "intervention_start", "return_to_exploitation"]
REGIONS = ["utrecht", "limburg", None]


@st.composite
def event_logs(draw: st.DrawFn) -> pd.DataFrame:
    rows = []
    base = dt.datetime(2022, 12, 30, 22, tzinfo=UTC)  # near midnight and a new year
    for trajectory in range(draw(st.integers(0, 40))):
        person = f"p{draw(st.integers(0, 15))}"
        region = draw(st.sampled_from(REGIONS))
        ids: list[str] = []
        for number in range(draw(st.integers(1, 8))):
            kind = draw(st.sampled_from(TYPES))
            supersedes = None
            if ids and draw(st.integers(0, 9)) == 0:
                kind = draw(st.sampled_from([kind, "entered_in_error"]))
                supersedes = draw(st.sampled_from(ids))
            event_id = f"{trajectory}-{number}"
            ids.append(event_id)
            hours = draw(st.integers(0, 24 * 60))
            rows.append((f"t{trajectory:02d}", person, region, kind, hours, event_id, supersedes))
    return pd.DataFrame(
        {
            "trajectory_id": [r[0] for r in rows],
            "person_id": [r[1] for r in rows],
            "region": [r[2] for r in rows],
            "event_type": [r[3] for r in rows],
            "occurred_at": [base + dt.timedelta(hours=r[4]) for r in rows],
            "event_id": [r[5] for r in rows],
            "supersedes": [r[6] for r in rows],
            "payload": [{"form": "labour"} for _ in rows],
        }
    )


@settings(max_examples=80, deadline=None)
@given(event_logs(), st.integers(2, 6), st.sampled_from([None, 1, 3]))
def test_paths_and_tables_equal_the_reference(log: pd.DataFrame, k: int, top: int | None) -> None:
    expected = reference_paths(log)
    paths = trajectory_paths(log)
    assert paths["trajectory_id"].tolist() == expected["trajectory_id"].tolist()
    for column in ("person_id", "region", "year", "variant", "step_days"):
        assert paths[column].tolist() == expected[column].tolist(), column
    index = path_index(log)
    steps = FlowSteps.of(index)  # the steps of all paths, sorted once for every selection
    for region in (None, "utrecht"):
        for cohort in (None, 2022, 2023):
            mask = index.select(region=region, cohort=cohort)
            wanted = np.ones(len(expected), dtype=bool)
            if region:
                wanted &= (expected["region"] == region).to_numpy()
            if cohort:
                wanted &= (expected["year"] == cohort).to_numpy()
            chosen = expected[wanted].reset_index(drop=True)
            if len(chosen) == 0:
                continue
            want = reference_tables(chosen, k, top)
            assert published(flow_tables_for(index, mask, k=k, top=top)) == want
            assert published(flow_tables_for(index, mask, k=k, top=top, steps=steps)) == want
            assert published(flow_tables(chosen, k=k, top=top)) == want


def test_arrow_and_pandas_logs_give_the_same_index() -> None:
    base = dt.datetime(2023, 3, 1, 9, tzinfo=UTC)
    log = pd.DataFrame(
        {
            "trajectory_id": ["b", "b", "a", "a", "a"],
            "person_id": ["p1", "p1", "p2", "p2", "p2"],
            "region": ["utrecht", "utrecht", "limburg", "limburg", "limburg"],
            "event_type": [
                "signal",
                "exploitation_episode",
                "intake",
                "exit",
                "exploitation_episode",
            ],
            "occurred_at": [base + dt.timedelta(days=d) for d in (0, 1, 2, 9, 3)],
            "event_id": ["1", "2", "3", "4", "5"],
            "supersedes": [None] * 5,
            "payload": [
                '{"form": "sexual"}',
                '{"form": "labour"}',
                "{}",
                "{}",
                '{"form": "criminal"}',
            ],
        }
    )
    from_pandas = path_index(log)
    from_arrow = path_index(pa.Table.from_pandas(log, preserve_index=False))
    for index in (from_pandas, from_arrow):
        assert list(index.trajectory) == ["a", "b"]
        assert index.form_sets() == [frozenset({"criminal"}), frozenset({"labour"})]
        assert index.frame()["variant"].tolist() == ["intake>exit", "signal"]
        assert index.frame()["step_days"].tolist() == [(7,), ()]
        assert index.select(form="labour").tolist() == [False, True]
    again = PathIndex.from_frame(from_pandas.frame().assign(forms=from_pandas.form_sets()))
    assert again.select(form="criminal").tolist() == [True, False]


@pytest.mark.parametrize("day_span", [400, 2**50])
def test_step_order_is_the_lexsort_of_trajectory_day_and_stage(day_span: int) -> None:
    """One int64 key where it fits, the lexsort where the days are too far apart."""
    rng = np.random.default_rng(3)
    rank = np.sort(rng.integers(0, 5_000, 40_000))
    stage = rng.integers(0, len(FLOW_STAGES), rank.size)
    pairs = np.unique(rank * 8 + stage)  # (trajectory, stage) groups are distinct
    rank, stage = pairs // 8, pairs % 8
    day = rng.integers(-day_span // 2, day_span // 2, rank.size)
    day[::7] = day[1::7][: day[::7].size]  # ties on the day: the stage decides
    expected = np.lexsort((stage, day, rank))
    np.testing.assert_array_equal(_step_order(rank, day, stage), expected)
