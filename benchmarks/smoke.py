"""Run every benchmark script at its smallest size, so none can rot unseen (`make bench-smoke`).

    .venv/bin/python benchmarks/smoke.py [--timeout 600] [name ...]

A script is a file here with an `if __name__ == "__main__":` guard; it is run as
`python <script> --smoke` and must exit 0. Every other file is a helper and must be imported by
a script (a file that is neither is a script that forgot its guard). Prints each script, its
time and status; exits 1 when any script fails, times out, or a file is neither.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNNER = Path(__file__).name
GUARD = re.compile(r'^if __name__ == "__main__":', re.MULTILINE)


def scripts(folder: Path = HERE) -> list[Path]:
    """The benchmark scripts: files with a main guard, this runner excepted."""
    return [
        path
        for path in sorted(folder.glob("*.py"))
        if path.name != RUNNER and GUARD.search(path.read_text())
    ]


def orphans(folder: Path = HERE) -> list[Path]:
    """Files that are neither a script nor imported by another file here."""
    files = sorted(folder.glob("*.py"))
    sources = {path: path.read_text() for path in files}
    runnable = set(scripts(folder)) | {folder / RUNNER}
    return [
        path
        for path in files
        if path not in runnable
        and not any(
            re.search(rf"^\s*(from|import) {path.stem}\b", text, re.MULTILINE)
            for other, text in sources.items()
            if other != path
        )
    ]


def run(script: Path, timeout: float) -> tuple[str, float, str]:
    """Run one script at smoke size; returns its status, seconds and the tail of its output."""
    began = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, str(script), "--smoke"],
            cwd=script.parent.parent,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return "timeout", time.perf_counter() - began, ""
    status = "ok" if done.returncode == 0 else f"exit {done.returncode}"
    tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
    return status, time.perf_counter() - began, tail


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=600, help="seconds per script")
    parser.add_argument("names", nargs="*", help="only these scripts (file stem)")
    args = parser.parse_args()
    failed = [f"{path.name}: neither a script (no main guard) nor imported" for path in orphans()]
    chosen = [s for s in scripts() if not args.names or s.stem in args.names]
    began = time.perf_counter()
    for script in chosen:
        status, seconds, tail = run(script, args.timeout)
        print(f"{script.name:<32} {seconds:7.1f} s  {status}", flush=True)
        if status != "ok":
            failed.append(f"{script.name}: {status}\n{tail}")
    print(f"{len(chosen)} scripts in {time.perf_counter() - began:.0f} s")
    for problem in failed:
        print(f"\nFAILED {problem}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
