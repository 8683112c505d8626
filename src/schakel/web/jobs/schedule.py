"""Running the periodic jobs that are due, once across all workers."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from schakel.web.jobs.actions import do_enqueue_job
from schakel.web.jobs.models import Job, ScheduleState
from schakel.web.jobs.registry import SCHEDULES, Schedule

logger = logging.getLogger(__name__)


def run_due_schedules(now: dt.datetime | None = None) -> list[Job]:
    """Queue every registered schedule that is due; returns the jobs queued.

    The claim is one conditional UPDATE (`version` compared and bumped) in the same
    transaction as the job, so two workers with `--schedule` never both queue a run, and a
    worker that dies in between queues nothing and claims nothing.
    """
    now = now or timezone.now()
    queued = []
    for schedule in SCHEDULES.values():
        job = _run_if_due(schedule, now)
        if job is not None:
            queued.append(job)
    return queued


def _run_if_due(schedule: Schedule, now: dt.datetime) -> Job | None:
    state = _state(schedule.name)
    if not schedule.is_due(state.last_run_at, now):
        return None
    with transaction.atomic():
        claimed = ScheduleState.objects.filter(pk=state.pk, version=state.version).update(
            version=F("version") + 1, last_run_at=now
        )
        if not claimed:
            return None
        job = do_enqueue_job(task=schedule.task, actor=None, arguments=schedule.arguments)
        ScheduleState.objects.filter(pk=state.pk).update(last_job=job)
    logger.info("Scheduled job %s queued as job %s", schedule.name, job.pk)
    return job


def _state(name: str) -> ScheduleState:
    try:
        with transaction.atomic():
            state, _ = ScheduleState.objects.get_or_create(name=name)
    except IntegrityError:  # another worker made the row first
        state = ScheduleState.objects.get(name=name)
    return state


def next_run(name: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the schedule `name` runs next; None when no such schedule is registered (an app
    whose setting switched it off)."""
    schedule = SCHEDULES.get(name)
    if schedule is None:
        return None
    last = ScheduleState.objects.filter(name=name).values_list("last_run_at", flat=True).first()
    return schedule.next_slot(now or timezone.now(), last)
