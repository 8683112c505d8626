"""Which cells does the monitor release publish, before and after the publication design of
ADR 0021, on the synthetic region (`schakel.engine.synth`, the generator behind `schakel
seed`)?

Before: every combination of form x region x cohort protected, the smallest count given up
first, a 0 hidden like any count below k. After: only the selections the pages publish (one
filter, split by one more), the headline (exit episodes, returns by 12 and 24 months of
one-filter selections) given up last, zeros published, and a noised figure (OpenDP, epsilon
1) for a hidden 12/24-month return of a form with at least 200 exit episodes.

Prints, per incidence table (stratum) over all published selections, the share of return
counts published at 12/24 and at 3/6 months (after: exact, and exact or noised); the
release's counts by status and why (primary: below k; secondary: to protect another); the
forms with at least 200 exit episodes and how their 12- and 24-month returns are published;
and the time of each release.

    .venv/bin/python benchmarks/monitor_publication.py [--persons 3144] [--seed 2024] [--smoke]
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from typing import Any

from monitor_region import region_log, region_options

from schakel.engine.flow_paths import path_index
from schakel.engine.monitor import EpisodeIndex, funnel_base_from_paths, protect_release
from schakel.engine.monitor.noised import MIN_EPISODES
from schakel.engine.monitor.published import STRATA, release_tables


def shares(tables: dict[str, dict[str, Any]]) -> dict[str, dict[str, list[int]]]:
    """Per stratum: [exact, exact or noised, cells, exact zeros] for 12/24 and 3/6 months."""
    found: dict[str, dict[str, list[int]]] = {}
    for key, content in tables.items():
        noised = {(r["level"], r["horizon_months"]) for r in content["noised"]["rows"]}
        for stratum, rows in content["incidence"].items():
            for row in rows:
                group = "12/24" if row["horizon_months"] >= 12 else "3/6"
                cell = found.setdefault(stratum, {}).setdefault(group, [0, 0, 0, 0])
                exact = row["events"] is not None
                cell[0] += exact
                noisy = stratum == "form" and (row["level"], row["horizon_months"]) in noised
                cell[1] += exact or noisy
                cell[2] += 1
                cell[3] += exact and row["events"] == 0
        del key
    return found


def headline(content: dict[str, Any], sizes: dict[str, int]) -> list[str]:
    """How each large form's 12- and 24-month returns are published in the whole region."""
    noised = {(r["level"], r["horizon_months"]) for r in content["noised"]["rows"]}
    lines = []
    for form, size in sorted(sizes.items()):
        if size < MIN_EPISODES:
            continue
        how = []
        for months in (12, 24):
            (row,) = [
                r
                for r in content["incidence"]["form"]
                if r["level"] == form and r["horizon_months"] == months
            ]
            if row["events"] is not None:
                how.append(f"{months} m exact")
            elif (form, months) in noised:
                how.append(f"{months} m noised")
            else:
                how.append(f"{months} m HIDDEN ({row['status']})")
        lines.append(f"  {form} ({size:,} exit episodes): {', '.join(how)}")
    return lines


def main() -> int:
    args = region_options(__doc__.splitlines()[0])
    log, built = region_log(args)
    index = EpisodeIndex.build(built.episodes)
    paths = path_index(log)
    funnel = funnel_base_from_paths(paths)
    sizes = {str(f): int(n) for f, n in index.labelled["form"].astype(str).value_counts().items()}
    print(
        f"synthetic region: {args.persons:,} persons, seed {args.seed}, {len(index.labelled):,} "
        f"exit episodes, k = {args.k}; load average {os.getloadavg()[0]:.2f}"
    )
    results = {}
    for name, design in (("before", False), ("after", True)):
        began = time.perf_counter()
        release = protect_release(index.labelled, funnel, args.k, design=design)
        protected = time.perf_counter() - began
        tables = release_tables(index, paths, release, args.k, epsilon=1.0 if design else None)
        total = time.perf_counter() - began
        assert release.episodes is not None
        statuses = Counter(release.episodes.frame["status"].astype(str))
        results[name] = shares(tables)
        print(
            f"{name}: protection {protected:.1f} s, release with tables {total:.1f} s; "
            f"episode counts in the release: "
            + ", ".join(f"{status} {number:,}" for status, number in sorted(statuses.items()))
        )
        print("\n".join(headline(tables["all"], sizes)))
    print("\nshare of return counts published per incidence table (all selections)")
    print(
        "stratum | 12/24 before | 12/24 after exact (of which 0) | after with noised "
        "| 3/6 before | 3/6 after (of which 0)"
    )
    for stratum in STRATA:
        before, after = results["before"].get(stratum), results["after"].get(stratum)
        if before is None or after is None:
            continue
        cells = [stratum]
        for group in ("12/24", "3/6"):
            b, a = before.get(group, [0, 0, 0, 0]), after.get(group, [0, 0, 0, 0])
            cells.append(f"{b[0] / max(b[2], 1):.0%}")
            cells.append(f"{a[0] / max(a[2], 1):.0%} ({a[3] / max(a[2], 1):.0%})")
            if group == "12/24":
                cells.append(f"{a[1] / max(a[2], 1):.0%}")
        print(" | ".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
