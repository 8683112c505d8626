"""Cost of the funnel and flows protection (`engine/monitor/funnel.py`, ADR 0026) on the
synthetic region: the old protection (counted base cells, stages only), the new one alone
(stages, paths and steps from the trajectories) and the new one with the previous release
(the same region 30 days earlier). Prints wall and CPU seconds (all threads) and the load.

    .venv/bin/python benchmarks/monitor_funnel_cost.py [--persons 3144] [--smoke]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

from schakel.engine.flow_paths import path_index
from schakel.engine.monitor import funnel_base_from_paths
from schakel.engine.monitor.funnel import funnel_units, protected_funnel
from schakel.engine.monitor.release import episode_statuses, protect_funnel_selections
from schakel.engine.synth import RegionParameters, generate_region, region_event_log


def timed(name: str, work: Callable[[], Any]) -> Any:
    wall, cpu = time.perf_counter(), time.process_time()
    value = work()
    print(
        f"{name}: wall {time.perf_counter() - wall:.1f} s, cpu {time.process_time() - cpu:.1f} s"
        f", load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=3144)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--smoke", action="store_true", help="300 persons: check it runs")
    args = parser.parse_args()
    persons, k = (300 if args.smoke else args.persons), args.k
    warnings.simplefilter("ignore")
    region = generate_region(RegionParameters(seed=2024, persons=persons))
    log = region_event_log(region, linked=True)
    end = region.parameters.end_date
    paths = path_index(log)
    before_log = log[log["occurred_at"].dt.date <= end - dt.timedelta(days=30)]
    protect_funnel_selections(funnel_base_from_paths(paths).head(20), k)  # imports
    print(f"{persons:,} persons, {len(paths):,} trajectories, load {os.getloadavg()[0]:.1f}")
    timed("old funnel (counted, stages)", lambda: protect_funnel_selections(
        funnel_base_from_paths(paths), k))  # fmt: skip
    units = timed("funnel_units", lambda: funnel_units(paths, k))
    print(f"measures {len(units.columns) - 5}")
    timed("new funnel alone", lambda: protected_funnel(units, k))
    before_units = funnel_units(path_index(before_log), k)
    previous, _ = protected_funnel(before_units, k)
    _, how = timed(
        "new funnel with previous (30 days before)",
        lambda: protected_funnel(
            units, k, previous_units=before_units, statuses=episode_statuses(previous),
            previous_k=k,
        ),
    )  # fmt: skip
    print(f"with previous: {how}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
