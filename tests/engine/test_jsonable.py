"""`jsonable` (plain types first) gives what the type checks in order give."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from schakel.engine.monitor.published import jsonable


def by_checks(value: Any) -> Any:
    """The conversion before the fast paths."""
    if isinstance(value, pd.DataFrame):
        return jsonable(value)
    if isinstance(value, Mapping):
        return {str(key): by_checks(item) for key, item in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [by_checks(item) for item in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if math.isnan(float(value)) else float(value)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_infinity=False),
    st.text(max_size=5),
    st.sampled_from([pd.NA, np.int64(3), np.float64("nan"), np.bool_(True), dt.date(2024, 1, 2)]),
)
values = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(st.one_of(st.text(max_size=3), st.integers(0, 9)), inner, max_size=4),
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(values)
def test_plain_types_first_give_the_same_json(value: Any) -> None:
    found, expected = jsonable(value), by_checks(value)
    assert found == expected
    assert repr(found) == repr(expected)  # the same types too (True is not 1)
