"""The whole release (protection and every table) at one size, written as JSON so that two
versions of the code can be compared cell by cell, optionally under cProfile (CPU time).

Writes `release_tables` (every published selection, every table) and the statuses of the
protected counts to OUT; with `--compare A B` prints the cells where two such files differ
(every value exactly: the tables hold hazard ratios already rounded to the two decimals
the pages publish) and exits 1 if any does. With `--consecutive` the release is protected
together with the release of a month before and the funnel and flows from the paths, as
`monitor_refresh.py --consecutive` and the release job do (ADR 0026).

    .venv/bin/python benchmarks/monitor_identical.py [--size 100000] [--seed 1] [--smoke]
        [--consecutive] [--profile FILE] --out FILE
    .venv/bin/python benchmarks/monitor_identical.py --compare A.json B.json
"""

from __future__ import annotations

import argparse
import cProfile
import json
import sys
import time
from typing import Any

from monitor_episodes import AS_OF, event_log
from monitor_refresh import previous_units

from schakel.engine.disclosure import DEFAULT_K
from schakel.engine.flow_paths import path_index
from schakel.engine.monitor import (
    EpisodeIndex,
    funnel_base_from_paths,
    label_episodes,
    protect_release,
    release_tables,
)
from schakel.engine.monitor.funnel import protected_funnel
from schakel.engine.monitor.release import PreviousRelease, episode_statuses, protect_episodes
from schakel.engine.trajectories.episodes import build_episodes


def compute(
    size: int, seed: int, k: int, profile: str | None, consecutive: bool = False
) -> dict[str, Any]:
    table = event_log(size, seed)
    build = build_episodes(table, as_of=AS_OF, timezone="UTC")
    paths = path_index(table, timezone="UTC")
    prepared = EpisodeIndex.build(build.episodes)
    funnel = funnel_base_from_paths(paths)
    previous = None
    if consecutive:  # the release of a month before, as monitor_refresh.py --consecutive
        labelled, units, before = previous_units(table, k)
        statuses = episode_statuses(protect_episodes(labelled, k))
        funnel_statuses = episode_statuses(protected_funnel(before, k)[0])
        previous = PreviousRelease(units, statuses, k, before, funnel_statuses)
    profiler = cProfile.Profile(time.process_time) if profile else None  # CPU seconds
    began, used = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    if previous is None:
        release = protect_release(label_episodes(build.episodes), funnel, k)
    else:
        release = protect_release(
            label_episodes(build.episodes), None, k, previous=previous, paths=paths
        )
    middle = time.process_time()
    tables = release_tables(prepared, paths, release, k)
    if profiler and profile:
        profiler.disable()
        profiler.dump_stats(profile)
    print(
        f"release {middle - used:.1f} s CPU, tables {time.process_time() - middle:.1f} s CPU, "
        f"wall {time.perf_counter() - began:.1f} s",
        file=sys.stderr,
    )
    statuses = {
        name: None if part is None else part.frame.astype(str).to_numpy().tolist()
        for name, part in (("episodes", release.episodes), ("funnel", release.funnel))
    }
    return {
        "tables": tables,
        "statuses": statuses,
        "differencing": release.differencing,
        "funnel_differencing": release.funnel_differencing,
    }


def differences(a: Any, b: Any, path: str, found: list[str]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            if key not in a or key not in b:
                found.append(f"{path}/{key}: only in {'B' if key not in a else 'A'}")
            else:
                differences(a[key], b[key], f"{path}/{key}", found)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            found.append(f"{path}: {len(a)} against {len(b)} items")
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            differences(x, y, f"{path}[{i}]", found)
    elif a != b and not (a != a and b != b):  # NaN equals NaN here
        found.append(f"{path}: {a!r} against {b!r}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--k", type=int, default=DEFAULT_K)
    parser.add_argument("--smoke", action="store_true", help="2,000 episodes: check it runs")
    parser.add_argument("--consecutive", action="store_true", help="after a previous release")
    parser.add_argument("--profile")
    parser.add_argument("--out")
    parser.add_argument("--compare", nargs=2)
    args = parser.parse_args()
    if args.compare:
        loaded = []
        for name in args.compare:
            with open(name, encoding="utf-8") as file:
                loaded.append(json.load(file))
        found: list[str] = []
        differences(loaded[0], loaded[1], "", found)
        print("\n".join(found[:50]) or "identical")
        print(f"{len(found)} differing cells", file=sys.stderr)
        return 1 if found else 0
    size = 2000 if args.smoke else args.size
    result = compute(size, args.seed, args.k, args.profile, args.consecutive)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as file:
            json.dump(result, file, sort_keys=True, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
