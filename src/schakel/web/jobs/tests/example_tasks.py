"""Jobs that exist for the tests: they report, fail, write and block on purpose.

Their writes go to `auth_group` rows named after the job: a table every schema has and no
domain app owns, so the tests can count exactly what a job applied.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy

from schakel.web.jobs.models import Job
from schakel.web.jobs.registry import job_task
from schakel.web.jobs.runner import (
    checkpoint,
    completing,
    report_progress,
    save_checkpoint,
)


@job_task("tests.report", label=gettext_lazy("Test job"))
def report_half_way(*, step: str = "Half way") -> dict[str, object]:
    """Reports progress, then returns what its own row said at that moment."""
    report_progress(40, step)
    job = Job.objects.get(state=Job.State.RUNNING)
    return {"progress": job.progress, "step": job.step, "attempts": job.attempts}


@job_task("tests.fail", label=gettext_lazy("Test job"))
def fail_with_personal_data(*, name: str = "Jansen") -> None:
    report_progress(10, "Checking")
    raise ValueError(f"no record for {name}")  # the message must not reach the database


@job_task("tests.write", label=gettext_lazy("Test job"), retryable=True, max_attempts=3)
def write_groups(*, prefix: str, rows: int, fail_inside: bool = False) -> int:
    with completing():
        for number in range(rows):
            Group.objects.create(name=f"{prefix}-{number}")
        if fail_inside:
            raise RuntimeError("after the writes, before the commit")
    return rows


@job_task("tests.taken-over", label=gettext_lazy("Test job"), retryable=True)
def taken_over_mid_way(*, prefix: str) -> int:
    """Plays the sweep handing this job to another worker while it computes."""
    Job.objects.filter(state=Job.State.RUNNING).update(attempts=99)
    with completing():
        Group.objects.create(name=f"{prefix}-0")
    return 1


@job_task("tests.checkpoint", label=gettext_lazy("Test job"), retryable=True)
def count_with_checkpoint(*, items: int) -> dict[str, object]:
    seen = checkpoint().get("done", [])
    done = list(seen)
    for item in range(items):
        if item not in done:
            done.append(item)
            save_checkpoint({"done": done})
    return {"resumed_with": len(seen), "done": len(done)}


def _write_and_block(prefix: str, rows: int, folder: str) -> int:
    """Writes `rows` groups inside the job's final transaction, says so by a file, then waits
    there until the test drops `<folder>/<prefix>.release`."""
    here = Path(folder)
    report_progress(30, "Writing")
    with completing():
        for number in range(rows):
            Group.objects.create(name=f"{prefix}-{number}")
        attempt = len(list(here.glob(f"{prefix}.reached-*"))) + 1
        (here / f"{prefix}.reached-{attempt}").touch()
        while not (here / f"{prefix}.release").exists():
            time.sleep(0.05)
    return rows


@job_task("tests.block", label=gettext_lazy("Test job"), retryable=True, max_attempts=3)
def block_mid_transaction(*, prefix: str, rows: int, folder: str) -> int:
    """For the worker-process test: a retryable job killed inside its final transaction."""
    return _write_and_block(prefix, rows, folder)


@job_task("tests.block-once", label=gettext_lazy("Test job"))
def block_once(*, prefix: str, rows: int, folder: str) -> int:
    """The same, but not retryable: one attempt only."""
    return _write_and_block(prefix, rows, folder)


@job_task("tests.interrupted", label=gettext_lazy("Test job"), retryable=True)
def interrupted_once() -> int:
    """Its first attempt is stopped as a second Ctrl+C stops a worker (SystemExit)."""
    attempt = Job.objects.get(state=Job.State.RUNNING).attempts
    if attempt == 1:
        raise SystemExit(1)
    return attempt


def _in_words(result: object) -> str:
    return f"Counted {result}." if isinstance(result, int) else ""


@job_task(
    "tests.summarised",
    label=gettext_lazy("Test job"),
    summary=_in_words,
    result_url="home",
    result_label="Back home",
)
def count_to(*, number: int = 3) -> int:
    return number
