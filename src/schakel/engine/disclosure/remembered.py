"""The structure `suppress` derives from a release's quantities, kept for the next call with
the very same member lists.

A monitor release protects hundreds of small incidence tables whose quantities differ only
in their counts: every table with the same number of levels and horizons has the same base
cells, members and tables (`horizons` hands out the same objects for them). The structure
(the quantity x base-cell matrix, its margin equations and nested pairs) depends on those
alone, so it is built once per shape. An entry is used only when the member lists, tables
and hidden groups are the same objects as when it was built (it holds them, so their
identities cannot be reused) and nothing writes to a structure after building it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import numpy as np

KEPT = 64
"""At most this many structures are kept; then the memory starts over."""
_kept: dict[int, tuple[Any, Any, Any, int, Any]] = {}

T = TypeVar("T")


class _Shape(Protocol):
    @property
    def members(self) -> Any: ...
    @property
    def table(self) -> Any: ...
    @property
    def hidden(self) -> Any: ...
    @property
    def base_cells(self) -> int: ...


def remembered(quantities: _Shape, build: Callable[[Any], T]) -> T:
    """`build(quantities)`, or the structure built before for the same member objects."""
    key = id(quantities.members)
    found = _kept.get(key)
    if (
        found is not None
        and found[0] is quantities.members
        and found[1] is quantities.table
        and found[2] is quantities.hidden
        and found[3] == quantities.base_cells
    ):
        return found[4]  # type: ignore[no-any-return,unused-ignore]
    value = build(quantities)
    for part in vars(value).values() if hasattr(value, "__dict__") else ():
        if isinstance(part, np.ndarray):
            part.flags.writeable = False  # nobody may change what the next call reads
    if len(_kept) >= KEPT:
        _kept.clear()
    _kept[key] = (
        quantities.members,
        quantities.table,
        quantities.hidden,
        quantities.base_cells,
        value,
    )
    return value


@functools.lru_cache(maxsize=64)
def horizon_cells(levels: int, horizons: int) -> tuple[tuple[np.ndarray, ...], np.ndarray, int]:
    """Members and tables of `horizons._suppression`'s quantities for `levels` strata (0: only the
    total) and `horizons`: the same objects for every table of that shape (`remembered`)."""
    bins = horizons + 1
    members, table = [], []
    for number in range(max(levels, 0) + 1):
        own = [number] if number < levels or levels == 0 else list(range(levels))
        cells = lambda upto, own=own: np.array(  # noqa: E731
            [s * bins + b for s in own for b in range(upto)], dtype=np.int64
        )
        members.append(cells(bins))
        table.append(0 if number < levels else 1)
        for j in range(horizons):
            members.append(cells(j + 1))
            table.append(2 + 2 * j + (number == levels))
    for array in members:
        array.flags.writeable = False
    tables = np.array(table, dtype=np.int64)
    tables.flags.writeable = False
    return tuple(members), tables, bins
