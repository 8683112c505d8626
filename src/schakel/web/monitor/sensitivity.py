"""The plain-language reading of the loss to follow-up sensitivity table (computed by
`schakel.engine.monitor.sensitivity`)."""

from __future__ import annotations

import pandas as pd
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from schakel.engine.monitor.sensitivity import COLUMNS as COLUMNS
from schakel.engine.monitor.sensitivity import ESTIMATES as ESTIMATES


def reading(table: pd.DataFrame) -> str:
    """What the table says, at the longest horizon where every estimate is shown."""
    complete = table.dropna(subset=list(ESTIMATES))
    if len(complete) == 0:
        return _(
            "Too few people were lost to follow-up, or returned, in this selection to show "
            "how much the loss could change the estimate."
        )
    row = complete.iloc[-1]
    values = {
        "months": int(row["horizon_months"]),
        **{name: f"{number_format(100 * float(row[name]), 1)}\u00a0%" for name in ESTIMATES},
    }
    return (
        _(
            "Within %(months)s months, %(standard)s returned by the standard estimate, which "
            "assumes that people who were lost to follow-up return as often as comparable "
            "people who stayed in contact. Weighting for who was lost (form, region, age "
            "group, placement and number of interventions) gives %(ipcw)s. If nobody who was "
            "lost had returned it would be %(best_case)s; if everyone who was lost had "
            "returned at the moment contact was lost, %(worst_case)s. The true share lies "
            "between these two bounds."
        )
        % values
    )
