"""The protected tables of the monitor: funnel, cumulative incidence, hazard ratios and data
completeness. Every count passes the engine's disclosure control before it leaves here.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schakel.engine.disclosure import (
    DEFAULT_K,
    DisclosureError,
    cumulative_incidence_table,
)
from schakel.engine.flows import FlowTables
from schakel.engine.monitor import (
    INCIDENCE_COLUMNS,
    MIN_EVENTS_PER_COVARIATE,
    fit_hazards,
    label_episodes,
)
from schakel.engine.vocabulary import InterventionType
from schakel.web.core.labels import LABELS
from schakel.web.monitor.data import (
    FUNNEL_STAGES,
    Filters,
    MonitorData,
    monitor_data,
)
from schakel.web.monitor.release import (
    MonitorRelease,
    counts,
    fixed_statuses,
    monitor_release,
)
from schakel.web.monitor.sensitivity import (
    COLUMNS as SENSITIVITY_COLUMNS,
)
from schakel.web.monitor.sensitivity import (
    ESTIMATES,
    reading,
    sensitivity_table,
)
from schakel.web.monitor.stored import jsonable

VARIANT_COLUMNS = ["variant", "steps", "trajectories", "persons", "median_days", "kind"]
EDGE_COLUMNS = ["source", "target", "trajectories", "persons", "median_days"]

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
MAX_PATHS = 15  # paths shown; the rest are merged into "other paths"
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
    content = jsonable(selection_content(data, release, filters, k))
    quality = data.build.quality.to_frame()[["code", "rows", "dropped"]]
    return monitor_from_content(
        content,
        filters=filters,
        stratum=stratum,
        k=k,
        as_of=data.build.as_of,
        quality=quality.to_dict(orient="records"),
    )


def selection_content(
    data: MonitorData, release: MonitorRelease, filters: Filters, k: int
) -> dict[str, object]:
    """One selection's protected tables as codes and numbers (no labels): what a release
    stores. The incidence table is computed for every stratum the page offers."""
    episodes = data.selected_episodes(filters)
    funnel = funnel_table(release, filters)
    selected = counts(release.episodes, filters, ["episodes", "lost"])
    fit = fit_hazards(episodes, k)
    hazards: dict[str, object] = {"rows": [], "problem": None, "error": ""}
    if fit.error is not None:
        hazards.update(problem="error", error=fit.error)
    elif fit.model is None:
        hazards["problem"] = "too_few"
    else:
        hazards["rows"] = [
            {
                "covariate": str(row.covariate),
                "hazard_ratio": round(float(row.hazard_ratio), 2),
                "lower": round(float(row.lower), 2),
                "upper": round(float(row.upper), 2),
            }
            for row in fit.model.table().reset_index().itertuples()
        ]
    by_stage = dict(zip(funnel["stage"], funnel["trajectories"], strict=True))
    flows = data.flows(filters, k=k, top=MAX_PATHS)
    return {
        "funnel": funnel[["stage", "trajectories", "status"]],
        "incidence": {
            stratum: incidence_table(episodes, stratum, k, release=release, filters=filters)
            for stratum in STRATA
        },
        "sensitivity": sensitivity_table(episodes, release, filters),
        "hazards": hazards,
        "completeness": {
            "follow_up": [by_stage["follow_up_contact"], by_stage["exit"]],
            "lost": [selected.loc["lost", "published"], selected.loc["episodes", "published"]],
        },
        "episodes": selected.loc["episodes", "published"],
        "flows": {
            "variants": flows.variants,
            "edges": flows.edges,
            "merged_variants": flows.merged_variants,
        },
    }


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
        episodes=content["episodes"],
        flows=FlowTables(
            k=k, variants=variants, edges=edges, merged_variants=flows["merged_variants"]
        ),
        as_of=as_of,
        sensitivity=sensitivity,
        sensitivity_reading=reading(sensitivity),
    )


def funnel_table(release: MonitorRelease, filters: Filters) -> pd.DataFrame:
    """Stage counts of the selection, read from the release that protects every selection
    together (so no difference between two selections reveals a suppressed count)."""
    stages = [s.value for s in FUNNEL_STAGES]
    published = counts(release.funnel, filters, stages)
    return pd.DataFrame(
        {
            "stage": stages,
            "label": [str(STAGE_LABELS[s]) for s in stages],
            "trajectories": pd.array(published["published"].tolist(), dtype="Int64"),
            "status": published["status"].astype(str).tolist(),
        }
    )


def incidence_table(
    episodes: pd.DataFrame,
    stratum: str,
    k: int,
    *,
    release: MonitorRelease | None = None,
    filters: Filters | None = None,
) -> pd.DataFrame:
    """With a release, the counts it publishes for this selection keep their status (all
    rows when the stratum is a filter dimension, else the total) and only the other rows
    are protected around them."""
    columns = INCIDENCE_COLUMNS
    if len(episodes) == 0 or stratum not in episodes.columns:
        return pd.DataFrame(columns=columns)
    fixed = None
    if release is not None and filters is not None:
        levels = sorted(episodes[stratum].unique().tolist(), key=str)
        fixed = fixed_statuses(release.episodes, filters, stratum, levels)
    try:
        table = cumulative_incidence_table(episodes, by=stratum, k=k, fixed=fixed).frame
    except DisclosureError:  # the fixed statuses cannot be kept: show no count at all
        table = cumulative_incidence_table(episodes, by=stratum, k=len(episodes) + 1).frame
    table = table.rename(columns={stratum: "level"})
    table["status"] = table["status"].astype(str)
    table["level"] = table["level"].astype(str)
    return table[columns]


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
        "hr": f"{ratio:.2f}",
        "lo": f"{lower:.2f}",
        "hi": f"{upper:.2f}",
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


def completeness_table(stored: dict[str, list[object]]) -> pd.DataFrame:
    """Shares are computed from published counts only: a share of a suppressed count is
    hidden. `stored`: (follow-up, exits) from the funnel, (lost, episodes) from the release."""
    rows = [
        (str(_("Trajectories with an exit that have a follow-up contact")), *stored["follow_up"]),
        (str(_("Exited episodes lost to follow-up")), *stored["lost"]),
    ]
    return pd.DataFrame(
        [
            {"measure": name, "numerator": num, "denominator": den, "share": _share(num, den)}
            for name, num, den in rows
        ],
        columns=["measure", "numerator", "denominator", "share"],
    ).astype({"numerator": "Int64", "denominator": "Int64"})


def _count(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)  # type: ignore[call-overload]


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
