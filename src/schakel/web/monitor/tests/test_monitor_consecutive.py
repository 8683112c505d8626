"""The release job protects a release together with the last one (ADR 0026): after a write,
no group below k follows from what the two consecutive releases publish together, in the
episode counts nor in the funnel and the flows."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from django.utils import timezone

from schakel.engine.disclosure import determined
from schakel.engine.disclosure.consecutive import PREVIOUS, joint_units, selection_matrix
from schakel.engine.flow_paths import path_index
from schakel.engine.monitor.funnel import DIMS as FUNNEL_DIMS
from schakel.engine.monitor.funnel import funnel_units
from schakel.engine.monitor.funnel_audit import derivable
from schakel.engine.monitor.release import DIMS, episode_units, unit_trajectories
from schakel.engine.monitor.selection import label_episodes
from schakel.engine.monitor.units import from_bytes
from schakel.engine.trajectories import build_episodes
from schakel.web.core.testing.data import IDENTITY
from schakel.web.demo.actions import do_seed_region
from schakel.web.demo.seeding import seed_parameters
from schakel.web.jobs.models import Job
from schakel.web.jobs.service import do_enqueue_job
from schakel.web.jobs.testing import run_queued_jobs
from schakel.web.monitor import data, release, stored, tasks
from schakel.web.monitor.models import Release, ReleaseUnits
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.actions import (
    do_merge_persons,
    do_open_trajectory,
    do_record_event,
    do_register_person,
)
from schakel.web.trajectories.models import Trajectory

pytestmark = pytest.mark.django_db
K = 10


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    data.clear_cache()
    release.clear_cache()


@pytest.fixture
def region() -> None:
    do_seed_region(seed_parameters(persons=600, seed=5))


def _run_release() -> Release:
    job = do_enqueue_job(task=tasks.release_monitor, actor=None, arguments={})
    run_queued_jobs()
    job = Job.objects.get(pk=job.pk)
    assert job.state == Job.State.SUCCEEDED, job.error
    assert job.result is not None
    return Release.objects.get(pk=job.result["release"])


def _record_exits(actor: Membership, count: int) -> None:
    """`count` new people who entered care, were exploited in labour and left care."""
    now = timezone.now()
    for number in range(count):
        person = do_register_person(actor=actor, identity=IDENTITY)
        trajectory = do_open_trajectory(
            actor=actor, person=person, opened_at=now - dt.timedelta(days=40)
        )
        for kind, days, payload in (
            ("intake", 30, {}),
            ("exploitation_episode", 29, {"episode_id": f"e{number}", "form": "labour"}),
            ("exit", 3, {"exit_kind": "stable"}),
        ):
            do_record_event(
                actor=actor,
                trajectory=trajectory,
                event_type=kind,
                occurred_at=now - dt.timedelta(days=days),
                payload=payload,
            )


def _units(saved: Release) -> pd.DataFrame:
    """The exit episodes a stored release was computed from, rebuilt from the log."""
    log = stored._recorded_until(data.event_log(payload_text=True), saved.data_until)
    episodes = build_episodes(log, as_of=saved.as_of, strict=False).episodes
    return episode_units(label_episodes(episodes))


def _funnel_derivable(first: Release, second: Release) -> int:
    """The same audit for the funnel's stages, paths and steps, over the trajectories."""
    units, frames = [], []
    for saved in (first, second):
        log = stored._recorded_until(data.event_log(payload_text=True), saved.data_until)
        units.append(funnel_units(path_index(log[log["occurred_at"].dt.date <= saved.as_of]), K))
        statuses = saved.summary["funnel_statuses"]
        frames.append(pd.DataFrame(statuses, columns=[*FUNNEL_DIMS, "measure", "status"]))
    return derivable(units[0], units[1], frames[0], frames[1], K)


def _derivable(first: Release, second: Release) -> int:
    """How many counts below k (1 or more) of either release, or changes of a count between
    them below k, are linear combinations of the counts the two releases publish."""
    before_units, units = _units(first), _units(second)
    measures = [c for c in units.columns if c not in ("unit", "person_id", *DIMS)]
    joint = joint_units(
        before_units, units, unit="unit", dims=DIMS, measures=measures, person="person_id"
    )
    frames = [
        pd.DataFrame(saved.summary["statuses"], columns=[*DIMS, "measure", "status"])
        for saved in (first, second)
    ]
    old = selection_matrix(frames[0], joint, DIMS, {m: PREVIOUS + m for m in measures})
    new = selection_matrix(frames[1], joint, DIMS, {m: m for m in measures})
    before = selection_matrix(frames[1], joint, DIMS, {m: PREVIOUS + m for m in measures})
    published = np.vstack(
        [old[(frames[0]["status"] == "published").to_numpy()],
         new[(frames[1]["status"] == "published").to_numpy()]]
    )  # fmt: skip
    groups = np.vstack([new, before, new * (1 - before), before * (1 - new)])
    sizes = groups.sum(axis=1)
    targets = np.unique(groups[(sizes >= 1) & (sizes < K)], axis=0)
    status = np.r_[np.zeros(len(published)), np.ones(len(targets))].astype(np.int8)
    return int(determined(status, np.vstack([published, targets])).sum())


def test_a_write_followed_by_the_job_gives_a_release_that_survives_differencing(
    region: None, coordinator_a: Membership
) -> None:
    first = _run_release()
    assert first.summary["differencing"] == {"episodes": "first", "funnel": "first"}
    _record_exits(coordinator_a, 3)  # three exits of labour exploitation: a group below k
    second = _run_release()
    assert second.summary["differencing"] == {"episodes": "protected", "funnel": "protected"}
    assert _derivable(first, second) == 0
    assert _funnel_derivable(first, second) == 0  # three more trajectories at intake and exit


def test_without_the_consecutive_protection_the_audit_finds_the_new_exits(
    region: None, coordinator_a: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The audit above can fail: the job protecting each release alone publishes the counts
    before and after the three exits, whose difference is the group of three."""
    first = _run_release()
    _record_exits(coordinator_a, 3)
    monkeypatch.setattr(stored, "previous_release", lambda log, saved, **kwargs: None)
    second = _run_release()
    assert second.summary["differencing"] == {"episodes": "first", "funnel": "first"}
    assert _derivable(first, second) > 0
    assert _funnel_derivable(first, second) > 0


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("unit").reset_index(drop=True)


def test_the_next_release_reads_the_units_stored_with_the_last_instead_of_rebuilding_them(
    region: None, coordinator_a: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ADR 0033: the units a release was computed from are stored with it; the next job
    reads them (equal to the rebuilt ones) and never rebuilds the previous release."""
    first = _run_release()
    assert ReleaseUnits.objects.filter(release=first).exists()
    log = stored._recorded_until(data.event_log(payload_text=True), timezone.now())
    read = stored.previous_release(log, first)
    assert read is not None and read.funnel_units is None  # read by the funnel's half
    pd.testing.assert_frame_equal(_sorted(read.units), _sorted(_units(first)))
    rebuilt = funnel_units(path_index(log[log["occurred_at"].dt.date <= first.as_of]), K)
    trajectories = read.trajectories()
    assert trajectories is not None
    pd.testing.assert_frame_equal(_sorted(trajectories), _sorted(rebuilt))

    _record_exits(coordinator_a, 3)

    def rebuild(*args: object, **kwargs: object) -> None:
        raise AssertionError("the previous release was rebuilt from the log")

    monkeypatch.setattr(stored, "build_episodes", rebuild)
    monkeypatch.setattr(stored, "path_index", rebuild)
    second = _run_release()
    monkeypatch.undo()
    assert second.summary["differencing"] == {"episodes": "protected", "funnel": "protected"}
    assert _derivable(first, second) == 0
    assert _funnel_derivable(first, second) == 0
    assert list(ReleaseUnits.objects.values_list("release", flat=True)) == [second.pk]


def test_stored_units_count_people_merged_since_as_one(
    region: None, coordinator_a: Membership
) -> None:
    """A person registered twice and merged after the release: the stored units name the
    old person; read back for the next release they name the person the trajectory has now."""
    _record_exits(coordinator_a, 2)  # two registrations of one person
    ours = Trajectory.objects.filter(organisation=coordinator_a.organisation).order_by("pk")
    keep, merge = (trajectory.person for trajectory in ours)
    moved = {pk.hex for pk in Trajectory.objects.filter(person=merge).values_list("pk", flat=True)}
    keep_id, merge_id = keep.pk.hex, merge.pk.hex  # the log's ids: hex, with or without dashes
    first = _run_release()
    funnel = ReleaseUnits.objects.get(release=first).funnel
    assert funnel is not None
    stored_units = from_bytes(bytes(funnel))
    do_merge_persons(actor=coordinator_a, keep=keep, merge=merge, reason="zelfde persoon")
    assert (
        stored_units[_hex(stored_units["unit"]).isin(moved)]["person_id"]
        .str.replace("-", "")
        .eq(merge_id)
        .all()
    )
    read = stored.previous_release(data.event_log(payload_text=True), first)
    trajectories = None if read is None else read.trajectories()
    assert read is not None and trajectories is not None
    for frame, trajectory in (
        (trajectories, trajectories["unit"]),
        (read.units, unit_trajectories(read.units)),
    ):
        of_moved = frame[_hex(trajectory).isin(moved)]
        assert len(of_moved) == 1
        assert _hex(of_moved["person_id"]).eq(keep_id).all()
    assert not _hex(trajectories["person_id"]).eq(merge_id).any()


def _hex(ids: pd.Series) -> pd.Series:
    return ids.str.replace("-", "")
