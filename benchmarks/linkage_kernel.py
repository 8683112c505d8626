"""The comparison kernel against a plain C loop of AND and popcount over the same filters.

All count, for every left x right pair, the common bits of two 1024-bit filters and keep the
pairs with Dice >= 0.75, on one core, in the same run: `dice_all_pairs` counting every pair as
the C loop does (`prune=False`, the kernel's own speed), `dice_all_pairs` with its length filter
(the default: pairs whose bit counts cannot reach the threshold are not counted), and the C
loop, compiled here with the system compiler (-O3 -march=native) and called through ctypes.
The machine is shared, so the kernels alternate for a few rounds and the best of each is
compared; the load average and CPU/wall time are printed with them. Without a compiler only
the numpy kernel is measured.

    .venv/bin/python benchmarks/linkage_kernel.py [--rows 4000] [--rounds 5] [--smoke]
"""

from __future__ import annotations

import argparse
import ctypes
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from schakel.engine.linkage.bloom import BloomEncoder, popcounts
from schakel.engine.linkage.dice import dice_all_pairs
from schakel.engine.linkage.keys import LinkageKey

C_NAME = "plain C loop (AND + popcount, -O3 -march=native)"
C_SOURCE = r"""
#include <stdint.h>
long long count_pairs(const uint64_t *a, const int *ca, long n, const uint64_t *b,
                      const int *cb, long m, double threshold) {
    long long found = 0;
    for (long i = 0; i < n; i++) {
        const uint64_t *x = a + 16 * i;
        for (long j = 0; j < m; j++) {
            const uint64_t *y = b + 16 * j;
            int common = 0;
            for (int w = 0; w < 16; w++) common += __builtin_popcountll(x[w] & y[w]);
            if (2.0 * common >= threshold * (ca[i] + cb[j]) && ca[i] + cb[j] > 0) found++;
        }
    }
    return found;
}
"""


def c_kernel() -> ctypes.CDLL | None:
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        return None
    folder = Path(tempfile.mkdtemp())
    (folder / "k.c").write_text(C_SOURCE)
    subprocess.run(
        [compiler, "-O3", "-march=native", "-shared", "-fPIC", "-o", str(folder / "k.so"),
         str(folder / "k.c")],
        check=True,
    )  # fmt: skip
    library = ctypes.CDLL(str(folder / "k.so"))
    library.count_pairs.restype = ctypes.c_longlong
    return library


def filters(rows: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    letters = list("abdeiklmnorstuv")
    names = [
        ("".join(rng.choice(letters, size=int(rng.integers(4, 9))).tolist()),) for _ in range(rows)
    ]
    encoded, _ = BloomEncoder(
        LinkageKey(b"kernel benchmark key, public, not for data"), "name"
    ).encode(names)
    return encoded


def c_count(library: ctypes.CDLL, left: np.ndarray, right: np.ndarray, threshold: float) -> int:
    counts_left = popcounts(left).astype(np.int32)
    counts_right = popcounts(right).astype(np.int32)
    a, b = np.ascontiguousarray(left), np.ascontiguousarray(right)
    return int(
        library.count_pairs(
            a.ctypes.data_as(ctypes.c_void_p), counts_left.ctypes.data_as(ctypes.c_void_p),
            ctypes.c_long(len(a)), b.ctypes.data_as(ctypes.c_void_p),
            counts_right.ctypes.data_as(ctypes.c_void_p), ctypes.c_long(len(b)),
            ctypes.c_double(threshold),
        )
    )  # fmt: skip


def timed(run: Callable[[], int]) -> tuple[int, float, float]:
    """Pairs found, wall seconds and CPU seconds of one run."""
    wall, cpu = time.perf_counter(), time.process_time()
    found = run()
    return found, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=4000, help="filters per side")
    parser.add_argument("--threshold", type=float, default=0.75)
    parser.add_argument("--rounds", type=int, default=5, help="alternating runs of each kernel")
    parser.add_argument("--smoke", action="store_true", help="400 filters: check it runs")
    args = parser.parse_args()
    if args.smoke:
        args.rows, args.rounds = 400, 1
    left, right = filters(args.rows, 1), filters(args.rows, 2)
    comparisons = args.rows * args.rows
    library = c_kernel()
    kernels: dict[str, Callable[[], int]] = {
        "numpy kernel, every pair (prune=False)": lambda: len(
            dice_all_pairs(left, right, args.threshold, workers=1, prune=False).left
        ),
        "numpy kernel, length filter (default)": lambda: len(
            dice_all_pairs(left, right, args.threshold, workers=1).left
        ),
    }
    if library is not None:
        kernels[C_NAME] = lambda: c_count(library, left, right, args.threshold)
    print(f"{args.rows:,} x {args.rows:,} filters, Dice >= {args.threshold}, one core, "
          f"{args.rounds} alternating rounds; load average before {load()}")  # fmt: skip
    results: dict[str, list[tuple[int, float, float]]] = {name: [] for name in kernels}
    for _ in range(args.rounds):
        for name, run in kernels.items():
            results[name].append(timed(run))
    for name, runs in results.items():
        rates = [comparisons / wall / 1e6 for _, wall, _ in runs]
        cpu = sum(c for _, _, c in runs) / sum(w for _, w, _ in runs)
        rounds = ", ".join(f"{rate:.1f}" for rate in rates)
        per_cpu = len(runs) * comparisons / sum(c for _, _, c in runs) / 1e6
        print(f"{name:<42} best {max(rates):6.1f} M comparisons/s (rounds: {rounds}), "
              f"{per_cpu:.1f} M per CPU s, CPU/wall {cpu:.2f}, {runs[0][0]} pairs")  # fmt: skip
    if len({runs[0][0] for runs in results.values()}) != 1:
        raise SystemExit("the kernels found different pairs")
    if library is None:
        print("no C compiler: plain C loop not measured")
        return
    c_runs = results[C_NAME]
    for name, runs in list(results.items())[:2]:
        per_round = [c[1] / n[1] for n, c in zip(runs, c_runs, strict=True)]
        best = min(c[1] for c in c_runs) / min(n[1] for n in runs)
        by_cpu = sum(c[2] for c in c_runs) / sum(n[2] for n in runs)
        print(f"{name} / C loop: best {best:.0%}, by CPU time {by_cpu:.0%}, per round "
              f"{', '.join(f'{r:.0%}' for r in per_round)}")  # fmt: skip
    print(f"load average after {load()}")


def load() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
