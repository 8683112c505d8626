"""Lost jobs: a worker that stopped beating is noticed; its job is retried or marked failed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from schakel.web.jobs.actions import do_enqueue_job
from schakel.web.jobs.models import Job
from schakel.web.jobs.recovery import DELIVERY_LOST, WORKER_LOST, sweep_stale_jobs
from schakel.web.jobs.testing import run_queued_jobs
from schakel.web.jobs.tests import example_tasks as tasks

pytestmark = pytest.mark.django_db

STALE = 60


def _running(job: Job, *, beat_seconds_ago: float) -> Job:
    """The job as a worker left it after claiming it (the backend's row RUNNING too)."""
    DBTaskResult.objects.get(id=job.result_id).claim("gone")
    beat = timezone.now() - dt.timedelta(seconds=beat_seconds_ago)
    Job.objects.filter(pk=job.pk).update(state="running", heartbeat_at=beat, started_at=beat)
    return Job.objects.get(pk=job.pk)


def _write_job(prefix: str) -> Job:
    return do_enqueue_job(
        task=tasks.write_groups, actor=None, arguments={"prefix": prefix, "rows": 2}
    )


@override_settings(JOB_STALE_SECONDS=STALE)
def test_a_retryable_job_of_a_dead_worker_gets_its_next_attempt_and_finishes() -> None:
    job = _running(_write_job("again"), beat_seconds_ago=STALE + 5)
    lost_delivery = job.result_id
    sweep = sweep_stale_jobs()
    assert sweep.retried == [job.pk] and sweep.failed == []
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("queued", 2)
    assert job.result_id and job.result_id != lost_delivery
    assert DBTaskResult.objects.get(id=lost_delivery).status == TaskResultStatus.FAILED
    run_queued_jobs()
    job.refresh_from_db()
    assert (job.state, job.attempts, job.result) == ("succeeded", 2, 2)
    assert Group.objects.filter(name__startswith="again-").count() == 2


@override_settings(JOB_STALE_SECONDS=STALE)
def test_a_job_that_may_not_be_retried_is_marked_failed() -> None:
    job = do_enqueue_job(task=tasks.report_half_way, actor=None)
    job = _running(job, beat_seconds_ago=STALE + 5)
    assert sweep_stale_jobs().failed == [job.pk]
    job.refresh_from_db()
    assert (job.state, job.error) == ("failed", WORKER_LOST)
    assert job.finished_at is not None
    assert DBTaskResult.objects.get(id=job.result_id).status == TaskResultStatus.FAILED


@override_settings(JOB_STALE_SECONDS=STALE)
def test_attempts_run_out() -> None:
    job = _write_job("tired")
    Job.objects.filter(pk=job.pk).update(attempts=3)
    job = _running(Job.objects.get(pk=job.pk), beat_seconds_ago=STALE + 5)
    assert sweep_stale_jobs().failed == [job.pk]


@override_settings(JOB_STALE_SECONDS=STALE)
def test_a_beating_job_is_left_alone_and_a_second_sweep_changes_nothing() -> None:
    alive = _running(_write_job("alive"), beat_seconds_ago=STALE - 10)
    dead = _running(_write_job("dead"), beat_seconds_ago=STALE + 10)
    first = sweep_stale_jobs()
    assert first.retried == [dead.pk]
    second = sweep_stale_jobs()
    assert second.retried == [] and second.failed == []
    alive.refresh_from_db()
    assert (alive.state, alive.attempts) == ("running", 1)
    assert Job.objects.get(pk=dead.pk).attempts == 2


@override_settings(JOB_STALE_SECONDS=STALE)
def test_the_lost_delivery_cannot_finish_the_job_after_its_retry() -> None:
    job = _running(_write_job("twice"), beat_seconds_ago=STALE + 5)
    sweep_stale_jobs()
    # the first delivery "wakes up": it tries to run attempt 1 of a job now at attempt 2
    tasks.write_groups.call(job.pk, 1)
    assert not Group.objects.filter(name__startswith="twice-").exists()
    assert Job.objects.get(pk=job.pk).state == "queued"


@override_settings(JOB_STALE_SECONDS=STALE)
def test_deliveries_lost_before_a_worker_started_them() -> None:
    long_ago = timezone.now() - dt.timedelta(seconds=STALE + 5)
    never_sent = _write_job("never-sent")
    Job.objects.filter(pk=never_sent.pk).update(result_id="", dispatched_at=long_ago)
    taken = _write_job("taken")
    DBTaskResult.objects.filter(id=taken.result_id).update(status=TaskResultStatus.FAILED)
    once = do_enqueue_job(task=tasks.report_half_way, actor=None)
    DBTaskResult.objects.filter(id=once.result_id).update(status=TaskResultStatus.SUCCESSFUL)
    waiting = _write_job("waiting")  # in a long queue: still READY, not lost
    Job.objects.filter(pk__in=[taken.pk, once.pk, waiting.pk]).update(dispatched_at=long_ago)
    sweep = sweep_stale_jobs()
    assert sorted(sweep.retried) == sorted([never_sent.pk, taken.pk])
    assert sweep.failed == [once.pk]
    assert Job.objects.get(pk=once.pk).error == DELIVERY_LOST
    assert Job.objects.get(pk=waiting.pk).attempts == 1
    run_queued_jobs()
    states = dict(Job.objects.values_list("pk", "state"))
    assert states == {never_sent.pk: "succeeded", taken.pk: "succeeded", once.pk: "failed",
                      waiting.pk: "succeeded"}  # fmt: skip
