"""Threshold and secondary suppression: no published cell below k, and no suppressed cell that
published cells and margins determine. The determinacy check here is written independently of
the module: it solves the table's own equations (row, column and grand totals)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schakel.engine.disclosure import (
    TOTAL,
    DisclosureError,
    Quantities,
    check_k,
    protect_table,
    protect_tables,
    suppress,
)


def table(cells: list[list[int]]) -> pd.DataFrame:
    rows = pd.Index([f"r{i}" for i in range(len(cells))], name="stratum")
    columns = pd.Index([f"c{j}" for j in range(len(cells[0]))], name="exit_type")
    return pd.DataFrame(cells, index=rows, columns=columns)


def determined_cells(values: np.ndarray, published: np.ndarray) -> list[tuple[int, int]]:
    """Suppressed entries of a table with margins (last row and column) that its equations fix.

    Unknowns are the suppressed entries; each row, column and the grand total give one linear
    equation. An unknown is determined when its unit vector lies in the row space of the
    equations (rank does not grow when it is added).
    """
    rows, columns = values.shape
    unknown = [(i, j) for i in range(rows) for j in range(columns) if not published[i, j]]
    position = {cell: n for n, cell in enumerate(unknown)}
    equations = []
    lines = [[(i, j) for j in range(columns - 1)] + [(i, columns - 1)] for i in range(rows)]
    lines += [[(i, j) for i in range(rows - 1)] + [(rows - 1, j)] for j in range(columns)]
    for line in lines:  # parts minus total = 0
        coefficients = np.zeros(len(unknown))
        for n, cell in enumerate(line):
            if cell in position:
                coefficients[position[cell]] += -1.0 if n == len(line) - 1 else 1.0
        if coefficients.any():
            equations.append(coefficients)
    if not equations:
        return []
    system = np.array(equations)
    rank = np.linalg.matrix_rank(system)
    found = []
    for cell, n in position.items():
        unit = np.zeros(len(unknown))
        unit[n] = 1.0
        if np.linalg.matrix_rank(np.vstack([system, unit])) == rank:
            found.append(cell)
    return found


def grid(result: pd.DataFrame, rows: list[str], columns: list[str]) -> np.ndarray:
    return result.loc[[*rows, TOTAL], [*columns, TOTAL]].to_numpy()


def test_k_below_two_or_not_an_integer_is_refused() -> None:
    for bad in (1, 0, -3, 2.5, True):
        with pytest.raises(DisclosureError, match="k must"):
            check_k(bad)  # type: ignore[arg-type]
    with pytest.raises(DisclosureError, match="at least 2"):
        protect_table(table([[20, 20]]), k=1)
    assert check_k(2) == 2


def test_a_hand_checked_table() -> None:
    result = protect_table(table([[25, 3, 40], [12, 30, 50], [60, 14, 8]]), k=10)
    status = result.wide("stratum", "exit_type", "status")
    assert status.loc["r0", "c1"] == "primary" and status.loc["r2", "c2"] == "primary"
    # r0 c1 (3) alone in its row would be the row total minus the rest: the next smallest goes
    assert status.loc["r0", "c0"] == "secondary"
    published = result.wide("stratum", "exit_type")
    assert published.loc[TOTAL, TOTAL] == 242 and pd.isna(published.loc["r0", "c1"])
    values = result.wide("stratum", "exit_type", "count").to_numpy()
    open_ = published.notna().to_numpy()
    assert determined_cells(values, open_) == []


def test_a_single_small_cell_in_a_row_is_not_left_alone() -> None:
    result = protect_table(table([[50, 50, 4], [50, 50, 50]]), k=10).wide("stratum", "exit_type")
    hidden = result.isna()
    assert hidden.loc["r0"].sum() >= 2 and hidden["c2"].sum() >= 2


def test_zeros_can_be_declared_safe() -> None:
    strict = protect_table(table([[0, 30], [30, 30]]), k=10).wide("stratum", "exit_type")
    relaxed = protect_table(table([[0, 30], [30, 30]]), k=10, zero_is_safe=True)
    assert pd.isna(strict.loc["r0", "c0"])
    assert relaxed.wide("stratum", "exit_type").loc["r0", "c0"] == 0


def test_a_zero_inside_a_hidden_total_is_hidden() -> None:
    """Row r0 holds 4 people, all in c1: its total is hidden, and a published 0 in c0 would
    tell that all of them are in c1 (ADR 0021, amended)."""
    result = protect_table(table([[0, 4], [30, 30]]), k=10, zero_is_safe=True)
    status = result.wide("stratum", "exit_type", "status")
    assert status.loc["r0", TOTAL] == "primary"
    assert status.loc["r0", "c0"] == "secondary"
    values = result.wide("stratum", "exit_type", "count").to_numpy()
    assert determined_cells(values, result.wide("stratum", "exit_type").notna().to_numpy()) == []
    # a 0 whose totals are published stays published
    kept = protect_table(table([[0, 30], [30, 30]]), k=10, zero_is_safe=True)
    assert kept.wide("stratum", "exit_type").loc["r0", "c0"] == 0


def test_bad_counts_are_refused() -> None:
    with pytest.raises(DisclosureError, match="non-negative whole"):
        protect_table(table([[-1, 30]]))
    with pytest.raises(DisclosureError, match="missing"):
        protect_table(table([[1, 30]]).astype(float).replace(1.0, np.nan))


def test_the_bridge_the_row_and_column_rule_misses_is_caught() -> None:
    """Two suppressed rectangles joined by one suppressed cell: every row and column has two or
    more suppressed cells, yet the joining cell follows from the margins. The audit adds a
    suppression that puts it on a cycle."""
    big = 100
    cells = np.full((4, 4), big)
    small = [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (1, 2)]
    for i, j in small:
        cells[i, j] = 5
    result = protect_table(table(cells.tolist()), k=10)
    values = result.wide("stratum", "exit_type", "count")
    published = result.wide("stratum", "exit_type").notna()
    assert determined_cells(values.to_numpy(), published.to_numpy()) == []


CELLS = st.one_of(st.just(0), st.integers(1, 9), st.integers(min_value=0, max_value=40))


@settings(max_examples=150, deadline=None)
@given(
    st.integers(2, 5).flatmap(
        lambda r: st.integers(2, 5).flatmap(
            lambda c: st.lists(st.lists(CELLS, min_size=c, max_size=c), min_size=r, max_size=r)
        )
    ),
    st.integers(2, 15),
    st.booleans(),
)
def test_random_tables_publish_nothing_small_and_nothing_recoverable(
    cells: list[list[int]], k: int, zero_is_safe: bool
) -> None:
    result = protect_table(table(cells), k=k, zero_is_safe=zero_is_safe)
    rows = [f"r{i}" for i in range(len(cells))]
    columns = [f"c{j}" for j in range(len(cells[0]))]
    published = grid(result.wide("stratum", "exit_type"), rows, columns)
    values = grid(result.wide("stratum", "exit_type", "count"), rows, columns).astype(int)
    shown = ~pd.isna(published)
    small = values < k if not zero_is_safe else (values > 0) & (values < k)
    assert not (shown & small).any(), "a published cell is below k"
    assert determined_cells(values, shown) == []
    for i, j in zip(*np.nonzero(shown & (values == 0)), strict=True):  # ADR 0021, amended
        assert shown[i, -1] and shown[-1, j], "a published 0 lies inside a hidden total"
    for line_values, line_shown in [
        *zip(values, shown, strict=True),
        *zip(values.T, shown.T, strict=True),
    ]:
        if line_shown[-1] and not line_shown[:-1].all():  # published total, hidden parts
            hidden = line_values[:-1][~line_shown[:-1]]
            assert hidden.size >= 2
            rest = hidden.sum()
            assert rest >= k or (zero_is_safe and rest == 0)


def overlapping(data: pd.DataFrame, k: int) -> None:
    tables = [("form", "exit"), ("region", "exit"), ("form",), ("region",), ("exit",), ()]
    result = protect_tables(data, tables=tables, person="person", k=k)
    audit = result.audit
    shown = audit["status"] == "published"
    assert (audit.loc[shown, "persons"] >= k).all()
    assert (audit.loc[shown, "count"] == result.frame.loc[shown, "published"]).all()
    # every published or suppressed cell as a vector over the full form x region x exit cube
    levels = [list(data[d].cat.categories) for d in ("form", "region", "exit")]
    cube = pd.MultiIndex.from_product(levels, names=["form", "region", "exit"])
    vectors = np.array(
        [
            [
                all(cell[d] == TOTAL or cell[d] == key[n] for n, d in enumerate(cube.names))
                for key in cube
            ]
            for _, cell in audit.iterrows()
        ],
        dtype=float,
    )
    known = vectors[shown.to_numpy()]
    rank = np.linalg.matrix_rank(known) if len(known) else 0
    for vector in vectors[~shown.to_numpy()]:
        stacked = np.vstack([known, vector]) if len(known) else vector[None, :]
        assert np.linalg.matrix_rank(stacked) > rank, "a suppressed cell is determined"


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from("ab"), st.sampled_from("xyz"), st.sampled_from("ST"), st.integers(0, 30)
        ),
        min_size=1,
        max_size=120,
    ),
    st.integers(2, 8),
)
def test_overlapping_tables_are_protected_together(
    rows: list[tuple[str, str, str, int]], k: int
) -> None:
    data = pd.DataFrame(rows, columns=["form", "region", "exit", "person"])
    for name, levels in (("form", "ab"), ("region", "xyz"), ("exit", "ST")):
        data[name] = pd.Categorical(data[name], categories=list(levels))
    overlapping(data, k)


def test_persons_not_episodes_count_for_the_threshold() -> None:
    data = pd.DataFrame({"form": ["a"] * 12 + ["b"] * 30, "person": [1, 2] * 6 + list(range(30))})
    result = protect_tables(data, tables=[("form",), ()], person="person", k=10)
    cell = result.table("form").set_index("form")
    assert pd.isna(cell.loc["a", "published"])  # 12 episodes, but only 2 persons


def test_the_engine_refuses_overlapping_cells_within_one_table() -> None:
    quantities = Quantities(
        values=np.array([20, 20]),
        members=(np.array([0, 1]), np.array([1])),
        table=np.array([0, 0]),
        base_cells=2,
    )
    with pytest.raises(DisclosureError, match="overlap"):
        suppress(quantities, k=10)


def test_unknown_columns_and_reserved_labels_are_refused() -> None:
    data = pd.DataFrame({"form": ["a", TOTAL], "person": [1, 2]})
    with pytest.raises(DisclosureError, match="unknown column"):
        protect_tables(data, tables=[("region",)])
    with pytest.raises(DisclosureError, match="marks margins"):
        protect_tables(data, tables=[("form",)])
    with pytest.raises(DisclosureError, match="no data"):
        protect_tables(data.iloc[:0], tables=[("person",)])
