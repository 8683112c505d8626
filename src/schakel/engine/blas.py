"""One BLAS thread for the engine's many small matrix products.

The monitor's matrices are narrow (a Cox fit multiplies 100,000 rows by 18 columns): one
thread does such a product in about 10 ms, while OpenBLAS's default of a thread per core
spends ten times the CPU and far more wall time on a shared machine, where its threads spin
waiting for a core (measured at load 12 on 2 cores: 0.14 s CPU and 0.32 s wall against 0.01
s and 0.02 s per product; `docs/monitor-pages.md`, fourth pass). The results are the same
products; only how the work is split between threads changes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from threadpoolctl import threadpool_limits

P = ParamSpec("P")
R = TypeVar("R")


def one_blas_thread(function: Callable[P, R]) -> Callable[P, R]:
    """Run `function` with BLAS (numpy, scipy) limited to one thread, restored afterwards."""

    @functools.wraps(function)
    def limited(*args: P.args, **kwargs: P.kwargs) -> R:
        with threadpool_limits(limits=1, user_api="blas"):
            return function(*args, **kwargs)

    return limited
