"""The synthetic region the monitor benchmarks share: their common options and its event log
with the exit episodes built from it (no database)."""

from __future__ import annotations

import argparse
from typing import Any

import pandas as pd

from schakel.engine.disclosure import DEFAULT_K
from schakel.engine.synth import RegionParameters, generate_region, region_event_log
from schakel.engine.trajectories.episodes import build_episodes


def region_options(description: str) -> argparse.Namespace:
    """--persons, --seed, --k and --smoke (300 persons)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--persons", type=int, default=3_144)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--k", type=int, default=DEFAULT_K)
    parser.add_argument("--smoke", action="store_true", help="smallest size: check it runs")
    args = parser.parse_args()
    if args.smoke:
        args.persons = 300
    return args


def region_log(args: argparse.Namespace) -> tuple[pd.DataFrame, Any]:
    """The region's event log (linked returns included) and its built episodes."""
    region = generate_region(RegionParameters(seed=args.seed, persons=args.persons))
    log = region_event_log(region, linked=True)
    return log, build_episodes(log, as_of=region.parameters.end_date, timezone="UTC")
