"""The real thing: `schakel worker` processes, killed with SIGKILL in the middle of a job.

Runs against its own database: a SQLite file, or, when the suite runs on PostgreSQL
(DATABASE_URL), a fresh PostgreSQL database beside the test database. Two jobs each write five
rows inside their final transaction and then wait there:

- A (retryable) is killed in worker 1, and B (one attempt only) in worker 2;
- worker 3 finds both lost: A is retried to completion, B is marked failed;
- A's five rows exist exactly once, B's not at all: nothing lost, nothing half-applied.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from schakel.web.jobs.recovery import WORKER_LOST
from schakel.web.jobs.tests.processes import WAIT, run, scenario
from schakel.web.jobs.tests.scenario import ROWS

pytestmark = pytest.mark.slow


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "schakel.cli", "worker"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def _wait_for(path: Path, worker: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + WAIT
    while not path.exists():
        assert worker.poll() is None, f"the worker stopped:\n{log.read_text()}"
        assert time.monotonic() < deadline, f"{path.name} never appeared:\n{log.read_text()}"
        time.sleep(0.1)


def _kill(worker: subprocess.Popen[bytes]) -> None:
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=60)


def test_a_job_killed_mid_transaction_is_retried_or_failed_never_half_applied(
    database_env: dict[str, str], tmp_path: Path
) -> None:
    env = database_env
    run(env, "-m", "schakel.cli", "migrate")
    ids = scenario(env, "enqueue", str(tmp_path))
    assert set(ids) == {"a", "b"}

    first = _worker(env, tmp_path / "worker-1.log")
    try:
        _wait_for(tmp_path / "a.reached-1", first, tmp_path / "worker-1.log")
        during = scenario(env, "state")
        assert during["jobs"]["a"]["state"] == "running"  # type: ignore[index]
        assert during["rows"] == {"a": 0, "b": 0}  # written, not committed: invisible
    finally:
        _kill(first)

    second = _worker(env, tmp_path / "worker-2.log")
    try:  # B is older than A's retry, so the next worker takes B first
        _wait_for(tmp_path / "b.reached-1", second, tmp_path / "worker-2.log")
    finally:
        _kill(second)

    (tmp_path / "a.release").touch()  # from now on A runs through
    third = _worker(env, tmp_path / "worker-3.log")
    try:
        out = subprocess.run(  # noqa: S603  (arguments of this test's own making)
            [sys.executable, "-m", "schakel.web.jobs.tests.scenario", "wait", "succeeded",
             "failed", str(WAIT)],
            env=env, capture_output=True, text=True, timeout=WAIT + 60,
        )  # fmt: skip
        log = (tmp_path / "worker-3.log").read_text()
        assert out.returncode == 0, f"{out.stdout}\n{out.stderr}\nworker 3:\n{log}"
        final = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        third.terminate()  # SIGTERM: a graceful stop
        assert third.wait(timeout=60) == 0

    a, b = final["jobs"]["a"], final["jobs"]["b"]
    assert a["state"] == "succeeded" and a["attempts"] >= 2 and a["progress"] == 100
    assert b == {"state": "failed", "attempts": 1, "progress": 30, "error": WORKER_LOST}
    assert final["rows"] == {"a": ROWS, "b": 0}  # once, and not at all
    assert final["running_deliveries"] == 0  # the backend's rows of lost deliveries closed
    assert (tmp_path / "a.reached-2").exists() and not (tmp_path / "b.reached-2").exists()
