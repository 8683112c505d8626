"""How many points of the monitor's cumulative-incidence curves does the release publish, and
why is each hidden one hidden? On the synthetic region behind `schakel demo` (3,144 persons,
seed 2024) with the publication design of ADR 0021.

A curve point is the estimate of one group (a row of an incidence table) at 3, 6, 12 or 24
months; it is drawn only when the counts behind it (the group's exit episodes and its returns
by then) are published. Prints, for the table by form of the whole region (the page's first
picture), each form's points and the status of the counts that hide a point; then per
incidence table over every published selection the share of points published, and how many
published zeros lie inside a hidden count of the release (ADR 0021, amended: none).

    .venv/bin/python benchmarks/monitor_curves.py [--persons 3144] [--seed 2024] [--smoke]
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from typing import Any

import pandas as pd
from monitor_region import region_log, region_options

from schakel.engine.disclosure import TOTAL
from schakel.engine.flow_paths import path_index
from schakel.engine.monitor import EpisodeIndex, funnel_base_from_paths, protect_release
from schakel.engine.monitor.published import STRATA, release_tables

MEASURES = ("episodes", "returns_3", "returns_6", "returns_12", "returns_24")


def form_points(release: Any, content: dict[str, Any]) -> list[str]:
    """Per form of the whole region: its points (months: shown or the hiding counts)."""
    frame = release.episodes.frame
    whole = frame[(frame["region"] == TOTAL) & (frame["cohort"] == TOTAL)]
    status = {(str(r.form), str(r.measure)): str(r.status) for r in whole.itertuples()}
    value = {(str(r.form), str(r.measure)): r.published for r in whole.itertuples()}
    lines = []
    for form in sorted({str(r["level"]) for r in content["incidence"]["form"]}):
        cells = []
        for months in (3, 6, 12, 24):
            (row,) = [
                r
                for r in content["incidence"]["form"]
                if r["level"] == form and r["horizon_months"] == months
            ]
            if row["estimate"] is not None:
                cells.append(f"{months} m shown")
                continue
            behind = [
                f"{m} {status.get((form, m), '?')}"
                + ("" if pd.isna(value.get((form, m))) else f"={value[(form, m)]}")
                for m in ("episodes", f"returns_{months}")
            ]
            cells.append(f"{months} m hidden [{', '.join(behind)}]")
        lines.append(f"  {form}: " + "; ".join(cells))
    return lines


def shares(tables: dict[str, dict[str, Any]]) -> dict[str, list[int]]:
    """Per stratum over every selection: [points shown, points]."""
    found: dict[str, list[int]] = {}
    for content in tables.values():
        for stratum, rows in content["incidence"].items():
            cell = found.setdefault(stratum, [0, 0])
            cell[0] += sum(r["estimate"] is not None for r in rows)
            cell[1] += len(rows)
    return found


def zeros_inside_hidden(release: Any) -> int:
    """Published zeros of the episode release whose wider count (a filter set to all, or
    all exit episodes of the same selection) is hidden."""
    frame = release.episodes.frame.astype({"form": str, "region": str, "cohort": str})
    frame["measure"] = frame["measure"].astype(str)
    status = {(r.form, r.region, r.cohort, r.measure): str(r.status) for r in frame.itertuples()}
    found = 0
    for r in frame.itertuples():
        if str(r.status) != "published" or r.published != 0:
            continue
        key = (r.form, r.region, r.cohort)
        wider = [(*key, "episodes")] if r.measure != "episodes" else []
        for i in range(3):
            if key[i] != TOTAL:
                wider.append((*key[:i], TOTAL, *key[i + 1 :], r.measure))
        found += any(status.get(w, "published") != "published" for w in wider)
    return found


def main() -> int:
    args = region_options(__doc__.splitlines()[0])
    log, built = region_log(args)
    index = EpisodeIndex.build(built.episodes)
    paths = path_index(log)
    began = time.perf_counter()
    release = protect_release(index.labelled, funnel_base_from_paths(paths), args.k)
    tables = release_tables(index, paths, release, args.k)
    seconds = time.perf_counter() - began
    print(
        f"synthetic region: {args.persons:,} persons, seed {args.seed}, "
        f"{len(index.labelled):,} exit episodes, k = {args.k}; release with tables "
        f"{seconds:.1f} s at load average {os.getloadavg()[0]:.2f}"
    )
    if release.episodes is None:
        print("no exit episodes")
        return 0
    statuses = Counter(release.episodes.frame["status"].astype(str))
    print("episode counts: " + ", ".join(f"{s} {n:,}" for s, n in sorted(statuses.items())))
    print(f"published zeros inside a hidden count: {zeros_inside_hidden(release)}")
    print("curve points of the table by form, whole region (hidden: the counts behind it)")
    print("\n".join(form_points(release, tables["all"])))
    print("share of curve points published per incidence table (all selections)")
    found = shares(tables)
    for stratum in STRATA:
        shown, points = found.get(stratum, [0, 0])
        print(f"  {stratum}: {shown} of {points} ({shown / max(points, 1):.0%})")
    shown = sum(v[0] for v in found.values())
    points = sum(v[1] for v in found.values())
    print(f"  all tables: {shown} of {points} ({shown / max(points, 1):.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
