"""Work on forked processes gives what the same work gives in this process (ADR 0034)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from schakel.engine.parallel import MIN_ROWS, can_fork, forked_call, forked_map, workers_for

pytestmark = pytest.mark.skipif(not can_fork(), reason="this platform does not fork")


def test_forked_map_gives_every_result_in_order_from_other_processes() -> None:
    data = np.arange(1_000_000)  # inherited at the fork, not pickled

    def work(key: int) -> tuple[int, int]:
        return int(data[key::7].sum()), os.getpid()

    keys = list(range(7))
    here = [work(key)[0] for key in keys]
    found = list(forked_map(work, keys, 2))
    assert [value for value, _ in found] == here
    assert os.getpid() not in {pid for _, pid in found}


def test_a_failure_in_a_child_reaches_the_caller() -> None:
    def work(key: int) -> int:
        if key == 2:
            raise ValueError("row 2")
        return key

    with pytest.raises(ValueError, match="row 2"):
        list(forked_map(work, [0, 1, 2, 3], 2))


def test_forked_call_runs_while_the_caller_works() -> None:
    with forked_call(os.getpid, 2) as other:
        mine = os.getpid()
        assert other() != mine
    with forked_call(os.getpid, 1) as same:  # one worker: here, when asked
        assert same() == os.getpid()


def test_workers_follow_the_size_unless_asked() -> None:
    assert workers_for(MIN_ROWS - 1) == 1
    assert workers_for(10, requested=2) == 2
    assert workers_for(10**7, requested=1) == 1
    assert 1 <= workers_for(10**7) <= 2
