"""Time and peak memory of generating a synthetic region (default: 10,000 persons).

    .venv/bin/python benchmarks/synth_generate.py [persons ...] [--smoke]

Years are chosen so the yearly volume stays Dutch-sized (about 1,050 first signals a year),
up to 20 years; larger regions are denser.
Memory is shown twice: the process's maximum resident set size after the timed run, and the
tracemalloc peak of a second, untimed run (Python allocations only; tracing slows it down).
RSS is cumulative, so with several sizes give them in increasing order.
"""

from __future__ import annotations

import resource
import sys
import time
import tracemalloc
from dataclasses import dataclass

from schakel.engine.synth import RegionParameters, generate_region
from schakel.engine.synth.params import REGISTRATIONS_PER_YEAR

DEFAULT_SIZES = (10_000,)
MAX_YEARS = 20


@dataclass(frozen=True)
class Measurement:
    persons: int
    years: int
    trajectories: int
    events: int
    exits: int
    seconds: float
    rss_mib: float
    traced_peak_mib: float


def measure(persons: int) -> Measurement:
    """One timed run, then one traced run; RSS is read between them (it only grows)."""
    years = min(MAX_YEARS, max(1, round(persons / REGISTRATIONS_PER_YEAR)))
    params = RegionParameters(seed=1, persons=persons, years=years)
    started = time.perf_counter()
    region = generate_region(params)
    seconds = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    events = sum(len(t.events) for t in region.trajectories)
    counts = (len(region.trajectories), events, len(region.episodes))
    del region
    tracemalloc.start()
    generate_region(params)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return Measurement(persons, years, *counts, seconds, rss, peak / 2**20)


def main(argv: list[str]) -> int:
    smoke = "--smoke" in argv  # 200 persons: checks that it runs
    sizes = tuple(int(arg) for arg in argv if arg != "--smoke") or DEFAULT_SIZES
    sizes = (200,) if smoke else sizes
    print(
        f"{'persons':>9} {'years':>5} {'trajectories':>12} {'events':>9} {'exits':>7} "
        f"{'seconds':>8} {'events/s':>9} {'max RSS MiB':>11} {'traced MiB':>10}"
    )
    for persons in sizes:
        m = measure(persons)
        print(
            f"{m.persons:>9,} {m.years:>5} {m.trajectories:>12,} {m.events:>9,} {m.exits:>7,} "
            f"{m.seconds:>8.2f} {m.events / m.seconds:>9,.0f} {m.rss_mib:>11.0f} "
            f"{m.traced_peak_mib:>10.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
