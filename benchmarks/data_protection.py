"""Key rotation speed and the retention job on closed trajectories.

    .venv/bin/python benchmarks/data_protection.py [--persons 100000] [--database-url URL]

Seeds a region whose trajectories all lie years back (so nearly all are closed and past the
7-year period), then times, each in a child process as an operator runs them:
`schakel keys rotate` (a new master key put first: every data key re-wrapped, checked with
the new key alone) and `schakel retention apply` (dry run, then for real). Prints one row.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

from cryptography.fernet import Fernet

KEY = "Zm9yLXRlc3RzLW9ubHktMzItYnl0ZXMtbG9uZy1rZXk="


def timed(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    """The command's own time for its work (it prints "in N s"), else the process's wall time
    (start-up included)."""
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "schakel.cli", *command],
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    wall = time.perf_counter() - began
    own = re.search(r"\bin ([\d.]+) s\b", done.stdout)
    return (float(own[1]) if own else wall), done.stdout


def per_second(count: int, seconds: float) -> str:
    """A rate, or a dash when the command reported its time as 0.0 s (too quick to divide by)."""
    return f"{count / seconds:.0f}" if seconds > 0 else "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--smoke", action="store_true", help="smallest size: check it runs")
    args = parser.parse_args()
    if args.smoke:
        args.persons = 200
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "SCHAKEL_DATA_DIR": folder}
        env.setdefault("SCHAKEL_SECRET_KEY", "benchmark-" + "x" * 40)
        env["SCHAKEL_ENCRYPTION_KEYS"] = KEY
        env.setdefault("SCHAKEL_SEARCH_KEY", "benchmark-search-key")
        if args.database_url:
            env["DATABASE_URL"] = args.database_url
        seed = ["seed", "--persons", str(args.persons), "--start-year", "2012", "--years", "2"]
        seed_seconds, _ = timed(seed, env)
        env["SCHAKEL_ENCRYPTION_KEYS"] = f"{Fernet.generate_key().decode()},{KEY}"
        rotate_seconds, rotated = timed(["keys", "rotate", "--quiet"], env)
        records = int(re.search(r"([\d,]+) data keys", rotated)[1].replace(",", ""))  # type: ignore[index]
        env["SCHAKEL_ENCRYPTION_KEYS"] = env["SCHAKEL_ENCRYPTION_KEYS"].split(",")[0]
        check_seconds, _ = timed(["keys", "check"], env)  # the new key alone opens everything
        dry_seconds, dry = timed(["retention", "apply", "--dry-run"], env)
        apply_seconds, applied = timed(["retention", "apply"], env)
        erased = int(re.search(r"closed_trajectory: ([\d,]+) erased", applied)[1].replace(",", ""))  # type: ignore[index]
        timed(["audit", "verify"], env)  # the chain still verifies after the erasures
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"seeded {args.persons:,} persons in {seed_seconds:.1f} s wall ({database})")
    print("times below are each command's own work, without process start-up")
    print(
        f"{'persons':>8} {'db':>10} {'rotate s':>9} {'keys/s':>8} {'check s':>8} "
        f"{'dry-run s':>9} {'erased':>8} {'apply s':>8} {'erased/s':>9}"
    )
    print(
        f"{args.persons:>8} {database:>10} {rotate_seconds:>9.1f} "
        f"{per_second(records, rotate_seconds):>8} {check_seconds:>8.1f} {dry_seconds:>9.1f} "
        f"{erased:>8} {apply_seconds:>8.1f} {per_second(erased, apply_seconds):>9}"
    )
    print(dry.strip().splitlines()[-1] if dry.strip() else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
