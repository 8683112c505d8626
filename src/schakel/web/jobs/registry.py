"""The kinds of job there are and the periodic ones, registered by the apps that own the work.

A domain app declares its jobs in its `tasks` module with `@job_task(...)` and, for periodic
work, `register_schedule(...)`; `JobsConfig.ready` imports every app's `tasks` module, so this
app knows them without importing a domain app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django_tasks import task
from django_tasks.base import Task

from schakel.web.jobs.runner import run_delivery

Body = Callable[..., Any]


@dataclass(frozen=True)
class JobType:
    name: str
    label: str | Promise
    task: Task[Any, Any]
    max_attempts: int
    summary: Callable[[Any], str] | None = None
    """The finished job's result in words for the progress page ("" when there is nothing)."""
    result_url: str = ""
    """The URL name of the page to go to when the job is done (e.g. the page it started on)."""
    result_label: str | Promise = ""


JOB_TYPES: dict[str, JobType] = {}


def job_task(
    name: str,
    *,
    label: str | Promise,
    retryable: bool = False,
    max_attempts: int = 3,
    summary: Callable[[Any], str] | None = None,
    result_url: str = "",
    result_label: str | Promise = "",
) -> Callable[[Body], Task[Any, Any]]:
    """Make `body(**arguments)` a job: a django-tasks task the worker runs as one delivery.

    `retryable` declares that running the body again after a lost worker is safe (its writes
    are done in `completing()`, or repeat harmlessly); such a job gets `max_attempts`
    deliveries, any other job one. Arguments and return value are JSON and hold no personal data.
    `summary` turns the return value into words for the progress page; `result_url` (a URL
    name, no arguments) and `result_label` give the link shown there once the job is done.
    """
    if not name or name in JOB_TYPES:
        raise ValueError(f"A job needs a name of its own; {name!r} is taken or empty.")
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1.")

    def decorate(body: Body) -> Task[Any, Any]:
        def deliver(job_id: int, attempt: int) -> Any:
            return run_delivery(body, job_id=job_id, attempt=attempt)

        # The backend imports a task by its module path, so the task must stand where the body
        # stood. (functools.wraps would also set __wrapped__, which hides these arguments.)
        deliver.__module__ = body.__module__
        deliver.__qualname__ = body.__qualname__
        deliver.__name__ = body.__name__
        deliver.__doc__ = body.__doc__
        made: Task[Any, Any] = task()(deliver)
        JOB_TYPES[name] = JobType(
            name,
            label,
            made,
            max_attempts if retryable else 1,
            summary=summary,
            result_url=result_url,
            result_label=result_label,
        )
        return made

    return decorate


def job_type_of(made: Task[Any, Any]) -> JobType:
    for job_type in JOB_TYPES.values():
        if job_type.task.module_path == made.module_path:
            return job_type
    raise LookupError(f"{made.module_path} is not a registered job; decorate it with @job_task.")


def job_label(name: str) -> str | Promise:
    job_type = JOB_TYPES.get(name)
    return job_type.label if job_type else name


@dataclass(frozen=True)
class Schedule:
    """A job that runs daily `at` a local time, or `every` so long."""

    name: str
    task: Task[Any, Any]
    at: dt.time | None = None
    every: dt.timedelta | None = None
    arguments: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        if (self.at is None) == (self.every is None):
            raise ValueError(f"Schedule {self.name!r} needs either `at` or `every`.")

    def last_slot(self, now: dt.datetime) -> dt.datetime:
        """The latest moment at or before `now` when this schedule should have run."""
        assert self.at is not None
        local = timezone.localtime(now)
        slot = timezone.make_aware(dt.datetime.combine(local.date(), self.at))
        return slot if slot <= now else slot - dt.timedelta(days=1)

    def next_slot(self, now: dt.datetime, last_run: dt.datetime | None = None) -> dt.datetime:
        """The next moment after `now` this schedule runs: tonight's or tomorrow's time on the
        wall clock, or `every` after its last run (or after now, when it never ran)."""
        if self.every is not None:
            return max(now, (last_run or now) + self.every)
        assert self.at is not None
        day = timezone.localtime(now).date()
        slot = timezone.make_aware(dt.datetime.combine(day, self.at))
        if slot > now:
            return slot
        return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), self.at))

    def is_due(self, last_run: dt.datetime | None, now: dt.datetime) -> bool:
        """Due when it never ran, or when a slot passed since it last did: a missed night runs
        once when a worker is back, not once per missed night."""
        if last_run is None:
            return True
        if self.every is not None:
            return now >= last_run + self.every
        return last_run < self.last_slot(now)


SCHEDULES: dict[str, Schedule] = {}


def register_schedule(schedule: Schedule) -> Schedule:
    job_type_of(schedule.task)  # a schedule runs a registered job
    if schedule.name in SCHEDULES:
        raise ValueError(f"There is already a schedule called {schedule.name!r}.")
    SCHEDULES[schedule.name] = schedule
    return schedule
