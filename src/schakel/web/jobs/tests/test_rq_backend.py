"""The documented way out of one machine: SCHAKEL_TASK_BACKEND=rq, jobs run by RQ's worker
from Redis, and `schakel worker --schedule` left to sweep and schedule.

Needs the `rq` extra and a Redis at 127.0.0.1:6379 (database 13); skipped without them.
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from schakel.web.jobs.tests.processes import WAIT, run, scenario
from schakel.web.jobs.tests.scenario import ROWS

pytestmark = pytest.mark.slow
REDIS = ("127.0.0.1", 6379)


def _redis_up() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture
def rq_env(database_env: dict[str, str]) -> dict[str, str]:
    if importlib.util.find_spec("django_tasks_rq") is None:
        pytest.skip("the rq extra is not installed")
    if not _redis_up():
        pytest.skip("no Redis at 127.0.0.1:6379")
    return {
        **database_env,
        "SCHAKEL_TASK_BACKEND": "rq",
        "SCHAKEL_REDIS_URL": f"redis://{REDIS[0]}:{REDIS[1]}/13",
    }


def test_jobs_run_through_redis_and_rq(rq_env: dict[str, str], tmp_path: Path) -> None:
    run(rq_env, "-m", "schakel.cli", "migrate")
    scenario(rq_env, "write", "rq")
    assert scenario(rq_env, "state")["jobs"] == {
        "rq": {"state": "queued", "attempts": 1, "progress": 0, "error": ""}
    }
    rq_worker = ["-m", "schakel.cli", "manage", "rqworker", "--burst"]
    run(rq_env, *rq_worker, "--job-class", "django_tasks_rq.Job", "default")
    final = scenario(rq_env, "state")
    assert final["jobs"]["rq"]["state"] == "succeeded"  # type: ignore[index]
    assert final["rows"] == {"rq": ROWS}
    sweeper = subprocess.run(
        [sys.executable, "-m", "schakel.cli", "worker", "--schedule", "--burst"],
        env=rq_env, capture_output=True, text=True, timeout=WAIT,
    )  # fmt: skip
    assert sweeper.returncode == 0, sweeper.stderr
    assert "started (RQBackend, with the schedule)" in sweeper.stderr
