"""The nightly monitor release as a job: a complete protected report, or none."""

from __future__ import annotations

import csv
import os
import time
from pathlib import Path

import pytest
from django.test import override_settings

from schakel.web.demo.actions import do_seed_region
from schakel.web.demo.seeding import seed_parameters
from schakel.web.jobs import runner
from schakel.web.jobs.actions import do_enqueue_job
from schakel.web.jobs.models import Job
from schakel.web.jobs.testing import run_queued_jobs
from schakel.web.monitor import tasks
from schakel.web.monitor.data import clear_cache

pytestmark = pytest.mark.django_db
K = 10


def test_the_release_job_publishes_a_complete_report_and_reports_its_steps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clear_cache()
    do_seed_region(seed_parameters(persons=600, seed=5))
    steps: list[tuple[int, str]] = []

    def spy(percent: int, step: str) -> None:
        steps.append((percent, step))
        runner.report_progress(percent, step)

    monkeypatch.setattr(tasks, "report_progress", spy)
    with override_settings(DATA_DIR=tmp_path):
        job = do_enqueue_job(task=tasks.release_monitor, actor=None, arguments={"k": K})
        run_queued_jobs()
    job = Job.objects.get(pk=job.pk)
    assert job.state == "succeeded", job.error
    assert job.result is not None
    root = tmp_path / tasks.RELEASES
    release = root / job.result["release"]
    assert (root / tasks.LATEST).resolve() == release.resolve()
    names = {path.name for path in release.iterdir()}
    assert {"funnel.csv", "incidence.csv", "monitor.xlsx", "report.html"} <= names
    assert job.result["files"] == len(names)
    assert not list(root.glob(f"{tasks.PARTIAL}*"))
    for row in list(csv.reader((release / "funnel.csv").open(encoding="utf-8")))[1:]:
        assert all(not cell.isdigit() or int(cell) == 0 or int(cell) >= K for cell in row[1:])
    assert [step for _, step in steps] == [
        "Reading the event log",
        "Protecting the tables",
        "Writing the tables",
        "Writing the report",
        "Publishing the report",
    ]
    assert [percent for percent, _ in steps] == sorted(percent for percent, _ in steps)


def test_a_release_left_half_written_by_a_killed_worker_is_cleared_later(tmp_path: Path) -> None:
    old, fresh = tmp_path / f"{tasks.PARTIAL}old", tmp_path / f"{tasks.PARTIAL}fresh"
    for folder in (old, fresh):
        folder.mkdir()
        (folder / "funnel.csv").write_text("stage,count\n")
    day_ago = time.time() - 24 * 3600
    os.utime(old, (day_ago, day_ago))
    tasks._remove_abandoned(tmp_path)
    assert not old.exists() and fresh.exists()  # a fresh one may be a release in progress
