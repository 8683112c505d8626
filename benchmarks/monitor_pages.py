"""Time the monitor overview on a seeded database: first computation and a filter change.

    .venv/bin/python benchmarks/monitor_pages.py [--persons 20000] [--repeat 5] [--data-dir DIR]

Seeds a synthetic region into a temporary SQLite database (as coordinator_pages.py does; with
--data-dir the database is kept in DIR and reused, seeded only when it has no events), then
times `compute_monitor` (everything the overview shows: funnel, cumulative incidence, loss
to follow-up sensitivity, hazard ratios, completeness, flows). 120,000 persons give about
97,000 exited episodes.

(a) first computation: the event log is read and episodes and paths are built (cache
    cleared before each sample);
(b) filter change: episodes and paths come from the cache; the filtered tables are
    recomputed (a different form/region each sample).

Prints the episode count and median seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

KEY = "Zm9yLXRlc3RzLW9ubHktMzItYnl0ZXMtbG9uZy1rZXk="


def configure(folder: str) -> None:
    os.environ["SCHAKEL_DATA_DIR"] = folder
    os.environ.setdefault("SCHAKEL_SECRET_KEY", "benchmark-" + "x" * 40)
    os.environ.setdefault("SCHAKEL_ENCRYPTION_KEYS", KEY)
    os.environ.setdefault("SCHAKEL_SEARCH_KEY", "benchmark-search-key")
    os.environ["SCHAKEL_ALLOWED_HOSTS"] = "testserver"
    Path(folder, "static").mkdir(exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "schakel.web.settings"
    import django

    django.setup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--data-dir", help="keep the seeded database here and reuse it")
    parser.add_argument("--smoke", action="store_true", help="smallest size: check it runs")
    args = parser.parse_args()
    if args.smoke:
        args.persons, args.repeat = 300, 1
    if args.data_dir:
        Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    place = (
        contextlib.nullcontext(args.data_dir) if args.data_dir else tempfile.TemporaryDirectory()
    )
    with place as folder:
        configure(folder)
        from django.core.management import call_command

        from schakel.web.demo.actions import do_seed_region
        from schakel.web.demo.seeding import seed_parameters
        from schakel.web.monitor import data
        from schakel.web.monitor.tables import compute_monitor
        from schakel.web.trajectories.models import Trajectory, TrajectoryEvent

        call_command("migrate", verbosity=0)
        seeded = 0.0
        if not TrajectoryEvent.objects.exists():
            started = time.perf_counter()
            do_seed_region(seed_parameters(persons=args.persons))
            seeded = time.perf_counter() - started
        events = TrajectoryEvent.objects.count()
        filters = [
            data.Filters(form="labour"),
            data.Filters(region="rotterdam"),
            data.Filters(form="sexual", cohort=2023),
            data.Filters(),
        ]
        first = []
        for _ in range(args.repeat):
            data.clear_cache()
            started = time.perf_counter()
            monitor = compute_monitor(data.Filters())
            first.append(time.perf_counter() - started)
        build = data.monitor_data().build
        change = []
        for i in range(args.repeat * 2):
            started = time.perf_counter()
            compute_monitor(filters[i % len(filters)], stratum="placement")
            change.append(time.perf_counter() - started)
        print(
            f"trajectories {Trajectory.objects.count()}, events {events}, "
            f"episodes {len(build.episodes)} (open {build.quality.open_episodes}), "
            f"paths {len(data.monitor_data().paths)}; seeding {seeded:.0f} s"
        )
        print(f"flows published: {len(monitor.flows.variants)} rows")
        print(f"(a) first overview computation: median {statistics.median(first):.2f} s")
        print(f"(b) filter change (cached):      median {statistics.median(change):.2f} s")
        print(
            f"    samples (a) {[round(s, 1) for s in first]}, (b) {[round(s, 2) for s in change]}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
