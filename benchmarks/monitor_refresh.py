"""The full monitor refresh without a database, for 100,000 and 1,000,000 synthetic episodes
(issue #15 target: the whole release at 1M in under 30 s on the 2-core machine).

The event log comes from `monitor_episodes.event_log` (numpy and Arrow, JSON payload text;
the full synthetic region of `schakel.engine.synth` takes minutes at this size). Each size
runs in a fresh process, so its peak memory is its own. Timed, in order, with the engine
functions the web pages use (`schakel.engine.monitor`, `schakel.engine.flows`):

- code, build, details, paths, prepare: `engine/monitor/log_read.read_monitor_log`, the
              job's own read of the log (`web/monitor/data.monitor_data`): `coded_ids` (id
              and type columns dictionary-encoded once), `build_episodes`, `with_details`
              (where, when and why), `path_index` of the events up to the as-of date (stages
              reached, forms of exploitation) and `EpisodeIndex.build` (strata labelled,
              persons coded). With more than one worker the paths are read on a forked
              process while this one builds the episodes and their details: "paths" is then
              the wait for them (their CPU seconds counted there);
- release:    `protect_release` as the release job calls it (`paths=`, the episodes labelled
              with their person ids, `label_episodes`): the counts of every selection (form x
              region x cohort, each one level or all; episodes, returns and losses by each
              horizon) protected together (primary, secondary, exact linear audit), the
              funnel's stages, paths and steps from the trajectories protected together
              (`engine/monitor/funnel.py`), plus the censoring model;
- tables:     the noised figures drawn (a new quarter's draw) and `release_tables`: every
              published selection (all, each form, region and cohort year) with incidence
              for the 16 strata the page offers, loss to follow-up sensitivity, hazard
              ratios, completeness and flows;
- store:      the statuses of the release's counts (ADR 0026) and its exit episodes and
              trajectories as units (Parquet, ADR 0033), which the job stores with it for
              protecting the next release.

The sum is the whole release the web job stores (its only other work is reading the log from
the database, `log_version`, and writing JSON rows). Prints one row per size: wall-clock
seconds per step, the total and its CPU seconds (all threads; on a shared machine wall time
also holds waiting for a core), the resident memory after generating the log and the peak,
and the share of published return counts at 12/24 months and at 3/6 months over all
selections and strata.

With `--consecutive` the release is protected together with the release of a month before (ADR
0026), as the job does after its first release: "previous" times reading that release's stored
exit episodes (Parquet, ADR 0033) and giving each its trajectory's person now, as
`web/monitor/stored.previous_release` does; its stored trajectories are read (and given their
persons now) in the release step, by the forked half that protects the funnel, as in the job
(`PreviousRelease.read_funnel`). The previous release itself (its units from the events up to
that day, its statuses) is computed beforehand, as its own job did. The funnel's share of the
release step is printed apart ("funnel": the same protection, with the reading of the stored
trajectories, timed once more on its own, not added to the totals). Every step prints wall
and CPU seconds as soon as it ends (to stderr, with the peak memory so far; the previous
release's own protection, done before the job, in brackets); the load average is printed
before and after, since on a shared machine the wall time holds waiting for a core.

    .venv/bin/python benchmarks/monitor_refresh.py [--sizes 100000 1000000] [--seed 1]
        [--consecutive] [--workers N] [--read-workers N] [--pandas]
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import resource
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pandas as pd
from monitor_episodes import AS_OF, event_log, max_rss_mib

from schakel.engine.disclosure import DEFAULT_K
from schakel.engine.flow_paths import path_index
from schakel.engine.monitor import (
    label_episodes,
    protect_release,
    release_tables,
)
from schakel.engine.monitor.funnel import funnel_units, protected_funnel
from schakel.engine.monitor.log_read import known_at, read_monitor_log
from schakel.engine.monitor.noised import noised_for_release
from schakel.engine.monitor.release import (
    PreviousRelease,
    episode_statuses,
    episode_units,
    protect_episodes,
)
from schakel.engine.monitor.units import persons_now, read_previous
from schakel.engine.monitor.units import to_bytes as units_to_bytes
from schakel.engine.trajectories.episodes import build_episodes

STEPS = (
    "code",
    "build",
    "details",
    "paths",
    "prepare",
    "previous",
    "release",
    "tables",
    "store",
)


def _cpu_seconds() -> float:
    """CPU seconds of this process and of its forked workers that have ended (ADR 0034)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _children_rss_mib() -> float:
    """The largest peak of a forked worker (its shared pages counted in full)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def timed(
    results: dict[str, float], step: str, work: Callable[[], Any], cpu: dict[str, float]
) -> Any:
    """Run one step and print its seconds at once (a slow step shows itself before the end)."""
    began, used = time.perf_counter(), _cpu_seconds()
    value = work()
    results[step] = time.perf_counter() - began
    cpu[step] = _cpu_seconds() - used
    print(
        f"  {step}: {results[step]:.1f} s wall ({cpu[step]:.1f} s CPU), "
        f"peak {max_rss_mib():,.0f} MiB (forked workers {_children_rss_mib():,.0f}), "
        f"load {os.getloadavg()[0]:.1f}",
        file=sys.stderr,
        flush=True,
    )
    return value


PREVIOUS_AS_OF = AS_OF - dt.timedelta(days=30)


def previous_units(table: Any, k: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """What the job rebuilds of the previous release (here: the release of a month before,
    as of AS_OF minus 30 days: fewer exits, shorter follow-up): its labelled episodes, their
    units and the funnel units of the trajectories up to that day (ADR 0026)."""
    before = build_episodes(table, as_of=PREVIOUS_AS_OF, timezone="UTC")
    labelled = label_episodes(before.episodes)
    paths = path_index(known_at(table, PREVIOUS_AS_OF), timezone="UTC")
    return labelled, episode_units(labelled), funnel_units(paths, k)


def _store(release: Any) -> int:
    """What the job stores with the release for the next one: the statuses of its counts
    (ADR 0026) and its units (ADR 0033); bytes of the units."""
    episode_statuses(release.episodes), episode_statuses(release.funnel)
    return len(units_to_bytes(release.units)) + len(units_to_bytes(release.funnel_units))


def _funnel_alone(paths: Any, k: int, previous: PreviousRelease | None) -> Any:
    """The funnel and flows protection of `protect_release`, once more on its own."""
    if previous is None:
        return protected_funnel(funnel_units(paths, k), k)
    return protected_funnel(
        funnel_units(paths, k),
        k,
        previous_units=previous.trajectories(),
        statuses=previous.funnel_statuses,
        previous_k=previous.k,
    )


def one_size(
    size: int,
    seed: int,
    k: int,
    consecutive: bool,
    workers: int | None,
    pandas: bool,
    read_workers: int | None,
) -> dict[str, Any]:
    """Generate the log, then refresh everything; seconds per step and memory."""
    print(f"{size:,} episodes:", file=sys.stderr, flush=True)
    began = time.perf_counter()
    table = event_log(size, seed)
    generated = time.perf_counter() - began
    log_rss = max_rss_mib()
    seconds: dict[str, float] = {}
    cpu: dict[str, float] = {}

    def step(name: str, work: Callable[[], Any]) -> Any:
        return timed(seconds, name, work, cpu)

    # exactly the job's read (`web/monitor/data.monitor_data`), each step timed
    log = table.to_pandas() if pandas else table  # as `web/monitor/data.event_log`: not timed
    reading = workers if read_workers is None else read_workers
    data = read_monitor_log(log, as_of=AS_OF, timezone="UTC", workers=reading, step=step)
    del log
    build, paths, prepared = data.build, data.path_index, data.episodes
    previous = None
    if consecutive:  # the job reads the previous release's units: timed as "previous"
        stored: dict[str, float] = {}  # the previous release's own work: not the job's
        labelled, units, before = timed(
            stored, "(previous job)", lambda: previous_units(table, k), {}
        )
        statuses = episode_statuses(  # stored with it
            timed(stored, "(stored episodes)", lambda: protect_episodes(labelled, k), {})
        )
        funnel_statuses = episode_statuses(  # stored with it
            timed(stored, "(stored funnel)", lambda: protected_funnel(before, k)[0], {})
        )
        saved = (units_to_bytes(units), units_to_bytes(before))
        del labelled, units, before

        def read_stored() -> PreviousRelease:  # as `web/monitor/stored.previous_release`
            persons = persons_now(paths, build.episodes)
            return read_previous(
                *saved, persons, statuses=statuses, funnel_statuses=funnel_statuses, k=k
            )

        previous = timed(seconds, "previous", read_stored, cpu)

    def protect() -> Any:  # as `web/monitor/release.monitor_release`: person ids as in units
        episodes = label_episodes(build.episodes)
        return protect_release(episodes, None, k, previous=previous, paths=paths, workers=workers)

    release = timed(seconds, "release", protect, cpu)
    funnel: dict[str, float] = {}
    funnel_cpu: dict[str, float] = {}
    timed(funnel, "(funnel again)", lambda: _funnel_alone(paths, k, previous), funnel_cpu)

    def publish() -> Any:  # as `web/monitor/stored.compute_release`: a new quarter's draw
        noised = noised_for_release(prepared.labelled, as_of=build.as_of, previous=None)
        return release_tables(prepared, paths, release, k, workers=workers, noised=noised)

    tables = timed(seconds, "tables", publish, cpu)
    timed(seconds, "store", lambda: _store(release), cpu)  # the units, for the next release
    shares = {"12/24": [0, 0], "3/6": [0, 0]}
    for content in tables.values():
        for rows in content["incidence"].values():
            for row in rows:
                share = shares["12/24" if row["horizon_months"] >= 12 else "3/6"]
                share[0] += row["events"] is not None
                share[1] += 1
    return {
        "size": size,
        "events": table.num_rows,
        "episodes": len(build.episodes),
        "paths": len(paths),
        "selections": len(tables),
        "shares": shares,
        "generated": generated,
        "seconds": seconds,
        "total": sum(seconds.values()),
        "cpu": cpu,
        "differencing": release.differencing,
        "funnel_differencing": release.funnel_differencing,
        "funnel": (funnel["(funnel again)"], funnel_cpu["(funnel again)"]),
        "load": os.getloadavg(),
        "log_rss": log_rss,
        "peak_rss": max_rss_mib(),
        "workers_rss": _children_rss_mib(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--k", type=int, default=DEFAULT_K)
    parser.add_argument("--smoke", action="store_true", help="smallest size: check it runs")
    parser.add_argument(
        "--consecutive",
        action="store_true",
        help="protect against the release of a month before (ADR 0026), as the job does",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processes for the read, release and tables (default: as the job, ADR 0034)",
    )
    parser.add_argument(
        "--read-workers",
        type=int,
        default=None,
        help="processes for reading the log alone (default: as --workers)",
    )
    parser.add_argument(
        "--pandas",
        action="store_true",
        help="read the log as the job gets it from the database: a pandas frame of Python "
        "strings (the conversion from Arrow is not timed)",
    )
    args = parser.parse_args()
    if args.smoke:
        args.sizes = [2000]
    rows = []
    print(f"load average before: {os.getloadavg()}", file=sys.stderr)
    for size in args.sizes:  # a spawned process per size: its peak memory is its own
        # not a multiprocessing.Pool: its daemonic workers may not fork the job's (ADR 0034)
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(1, mp_context=spawn) as pool:
            options = (args.consecutive, args.workers, args.pandas, args.read_workers)
            work = (size, args.seed, args.k, *options)
            rows.append(pool.submit(one_size, *work).result())
        print(f"{size:,} episodes done", file=sys.stderr)
    steps = [step for step in STEPS if step in rows[0]["seconds"]]
    print("wall s (cpu s) per step; release = release + tables (the protection and every table)")
    header = ["size", "events", *steps, "all steps", "release", "log MiB", "peak MiB"]
    header += ["worker MiB", "load"]
    print(" | ".join(header))
    for row in rows:
        wall, cpu = row["seconds"], row["cpu"]
        cells = [f"{row['size']:,}", f"{row['events'] / 1e6:.1f} M"]
        cells += [f"{wall[step]:.1f} ({cpu[step]:.1f})" for step in steps]
        cells += [f"{row['total']:.1f} ({sum(cpu.values()):.1f})"]
        job = [step for step in ("previous", "release", "tables", "store") if step in wall]
        cells += [f"{sum(wall[s] for s in job):.1f} ({sum(cpu[s] for s in job):.1f})"]
        cells += [f"{row['log_rss']:,.0f}", f"{row['peak_rss']:,.0f}"]
        cells += [f"{row['workers_rss']:,.0f}"]
        cells += ["/".join(f"{value:.1f}" for value in row["load"])]
        print(" | ".join(cells))
    for row in rows:
        print(
            f"{row['size']:,}: differencing {row['differencing']}, funnel "
            f"{row['funnel_differencing']}; funnel and flows protection (part of release) "
            f"{row['funnel'][0]:.1f} s wall ({row['funnel'][1]:.1f} s CPU)"
        )
        print(
            f"{row['size']:,}: {row['episodes']:,} exited episodes, {row['paths']:,} paths, "
            f"{row['selections']} selections; log generated in {row['generated']:.1f} s; "
            + "; ".join(
                f"returns at {h} months published in {a:,} of {b:,} cells ({a / max(b, 1):.0%})"
                for h, (a, b) in row["shares"].items()
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
