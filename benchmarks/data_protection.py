"""Key rotation speed and the retention job on many closed trajectories.

    .venv/bin/python benchmarks/data_protection.py [--persons 100000] [--database-url URL]

Seeds N persons whose trajectories all closed in 2012-2013 (so all are past the 7-year period):
a small region by the real seed (`schakel seed --start-year 2012 --years 2`), then copies of its
closed persons up to N, written as the seed writes them (`closed_persons.py` says how; it
bypasses the web actions for seeding only, as `schakel seed` does). Then runs, each in a child
process as an operator runs them, and measures wall time, CPU time (the child's user + system)
and the load average: `schakel keys rotate` (a new master key put first: every data key
re-wrapped, then checked with the new key alone), `schakel keys check`, `schakel retention
apply --dry-run`, `schakel retention apply`, and `schakel audit verify` afterwards (`--smoke`:
only rotate and apply, on 300 persons).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

from cryptography.fernet import Fernet

KEY = "Zm9yLXRlc3RzLW9ubHktMzItYnl0ZXMtbG9uZy1rZXk="


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    own: float | None
    """The command's own time for its work, when it prints "in N s" (without start-up)."""
    load: tuple[float, float]
    """The 1-minute load average before and after."""
    output: str


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], env: dict[str, str]) -> Run:
    load_before, cpu_before = os.getloadavg()[0], _children_cpu()
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
    return Run(
        wall,
        _children_cpu() - cpu_before,
        float(own[1]) if own else None,
        (load_before, os.getloadavg()[0]),
        done.stdout,
    )


def per_second(count: int, seconds: float | None) -> str:
    """A rate, or a dash when there is no time to divide by."""
    return f"{count / seconds:,.0f}" if seconds else "-"


def number(pattern: str, text: str) -> int:
    found = re.search(pattern, text)
    if found is None:
        raise SystemExit(f"not in the command's output: {pattern!r}\n{text}")
    return int(found[1].replace(",", ""))


def seed(persons: int, env: dict[str, str], *, template: int) -> tuple[float, str]:
    """The template region by the real seed, then copies of its closed persons up to `persons`."""
    began = time.perf_counter()
    command = ["seed", "--persons", str(template), "--start-year", "2012", "--years", "2"]
    timed(command, env)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "schakel.web.settings"
    import django

    django.setup()
    from closed_persons import closed_templates, copy_closed_persons
    from django.db import connections

    closed = len(closed_templates())
    copied = copy_closed_persons(
        max(0, persons - closed),
        progress=lambda done, total: print(f"\rcopied {done:,} of {total:,}", end="", flush=True),
    )
    connections.close_all()
    seconds = time.perf_counter() - began
    return seconds, (
        f"\nseeded {template:,} persons ({closed:,} closed) by `schakel seed`, then "
        f"{copied.persons:,} copies ({copied.trajectories:,} trajectories, {copied.events:,} "
        f"events) in {copied.seconds:.1f} s; {seconds:.1f} s in all"
    )


def row(name: str, run: Run, count: int | None = None) -> str:
    rate = per_second(count, run.own or run.wall) if count is not None else ""
    own = f"{run.own:.1f}" if run.own is not None else "-"
    records = f"{count:,}" if count is not None else ""
    return (
        f"{name:<22} {records:>9} {own:>7} {run.wall:>7.1f} {run.cpu:>7.1f} {rate:>9} "
        f"{run.load[0]:>5.1f}-{run.load[1]:<5.1f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=100_000, help="closed persons to erase")
    parser.add_argument("--database-url", default="", help="else SQLite in a temporary folder")
    parser.add_argument("--smoke", action="store_true", help="smallest size: check it runs")
    args = parser.parse_args()
    if args.smoke:
        args.persons = 300
    template = 60 if args.smoke else max(200, min(2000, args.persons // 50))
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "SCHAKEL_DATA_DIR": folder}
        env.setdefault("SCHAKEL_SECRET_KEY", "benchmark-" + "x" * 40)
        env["SCHAKEL_ENCRYPTION_KEYS"] = KEY
        env.setdefault("SCHAKEL_SEARCH_KEY", "benchmark-search-key")
        if args.database_url:
            env["DATABASE_URL"] = args.database_url
        _, seeded = seed(args.persons, env, template=template)
        print(seeded, flush=True)
        env["SCHAKEL_ENCRYPTION_KEYS"] = f"{Fernet.generate_key().decode()},{KEY}"
        rotate = timed(["keys", "rotate", "--quiet"], env)
        keys = number(r"([\d,]+) data keys", rotate.output)
        env["SCHAKEL_ENCRYPTION_KEYS"] = env["SCHAKEL_ENCRYPTION_KEYS"].split(",")[0]
        checked = number(r"Every one of ([\d,]+) records", rotate.output)
        # The smoke run skips the two commands whose code the others run too (each command
        # costs about 5 s of CPU to start Django and its checks).
        check = None if args.smoke else timed(["keys", "check"], env)
        dry = None if args.smoke else timed(["retention", "apply", "--dry-run"], env)
        due = number(r"closed_trajectory: ([\d,]+) would be erased", dry.output) if dry else None
        apply = timed(["retention", "apply"], env)
        erased = number(r"closed_trajectory: ([\d,]+) erased", apply.output)
        # The chain still verifies after the erasures (the smoke run leaves that to
        # retention/tests/test_copied_persons.py).
        verify = None if args.smoke else timed(["audit", "verify"], env)
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"{database}, {os.cpu_count()} cores; own = the command's reported work time")
    print(
        f"{'command':<22} {'records':>9} {'own s':>7} {'wall s':>7} {'cpu s':>7} "
        f"{'records/s':>9} {'load':>11}"
    )
    print(row("keys rotate", rotate, keys))
    if check is not None and dry is not None:
        print(row("keys check", check, checked))
        print(row("retention --dry-run", dry, due))
    print(row("retention apply", apply, erased))
    if verify is not None:
        print(row("audit verify", verify, number(r"([\d,]+) entries checked", verify.output)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
