"""Privacy-preserving deduplication of the synthetic region, scored against its true persons.

The region generator (`schakel.engine.synth`) knows who is who. Its identity records (one per
trajectory) are encoded with a fixed benchmark key, deduplicated without names
(`match_tables(encoded, None)`), and the clusters mapped back to the records. Reported: pairwise
precision/recall/F1, B-cubed, over-merge rate, blocking pair completeness, wall time and peak
memory; return detection (`detect_returns`) on the predicted clusters against the same on the
true persons (recall, false alerts per 1,000 persons per year); all per nationality of the true
person; the missed true pairs by reason (not a candidate, below the threshold, refused by the
clustering) and by what their dates of birth were like (--missed lists them); and simulated
attacks (`linkage_synthetic_attacks`): frequency and pattern-mining re-identification of names
per field and per nationality, with and without decoys and double hashing, singling out on
combinations of encoded columns, and how far the birth years can be put in order.

    .venv/bin/python benchmarks/linkage_synthetic.py [--persons 10000] [--seed 11] [--no-attack]
        [--missed]
"""

from __future__ import annotations

import argparse

from linkage_synthetic_support import evaluate_region, print_report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=10_000, help="true persons in the region")
    parser.add_argument("--seed", type=int, default=11, help="seed of the region")
    parser.add_argument(
        "--min-group-records", type=int, default=100, help="smallest nationality group shown"
    )
    parser.add_argument("--no-attack", action="store_true", help="skip the simulated attacks")
    parser.add_argument("--missed", action="store_true", help="list every missed true pair")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument("--smoke", action="store_true", help="smallest size: check it runs")
    args = parser.parse_args()
    if args.smoke:
        args.persons, args.min_group_records = 300, 10
    evaluation = evaluate_region(
        args.persons,
        args.seed,
        min_group_records=args.min_group_records,
        attack=not args.no_attack,
        progress=not args.quiet,
    )
    print_report(evaluation, list_missed=args.missed)


if __name__ == "__main__":
    main()
