"""One delivery of a job in a worker, and the calls task code makes while it runs.

A delivery claims its attempt (`state=queued, attempts=n` -> running), beats a heartbeat from a
thread, and finishes only while it still owns that attempt: a job declared lost and handed to
another worker is fenced off by its attempt number, so two deliveries never both finish it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import DateTimeField, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django_tasks.utils import normalize_json

from schakel.web.jobs.models import Job

logger = logging.getLogger(__name__)


class JobSuperseded(BaseException):
    """This delivery no longer owns its job: it was declared lost and retried, or failed.
    A BaseException, like KeyboardInterrupt, so that task code's `except Exception` lets it by."""


class JobFailed(Exception):
    """A job's body raised. The message names the exception class and the step, never the
    exception's own message, which may quote personal data; the worker's log has the rest."""


@dataclass
class _Run:
    job_id: int
    attempt: int
    superseded: threading.Event = field(default_factory=threading.Event)

    def owned(self) -> QuerySet[Job]:
        return Job.objects.filter(pk=self.job_id, state=Job.State.RUNNING, attempts=self.attempt)

    def lost_ownership(self) -> bool:
        """Whether the row is there (visible to this connection) and another attempt has it,
        or the sweep failed this one. Done by this attempt (`completing`) is still ours."""
        row = Job.objects.filter(pk=self.job_id).values_list("state", "attempts").first()
        if row is None:
            return False
        state, attempts = row
        return attempts != self.attempt or state in (Job.State.QUEUED, Job.State.FAILED)


_CURRENT: ContextVar[_Run | None] = ContextVar("schakel_job", default=None)


def report_progress(percent: int, step: str) -> None:
    """Record how far the running job is (0-100) and the step it is in, for its progress bar.

    `step` is English source text marked with `gettext_noop`; the page translates it. Outside
    a job (the same code run from the command line) this does nothing.
    """
    run = _CURRENT.get()
    if run is None:
        return
    percent = max(0, min(100, int(percent)))
    moved = run.owned().update(progress=percent, step=step[:200], heartbeat_at=timezone.now())
    if run.superseded.is_set() or (not moved and run.lost_ownership()):
        raise JobSuperseded


def checkpoint() -> dict[str, Any]:
    """What an earlier attempt of this job saved with `save_checkpoint` ({} at first)."""
    run = _CURRENT.get()
    if run is None:
        return {}
    saved = Job.objects.filter(pk=run.job_id).values_list("checkpoint", flat=True).first()
    return dict(saved or {})


def save_checkpoint(data: dict[str, Any]) -> None:
    """Keep `data` (JSON, no personal data) for a retry, so it can skip work already done."""
    run = _CURRENT.get()
    if run is None:
        return
    if not run.owned().update(checkpoint=normalize_json(data)) and run.lost_ownership():
        raise JobSuperseded


@contextmanager
def completing() -> Iterator[None]:
    """One transaction for the job's writes and its being done: a worker killed before the
    commit leaves neither, one killed after leaves both. Keep it short: on SQLite it holds
    the database's write lock."""
    run = _CURRENT.get()
    with transaction.atomic():
        if run is not None and not run.owned().select_for_update().values_list("pk").first():
            raise JobSuperseded
        yield
        if run is not None:
            now = timezone.now()
            run.owned().update(
                state=Job.State.SUCCEEDED, progress=100, heartbeat_at=now, finished_at=now
            )


class _Heartbeat(threading.Thread):
    """Tells the sweep that the worker is alive, even while the body computes for minutes."""

    def __init__(self, run: _Run, interval: float) -> None:
        super().__init__(name=f"job-{run.job_id}-heartbeat", daemon=True)
        self.job = run
        self.interval = interval
        self.done = threading.Event()

    def run(self) -> None:
        try:
            while not self.done.wait(self.interval):
                try:
                    beat = self.job.owned().update(heartbeat_at=timezone.now())
                    if not beat and self.job.lost_ownership():
                        self.job.superseded.set()
                        return
                except DatabaseError:  # e.g. SQLite busy while the body commits: try again
                    logger.warning("Heartbeat of job %s failed", self.job.job_id, exc_info=True)
        finally:
            connections.close_all()  # this thread's connections only

    def stop(self) -> None:
        self.done.set()
        self.join(timeout=self.interval + 5)


def heartbeat_interval() -> float:
    return max(0.2, settings.JOB_STALE_SECONDS / 6)


def run_delivery(body: Callable[..., Any], *, job_id: int, attempt: int) -> Any:
    """Run `body(**job.arguments)` for one attempt of a job and record how it ended."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED, attempts=attempt).update(
        state=Job.State.RUNNING,
        started_at=Coalesce("started_at", Value(now), output_field=DateTimeField()),
        heartbeat_at=now,
        progress=0,
        step="",
    )
    if not claimed:
        logger.warning("Job %s attempt %s is no longer waiting; delivery skipped", job_id, attempt)
        return None
    run = _Run(job_id, attempt)
    arguments = Job.objects.values_list("arguments", flat=True).get(pk=job_id)
    token = _CURRENT.set(run)
    beat = _Heartbeat(run, heartbeat_interval())
    beat.start()
    try:
        with translation.override(settings.LANGUAGE_CODE):
            value = body(**arguments)
    except JobSuperseded:
        logger.warning("Job %s attempt %s was taken over; its work is dropped", job_id, attempt)
        return None
    except Exception as error:
        summary = _summary(error, run)
        logger.exception("Job %s attempt %s failed: %s", job_id, attempt, summary)
        _record_failure(run, summary)
        raise JobFailed(summary) from None
    except BaseException:
        _release_interrupted(run)
        raise
    finally:
        beat.stop()
        _CURRENT.reset(token)
    return _record_success(run, value)


def _summary(error: Exception, run: _Run) -> str:
    step = Job.objects.filter(pk=run.job_id).values_list("step", flat=True).first() or ""
    where = f" in step '{step}'" if step else ""
    return f"{type(error).__name__}{where}"[:200]


def _release_interrupted(run: _Run) -> None:
    """A worker told to stop mid-job (a second Ctrl+C) hands the job on at once rather than
    leaving it for the sweep."""
    from schakel.web.jobs.recovery import INTERRUPTED, recover

    logger.warning("Job %s attempt %s interrupted", run.job_id, run.attempt)
    try:
        job = Job.objects.filter(pk=run.job_id, attempts=run.attempt).first()
        if job is not None:
            recover(job, reason=INTERRUPTED)
    except DatabaseError:
        logger.warning("Job %s is left to the sweep", run.job_id, exc_info=True)


def _record_failure(run: _Run, summary: str) -> None:
    run.owned().update(state=Job.State.FAILED, error=summary, finished_at=timezone.now())


def _record_success(run: _Run, value: Any) -> Any:
    result = normalize_json(value)
    done = Job.objects.filter(
        pk=run.job_id, attempts=run.attempt, state__in=[Job.State.RUNNING, Job.State.SUCCEEDED]
    ).update(
        state=Job.State.SUCCEEDED,
        progress=100,
        result=result,
        finished_at=Coalesce("finished_at", Value(timezone.now()), output_field=DateTimeField()),
    )
    if not done:
        logger.warning("Job %s attempt %s ended after a take-over", run.job_id, run.attempt)
        return None
    return result
