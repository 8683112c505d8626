"""Publishing monitor figures without exposing anyone: thresholds, secondary suppression,
fixed horizons and differential privacy. See docs/monitor.md.

Count tables:        protect_table (two-way with margins), protect_tables (overlapping margins)
Filter selections:   protect_selections (every filter combination and measure, one release)
Consecutive:         protect_consecutive (a release protected together with the last one)
Estimates:           cumulative_incidence_table (CIF at 3/6/12/24 months, rounded, protected)
Open data:           release_histogram (OpenDP), EpsilonLedger, life_table (post-processing)
Checks:              suppress, determined (the engine under the tables, for audits and tests)
"""

from schakel.engine.disclosure.consecutive import protect_consecutive
from schakel.engine.disclosure.errors import (
    DEFAULT_K,
    DisclosureError,
    PrivacyBudgetExceeded,
    check_k,
)
from schakel.engine.disclosure.horizons import (
    HORIZON_MONTHS,
    HorizonTable,
    cumulative_incidence_rows,
    cumulative_incidence_table,
    horizon_days,
)
from schakel.engine.disclosure.privacy import (
    EpsilonLedger,
    LedgerEntry,
    PrivateRelease,
    life_table,
    noise_variance,
    release_histogram,
)
from schakel.engine.disclosure.selections import SelectionRelease, protect_selections
from schakel.engine.disclosure.suppression import (
    Quantities,
    Status,
    Suppression,
    determined,
    suppress,
)
from schakel.engine.disclosure.tables import TOTAL, ProtectedTables, protect_table, protect_tables

__all__ = [
    "DEFAULT_K",
    "HORIZON_MONTHS",
    "TOTAL",
    "DisclosureError",
    "EpsilonLedger",
    "HorizonTable",
    "LedgerEntry",
    "PrivacyBudgetExceeded",
    "PrivateRelease",
    "ProtectedTables",
    "Quantities",
    "SelectionRelease",
    "Status",
    "Suppression",
    "check_k",
    "cumulative_incidence_rows",
    "cumulative_incidence_table",
    "determined",
    "horizon_days",
    "life_table",
    "noise_variance",
    "protect_consecutive",
    "protect_selections",
    "protect_table",
    "protect_tables",
    "release_histogram",
    "suppress",
]
