"""The database side of the worker-process test, run as its own process:

    python -m schakel.web.jobs.tests.scenario enqueue FOLDER
    python -m schakel.web.jobs.tests.scenario write PREFIX
    python -m schakel.web.jobs.tests.scenario state
    python -m schakel.web.jobs.tests.scenario wait A_STATE B_STATE SECONDS

It uses the same settings and database as the workers under test (from the environment), so the
test process itself never touches that database. Prints JSON.
"""

from __future__ import annotations

import json
import sys
import time

ROWS = 5


def enqueue(folder: str) -> dict[str, int]:
    from schakel.web.jobs.actions import do_enqueue_job
    from schakel.web.jobs.tests.example_tasks import block_mid_transaction, block_once

    ids = {}
    for prefix, task in (("a", block_mid_transaction), ("b", block_once)):
        arguments = {"prefix": prefix, "rows": ROWS, "folder": folder}
        ids[prefix] = do_enqueue_job(task=task, actor=None, arguments=arguments).pk
    return ids


def state() -> dict[str, object]:
    from django.contrib.auth.models import Group
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from schakel.web.jobs.models import Job

    jobs = {
        job.arguments["prefix"]: {
            "state": job.state,
            "attempts": job.attempts,
            "progress": job.progress,
            "error": job.error,
        }
        for job in Job.objects.all()
    }
    return {
        "jobs": jobs,
        "rows": {p: Group.objects.filter(name__startswith=f"{p}-").count() for p in jobs},
        "running_deliveries": DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count(),
    }


def wait(a_state: str, b_state: str, seconds: float) -> tuple[bool, dict[str, object]]:
    deadline = time.monotonic() + seconds
    while True:
        now = state()
        jobs = now["jobs"]
        assert isinstance(jobs, dict)
        # the backend closes a delivery's row just after the job's own state is written:
        # wait for both, so the test never reads the moment between them
        if (
            jobs["a"]["state"] == a_state
            and jobs["b"]["state"] == b_state
            and now["running_deliveries"] == 0
        ):
            return True, now
        if time.monotonic() > deadline:
            return False, now
        time.sleep(0.5)


def main(argv: list[str]) -> int:
    import django

    django.setup()
    command, *rest = argv
    if command == "enqueue":
        print(json.dumps(enqueue(rest[0])))
        return 0
    if command == "write":
        from schakel.web.jobs.actions import do_enqueue_job
        from schakel.web.jobs.tests.example_tasks import write_groups

        arguments = {"prefix": rest[0], "rows": ROWS}
        print(
            json.dumps(
                {"id": do_enqueue_job(task=write_groups, actor=None, arguments=arguments).pk}
            )
        )
        return 0
    if command == "state":
        print(json.dumps(state()))
        return 0
    if command == "wait":
        reached, now = wait(rest[0], rest[1], float(rest[2]))
        print(json.dumps(now))
        return 0 if reached else 1
    raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
