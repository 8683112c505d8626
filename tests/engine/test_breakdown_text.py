"""`_text` (each distinct value converted once) gives the levels the straightforward
conversion of every row gives: missing and empty values as NONE, other values as text."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from schakel.engine.monitor.breakdowns import NONE, _text, _text_of_each

values = st.one_of(
    st.sampled_from(["", "a", "b", "amsterdam", "Ä", "1", "none"]),
    st.text(max_size=3),
    st.sampled_from([None, np.nan, pd.NA]),
)


@settings(max_examples=80, deadline=None)
@given(
    found=st.lists(values, max_size=40),
    dtype=st.sampled_from(["object", "string", "category"]),
    numbers=st.booleans(),
)
def test_text_of_distinct_values_is_the_text_of_every_row(
    found: list[object], dtype: str, numbers: bool
) -> None:
    if numbers:  # not all text: 1, 1.0 and True must stay apart (the row by row way)
        found = [*found, 1, 1.0, True]
        dtype = "object"
    column = pd.Series(found, dtype=dtype, name="municipality", index=np.arange(len(found)) + 5)
    expected = _text_of_each(column)
    pd.testing.assert_series_equal(_text(column), expected)
    missing = [value is None or value is pd.NA or value != value or value == "" for value in found]
    assert (_text(column)[missing] == NONE).all()
