"""Time and peak memory to seed a synthetic region into a fresh database.

    .venv/bin/python benchmarks/seed_region.py [--persons 10000] [--database-url URL]

Runs the real `schakel seed` path (generate, encrypt, bulk insert, audit) in a child process
on a new SQLite file (or the database in --database-url), checks the audit trail with
`schakel audit verify` (untimed) and prints one table row.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

KEY = "Zm9yLXRlc3RzLW9ubHktMzItYnl0ZXMtbG9uZy1rZXk="


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--smoke", action="store_true", help="smallest size: check it runs")
    args = parser.parse_args()
    if args.smoke:
        args.persons = 200
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "SCHAKEL_DATA_DIR": folder}
        env.setdefault("SCHAKEL_SECRET_KEY", "benchmark-" + "x" * 40)
        env.setdefault("SCHAKEL_ENCRYPTION_KEYS", KEY)
        env.setdefault("SCHAKEL_SEARCH_KEY", "benchmark-search-key")
        if args.database_url:
            env["DATABASE_URL"] = args.database_url
        migrate = [sys.executable, "-m", "schakel.cli", "migrate"]
        subprocess.run(migrate, env=env, check=True)
        command = [sys.executable, "-m", "schakel.cli", "seed"]
        command += ["--persons", str(args.persons), "--seed", str(args.seed)]
        started = time.perf_counter()
        result = subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE, text=True)
        wall = time.perf_counter() - started
        verify = [sys.executable, "-m", "schakel.cli", "audit", "verify"]
        subprocess.run(verify, env=env, check=True, stdout=subprocess.DEVNULL)  # chain intact
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(result.stdout.strip())
    print(f"{'persons':>8} {'database':>10} {'wall s':>8} {'peak MB':>8}")
    print(f"{args.persons:>8} {database:>10} {wall:>8.1f} {peak_mb:>8.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
