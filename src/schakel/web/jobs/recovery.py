"""Finding jobs a worker lost (killed, machine gone) and retrying or failing them.

The database backend has no notion of a dead worker: its row stays RUNNING for ever
(django-tasks issue #46). Each job therefore carries a heartbeat; a job whose heartbeat is
older than SCHAKEL_JOB_STALE_SECONDS is lost. A retryable job gets its next attempt, any other
is marked failed. Every worker sweeps at start and then every few seconds.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task_backends
from django_tasks.exceptions import TaskResultDoesNotExist
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from schakel.web.jobs.actions import dispatch
from schakel.web.jobs.models import Job

logger = logging.getLogger(__name__)

WORKER_LOST = "The worker stopped during this job."
DELIVERY_LOST = "The job was handed to a worker that never ran it."
INTERRUPTED = "The worker was told to stop during this job."


@dataclass
class Sweep:
    retried: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def stale_before(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(seconds=settings.JOB_STALE_SECONDS)


def sweep_stale_jobs(now: dt.datetime | None = None) -> Sweep:
    """Retry or fail every job whose worker is gone; returns the ids of each."""
    limit = stale_before(now)
    sweep = Sweep()
    lost = [(job, WORKER_LOST) for job in Job.objects.running_without_heartbeat_since(limit)]
    lost += [
        (job, DELIVERY_LOST)
        for job in Job.objects.queued_before(limit)
        if delivery_lost(job, limit)
    ]
    for job, reason in lost:
        outcome = recover(job, reason=reason)
        if outcome == "retried":
            sweep.retried.append(job.pk)
        elif outcome == "failed":
            sweep.failed.append(job.pk)
    return sweep


def recover(job: Job, *, reason: str) -> str | None:
    """Give a lost job its next attempt, or mark it failed when it has none left.

    Compare-and-set on (state, attempts): of two workers sweeping at once only one acts, and
    the lost delivery, should it wake up, no longer owns the job. Returns "retried", "failed",
    or None when the job had already moved on.
    """
    if job.state not in (Job.State.QUEUED, Job.State.RUNNING):
        return None
    attempt, lost_result = job.attempts, job.result_id
    with transaction.atomic():
        owned = Job.objects.filter(pk=job.pk, state=job.state, attempts=attempt)
        if attempt < job.max_attempts:
            if not owned.update(state=Job.State.QUEUED):
                return None
            dispatch(job)
            outcome = "retried"
        else:
            now = timezone.now()
            if not owned.update(state=Job.State.FAILED, error=reason, finished_at=now):
                return None
            outcome = "failed"
        _close_backend_result(lost_result, reason)
    logger.warning(
        "Job %s (%s) lost in attempt %s of %s: %s; %s",
        job.pk,
        job.name,
        attempt,
        job.max_attempts,
        reason,
        outcome,
    )
    return outcome


def delivery_lost(job: Job, limit: dt.datetime) -> bool:
    """A queued job whose delivery will never run: never handed over (the process died
    between commit and enqueue), or taken by a worker that did not start it."""
    if not job.result_id:
        return True
    backend = task_backends["default"]
    if not backend.supports_get_result:
        return False
    try:
        result = backend.get_result(job.result_id)
    except TaskResultDoesNotExist:
        return True
    except Exception:  # e.g. the task's module is gone: retrying would not help either
        logger.warning("Cannot read the delivery of job %s", job.pk, exc_info=True)
        return False
    if result.status == TaskResultStatus.READY:
        return False  # still waiting its turn
    if result.status == TaskResultStatus.RUNNING:
        return result.started_at is not None and result.started_at < limit
    return True


def _close_backend_result(result_id: str, reason: str) -> None:
    """The database backend's row of a lost delivery would say RUNNING for ever."""
    if not result_id or not isinstance(task_backends["default"], DatabaseBackend):
        return
    DBTaskResult.objects.filter(id=result_id, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path="schakel.web.jobs.recovery.WorkerLost",
        traceback=reason,
    )
