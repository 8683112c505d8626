"""CTDC-compatible aggregate release: one record per victim, counts by year x broad age with
every margin, protected together by the engine's `suppress` (docs/monitor-pages.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from schakel.engine.disclosure import DEFAULT_K, Quantities, Status, check_k, suppress
from schakel.engine.trajectories import effective_mask
from schakel.engine.trajectories.events import EventType

CTDC_FILE = "ctdc_counts.csv"
CTDC_COLUMNS = ["yearOfRegistration", "ageBroad", "variable", "count", "status"]
ALL = "All"
CTDC_EXPLOITATION = {
    # CTDC field: (our forms, our HTCDS exploitation types) that set it
    "isForcedLabour": ({"labour"}, {"forced_labour", "child_labour", "servitude"}),
    "isSexualExploit": ({"sexual"}, {"sexual_exploitation"}),
    "isForcedMarriage": (set(), {"forced_marriage"}),
    "isForcedMilitary": (set(), {"forced_military_service"}),
    "isOrganRemoval": ({"organ_removal"}, {"organ_removal"}),
    "isOtherExploit": (
        {"criminal"},
        {"forced_begging", "forced_criminality", "forced_adoption", "surrogacy", "other"},
    ),
}
CTDC_RECRUITER = {
    "familial": "recruiterRelationFamily",
    "intimate_partner": "recruiterRelationIntimatePartner",
    "acquainted": "recruiterRelationFriend",
    "unacquainted": "recruiterRelationOther",
}


def _camel(value: str) -> str:
    return "".join(part.capitalize() for part in value.split("_"))


def ctdc_variables() -> list[str]:
    from schakel.engine.vocabulary import ControlMethod

    return [
        "victims",
        *CTDC_EXPLOITATION,
        *(f"meansOfControl{_camel(m.value)}" for m in ControlMethod),
        *CTDC_RECRUITER.values(),
        "recruiterRelationUnknown",
    ]


def ctdc_records(log: pd.DataFrame, *, timezone: str = "Europe/Amsterdam") -> pd.DataFrame:
    """One record per person (victim) with at least one effective exploitation episode.

    Year: year of the first such episode's registration (its event date). Age: the minor flag
    of the latest signal in that trajectory ("Minor", "Adult", or "Unknown"). Flags (0/1):
    over all effective exploitation episodes of that trajectory. Identity (gender,
    citizenship) is encrypted and never read here.
    """
    variables = ctdc_variables()
    columns = ["person_id", "yearOfRegistration", "ageBroad", *variables[1:]]
    if len(log) == 0:
        return pd.DataFrame(columns=columns)
    kept = log[effective_mask(log)]
    kept = kept.assign(local=kept["occurred_at"].dt.tz_convert(timezone))
    episodes = kept[kept["event_type"] == EventType.EXPLOITATION_EPISODE.value]
    if len(episodes) == 0:
        return pd.DataFrame(columns=columns)
    first = episodes.sort_values("local", kind="stable").drop_duplicates("person_id")
    chosen = dict(zip(first["person_id"], first["trajectory_id"], strict=True))
    years = dict(zip(first["person_id"], first["local"].dt.year, strict=True))
    signals = kept[
        (kept["event_type"] == EventType.SIGNAL.value)
        & (kept["trajectory_id"].isin(set(chosen.values())))
    ].sort_values("local", kind="stable")
    minor: dict[object, object] = {}
    for trajectory, payload in zip(signals["trajectory_id"], signals["payload"], strict=True):
        flag = payload.get("minor") if isinstance(payload, dict) else None
        if flag is not None:
            minor[trajectory] = flag  # the latest signal with a flag wins
    mine = episodes[episodes["trajectory_id"].isin(set(chosen.values()))]
    flags: dict[object, set[str]] = {}
    for trajectory, payload in zip(mine["trajectory_id"], mine["payload"], strict=True):
        found = flags.setdefault(trajectory, set())
        payload = payload if isinstance(payload, dict) else {}
        form, htcds = payload.get("form"), payload.get("htcds_type")
        for name, (forms, types) in CTDC_EXPLOITATION.items():
            if form in forms or htcds in types:
                found.add(name)
        for method in payload.get("control_methods") or []:
            found.add(f"meansOfControl{_camel(str(method))}")
        relation = payload.get("trafficker_relation")
        found.add(CTDC_RECRUITER.get(str(relation), "recruiterRelationUnknown"))
    for found in flags.values():
        if len(found & {*CTDC_RECRUITER.values()}) and "recruiterRelationUnknown" in found:
            found.discard("recruiterRelationUnknown")  # a known relation in another episode
    rows = []
    for person, trajectory in chosen.items():
        age = minor.get(trajectory)
        found = flags.get(trajectory, set())
        rows.append(
            [
                person,
                int(years[person]),
                "Unknown" if age is None else ("Minor" if age else "Adult"),
                *(int(v in found) for v in variables[1:]),
            ]
        )
    return pd.DataFrame(rows, columns=columns)


def ctdc_table(records: pd.DataFrame, *, k: int = DEFAULT_K) -> pd.DataFrame:
    """Counts of victims (and of each flag) by year x broad age, with all margins, protected
    together by the engine's `suppress` (primary below k, secondary with the linear audit
    over the shared base cells, so no suppressed count follows from the published ones).
    """
    check_k(k)
    variables = ctdc_variables()
    if len(records) == 0:
        return pd.DataFrame(columns=CTDC_COLUMNS)
    flags = records[variables[1:]].to_numpy(dtype=np.int8)
    keys = pd.DataFrame(
        {"year": records["yearOfRegistration"].astype(str), "age": records["ageBroad"]}
    )
    for i, name in enumerate(variables[1:]):
        keys[name] = flags[:, i]
    grouped = keys.astype(str).groupby(list(keys.columns), sort=True).size().reset_index()
    base = grouped[list(keys.columns)].to_numpy(dtype=object)
    base_counts = grouped[0].to_numpy(dtype=np.int64)
    years = sorted(set(keys["year"]))
    # Levels that occur (an "Unknown" age level nobody has says nothing about anyone).
    ages = [a for a in ("Minor", "Adult", "Unknown") if a in set(keys["age"])]
    # An empty group still needs a base cell (with count 0) so that the suppression sees it
    # inside its margins: a zero is below k like any small count.
    seen = {(y, a, v) for y, a, *f in base.tolist() for v in ["victims", *_set(f, variables)]}
    phantoms = []
    for year in years:
        for age in ages:
            for v, variable in enumerate(variables):
                if (year, age, variable) not in seen:
                    row = [year, age, *["0"] * (len(variables) - 1)]
                    if v:
                        row[v + 1] = "1"
                    phantoms.append(row)
    if phantoms:
        base = np.vstack([base, np.array(phantoms, dtype=object)])
        base_counts = np.concatenate([base_counts, np.zeros(len(phantoms), dtype=np.int64)])
    base_year, base_age = base[:, 0], base[:, 1]
    base_flags = base[:, 2:].astype(np.int8)
    rows: list[list[object]] = []
    members: list[np.ndarray] = []
    tables: list[int] = []
    for v, variable in enumerate(variables):
        has = np.ones(len(base), dtype=bool) if v == 0 else base_flags[:, v - 1] == 1
        for t, (year_levels, age_levels) in enumerate(
            ((years, ages), (years, [ALL]), ([ALL], ages), ([ALL], [ALL]))
        ):
            for year in year_levels:
                for age in age_levels:
                    mask = has.copy()
                    if year != ALL:
                        mask &= base_year == year
                    if age != ALL:
                        mask &= base_age == age
                    inside = np.flatnonzero(mask).astype(np.int64)
                    rows.append([year, age, variable, int(base_counts[inside].sum())])
                    members.append(inside)
                    tables.append(v * 4 + t)
    values = np.array([r[3] for r in rows], dtype=np.int64)
    status = np.full(len(rows), int(Status.PRIMARY), dtype=np.int8)  # empty cells: 0 < k
    usable = [i for i, m in enumerate(members) if m.size]
    if usable:
        result = suppress(
            Quantities(
                values=values[usable],
                members=tuple(members[i] for i in usable),
                table=np.array([tables[i] for i in usable]),
                base_cells=len(base),
            ),
            k=k,
        )
        status[usable] = result.status
    frame = pd.DataFrame(rows, columns=["yearOfRegistration", "ageBroad", "variable", "count"])
    published = status == Status.PUBLISHED
    frame["count"] = pd.array(np.where(published, values, 0), dtype="Int64")
    frame.loc[~published, "count"] = pd.NA
    frame["status"] = [Status(int(s)).name.lower() for s in status]
    return frame[CTDC_COLUMNS]


def _set(flags: list[str], variables: list[str]) -> list[str]:
    return [variables[i + 1] for i, value in enumerate(flags) if value == "1"]
