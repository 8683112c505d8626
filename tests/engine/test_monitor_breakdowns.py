"""Where, when and why (engine, no Django): the details read from the event log, the tables'
values against a straightforward pandas computation, pooling of small levels, and the exact
linear audit over every published count of the release (main selections and all breakdowns
together), which must find something when secondary suppression is switched off."""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

from schakel.engine.disclosure import TOTAL, determined
from schakel.engine.flow_paths import path_index
from schakel.engine.monitor import (
    EpisodeIndex,
    Filters,
    funnel_base_from_paths,
    protect_release,
    release_tables,
)
from schakel.engine.monitor.breakdown_rows import breakdown_rows, published_share
from schakel.engine.monitor.breakdowns import (
    OTHER,
    Breakdown,
    _per_distinct,
    _pooled_set,
    protect_breakdowns,
)
from schakel.engine.monitor.details import DETAIL_COLUMNS, episode_details, with_details
from schakel.engine.monitor.release import protect_episodes
from schakel.engine.synth import RegionParameters, generate_region, region_event_log
from schakel.engine.trajectories.episodes import build_episodes

K = 10
UTC = dt.UTC


def _event(person: str, kind: str, day: str, payload: dict[str, Any], n: list[int]) -> dict:
    n[0] += 1
    return {
        "trajectory_id": f"t-{person}",
        "person_id": person,
        "region": "utrecht",
        "event_type": kind,
        "occurred_at": dt.datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC),
        "payload": payload,
        "event_id": f"e{n[0]}",
        "supersedes": None,
    }


def _small_log() -> pd.DataFrame:
    """Person a: exploited online in Utrecht, debt known and addressed, returns found at a
    follow-up contact. Person b: exploited abroad in agriculture, trauma recorded twice (the
    later record counts), follow-up ends as of the end; an entered-in-error vulnerability."""
    n = [0]
    a = [
        _event("a", "exploitation_episode", "2022-01-03", {
            "episode_id": "x1", "form": "sexual", "municipality": "Utrecht", "country": "NL",
            "recruitment_methods": ["online_social_network", "at_work"],
            "recruitment_platforms": ["Instagram"], "modus_operandi": ["loverboy"]}, n),
        _event("a", "intake", "2022-01-04", {"trafficking_status": "possible"}, n),
        _event("a", "vulnerability", "2022-01-05", {"factor": "debt", "addressed": True}, n),
        _event("a", "exit", "2022-03-01", {"exit_kind": "stable"}, n),
        _event("a", "vulnerability", "2022-03-05", {"factor": "addiction"}, n),  # after exit
        _event("a", "follow_up_contact", "2022-05-01", {"outcome": "return_to_exploitation"}, n),
    ]  # fmt: skip
    b = [
        _event("b", "intake", "2022-02-01", {"trafficking_status": "possible"}, n),
        _event("b", "exploitation_episode", "2022-02-02", {
            "episode_id": "x2", "form": "labour", "country": "PL", "sector_isic": "A"}, n),
        _event("b", "vulnerability", "2022-02-03", {"factor": "trauma", "addressed": False}, n),
        _event("b", "vulnerability", "2022-02-20", {"factor": "trauma", "addressed": True}, n),
        _event("b", "vulnerability", "2022-02-21", {"factor": "debt"}, n),
        _event("b", "exit", "2022-04-01", {"exit_kind": "stable"}, n),
    ]  # fmt: skip
    log = pd.DataFrame([*a, *b])
    withdrawn = log["event_id"][[p == {"factor": "debt"} for p in log["payload"]]].iloc[0]
    error = _event("b", "entered_in_error", "2022-02-22", {"reason": "wrong person"}, n)
    error["supersedes"] = withdrawn
    return pd.concat([log, pd.DataFrame([error])], ignore_index=True)


def test_details_come_from_the_effective_events_of_each_episode() -> None:
    log = _small_log()
    episodes = build_episodes(log, as_of=dt.date(2023, 1, 1), timezone="UTC").episodes
    details = episode_details(log, episodes, timezone="UTC")
    assert list(details.columns) == list(DETAIL_COLUMNS)
    rows = details.set_index(episodes["person_id"].astype(str)).to_dict(orient="index")
    assert rows["a"]["municipality"] == "Utrecht" and rows["a"]["country"] == "NL"
    assert rows["a"]["recruitment"] == ("at_work", "online_social_network")
    assert rows["a"]["platforms"] == ("Instagram",)
    assert rows["a"]["vulnerabilities"] == ("debt:addressed",)  # addiction came after exit
    assert rows["b"]["municipality"] == "none" and rows["b"]["sector"] == "A"
    assert rows["b"]["platforms"] == ("none",)
    assert rows["b"]["vulnerabilities"] == ("trauma:addressed",)  # withdrawn debt left out
    returned = episodes["exit_type"].to_numpy() == 1
    assert details.loc[returned, "detection"].tolist() == ["follow_up"]
    assert details.loc[~returned, "detection"].tolist() == ["none"]


def test_payloads_as_json_text_give_the_same_details() -> None:
    """The web reads payloads as JSON text (parsed by DuckDB); a list field an episode does
    not carry (b's recruitment) is read as missing there too, not as an error."""
    log = _small_log()
    episodes = build_episodes(log, as_of=dt.date(2023, 1, 1), timezone="UTC").episodes
    as_text = log.assign(payload=[json.dumps(p) for p in log["payload"]])
    expected = episode_details(log, episodes, timezone="UTC")
    pd.testing.assert_frame_equal(episode_details(as_text, episodes, timezone="UTC"), expected)


def _frame(size: int, seed: int) -> pd.DataFrame:
    """Episodes with no censoring before 12 months: the chance of return within 12 months is
    then simply the share returned by day 365."""
    rng = np.random.default_rng(seed)
    exit_type = rng.choice([1, 2, 3], size, p=[0.3, 0.5, 0.2])
    days = np.where(
        rng.random(size) < 0.5, rng.integers(1, 365, size), rng.integers(366, 700, size)
    )
    return pd.DataFrame(
        {
            "person_id": np.arange(size),
            "form": rng.choice(["labour", "sexual"], size),
            "region": rng.choice(["utrecht", "limburg"], size),
            "cohort": rng.choice(["2021", "2022"], size),
            "modus_operandi": rng.choice(["loverboy", "debt_bondage", "fake_job_offer"], size,
                                         p=[0.6, 0.39, 0.01]),
            "days": days,
            "exit_type": exit_type,
            "lost_to_follow_up": False,
        }
    )  # fmt: skip


def _tables(frame: pd.DataFrame, k: int) -> dict[str, Breakdown]:
    return protect_breakdowns(frame, protect_episodes(frame, k), k)


def test_counts_and_shares_equal_a_straightforward_computation() -> None:
    frame = _frame(2_000, 1)
    breakdown = _tables(frame, 5)["modus_operandi"]
    frame["returned"] = (frame["exit_type"] == 1) & (frame["days"] <= 365)
    # fake_job_offer has about 20 episodes and a few returns: pooled into "other"
    frame["level"] = frame["modus_operandi"].where(frame["modus_operandi"] != "fake_job_offer",
                                                   OTHER)  # fmt: skip
    for form in (None, "labour"):
        chosen = frame if form is None else frame[frame["form"] == form]
        expected = chosen.groupby("level").agg(
            episodes=("returned", "size"), returns=("returned", "sum"), share=("returned", "mean")
        )
        rows = {r["level"]: r for r in breakdown_rows(chosen, breakdown, form)}
        assert set(rows) == {*expected.index, TOTAL}
        for level, want in expected.iterrows():
            row = rows[level]
            if row["status"] == "published":
                assert (row["episodes"], row["returns"]) == (want["episodes"], want["returns"])
                assert row["estimate"] == pytest.approx(round(want["share"], 3), abs=1e-9)
            else:
                assert row["estimate"] is None and row["reason"] is not None
        assert rows[TOTAL]["episodes"] == len(chosen)
    assert breakdown.merged == {OTHER: ("fake_job_offer",)}


def test_small_levels_are_pooled_before_protection() -> None:
    frame = _frame(2_000, 2)
    breakdown = _tables(frame, 5)["modus_operandi"]
    assert breakdown.levels == ("loverboy", "debt_bondage", OTHER)
    values = breakdown.values(frame)
    assert set(values[frame["modus_operandi"] == "fake_job_offer"]) == {OTHER}


# the demo-sized region, with the details of the event log


@functools.cache
def region() -> tuple[EpisodeIndex, Any, Any]:
    generated = generate_region(RegionParameters(seed=5, persons=1_500, years=4))
    log = region_event_log(generated, linked=True)
    built = build_episodes(log, as_of=generated.parameters.end_date, timezone="UTC")
    index = EpisodeIndex.build(with_details(built.episodes, log, timezone="UTC"))
    paths = path_index(log)
    return index, paths, protect_release(index.labelled, funnel_base_from_paths(paths), K)


def test_every_dimension_is_published_and_the_pages_get_their_tables() -> None:
    index, paths, release = region()
    assert set(release.breakdowns) == {
        "modus_operandi", "recruitment", "platform", "region", "municipality", "country",
        "sector", "detection", "vulnerability", "cohort",
    }  # fmt: skip
    tables = release_tables(index, paths, release, K, keys=["all", "form:labour", "region:limburg"])
    assert tables["region:limburg"]["breakdowns"] is None  # nationally and per form only
    national = tables["all"]["breakdowns"]
    for name, table in national.items():
        assert any(r["episodes"] or r["returns"] for r in table["rows"][:-1]), name
        for row in table["rows"]:
            assert all(c is None or c >= K or c == 0 for c in (row["episodes"], row["returns"]))
            if row["status"] == "published":
                assert row["reason"] in (None, "too_short")
            else:
                assert row["reason"] in ("fewer_than_k", "reveals_smaller_group")
                assert row["estimate"] is None
    labour = tables["form:labour"]["breakdowns"]["sector"]["rows"]
    assert labour[-1]["level"] == TOTAL and labour[-1]["episodes"] is not None


def _main_matrix(episodes: pd.DataFrame, audit: pd.DataFrame) -> np.ndarray:
    returned = (episodes["exit_type"] == 1).to_numpy()
    days = episodes["days"].to_numpy()
    lost = episodes["lost_to_follow_up"].astype(bool).to_numpy()
    measures = {"episodes": np.ones(len(episodes), dtype=bool), "lost": lost}
    for months, limit in ((3, 91), (6, 183), (12, 365), (24, 730)):
        measures[f"returns_{months}"] = returned & (days <= limit)
        measures[f"lost_{months}"] = lost & (days <= limit)
    levels = {name: episodes[name].astype(str).to_numpy() for name in ("form", "region", "cohort")}
    matrix = np.zeros((len(audit), len(episodes)))
    for row, cell in enumerate(audit.itertuples()):
        mask = measures[str(cell.measure)].copy()
        for name, values in levels.items():
            if str(getattr(cell, name)) != TOTAL:
                mask &= values == str(getattr(cell, name))
        matrix[row] = mask
    return matrix


def _breakdown_matrix(episodes: pd.DataFrame, breakdown: Breakdown) -> np.ndarray:
    assert breakdown.release is not None
    audit = breakdown.release.audit
    name = breakdown.dimension.name
    member = breakdown.members(episodes)
    returned = ((episodes["exit_type"] == 1) & (episodes["days"] <= 365)).to_numpy()
    measures = {"episodes": np.ones(len(episodes), dtype=bool), "returns_12": returned}
    forms = episodes["form"].astype(str).to_numpy()
    matrix = np.zeros((len(audit), len(episodes)))
    for row, cell in enumerate(audit.itertuples()):
        mask = measures[str(cell.measure)].copy()
        if str(cell.form) != TOTAL:
            mask &= forms == str(cell.form)
        mask &= member[str(getattr(cell, name))]
        matrix[row] = mask
    return matrix


def _status_codes(audit: pd.DataFrame) -> np.ndarray:
    codes = {"published": 0, "primary": 1, "secondary": 2}
    return audit["status"].astype(str).map(codes).to_numpy(dtype=np.int8)


def test_no_count_of_any_table_is_derivable_and_the_check_fails_without_secondary() -> None:
    """The exact linear audit over all published counts of the release together: every
    selection's counts (form x region x cohort) and every breakdown (form x level). With only
    primary suppression (secondary switched off everywhere) it finds a derivable count."""
    index, _, release = region()
    episodes = index.labelled
    audits = [release.episodes.audit, *(b.release.audit for b in release.breakdowns.values())]
    matrix = np.vstack(
        [
            _main_matrix(episodes, release.episodes.audit),
            *(_breakdown_matrix(episodes, b) for b in release.breakdowns.values()),
        ]
    )
    status = np.concatenate([_status_codes(a) for a in audits])
    values = np.concatenate([a["count"].to_numpy() for a in audits])
    persons = np.concatenate([a["persons"].to_numpy() for a in audits])
    used = matrix.any(axis=1)
    matrix, status, values, persons = matrix[used], status[used], values[used], persons[used]
    assert (persons[status == 0] >= K).all()
    assert not determined(status, matrix).any()
    primary_only = np.where(persons >= K, 0, 1).astype(np.int8)
    assert determined(primary_only, matrix).any()
    # and within the new tables alone, too
    first = int(used[: len(release.episodes.audit)].sum())
    assert determined(primary_only[first:], matrix[first:]).any()


def test_published_share_is_reported_per_dimension() -> None:

    _, _, release = region()
    share = published_share(release.breakdowns)
    assert set(share) == set(release.breakdowns)
    assert all(0 < shown <= total for shown, total in share.values())
    _ = Filters  # the selections a page reads: see test_every_dimension_...


def test_multi_valued_levels_are_converted_once_per_distinct_value_as_row_by_row() -> None:
    """`_per_distinct` gives what a conversion of every row gives, for tuples shared between
    rows, equal tuples that are different objects, and unhashable lists."""
    kept = frozenset({"a", "b"})
    shared = ("b", "z")
    rows = [shared, ("a",), (), shared, ("z", "a", "b"), ("a",), ("y",), ("b", "z")]
    tuples, lists = pd.Series(rows, index=range(10, 18)), pd.Series([list(r) for r in rows])
    for values, conversions in ((tuples, 5), (lists, 8)):
        calls: list[object] = []

        def convert(levels: object, calls: list[object] = calls) -> tuple[str, ...]:
            calls.append(levels)
            return _pooled_set(levels, kept)

        found = _per_distinct(values, convert)
        expected = values.map(lambda levels: _pooled_set(levels, kept))
        pd.testing.assert_series_equal(found, expected)
        assert found.tolist()[0] == ("b", OTHER) and found.tolist()[2] == ()
        assert len(calls) == conversions


def test_a_groups_levels_made_per_distinct_combination_equal_those_made_per_episode() -> None:
    """`_group_values` (one tuple per distinct combination of the tables' values) gives each
    episode the tuple that joining its prefixed levels row by row gives: sets of several
    levels, empty sets, pooled levels, small municipalities pooled within their region."""
    from schakel.engine.monitor.breakdowns import DIMENSIONS, _group_values, _prefixed

    rng = np.random.default_rng(3)
    size = 3_000
    sets = [(), ("online",), ("online", "family"), ("family", "friend"), ("rare",)]
    platforms = [(), ("instagram",), ("instagram", "telegram"), ("x",)]
    frame = pd.DataFrame(
        {
            "recruitment": [tuple(sets[i]) for i in rng.integers(0, len(sets), size)],
            "platforms": [tuple(platforms[i]) for i in rng.integers(0, len(platforms), size)],
            "region": rng.choice(["utrecht", "limburg", "none"], size),
            "municipality": rng.choice(["utrecht", "zeist", "venlo", "heerlen", "none"], size),
            "country": rng.choice(["nl", "pl", "ro"], size),
        }
    )
    by_name = {d.name: d for d in DIMENSIONS}

    def made(name: str, kept: set[str], first: set[str] = frozenset()) -> Breakdown:
        return Breakdown(by_name[name], (), {}, frozenset(kept), frozenset(first), None)

    groups = [
        [made("recruitment", {"online", "family", "friend"}), made("platform", {"instagram"})],
        [
            made("region", {"utrecht", "limburg", "none"}),
            made("municipality", {"utrecht", "region:limburg"}, {"utrecht", "zeist"}),
            made("country", {"nl", "pl"}),
        ],
    ]
    for members in groups:
        parts = [_prefixed(b, b.values(frame)) for b in members]
        expected = [tuple(sorted(set().union(*row))) for row in zip(*parts, strict=True)]
        found = _group_values(frame, members)
        assert found.tolist() == expected
        assert len(set(expected)) > 10  # many combinations, each made once


def _tricky_sets() -> pd.Series:
    shared = ("b", "z")
    rows = [shared, ("a",), (), shared, ("z", "a", "b"), ("a",), ("y",), ("b", "z"), ("none",)]
    return pd.Series(rows * 40, index=range(7, 7 + 9 * 40), dtype=object)


def test_exploded_sets_made_per_distinct_set_equal_pandas_explode() -> None:
    """`_exploded` (each distinct set's levels made once) gives the rows and texts of
    `explode().astype(str)`, in order, an empty set once as "nan"; also for unhashable lists."""
    from schakel.engine.monitor.breakdowns import _exploded

    for values in (_tricky_sets(), _tricky_sets().map(list)):
        rows, texts = _exploded(values)
        expected = values.reset_index(drop=True).explode()
        assert rows.tolist() == expected.index.tolist()
        assert texts.tolist() == expected.astype(str).tolist()


def test_members_made_per_distinct_value_equal_a_mask_per_episode() -> None:
    """`Breakdown.members` (which levels each distinct set or value is in, taken by code)
    marks each episode in the published levels its pooled set or value holds."""
    from schakel.engine.monitor.breakdowns import DIMENSIONS

    by_name = {d.name: d for d in DIMENSIONS}
    sets = _tricky_sets()
    frame = pd.DataFrame(
        {
            "recruitment": sets.to_numpy(),
            "modus_operandi": np.resize(["loverboy", "debt", "", "rare"], len(sets)),
        }
    )
    multi = Breakdown(
        by_name["recruitment"], ("a", "b", OTHER, "none"), {}, frozenset({"a", "b", "none"}),
        frozenset(), None,
    )  # fmt: skip
    single = Breakdown(
        by_name["modus_operandi"], ("loverboy", "none", OTHER), {},
        frozenset({"loverboy", "debt", "none"}), frozenset(), None,
    )  # fmt: skip
    for breakdown in (multi, single):
        found = breakdown.members(frame)
        values = breakdown.values(frame).tolist()
        raw = frame[breakdown.dimension.column].tolist()
        for level in breakdown.levels:
            if breakdown.dimension.multi:  # every level of the set, pooled (empty: "nan")
                expected = [
                    level in {v if v in breakdown.kept else OTHER for v in (r or ("nan",))}
                    for r in raw
                ]
            else:
                expected = [value == level for value in values]
            assert found[level].tolist() == expected, level
        assert found[TOTAL].all()
        assert sum(found[level].sum() for level in breakdown.levels) >= len(frame) // 2


def test_columns_made_text_once_give_the_text_and_first_stage_of_the_raw_columns() -> None:
    """`_texted` (each single-valued column as text once, categorical) gives every later
    `_text` and `_first_stage` what the raw columns give: missing and empty values, numbers,
    a small municipality pooled within its region (each region's text made once)."""
    from schakel.engine.monitor.breakdowns import (
        DIMENSIONS,
        IN_REGION,
        _first_stage,
        _text,
        _texted,
    )

    frame = pd.DataFrame(
        {
            "municipality": ["utrecht", None, "", "zeist", "venlo", "zeist"] * 5,
            "region": ["utrecht", "utrecht", None, "utrecht", "limburg", ""] * 5,
            "country": [1, 2, None, 1, 3, 2] * 5,
            "form": ["labour"] * 30,
        }
    )
    texted = _texted(frame)
    assert isinstance(texted["municipality"].dtype, pd.CategoricalDtype)
    for name in ("municipality", "region", "country"):
        assert _text(texted[name]).tolist() == _text(frame[name]).tolist()
    municipality = next(d for d in DIMENSIONS if d.name == "municipality")
    kept = frozenset({"utrecht"})
    raw = _text(frame["municipality"])
    expected = raw.where(raw.isin(kept), IN_REGION + _text(frame["region"]))
    for episodes in (frame, texted):
        found = _first_stage(episodes, municipality, kept)
        assert found.tolist() == expected.tolist()
    assert set(expected) == {"utrecht", "region:utrecht", "region:none", "region:limburg"}
