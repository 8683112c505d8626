"""Episodes and paths from a pandas event log as the release job reads it from the database
(text ids as Python strings), with and without `coded_ids` (each id column hashed once for
both, instead of once in `build_episodes` and again in `path_index`).

    .venv/bin/python benchmarks/monitor_log_codes.py [--sizes 300000] [--seed 1] [--smoke]

The log is `monitor_episodes.event_log` (Arrow) turned into pandas with object columns, as
`web/monitor/data.event_log` gives it. Prints, per size, the CPU seconds of build + paths on
the plain log and on the coded one (the coding included), and checks that both give the same
episodes and paths (it exits 1 if not). Each size runs in a fresh process.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from typing import Any

import pandas as pd
from monitor_episodes import AS_OF, event_log

from schakel.engine.flow_paths import path_index
from schakel.engine.trajectories.episode_input import coded_ids
from schakel.engine.trajectories.episodes import build_episodes


def _pandas_log(size: int, seed: int) -> pd.DataFrame:
    frame = event_log(size, seed).to_pandas()
    for name in ("trajectory_id", "person_id", "region", "event_type", "event_id", "supersedes"):
        frame[name] = frame[name].astype(object)  # Python strings, as the database gives them
    return frame


def _build_and_paths(log: pd.DataFrame) -> tuple[Any, Any]:
    build = build_episodes(log, as_of=AS_OF, timezone="UTC")
    return build, path_index(log, timezone="UTC")


def one_size(size: int, seed: int) -> dict[str, Any]:
    log = _pandas_log(size, seed)
    cpu = time.process_time()
    plain = _build_and_paths(log)
    plain_cpu = time.process_time() - cpu
    cpu = time.process_time()
    coded = coded_ids(log)
    code_cpu = time.process_time() - cpu
    fast = _build_and_paths(coded)
    coded_cpu = time.process_time() - cpu
    same = plain[0].episodes.equals(fast[0].episodes) and plain[1].frame().equals(fast[1].frame())
    return {
        "size": size,
        "events": len(log),
        "plain": plain_cpu,
        "code": code_cpu,
        "coded": coded_cpu,
        "same": same,
        "load": os.getloadavg(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--smoke", action="store_true", help="2,000 episodes: check it runs")
    args = parser.parse_args()
    sizes = [2_000] if args.smoke else args.sizes
    failed = False
    print("episodes | events | build + paths, plain log | coding | build + paths, coded "
          "(coding included) | same | load")  # fmt: skip
    for size in sizes:
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            row = pool.apply(one_size, (size, args.seed))
        failed |= not row["same"]
        print(
            f"{row['size']:,} | {row['events']:,} | {row['plain']:.1f} s CPU | "
            f"{row['code']:.1f} s | {row['coded']:.1f} s CPU | {row['same']} | "
            + "/".join(f"{v:.1f}" for v in row["load"])
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
