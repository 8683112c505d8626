"""`EpisodeIndex.mask` (each distinct value compared once) selects the rows `_mask` does,
missing forms, regions and cohorts included."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from schakel.engine.monitor.selection import EpisodeIndex, Filters, _mask

forms = st.sampled_from(["labour", "sexual", "criminal", None, ""])
regions = st.sampled_from(["amsterdam", "limburg", None])
cohorts = st.sampled_from([2021, 2022, 2023, None])


@settings(max_examples=80, deadline=None)
@given(
    rows=st.lists(st.tuples(forms, regions, cohorts), max_size=40),
    form=st.sampled_from(["labour", "sexual", "organ_removal", None]),
    region=st.sampled_from(["amsterdam", "limburg", None]),
    cohort=st.sampled_from([2021, 2023, 2030, None]),
    nullable=st.booleans(),
)
def test_mask_of_distinct_values_is_the_row_by_row_mask(
    rows: list[tuple[str | None, str | None, int | None]],
    form: str | None,
    region: str | None,
    cohort: int | None,
    nullable: bool,
) -> None:
    frame = pd.DataFrame(rows, columns=["form", "region", "cohort"])
    years = frame["cohort"].astype("Int64" if nullable else object)
    index = EpisodeIndex(
        labelled=frame,
        form=frame["form"].astype("string"),
        region=frame["region"].astype("string"),
        cohort=years,
    )
    filters = Filters(form=form, region=region, cohort=cohort)
    expected = _mask(index.form, index.region, index.cohort, filters)
    assert index.mask(filters).tolist() == expected.tolist()
    assert index.mask(filters).tolist() == expected.tolist()  # with the codes kept
