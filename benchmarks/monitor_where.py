"""How much of the "where, when and why" tables does the release publish, with and without
pooling small levels, on the synthetic region (the generator behind `schakel demo`)?

For each dimension (`schakel.engine.monitor.breakdowns`): the rows of the national table, the
share of its count cells (exit episodes, returns within 12 months) published, the share of
its rows with an estimate shown, and the same for the tables per form together; once with
small levels pooled before protection (the release) and once with every level on its own.
Also the time to read the details from the event log and to protect all breakdowns.

    .venv/bin/python benchmarks/monitor_where.py [--persons 3144] [--seed 2024] [--smoke]
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from monitor_region import region_log, region_options

from schakel.engine.monitor import EpisodeIndex, Filters
from schakel.engine.monitor.breakdown_rows import breakdown_tables
from schakel.engine.monitor.breakdowns import DIMENSION_NAMES, protect_breakdowns
from schakel.engine.monitor.details import with_details
from schakel.engine.monitor.release import protect_episodes
from schakel.engine.vocabulary import ExploitationForm


def summary(rows: list[dict[str, Any]]) -> tuple[int, int, int, int]:
    """(published count cells, count cells, rows with an estimate, rows) without the total."""
    cells = shown = estimates = 0
    for row in rows[:-1]:
        for name in ("episodes", "returns"):
            if row[f"{name}_status"] is not None:
                cells += 1
                shown += row[name] is not None
        estimates += row["estimate"] is not None
    return shown, cells, estimates, len(rows) - 1


def percent(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "-"


def main() -> int:
    args = region_options(__doc__.splitlines()[0])
    log, built = region_log(args)
    began = time.perf_counter()
    episodes = with_details(built.episodes, log, timezone="UTC")
    details = time.perf_counter() - began
    index = EpisodeIndex.build(episodes)
    main_release = protect_episodes(index.labelled, args.k)
    print(
        f"synthetic region: {args.persons:,} persons, seed {args.seed}, {len(episodes):,} exit "
        f"episodes, k = {args.k}; load average {os.getloadavg()[0]:.2f}; details read in "
        f"{details:.2f} s"
    )
    forms = [f.value for f in ExploitationForm]
    results = {}
    for name, pooling in (("pooled", True), ("unpooled", False)):
        began = time.perf_counter()
        breakdowns = protect_breakdowns(index.labelled, main_release, args.k, pooling=pooling)
        protected = time.perf_counter() - began
        national = breakdown_tables(index.select(Filters()), breakdowns, None)
        per_form = [breakdown_tables(index.select(Filters(form=f)), breakdowns, f) for f in forms]
        results[name] = (national, per_form)
        print(f"{name}: all breakdowns protected in {protected:.2f} s")
    print(
        "\ndimension | rows pooled (unpooled) | national counts published pooled (unpooled) | "
        "national estimates shown pooled (unpooled) | per-form counts published pooled "
        "(unpooled)"
    )
    totals = {"pooled": [0, 0], "unpooled": [0, 0]}
    for dimension in DIMENSION_NAMES:
        cells = [dimension]
        found = {}
        for name in ("pooled", "unpooled"):
            national, per_form = results[name]
            if dimension not in national:
                break
            found[name] = summary(national[dimension]["rows"])
            forms_sum = [summary(t[dimension]["rows"]) for t in per_form]
            found[name + "_forms"] = (sum(s[0] for s in forms_sum), sum(s[1] for s in forms_sum))
            totals[name][0] += found[name][0] + found[name + "_forms"][0]
            totals[name][1] += found[name][1] + found[name + "_forms"][1]
        if len(found) < 4:
            continue
        p, u = found["pooled"], found["unpooled"]
        pf, uf = found["pooled_forms"], found["unpooled_forms"]
        cells.append(f"{p[3]} ({u[3]})")
        cells.append(f"{percent(p[0], p[1])} ({percent(u[0], u[1])})")
        cells.append(f"{percent(p[2], p[3])} ({percent(u[2], u[3])})")
        cells.append(f"{percent(pf[0], pf[1])} ({percent(uf[0], uf[1])})")
        print(" | ".join(cells))
    print(
        "all count cells (national and per form): pooled "
        f"{percent(*totals['pooled'])} of {totals['pooled'][1]}, unpooled "
        f"{percent(*totals['unpooled'])} of {totals['unpooled'][1]}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
