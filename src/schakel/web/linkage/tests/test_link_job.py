"""The linkage run as a job: its steps on the progress bar, its candidates stored once."""

from __future__ import annotations

import pytest

from schakel.web.demo.actions import do_seed_region
from schakel.web.demo.seeding import seed_parameters
from schakel.web.jobs import runner
from schakel.web.jobs.actions import do_enqueue_job
from schakel.web.jobs.models import Job
from schakel.web.jobs.testing import run_queued_jobs
from schakel.web.linkage import tasks
from schakel.web.linkage.models import ReturnCandidate
from schakel.web.linkage.tests.test_run import KEY
from schakel.web.trajectories.models import Trajectory

pytestmark = pytest.mark.django_db


def test_the_linkage_job_reports_steps_and_a_rerun_adds_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    do_seed_region(seed_parameters(persons=600, seed=3))
    monkeypatch.setenv("SCHAKEL_LINKAGE_KEY", KEY)
    steps: list[str] = []

    def spy(percent: int, step: str) -> None:
        steps.append(step)
        runner.report_progress(percent, step)

    monkeypatch.setattr(tasks, "report_progress", spy)
    first = do_enqueue_job(task=tasks.link_returns, actor=None)
    run_queued_jobs()
    result = Job.objects.get(pk=first.pk).result
    assert result is not None
    assert result["records"] == Trajectory.objects.count()
    assert result["new_candidates"] == ReturnCandidate.objects.count() > 0
    assert steps[0] == "Reading identity records" and steps[-1] == "Storing possible returns"
    again = do_enqueue_job(task=tasks.link_returns, actor=None)  # as a retry would run it
    run_queued_jobs()
    assert Job.objects.get(pk=again.pk).result == {**result, "new_candidates": 0}
    assert ReturnCandidate.objects.count() == result["new_candidates"]
