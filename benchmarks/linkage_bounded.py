"""Bounded linkage: how fast `schakel link match` plans (and refuses) a job too big for its
memory budget, on records with little name diversity (the case that grew to 22.7 GB).

    .venv/bin/python benchmarks/linkage_bounded.py [--records 200000] [--max-memory-gb 8]

Encodes two extracts (untimed) of `--records` each with a handful of names, birth dates and
postcodes, then runs `schakel link match` in a child process and reports its wall time, its
peak memory and what it said (the plan, and the refusal or the links).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from schakel.engine.linkage import encode_frame, load_key, load_schema
from schakel.engine.linkage.febrl import FEBRL_SCHEMA_MAPPING
from schakel.engine.linkage.files import write_table

GIVEN = ["jan", "piet", "anna", "maria", "ali", "fatima", "ion", "elena"]
FAMILY = ["de vries", "jansen", "popescu", "kowalski", "bakker", "el amrani"]


def extract(rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = rng.integers(0, 3 * 365, rows)
    born = pd.Timestamp("1990-01-01") + pd.to_timedelta(days, unit="D")
    return pd.DataFrame(
        {
            "rec_id": [f"s{seed}-{i}" for i in range(rows)],
            "given_name": rng.choice(GIVEN, rows),
            "surname": rng.choice(FAMILY, rows),
            "street_number": rng.integers(1, 40, rows).astype(str),
            "address_1": rng.choice(["kerkstraat", "dorpsstraat", "stationsweg"], rows),
            "address_2": "",
            "suburb": rng.choice(["breda", "tilburg", "westland"], rows),
            "postcode": rng.choice(["4811", "5011", "2671"], rows),
            "date_of_birth": born.strftime("%Y%m%d"),
        }
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--max-memory-gb", type=float, default=8.0)
    parser.add_argument("--smoke", action="store_true", help="smallest size: check it runs")
    args = parser.parse_args()
    if args.smoke:
        args.records = 2_000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder)
        (path / "schema.json").write_text(json.dumps(FEBRL_SCHEMA_MAPPING))
        schema = load_schema(path / "schema.json")
        key = load_key(environ={"SCHAKEL_LINKAGE_KEY": "benchmark-" + "k" * 54})
        began = time.perf_counter()
        for side in (1, 2):
            table, _ = encode_frame(extract(args.records, side), schema, key)
            write_table(table, path / f"side{side}.parquet")
        encode_seconds = time.perf_counter() - began
        command = [
            sys.executable, "-m", "schakel.cli", "link", "match",
            "--left", str(path / "side1.parquet"), "--right", str(path / "side2.parquet"),
            "--out", str(path / "pairs.csv"), "--max-memory-gb", str(args.max_memory_gb),
            "--temp-dir", folder,
        ]  # fmt: skip
        began = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - began
    peak_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20
    outcome = "refused" if done.returncode == 1 and "the limit is" in done.stderr else "linked"
    if done.returncode not in (0, 1):
        print(done.stderr)
        return 1
    print(f"encoded 2 x {args.records:,} records in {encode_seconds:.1f} s (untimed below)")
    print(done.stdout.strip().splitlines()[0])
    if outcome == "refused":
        print(done.stderr.strip())
    print(f"{'records':>9} {'budget GB':>9} {'outcome':>8} {'wall s':>7} {'peak GB':>8}")
    print(
        f"{args.records:>9} {args.max_memory_gb:>9.1f} {outcome:>8} {seconds:>7.1f} {peak_gb:>8.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
