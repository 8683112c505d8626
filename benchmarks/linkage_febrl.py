"""Privacy-preserving linkage on FEBRL4 (no social security number), side by side with Splink
on clear text. With --hard, on a victim-like corruption of FEBRL4 (transliteration, Cyrillic,
swapped names, surname change, missing, estimated and transposed dates of birth, moves, shelter
addresses; `schakel.engine.linkage.corrupt`).

    .venv/bin/python benchmarks/linkage_febrl.py [--hard] [--seed 7] [--no-baseline]

Metrics: pairwise precision/recall/F1 of linked (same-cluster) pairs; B-cubed precision and
recall and the over-merge rate of the clusters; pair completeness (PC) and reduction ratio (RR)
of the candidate pairs; encode rate; single-core all-pairs Dice rate; wall time; peak memory.
"""

from __future__ import annotations

import argparse

from linkage_common import in_fresh_process, print_table, run_clear_splink, run_pprl

from schakel.engine.linkage.corrupt import victimise
from schakel.engine.linkage.febrl import load_febrl4
from schakel.engine.linkage.match import MatchOptions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hard", action="store_true", help="victim-like corruption of FEBRL4")
    parser.add_argument("--seed", type=int, default=7, help="seed of the corruption")
    parser.add_argument("--no-baseline", action="store_true", help="skip clear-text Splink")
    parser.add_argument("--smoke", action="store_true", help="300 persons: check it runs")
    args = parser.parse_args()
    left, right = load_febrl4(rows=300, seed=1) if args.smoke else load_febrl4()
    title = f"FEBRL4, {len(left):,} x {len(right):,} records, {len(left):,} true pairs"
    if args.hard:
        left, right = victimise(left, right, seed=args.seed)
        title = (
            f"FEBRL4 with victim-like corruption (seed {args.seed}), "
            f"{len(left):,} x {len(right):,} records"
        )
    options = MatchOptions()
    rows = [in_fresh_process(run_pprl, left, right, options)]
    if not args.no_baseline:
        rows.append(in_fresh_process(run_clear_splink, left, right, options))
    print_table(title, rows)


if __name__ == "__main__":
    main()
