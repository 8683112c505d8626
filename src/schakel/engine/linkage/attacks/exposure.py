"""Singling out and the order of birth-year tokens (see `attacks`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from schakel.engine.linkage import layout
from schakel.engine.linkage.files import encoded_mix, token_array


@dataclass(frozen=True)
class SinglingOut:
    """Records whose combination of encoded values is unique (k = 1) or shared by fewer than
    five records, among the records of interest."""

    columns: tuple[str, ...]
    records: int
    unique: int
    below_five: int
    by_group: dict[str, tuple[int, int]] = field(default_factory=dict)  # (unique, records)

    @property
    def unique_share(self) -> float:
        return self.unique / self.records if self.records else 0.0

    @property
    def below_five_share(self) -> float:
        return self.below_five / self.records if self.records else 0.0


def singling_out(
    table: pa.Table,
    columns: Sequence[str],
    *,
    real: np.ndarray | None = None,
    groups: Sequence[str] | None = None,
) -> SinglingOut:
    """How many records are unique on `columns` in the whole file (decoys included), counted
    over the `real` records only. A missing value is a value too: it is what the linker sees."""
    frame = pd.DataFrame({c: table[c].to_pylist() for c in columns})
    group_ids = frame.groupby(list(columns), dropna=False, sort=False).ngroup().to_numpy()
    sizes = np.bincount(group_ids)[group_ids]
    mask = np.ones(len(frame), dtype=bool) if real is None else np.asarray(real, dtype=bool)
    by_group: dict[str, tuple[int, int]] = {}
    if groups is not None:
        labels = np.asarray(groups, dtype=object)
        for group in sorted(set(labels[mask].tolist())):
            members = mask & (labels == group)
            by_group[group] = (int((sizes[members] == 1).sum()), int(members.sum()))
    return SinglingOut(
        columns=tuple(columns),
        records=int(mask.sum()),
        unique=int((sizes[mask] == 1).sum()),
        below_five=int((sizes[mask] < 5).sum()),
        by_group=by_group,
    )


def birth_year_order(table: pa.Table) -> tuple[int, int, int]:
    """The years kept around estimated dates tell the linker which year tokens are 1, 2 or 3
    years apart: the tokens chain, and with one anchor (the age distribution) the birth year
    of every record on the chain is known. Returns (records on the largest chain, records
    with a year, distinct year tokens on it)."""
    years, has_year = token_array(table, layout.DOB_YEAR)
    parent: dict[int, int] = {}

    def root(token: int) -> int:
        parent.setdefault(token, token)
        while parent[token] != token:
            parent[token] = parent[parent[token]]
            token = parent[token]
        return token

    for column in layout.DOB_YEAR_NEAR.values():
        near, has_near = token_array(table, column)
        for a, b in zip(
            years[has_year & has_near].tolist(), near[has_year & has_near].tolist(), strict=True
        ):
            parent[root(a)] = root(b)
    known = years[has_year].tolist()
    chains = Counter(root(token) for token in known)
    if not chains:
        return 0, 0, 0
    largest, records = chains.most_common(1)[0]
    tokens = {token for token in set(known) if root(token) == largest}
    return records, len(known), len(tokens)


def same_year_groups(table: pa.Table) -> list[int | None]:
    """Records joined when they share any token that implies the same year of birth (the
    year, year-month, full date, date key, a Soundex + year key; on files with mixed name
    filters also the name keys, which carry the year there); a group id per record with a
    year. Aligned by size with the year counts (`frequency_guesses`), the groups give the
    years away when they are the years: keys that mix the year with part of a name chain the
    records of one year through shared names until the year is one group."""
    columns = [layout.DOB_YEAR, layout.DOB_YEAR_MONTH, layout.DOB_FULL, layout.DOB_SWAP,
               layout.BK_DOB, layout.BK_GIVEN_YEAR, layout.BK_FAMILY_YEAR]  # fmt: skip
    if encoded_mix(table) in ("names", "record"):
        columns += [layout.BK_NAME_SORTED, layout.BK_NAME_SOUND]
    parent = np.arange(table.num_rows)

    def root(row: int) -> int:
        while parent[row] != row:
            parent[row] = parent[parent[row]]
            row = int(parent[row])
        return row

    first: dict[tuple[str, int], int] = {}
    for column in columns:
        # A swapped date and the date key are keyed as full dates (`encode._TOKEN_PURPOSE`).
        purpose = layout.DOB_FULL if column in (layout.DOB_SWAP, layout.BK_DOB) else column
        values, present = token_array(table, column)
        for row in np.flatnonzero(present).tolist():
            seen = first.setdefault((purpose, int(values[row])), row)
            parent[root(row)] = root(seen)
    _, has_year = token_array(table, layout.DOB_YEAR)
    return [root(row) if has_year[row] else None for row in range(table.num_rows)]
