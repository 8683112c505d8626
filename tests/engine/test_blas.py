"""`one_blas_thread`: BLAS runs single-threaded inside the release, as before outside it."""

from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from schakel.engine.blas import one_blas_thread


def blas_threads() -> list[int]:
    return [int(pool["num_threads"]) for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_one_thread_inside_restored_after() -> None:
    np.ones((2, 2)) @ np.ones((2, 2))  # BLAS is loaded
    with threadpool_limits(limits=2, user_api="blas"):
        before = blas_threads()
        assert before and all(n == 2 for n in before)

        @one_blas_thread
        def inside(x: np.ndarray) -> tuple[list[int], np.ndarray]:
            return blas_threads(), x.T @ x

        x = np.random.default_rng(0).random((500, 7))
        seen, product = inside(x)
        assert seen and all(n == 1 for n in seen)
        assert blas_threads() == before
        np.testing.assert_allclose(product, x.T @ x, rtol=1e-12)
        assert inside.__name__ == "inside"


def test_release_functions_are_limited() -> None:
    from schakel.engine.monitor import protect_release, release_tables

    assert protect_release.__wrapped__.__name__ == "protect_release"  # type: ignore[attr-defined]
    assert release_tables.__wrapped__.__name__ == "release_tables"  # type: ignore[attr-defined]
