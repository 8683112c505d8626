"""The comparison kernels against a plain C loop of AND and popcount over the same filters.

All count, for every left x right pair, the common bits of two 1024-bit filters and keep the
pairs with Dice >= 0.75, on one core, in the same run: `dice_all_pairs` compiled with numba
(the default) and with numpy (`compiled=False`, the reference), each counting every pair as
the C loop does (`prune=False`, the kernel's own speed) and with its length filter and word
bound (the default: pairs whose bit counts cannot reach the threshold are not counted), and the
C loop, compiled here with the system compiler (-O3 -march=native) and called through ctypes.
The machine is shared, so the kernels alternate for a few rounds; rates are given per CPU
second of this process (what a kernel costs, whatever the load) and per wall second (best
round), with the load average. numba's compile time is not in the rounds: the first call
compiles into an empty cache folder and is reported, and so is a new process's first call
that loads the compiled kernel from that folder (with --smoke only this process's first call,
from numba's usual cache). Without a compiler the C loop is left out.

    .venv/bin/python benchmarks/linkage_kernel.py [--rows 4000] [--rounds 5] [--smoke]
"""

from __future__ import annotations

import argparse
import ctypes
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from schakel.engine.linkage.bloom import BloomEncoder, popcounts
from schakel.engine.linkage.dice import compiled_kernel, dice_all_pairs
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


FIRST_CALL = """
import time
import numpy as np
from schakel.engine.linkage.dice import compiled_kernel, dice_all_pairs
filters = np.full((2, 16), 255, dtype=np.uint64)
compiled_kernel()  # imports numba: not compile time
wall, cpu = time.perf_counter(), time.process_time()
dice_all_pairs(filters, filters, 0.5, workers=1)
print(time.perf_counter() - wall, time.process_time() - cpu)
"""


def first_calls() -> list[tuple[float, float]] | None:
    """Wall and CPU seconds of a new process's first compiled call while the cache
    (NUMBA_CACHE_DIR) is empty, so numba compiles, and of the next process's, which loads it;
    None without numba."""
    os.environ["NUMBA_CACHE_DIR"] = tempfile.mkdtemp(prefix="schakel-numba-")  # before import
    if compiled_kernel() is None:
        return None
    calls = []
    for _ in range(2):
        printed = subprocess.run([sys.executable, "-c", FIRST_CALL], capture_output=True,
                                 text=True, check=True).stdout.split()  # fmt: skip
        calls.append((float(printed[0]), float(printed[1])))
    filters = np.full((2, 16), 255, dtype=np.uint64)
    dice_all_pairs(filters, filters, 0.5, workers=1)  # this process loads it too
    return calls


def kernels(
    left: np.ndarray, right: np.ndarray, threshold: float, library: ctypes.CDLL | None
) -> dict[str, Callable[[], int]]:
    def search(**options: bool) -> Callable[[], int]:
        return lambda: len(dice_all_pairs(left, right, threshold, workers=1, **options).left)

    found: dict[str, Callable[[], int]] = {}
    if compiled_kernel() is not None:
        found["numba kernel, every pair (prune=False)"] = search(prune=False)
        found["numba kernel, length filter + bound (default)"] = search()
    found["numpy kernel, every pair (prune=False)"] = search(prune=False, compiled=False)
    found["numpy kernel, length filter + bound"] = search(compiled=False)
    if library is not None:
        found[C_NAME] = lambda: c_count(library, left, right, threshold)
    return found


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
    calls = None if args.smoke else first_calls()  # compiling takes seconds of CPU
    if compiled_kernel() is None:
        print("numba is not installed: only the numpy kernel is measured")
    elif calls is None:
        full = np.full((2, 16), 255, dtype=np.uint64)
        _, wall, cpu = timed(lambda: len(dice_all_pairs(full, full, 0.5).left))
        print(f"numba, not in the rounds: first call {cpu:.2f} CPU s ({wall:.2f} s wall), "
              "compiling or loading from its usual cache")  # fmt: skip
    else:
        (compile_wall, compile_cpu), (load_wall, load_cpu) = calls
        print(f"numba, not in the rounds: first call {compile_cpu:.2f} CPU s ({compile_wall:.2f} "
              f"s wall) compiling into an empty cache, {load_cpu:.2f} CPU s ({load_wall:.2f} s "
              f"wall) in a new process loading it")  # fmt: skip
    runs = kernels(left, right, args.threshold, library)
    dice_all_pairs(left[:2], right[:2], args.threshold, workers=1)  # the threshold's tables
    print(f"{args.rows:,} x {args.rows:,} filters, Dice >= {args.threshold}, one core, "
          f"{args.rounds} alternating rounds; load average before {load()}")  # fmt: skip
    results: dict[str, list[tuple[int, float, float]]] = {name: [] for name in runs}
    for _ in range(args.rounds):
        for name, run in runs.items():
            results[name].append(timed(run))
    for name, measured in results.items():
        rates = [comparisons / wall / 1e6 for _, wall, _ in measured]
        share = sum(c for _, _, c in measured) / sum(w for _, w, _ in measured)
        per_cpu = len(measured) * comparisons / sum(c for _, _, c in measured) / 1e6
        print(f"{name:<48} {per_cpu:7.1f} M comparisons per CPU s, best {max(rates):6.1f} M/s "
              f"wall (rounds: {', '.join(f'{rate:.1f}' for rate in rates)}), "
              f"CPU/wall {share:.2f}, {measured[0][0]} pairs")  # fmt: skip
    if len({measured[0][0] for measured in results.values()}) != 1:
        raise SystemExit("the kernels found different pairs")
    if library is None:
        print("no C compiler: plain C loop not measured")
        return
    c_runs = results.pop(C_NAME)
    for name, measured in results.items():
        per_round = [c[2] / n[2] for n, c in zip(measured, c_runs, strict=True)]
        best = min(c[1] for c in c_runs) / min(n[1] for n in measured)
        by_cpu = sum(c[2] for c in c_runs) / sum(n[2] for n in measured)
        rounds = ", ".join(f"{r:.0%}" for r in per_round)
        print(f"{name} / C loop: by CPU time {by_cpu:.0%} (per round {rounds}), "
              f"best wall round {best:.0%}")  # fmt: skip
    print(f"load average after {load()}")


def load() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
