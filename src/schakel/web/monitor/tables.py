"""The monitor's tables as a page shows them: a stored selection (computed and protected by
`schakel.engine.monitor.published`) with labels and readings in the reader's language.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schakel.engine.disclosure import DEFAULT_K
from schakel.engine.flows import FlowTables
from schakel.engine.monitor import (
    INCIDENCE_COLUMNS,
    MIN_EVENTS_PER_COVARIATE,
    label_episodes,
)
from schakel.engine.monitor.published import jsonable, selection_tables
from schakel.engine.vocabulary import InterventionType
from schakel.web.core.labels import LABELS
from schakel.web.monitor.breakdowns import BreakdownTable, breakdown_tables
from schakel.web.monitor.data import Filters, monitor_data
from schakel.web.monitor.release import monitor_release
from schakel.web.monitor.sensitivity import COLUMNS as SENSITIVITY_COLUMNS
from schakel.web.monitor.sensitivity import ESTIMATES, reading

VARIANT_COLUMNS = [
    "variant", "steps", "trajectories", "median_days", "kind", "status",
]  # fmt: skip
EDGE_COLUMNS = ["source", "target", "trajectories", "median_days", "status"]

STAGE_LABELS = {
    "signal": gettext_lazy("Signal"),
    "consultation": gettext_lazy("Consultation"),
    "referral_sent": gettext_lazy("Referral"),
    "intake": gettext_lazy("Intake (trajectory)"),
    "placement_start": gettext_lazy("Placement"),
    "exit": gettext_lazy("Exit from care"),
    "follow_up_contact": gettext_lazy("At least one follow-up"),
}
STRATA = {
    "form": gettext_lazy("Form of exploitation"),
    "placement": gettext_lazy("Placement at exit"),
    "region": gettext_lazy("Region"),
    "cohort": gettext_lazy("Cohort (year of exit)"),
    "age_group": gettext_lazy("Age group"),
    **{
        f"intervention_{t.value}": LABELS[InterventionType].get(t.value, t.value)
        for t in InterventionType
    },
}
NONE = "none"


@dataclass(frozen=True)
class Monitor:
    """Everything the overview shows; each frame is publishable as it is."""

    filters: Filters
    k: int
    stratum: str
    funnel: pd.DataFrame  # stage, label, trajectories (<NA> when suppressed)
    incidence: pd.DataFrame  # level, horizon_months, episodes, events, estimate, lower, upper
    hazards: pd.DataFrame  # covariate, label, hazard_ratio, lower, upper, reading
    hazards_message: str
    completeness: pd.DataFrame  # measure, numerator, denominator, share
    quality: pd.DataFrame  # code, rows, dropped
    episodes: int | None  # protected number of episodes in the filters
    flows: FlowTables  # most common paths and steps with at least k persons
    as_of: dt.date | None = None  # the data's release date (events known up to this day)
    sensitivity: pd.DataFrame = field(default_factory=pd.DataFrame)  # loss to follow-up
    sensitivity_reading: str = ""
    # noised 12/24-month figures of the table by form where exact counts are hidden (ADR 0021)
    noised: pd.DataFrame = field(default_factory=pd.DataFrame)  # label, horizon, events, estimate
    noised_budget: dict[str, Any] | None = None
    # where, when and why: None for a selection of one region or cohort (not published there)
    breakdowns: list[BreakdownTable] | None = None


def compute_monitor(
    filters: Filters,
    *,
    stratum: str = "form",
    k: int = DEFAULT_K,
    as_of: dt.date | None = None,
    use_cache: bool = True,
) -> Monitor:
    """The straightforward path, for tests and benchmarks: compute one selection now (pages
    read the stored release instead, `stored.read_selection`)."""
    data = monitor_data(as_of, use_cache=use_cache)
    release = monitor_release(data, k, labelled=_labelled, use_cache=use_cache)
    content = jsonable(selection_tables(data.episodes, data.path_index, release, filters, k))
    quality = data.build.quality.to_frame()[["code", "rows", "dropped"]]
    return monitor_from_content(
        content,
        filters=filters,
        stratum=stratum,
        k=k,
        as_of=data.build.as_of,
        quality=quality.to_dict(orient="records"),
    )


def monitor_from_content(
    content: dict[str, Any],
    *,
    filters: Filters,
    stratum: str,
    k: int,
    as_of: dt.date | None,
    quality: list[dict[str, Any]],
) -> Monitor:
    """A stored selection, labelled in the reader's language."""
    funnel = pd.DataFrame.from_records(
        content["funnel"], columns=["stage", "trajectories", "status"]
    )
    funnel.insert(1, "label", [str(STAGE_LABELS[s]) for s in funnel["stage"]])
    funnel["trajectories"] = pd.array(funnel["trajectories"].tolist(), dtype="Int64")
    incidence = pd.DataFrame.from_records(
        content["incidence"].get(stratum, []), columns=INCIDENCE_COLUMNS
    )
    incidence["level"] = [_level_label(stratum, v) for v in incidence["level"]]
    for name in ("estimate", "lower", "upper"):
        incidence[name] = pd.to_numeric(incidence[name]).astype(float)
    hazards, message = _hazard_frame(content["hazards"], k)
    sensitivity = pd.DataFrame.from_records(content["sensitivity"], columns=SENSITIVITY_COLUMNS)
    for name in ("episodes", "returns", "lost"):
        sensitivity[name] = pd.array(sensitivity[name].tolist(), dtype="Int64")
    for name in ESTIMATES:
        sensitivity[name] = pd.to_numeric(sensitivity[name]).astype(float)
    quality_frame = pd.DataFrame.from_records(quality, columns=["code", "rows", "dropped"])
    quality_frame["rows"] = pd.array(
        [r if r >= k else pd.NA for r in quality_frame["rows"]], dtype="Int64"
    )
    flows = content["flows"]
    variants = pd.DataFrame.from_records(flows["variants"], columns=VARIANT_COLUMNS)
    variants["steps"] = [tuple(s or ()) for s in variants["steps"]]
    variants["median_days"] = [list(d or ()) for d in variants["median_days"]]
    edges = pd.DataFrame.from_records(flows["edges"], columns=EDGE_COLUMNS)
    for frame in (variants, edges):  # releases before the status: hidden counts were < k
        frame["status"] = frame["status"].fillna("primary").astype(str)
    noised = content.get("noised") or {"rows": [], "budget": None}
    noised_rows = noised["rows"] if stratum == "form" else []
    noised_frame = pd.DataFrame.from_records(
        noised_rows, columns=["level", "horizon_months", "events", "estimate"]
    )
    noised_frame["level"] = [_level_label("form", v) for v in noised_frame["level"]]
    return Monitor(
        filters=filters,
        k=k,
        stratum=stratum,
        funnel=funnel,
        incidence=incidence,
        hazards=hazards,
        hazards_message=message,
        completeness=completeness_table(content["completeness"]),
        quality=quality_frame,
        episodes=content["episodes"]["value"],
        flows=FlowTables(
            k=k, variants=variants, edges=edges, merged_variants=flows["merged_variants"]
        ),
        as_of=as_of,
        sensitivity=sensitivity,
        sensitivity_reading=reading(sensitivity),
        noised=noised_frame,
        noised_budget=noised["budget"] if noised_rows else None,
        breakdowns=breakdown_tables(content.get("breakdowns")),
    )


def _hazard_frame(stored: dict[str, Any], k: int) -> tuple[pd.DataFrame, str]:
    """The stored hazard ratios with their labels and readings, or why there are none."""
    columns = ["covariate", "label", "hazard_ratio", "lower", "upper", "reading"]
    if stored["problem"] == "error":
        return pd.DataFrame(columns=columns), _(
            "The hazard ratios could not be estimated: %(error)s"
        ) % {"error": stored["error"]}
    if stored["problem"] == "too_few":
        return pd.DataFrame(columns=columns), _(
            "Too few returns to estimate hazard ratios reliably in this selection "
            "(at least %(n)s returns and %(k)s people with and without each intervention "
            "are needed)."
        ) % {"n": max(k, MIN_EVENTS_PER_COVARIATE), "k": k}
    rows = []
    for row in stored["rows"]:
        label = str(STRATA[row["covariate"]])
        ratio, lower, upper = row["hazard_ratio"], row["lower"], row["upper"]
        reading_text = plain_reading(label, ratio, lower, upper)
        rows.append({**row, "label": label, "reading": reading_text})
    return pd.DataFrame(rows, columns=columns), ""


def plain_reading(label: str, ratio: float, lower: float, upper: float) -> str:
    values = {
        "what": label.lower(),
        "hr": number_format(ratio, 2),
        "lo": number_format(lower, 2),
        "hi": number_format(upper, 2),
    }
    if lower <= 1 <= upper:
        return (
            _(
                "People who received %(what)s returned about %(hr)s times as often as comparable "
                "people who did not (95%% interval %(lo)s to %(hi)s); the data are also consistent "
                "with no difference."
            )
            % values
        )
    return (
        _(
            "People who received %(what)s returned about %(hr)s times as often as comparable "
            "people who did not (95%% interval %(lo)s to %(hi)s)."
        )
        % values
    )


def completeness_table(stored: dict[str, list[dict[str, Any]]]) -> pd.DataFrame:
    """Shares are computed from published counts only: a share of a suppressed count is
    hidden. `stored`: (follow-up, exits) from the funnel, (lost, episodes) from the release,
    each count with its status."""
    rows = []
    for name, (numerator, denominator) in (
        (_("Trajectories with an exit that have a follow-up contact"), stored["follow_up"]),
        (_("Exits from care after which contact was lost"), stored["lost"]),
    ):
        rows.append(
            {
                "measure": str(name),
                "numerator": numerator["value"],
                "numerator_status": numerator["status"],
                "denominator": denominator["value"],
                "denominator_status": denominator["status"],
                "share": _share(numerator["value"], denominator["value"]),
            }
        )
    return pd.DataFrame(rows).astype({"numerator": "Int64", "denominator": "Int64"})


def _share(numerator: object, denominator: object) -> float:
    if numerator is None or denominator is None or pd.isna(numerator) or pd.isna(denominator):
        return math.nan
    if not denominator:
        return math.nan
    return round(float(numerator) / float(denominator), 3)  # type: ignore[arg-type]


def _labelled(episodes: pd.DataFrame) -> pd.DataFrame:
    """Strata without missing values (the engine asks for a label) as plain strings."""
    return label_episodes(episodes)


def _level_label(stratum: str, value: object) -> str:
    if value == "Total":
        return str(_("All"))
    if stratum.startswith("intervention_"):
        return str(_("Received")) if value in (True, "True") else str(_("Not received"))
    if value == NONE:
        return str(_("None or unknown"))
    enums = {"form": "ExploitationForm", "placement": "PlacementType", "region": "Region"}
    for enum, labels in LABELS.items():
        if enum.__name__ == enums.get(stratum):
            return str(labels.get(str(value), value))
    return str(value)
