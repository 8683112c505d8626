"""A job's life in one delivery: claim, progress, success, failure, transaction, take-over."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from schakel.web.jobs.actions import do_enqueue_job
from schakel.web.jobs.models import Job
from schakel.web.jobs.registry import Schedule, job_task
from schakel.web.jobs.runner import report_progress
from schakel.web.jobs.testing import run_queued_jobs
from schakel.web.jobs.tests import example_tasks as tasks
from schakel.web.organisations.models import Membership

pytestmark = pytest.mark.django_db


def _fresh(job: Job) -> Job:
    return Job.objects.get(pk=job.pk)


def test_a_queued_job_has_one_delivery_and_remembers_who_asked(
    coordinator_a: Membership,
) -> None:
    job = do_enqueue_job(task=tasks.report_half_way, actor=coordinator_a, arguments={"step": "x"})
    job = _fresh(job)
    assert (job.state, job.attempts, job.max_attempts, job.progress) == ("queued", 1, 1, 0)
    assert job.started_by == coordinator_a and job.arguments == {"step": "x"}
    delivery = DBTaskResult.objects.get(id=job.result_id)
    assert delivery.status == TaskResultStatus.READY
    assert delivery.args_kwargs == {"args": [job.pk, 1], "kwargs": {}}


def test_progress_is_recorded_while_running_and_result_at_the_end() -> None:
    job = do_enqueue_job(task=tasks.report_half_way, actor=None, arguments={"step": "Half way"})
    assert run_queued_jobs() == 1
    job = _fresh(job)
    assert job.result == {"progress": 40, "step": "Half way", "attempts": 1}
    assert (job.state, job.progress) == ("succeeded", 100)
    assert job.started_at and job.finished_at and job.finished_at >= job.started_at
    assert DBTaskResult.objects.get(id=job.result_id).status == TaskResultStatus.SUCCESSFUL


def test_a_failure_records_class_and_step_but_not_the_message() -> None:
    job = do_enqueue_job(
        task=tasks.fail_with_personal_data, actor=None, arguments={"name": "Jansen"}
    )
    run_queued_jobs()
    job = _fresh(job)
    assert job.state == "failed" and job.finished_at is not None
    assert job.error == "ValueError in step 'Checking'"
    delivery = DBTaskResult.objects.get(id=job.result_id)
    assert delivery.status == TaskResultStatus.FAILED
    assert "Jansen" not in delivery.traceback and "Jansen" not in job.error
    assert delivery.exception_class_path == "schakel.web.jobs.runner.JobFailed"


def test_writes_and_completion_commit_together() -> None:
    done = do_enqueue_job(
        task=tasks.write_groups, actor=None, arguments={"prefix": "ok", "rows": 3}
    )
    broken = do_enqueue_job(
        task=tasks.write_groups,
        actor=None,
        arguments={"prefix": "no", "rows": 3, "fail_inside": True},
    )
    run_queued_jobs()
    assert _fresh(done).state == "succeeded" and _fresh(done).result == 3
    assert Group.objects.filter(name__startswith="ok-").count() == 3
    assert _fresh(broken).state == "failed"
    assert not Group.objects.filter(name__startswith="no-").exists()  # rolled back, all of it


def test_a_delivery_that_lost_its_job_writes_nothing() -> None:
    job = do_enqueue_job(task=tasks.taken_over_mid_way, actor=None, arguments={"prefix": "late"})
    run_queued_jobs()
    job = _fresh(job)
    assert not Group.objects.filter(name__startswith="late-").exists()
    assert job.state == "running" and job.attempts == 99  # left to its new owner


def test_an_old_delivery_of_a_job_is_skipped() -> None:
    job = do_enqueue_job(
        task=tasks.write_groups, actor=None, arguments={"prefix": "old", "rows": 1}
    )
    Job.objects.filter(pk=job.pk).update(attempts=2)  # a newer attempt was queued since
    run_queued_jobs()
    assert _fresh(job).state == "queued"
    assert not Group.objects.filter(name__startswith="old-").exists()


def test_a_retry_starts_from_the_checkpoint() -> None:
    job = do_enqueue_job(task=tasks.count_with_checkpoint, actor=None, arguments={"items": 5})
    Job.objects.filter(pk=job.pk).update(checkpoint={"done": [0, 1]})
    run_queued_jobs()
    assert _fresh(job).result == {"resumed_with": 2, "done": 5}
    assert _fresh(job).checkpoint == {"done": [0, 1, 2, 3, 4]}


def test_a_worker_stopped_mid_job_hands_it_on_at_once() -> None:
    job = do_enqueue_job(task=tasks.interrupted_once, actor=None)
    assert run_queued_jobs() == 2  # the interrupted delivery, then the next attempt
    job = _fresh(job)
    assert (job.state, job.attempts, job.result) == ("succeeded", 2, 2)


def test_progress_outside_a_job_does_nothing() -> None:
    report_progress(50, "Not in a job")
    assert not Job.objects.exists()


def test_job_names_are_unique_and_schedules_say_when() -> None:
    with pytest.raises(ValueError, match="taken"):
        job_task("tests.report", label="again")
    with pytest.raises(ValueError, match="either"):
        Schedule("nothing", tasks.report_half_way)
