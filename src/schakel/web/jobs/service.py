"""What the domain apps use of the job queue: declare jobs and schedules, report progress."""

from __future__ import annotations

from schakel.web.jobs.actions import do_enqueue_job
from schakel.web.jobs.health import queue_reachable
from schakel.web.jobs.registry import Schedule, job_task, register_schedule
from schakel.web.jobs.runner import checkpoint, report_progress, save_checkpoint
from schakel.web.jobs.schedule import next_run

__all__ = [
    "Schedule",  # when a periodic job runs (interval or time of day)
    "checkpoint",  # what a retried job saved before its worker was lost
    "do_enqueue_job",  # queue a job for a membership (or the system) and get its Job row
    "job_task",  # decorator: a task in an app's tasks.py becomes a job (retryable or not)
    "next_run",  # when a registered schedule runs next (None: not scheduled)
    "queue_reachable",  # the readiness check: the queue's store answers
    "register_schedule",  # run a job periodically under `schakel worker --schedule`
    "report_progress",  # inside a job: percentage and step name for the progress bar
    "save_checkpoint",  # inside a job: what a retry may skip
]
