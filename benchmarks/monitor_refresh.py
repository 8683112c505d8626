"""The full monitor refresh without a database, for 100,000 and 1,000,000 synthetic episodes
(target: 1M in under 60 s on the 2-core machine).

The event log comes from `monitor_episodes.event_log` (numpy and Arrow, JSON payload text;
the full synthetic region of `schakel.engine.synth` takes minutes at this size). Each size
runs in a fresh process, so its peak memory is its own. Timed, in order, with the engine
functions the web pages use (`schakel.engine.monitor`, `schakel.engine.flows`):

- build:      `build_episodes` on the Arrow log;
- paths:      `path_index` (every trajectory's path, stages reached, forms of exploitation);
- prepare:    `EpisodeIndex.build` (strata labelled, persons coded: once per data version);
- incidence:  cumulative incidence of return at 3/6/12/24 months with intervals, protected,
              for every stratum the page offers (form, placement, region, cohort, age group,
              each intervention received or not): 16 tables;
- hazards:    cause-specific Cox for return on the interventions, Lin-Wei variance by person;
- funnel:     funnel cells from the paths, suppression with the linear audit; lost to
              follow-up protected with a threshold on persons (the completeness counts);
- flows:      k-protected paths and steps.

Then `filter change`: the median of `monitor_tables` (all tables of one selection) over a few
selections. Prints one row per size: wall-clock seconds per step, the refresh's total and its
CPU seconds (all threads; on a shared machine wall time also holds waiting for a core), the
resident memory after generating the log and the peak.

    .venv/bin/python benchmarks/monitor_refresh.py [--sizes 100000 1000000] [--seed 1]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from monitor_episodes import AS_OF, event_log, max_rss_mib

from schakel.engine.disclosure import DEFAULT_K
from schakel.engine.flow_paths import path_index
from schakel.engine.flows import flow_tables_for
from schakel.engine.monitor import (
    EpisodeIndex,
    Filters,
    fit_hazards,
    funnel_cells_from_paths,
    incidence_levels,
    lost_to_follow_up,
    monitor_tables,
    protect_funnel,
)
from schakel.engine.monitor.tables import INTERVENTIONS
from schakel.engine.trajectories.episodes import build_episodes

STRATA = ("form", "placement", "region", "cohort", "age_group", *INTERVENTIONS)
STEPS = ("build", "paths", "prepare", "incidence", "hazards", "funnel", "flows")
SELECTIONS = (
    Filters(form="labour"),
    Filters(region="rotterdam"),
    Filters(form="sexual", cohort=2023),
    Filters(region="limburg", cohort=2022),
)


def timed(results: dict[str, float], step: str, work: Callable[[], Any]) -> Any:
    began = time.perf_counter()
    value = work()
    results[step] = time.perf_counter() - began
    return value


def one_size(size: int, seed: int, k: int) -> dict[str, Any]:
    """Generate the log, then refresh everything; seconds per step and memory."""
    began = time.perf_counter()
    table = event_log(size, seed)
    generated = time.perf_counter() - began
    log_rss = max_rss_mib()
    seconds: dict[str, float] = {}
    cpu = time.process_time()
    build = timed(seconds, "build", lambda: build_episodes(table, as_of=AS_OF, timezone="UTC"))
    paths = timed(seconds, "paths", lambda: path_index(table, timezone="UTC"))
    prepared = timed(seconds, "prepare", lambda: EpisodeIndex.build(build.episodes))
    everyone = prepared.select(Filters())
    timed(seconds, "incidence", lambda: [incidence_levels(everyone, s, k) for s in STRATA])
    hazards = timed(seconds, "hazards", lambda: fit_hazards(everyone, k))
    timed(
        seconds,
        "funnel",
        lambda: (protect_funnel(funnel_cells_from_paths(paths), k), lost_to_follow_up(everyone, k)),
    )
    timed(seconds, "flows", lambda: flow_tables_for(paths, None, k=k, top=15))
    cpu = time.process_time() - cpu
    changes = []
    for filters in SELECTIONS:
        start = time.perf_counter()
        monitor_tables(prepared, paths, filters, stratum="placement", k=k)
        changes.append(time.perf_counter() - start)
    return {
        "size": size,
        "events": table.num_rows,
        "episodes": len(build.episodes),
        "paths": len(paths),
        "covariates": len(hazards.covariates),
        "generated": generated,
        "seconds": seconds,
        "total": sum(seconds.values()),
        "cpu": cpu,
        "filter_change": statistics.median(changes),
        "log_rss": log_rss,
        "peak_rss": max_rss_mib(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--k", type=int, default=DEFAULT_K)
    parser.add_argument("--smoke", action="store_true", help="smallest size: check it runs")
    args = parser.parse_args()
    if args.smoke:
        args.sizes = [2000]
    rows = []
    for size in args.sizes:  # a spawned process per size: its peak memory is its own
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            rows.append(pool.apply(one_size, (size, args.seed, args.k)))
        print(f"{size:,} episodes done", file=sys.stderr)
    header = ["size", "events", *STEPS, "refresh s", "cpu s", "filter s", "log MiB", "peak MiB"]
    print(" | ".join(header))
    for row in rows:
        cells = [f"{row['size']:,}", f"{row['events'] / 1e6:.1f} M"]
        cells += [f"{row['seconds'][step]:.1f}" for step in STEPS]
        cells += [f"{row['total']:.1f}", f"{row['cpu']:.1f}", f"{row['filter_change']:.2f}"]
        cells += [f"{row['log_rss']:,.0f}", f"{row['peak_rss']:,.0f}"]
        print(" | ".join(cells))
    for row in rows:
        print(
            f"{row['size']:,}: {row['episodes']:,} exited episodes, {row['paths']:,} paths, "
            f"{row['covariates']} Cox covariates; log generated in {row['generated']:.1f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
