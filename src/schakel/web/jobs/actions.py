"""Putting a job on the queue, and handing a job's next attempt to the task backend."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task_backends
from django_tasks.base import Task
from django_tasks.utils import normalize_json
from django_tasks_db import DatabaseBackend

from schakel.web.jobs.models import Job
from schakel.web.jobs.registry import job_type_of
from schakel.web.organisations.models import Membership

logger = logging.getLogger(__name__)


def do_enqueue_job(
    *,
    actor: Membership | None,
    task: Task[Any, Any],
    arguments: Mapping[str, object] | None = None,
) -> Job:
    """Queue a registered job; `actor` is who asked (None for the schedule). The returned
    job's id is what the progress page takes."""
    job_type = job_type_of(task)
    with transaction.atomic():
        job = Job.objects.create(
            name=job_type.name,
            task_path=task.module_path,
            arguments=normalize_json(dict(arguments or {})),
            started_by=actor,
            max_attempts=job_type.max_attempts,
        )
        dispatch(job)
    return job


def dispatch(job: Job) -> None:
    """Queue the job's next attempt (call inside a transaction).

    The database backend stores the delivery in the same transaction as the job, so both
    exist or neither; another backend (Redis) is told after the commit, and a delivery lost
    between the two is found by the sweep (`recovery.delivery_lost`).
    """
    attempt = job.attempts + 1
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.QUEUED,
        attempts=attempt,
        dispatched_at=now,
        result_id="",
        heartbeat_at=None,
        progress=0,
        step="",
    )
    job.state, job.attempts, job.dispatched_at, job.result_id = Job.State.QUEUED, attempt, now, ""
    job.heartbeat_at, job.progress, job.step = None, 0, ""
    if isinstance(task_backends["default"], DatabaseBackend):
        job.result_id = _deliver(job.pk, job.task_path, attempt)
    else:
        transaction.on_commit(partial(_deliver, job.pk, job.task_path, attempt))


def _deliver(job_id: int, task_path: str, attempt: int) -> str:
    task: Task[Any, Any] = import_string(task_path)
    result = task.enqueue(job_id, attempt)
    Job.objects.filter(pk=job_id, attempts=attempt).update(result_id=str(result.id))
    logger.info("Job %s attempt %s queued as %s", job_id, attempt, result.id)
    return str(result.id)
