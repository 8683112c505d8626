"""Addresses shared by many unrelated people say nothing about who someone is.

Victims live in shelters, reception centres and housing provided by an exploiter; two records
at such an address agree on address, locality and postcode at once, and a Fellegi-Sunter model
would count that one fact three times. An address (identical keyed filter) held by more records
than `limit` across the files is treated as institutional: its residence fields become missing
for matching. The linker can see this from frequencies alone; it learns no address.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from schakel.engine.linkage import layout
from schakel.engine.linkage.bloom import filters_from_arrow
from schakel.engine.linkage.schema import Role

SHARED_ADDRESS_LIMIT = 10
RESIDENCE_COLUMNS = (
    layout.BLOOM[Role.ADDRESS],
    layout.BLOOM[Role.LOCALITY],
    layout.EXACT[Role.POSTCODE],
    layout.BK_POSTCODE_GIVEN,
    layout.BK_POSTCODE_FAMILY,
)


def shared_address_rows(tables: Sequence[pa.Table], limit: int) -> list[np.ndarray]:
    """Per table, which rows hold an address that more than `limit` records share."""
    decoded = [filters_from_arrow(table[layout.BLOOM[Role.ADDRESS]]) for table in tables]
    stacked = np.concatenate([filters[present] for filters, present in decoded])
    if len(stacked) == 0:
        return [np.zeros(table.num_rows, dtype=bool) for table in tables]
    rows = np.ascontiguousarray(stacked).view(np.dtype((np.void, stacked.shape[1] * 8))).ravel()
    _, inverse, counts = np.unique(rows, return_inverse=True, return_counts=True)
    crowded = counts[inverse] > limit
    masks, start = [], 0
    for filters, present in decoded:
        mask = np.zeros(len(filters), dtype=bool)
        mask[present] = crowded[start : start + int(present.sum())]
        start += int(present.sum())
        masks.append(mask)
    return masks


def without_residence(table: pa.Table, rows: np.ndarray) -> pa.Table:
    """The table with the residence fields of `rows` set to missing."""
    if not rows.any():
        return table
    mask = pa.array(rows)
    for column in RESIDENCE_COLUMNS:
        index = table.column_names.index(column)
        values = table[column]
        blank = pa.nulls(len(values), type=values.type)
        table = table.set_column(index, column, pc.if_else(mask, blank, values))
    return table


def mask_shared_addresses(
    tables: Sequence[pa.Table], limit: int | None = SHARED_ADDRESS_LIMIT
) -> tuple[list[pa.Table], int]:
    """The tables with institutional addresses blanked, and how many records that touched."""
    if limit is None:
        return list(tables), 0
    masks = shared_address_rows(tables, limit)
    blanked = [without_residence(t, m) for t, m in zip(tables, masks, strict=True)]
    return blanked, int(sum(int(m.sum()) for m in masks))
