"""The comparison kernel against a plain C loop of AND and popcount over the same filters.

Both count, for every left x right pair, the common bits of two 1024-bit filters and keep the
pairs with Dice >= 0.75, on one core, in the same run (the machine is shared, so only the ratio
is stable). The C loop is compiled here with the system compiler (-O3 -march=native) and called
through ctypes; without a compiler only the numpy kernel is measured.

    .venv/bin/python benchmarks/linkage_kernel.py [--rows 4000] [--smoke]
"""

from __future__ import annotations

import argparse
import ctypes
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from schakel.engine.linkage.bloom import BloomEncoder, popcounts
from schakel.engine.linkage.dice import dice_all_pairs
from schakel.engine.linkage.keys import LinkageKey

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=4000, help="filters per side")
    parser.add_argument("--threshold", type=float, default=0.75)
    parser.add_argument("--smoke", action="store_true", help="400 filters: check it runs")
    args = parser.parse_args()
    if args.smoke:
        args.rows = 400
    left, right = filters(args.rows, 1), filters(args.rows, 2)
    comparisons = args.rows * args.rows
    began = time.perf_counter()
    numpy_found = len(dice_all_pairs(left, right, args.threshold, workers=1).left)
    numpy_rate = comparisons / (time.perf_counter() - began)
    print(f"numpy kernel (dice_all_pairs, one thread): {numpy_rate / 1e6:.1f} M comparisons/s, "
          f"{numpy_found} pairs")  # fmt: skip
    library = c_kernel()
    if library is None:
        print("no C compiler: plain C loop not measured")
        return
    counts_left = popcounts(left).astype(np.int32)
    counts_right = popcounts(right).astype(np.int32)
    a, b = np.ascontiguousarray(left), np.ascontiguousarray(right)
    began = time.perf_counter()
    c_found = library.count_pairs(
        a.ctypes.data_as(ctypes.c_void_p), counts_left.ctypes.data_as(ctypes.c_void_p),
        ctypes.c_long(len(a)), b.ctypes.data_as(ctypes.c_void_p),
        counts_right.ctypes.data_as(ctypes.c_void_p), ctypes.c_long(len(b)),
        ctypes.c_double(args.threshold),
    )  # fmt: skip
    c_rate = comparisons / (time.perf_counter() - began)
    print(f"plain C loop (AND + popcount, -O3 -march=native): {c_rate / 1e6:.1f} M comparisons/s, "
          f"{c_found} pairs")  # fmt: skip
    print(f"numpy kernel / C loop: {numpy_rate / c_rate:.0%}")


if __name__ == "__main__":
    main()
