"""`SharedWork.stratum`: a selection's stratum as a categorical whose categories are the
levels that occur, sorted as text, with each row's own level (the straightforward way: take
the selection's column and sort its distinct values)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from schakel.engine.monitor.selection import EpisodeIndex, Filters
from schakel.engine.monitor.shared import SharedWork


@settings(max_examples=80, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["labour", "sexual"]),
            st.sampled_from(["amsterdam", "limburg"]),
            st.sampled_from(["a", "b", "c", "10", "9"]),
        ),
        min_size=1,
        max_size=40,
    ),
    form=st.sampled_from(["labour", "sexual", None]),
    region=st.sampled_from(["amsterdam", None]),
)
def test_stratum_of_a_selection(
    rows: list[tuple[str, str, str]], form: str | None, region: str | None
) -> None:
    frame = pd.DataFrame(rows, columns=["form", "region", "placement"])
    index = EpisodeIndex(
        labelled=frame,
        form=frame["form"].astype("string"),
        region=frame["region"].astype("string"),
        cohort=pd.Series([2024] * len(frame)),
    )
    found, uniques = pd.factorize(frame["placement"])
    levels = sorted(uniques.tolist(), key=str)
    position = np.array([levels.index(u) for u in uniques.tolist()], dtype=np.int64)
    shared = SharedWork(index, np.zeros(len(frame)), {"placement": (position[found], levels)})
    filters = Filters(form=form, region=region)
    column = shared.stratum(filters, "placement")
    assert column is not None
    chosen = frame.loc[index.mask(filters), "placement"].tolist()
    assert list(column.cat.categories) == sorted(set(chosen), key=str)
    assert column.astype(object).tolist() == chosen
    assert (column.cat.codes >= 0).all()
