"""Privacy-preserving record linkage: make a key, encode at the source, match, find returns."""

from __future__ import annotations

import argparse
from pathlib import Path

from schakel.cli.base import Subcommands, load_demo_secrets, setup_django


def _linkage_key(args: argparse.Namespace) -> object:
    from schakel.engine.linkage import load_key

    load_demo_secrets(create=False)
    return load_key(args.key_file, epoch=args.epoch)


def cmd_link_key(args: argparse.Namespace) -> None:
    from schakel.engine.linkage import new_key_text

    print(new_key_text())


def cmd_link_encode(args: argparse.Namespace) -> None:
    from schakel.engine.linkage import encode_file, load_schema

    key = _linkage_key(args)
    schema = load_schema(args.schema)
    report = encode_file(
        args.input,
        schema,
        args.out,
        key=key,  # type: ignore[arg-type]
        decoy_fraction=args.decoys,
        decoys_out=args.decoys_out,
        progress=lambda done, total: print(f"\rencoded {done:,} of {total:,}", end=""),
    )
    print(
        f"\n{report.records:,} records encoded ({report.decoys:,} decoys) with key {report.key_id}"
    )


def link_limits(args: argparse.Namespace) -> tuple[int, int]:
    """The memory budget (bytes) and the candidate-pair limit it allows."""
    from schakel.engine.linkage.planning import BASE_BYTES, BYTES_PER_PAIR

    budget = int(args.max_memory_gb * 2**30)
    pairs = args.max_pairs or max(0, (budget - BASE_BYTES) // BYTES_PER_PAIR)
    return budget, pairs


def cmd_link_match(args: argparse.Namespace) -> None:
    import tempfile
    import time

    from schakel.engine.linkage import CandidateOptions, MatchOptions, match_tables, read_encoded
    from schakel.engine.linkage.files import file_kind, write_frame
    from schakel.engine.linkage.planning import check_plan, plan_match
    from schakel.engine.linkage.spark_session import stop_spark_session

    started = time.perf_counter()
    file_kind(args.out)
    if args.clusters_out is not None:
        file_kind(args.clusters_out)
    left = read_encoded(args.left)
    right = None if args.right is None else read_encoded(args.right)
    candidates = CandidateOptions(max_block_pairs=args.max_block_pairs)
    budget, max_pairs = link_limits(args)
    plan = plan_match(left, right, candidates)
    print(
        f"Plan: about {plan.pairs:,} candidate pairs, about {plan.memory_bytes / 2**30:.1f} GB "
        f"(limit {max_pairs:,} pairs, {budget / 2**30:.1f} GB); {plan.skipped_blocks:,} blocks "
        f"over {args.max_block_pairs:,} pairs skipped; planned in {plan.seconds:.1f} s",
        flush=True,
    )
    check_plan(plan, max_pairs)

    def step(name: str) -> None:
        print(f"[{time.perf_counter() - started:7.1f} s] {name}", flush=True)

    names = (Path(args.left).stem, Path(args.right).stem if args.right is not None else "")
    if right is not None and names[0] == names[1]:
        names = (f"{names[0]}-left", f"{names[1]}-right")
    with tempfile.TemporaryDirectory(prefix="schakel-link-", dir=args.temp_dir) as spill:
        options = MatchOptions(
            engine=args.engine,
            candidates=candidates,
            duckdb_memory_limit=f"{max(1, budget // 2 // 2**20)}MB",
            duckdb_temp_directory=spill,
            progress=step,
        )
        try:
            result = match_tables(left, right, options, sources=names)
        finally:
            stop_spark_session()
    write_frame(result.pairs, args.out)
    if args.clusters_out is not None:
        write_frame(result.clusters, args.clusters_out)
    choice = result.threshold
    print(f"{result.linked_pairs:,} linked pairs written to {args.out}; threshold: {choice}")


def cmd_link_returns(args: argparse.Namespace) -> None:
    key = _linkage_key(args)
    setup_django()
    from schakel.web.linkage.actions import do_link_and_detect_returns

    run = do_link_and_detect_returns(key=key)  # type: ignore[arg-type]
    print(
        f"Linked {run.records:,} records into {run.persons:,} persons ({run.linked_pairs:,} "
        f"pairs) in {run.seconds:.1f} s; {run.candidates} possible returns, "
        f"{run.new_candidates} new, waiting for review by the coordinators concerned."
    )


def add_commands(sub: Subcommands) -> None:
    link = sub.add_parser("link", help="privacy-preserving record linkage")
    link_sub = link.add_subparsers(dest="link_command", required=True, metavar="COMMAND")
    link_sub.add_parser("key", help="print a new linkage key").set_defaults(func=cmd_link_key)
    encode = link_sub.add_parser("encode", help="encode an extract (at the source, with the key)")
    encode.add_argument("--input", type=Path, required=True, help="CSV or Parquet extract")
    encode.add_argument("--schema", type=Path, required=True, help="TOML or JSON schema")
    encode.add_argument("--out", type=Path, required=True, help="encoded CSV or Parquet")
    encode.add_argument("--decoys", type=float, default=0.0, help="share of decoy records")
    encode.add_argument("--decoys-out", type=Path, default=None, help="where the source keeps them")
    match = link_sub.add_parser("match", help="link encoded files (no key needed)")
    match.add_argument("--left", type=Path, required=True)
    match.add_argument("--right", type=Path, default=None, help="omit to deduplicate --left")
    match.add_argument("--out", type=Path, required=True, help="pairs CSV")
    match.add_argument("--clusters-out", type=Path, default=None, help="persons CSV")
    match.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default="duckdb",
        help="where Splink scores the pairs: DuckDB in this process (default) or Spark "
        "(needs the spark extra and Java 17+); both give the same links",
    )
    match.add_argument(
        "--max-memory-gb",
        type=float,
        default=8.0,
        help="memory budget: a job estimated above it is refused before it starts (default 8)",
    )
    match.add_argument(
        "--max-pairs", type=int, default=None, help="candidate-pair limit (else from the budget)"
    )
    match.add_argument(
        "--max-block-pairs",
        type=int,
        default=250_000,
        help="skip a blocking key that would pair more records than this (default 250,000)",
    )
    match.add_argument(
        "--temp-dir", type=Path, default=None, help="where DuckDB spills (default: system temp)"
    )
    match.set_defaults(func=cmd_link_match)
    returns = link_sub.add_parser(
        "returns", help="link this installation's records and list possible returns for review"
    )
    for command in (encode, returns):
        command.add_argument("--key-file", type=Path, default=None, help="else SCHAKEL_LINKAGE_KEY")
        command.add_argument("--epoch", default="1", help="key epoch recorded with the output")
    encode.set_defaults(func=cmd_link_encode)
    returns.set_defaults(func=cmd_link_returns)
