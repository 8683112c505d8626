"""The monitor is released in the background: pages read the stored release, never compute one."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from schakel.engine import parallel
from schakel.engine.flow_paths import path_index
from schakel.engine.monitor import (
    EpisodeIndex,
    filters_of,
    label_episodes,
    protect_release,
    published,
    release_tables,
)
from schakel.engine.monitor import release as engine_release
from schakel.engine.monitor.details import with_details
from schakel.engine.trajectories import build_episodes
from schakel.engine.vocabulary import Role
from schakel.web.core.testing import signed_in
from schakel.web.core.testing.data import IDENTITY
from schakel.web.demo.actions import do_seed_region
from schakel.web.demo.seeding import seed_parameters
from schakel.web.jobs.models import Job
from schakel.web.jobs.schedule import run_due_schedules
from schakel.web.jobs.service import do_enqueue_job
from schakel.web.jobs.testing import run_queued_jobs
from schakel.web.monitor import data, release, stored, tables, tasks
from schakel.web.monitor.models import Release, ReleaseSelection
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.trajectories.actions import (
    do_open_trajectory,
    do_record_event,
    do_register_person,
)

pytestmark = pytest.mark.django_db
K = 10


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    data.clear_cache()
    release.clear_cache()


@pytest.fixture
def region() -> None:
    do_seed_region(seed_parameters(persons=600, seed=5))


@pytest.fixture
def analyst(org_a: Organisation, member: Callable[..., Membership]) -> Client:
    return signed_in(member(org_a, Role.ANALYST))


def _run_release(**arguments: object) -> Job:
    job = do_enqueue_job(task=tasks.release_monitor, actor=None, arguments=arguments)
    run_queued_jobs()
    job = Job.objects.get(pk=job.pk)
    assert job.state == Job.State.SUCCEEDED, job.error
    return job


def _forbid_computing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a page view computed monitor figures")

    for module, name in (
        (stored, "compute_release"),
        (data, "monitor_data"),
        (data, "event_log"),
        (tables, "monitor_data"),
        (tables, "selection_tables"),
        (release, "protect_release"),
        (published, "selection_tables"),
        (engine_release, "protect_selections"),
    ):
        monkeypatch.setattr(module, name, refuse)


def test_without_a_release_the_page_says_so_and_queues_one_without_computing(
    region: None, analyst: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    _forbid_computing(monkeypatch)
    html = analyst.get("/monitor/").content.decode()
    assert 'id="no-release"' in html and "funnel-table" not in html
    assert Job.objects.filter(name="monitor.release", state=Job.State.QUEUED).count() == 1
    analyst.get("/monitor/")  # a second visit joins the queued job
    assert Job.objects.filter(name="monitor.release").count() == 1
    assert analyst.get("/monitor/export.csv?table=funnel").status_code == 302


def test_pages_and_downloads_read_the_stored_release_and_never_compute(
    region: None, analyst: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run_release()
    saved = Release.objects.get()
    _forbid_computing(monkeypatch)
    html = analyst.get("/monitor/?form=labour&stratum=placement").content.decode()
    moment = timezone.localtime(saved.data_until)
    assert "funnel-table" in html and "incidence-table" in html
    assert re.search(rf"{moment.year} {moment:%H:%M}", html), "release moment shown"
    for table in ("funnel", "incidence", "flows"):
        assert analyst.get(f"/monitor/export.csv?table={table}").status_code == 200
    assert analyst.get("/monitor/export.xlsx?table=all").status_code == 200
    combined = analyst.get("/monitor/?form=labour&region=rotterdam").content.decode()
    assert "Choose one filter" in combined or "Kies één filter" in combined


def test_two_workers_with_their_own_caches_show_the_same_release(
    region: None, org_a: Organisation, member: Callable[..., Membership]
) -> None:
    _run_release()
    pages = []
    for _worker in range(2):  # each worker process starts with empty caches
        data.clear_cache()
        release.clear_cache()
        client = signed_in(member(org_a, Role.ANALYST))
        pages.append(client.get("/monitor/?region=rotterdam&stratum=cohort").content.decode())
    tables_of = [re.findall(r"<table.*?</table>", page, re.S) for page in pages]
    assert tables_of[0] and tables_of[0] == tables_of[1]


def test_a_write_followed_by_the_job_gives_a_new_release_and_no_write_gives_none(
    region: None, coordinator_a: Membership
) -> None:
    first = _run_release()
    assert _run_release(only_if_changed=True).result == {"skipped": "unchanged"}
    assert Release.objects.count() == 1
    person = do_register_person(actor=coordinator_a, identity=IDENTITY)
    trajectory = do_open_trajectory(
        actor=coordinator_a, person=person, opened_at=timezone.now() - dt.timedelta(days=3)
    )
    do_record_event(
        actor=coordinator_a,
        trajectory=trajectory,
        event_type="intake",
        occurred_at=timezone.now() - dt.timedelta(days=2),
        payload={},
    )
    second = _run_release(only_if_changed=True)
    assert first.result is not None and second.result is not None
    assert second.result["release"] != first.result["release"]
    newest = stored.latest_release()
    assert newest is not None and newest.pk == second.result["release"]
    older = Release.objects.get(pk=first.result["release"])
    assert newest.log_version != older.log_version and newest.data_until > older.data_until


def test_the_schedules_queue_a_nightly_and_a_debounced_release() -> None:
    def monitor_jobs(queued: list[Job]) -> list[bool]:
        return sorted(
            bool(job.arguments.get("only_if_changed", False))
            for job in queued
            if job.name == "monitor.release"
        )

    assert monitor_jobs(run_due_schedules()) == [False, True]  # nightly, after writes
    assert monitor_jobs(run_due_schedules(timezone.now() + tasks.DEBOUNCE / 2)) == []
    later = timezone.now() + tasks.DEBOUNCE + dt.timedelta(seconds=1)
    assert monitor_jobs(run_due_schedules(later)) == [True]


def test_the_stored_release_equals_the_straightforward_engine_computation() -> None:
    do_seed_region(seed_parameters(persons=1200, seed=11))
    _run_release()
    saved = Release.objects.get()
    keys = set(ReleaseSelection.objects.filter(release=saved).values_list("key", flat=True))
    assert {"all", "form:labour", "region:rotterdam"} <= keys
    assert any(key.startswith("cohort:") for key in keys)
    # The engine, straight from the event log: episodes, paths, the release, the tables.
    log = data.event_log(payload_text=True)
    episodes = with_details(build_episodes(log, as_of=saved.as_of, strict=False).episodes, log)
    paths = path_index(log[log["occurred_at"].dt.date <= saved.as_of])
    protected = protect_release(label_episodes(episodes), None, K, paths=paths)
    expected = release_tables(EpisodeIndex.build(episodes), paths, protected, K)
    assert set(expected) == keys
    for key in sorted(keys):
        content = ReleaseSelection.objects.get(release=saved, key=key).content
        # the noised figures (ADR 0021) are drawn afresh: the same cells, noise of their own
        noised, wanted = content.pop("noised"), expected[key].pop("noised")
        assert content == expected[key], key
        assert noised["budget"] == wanted["budget"], key
        cells = [(r["level"], r["horizon_months"]) for r in noised["rows"]]
        assert cells == [(r["level"], r["horizon_months"]) for r in wanted["rows"]], key
    # ... and what a page shows is what computing that selection directly shows.
    filters = filters_of("form:labour")
    shown = stored.read_selection(saved, filters)
    assert shown is not None
    page = tables.monitor_from_content(
        shown, filters=filters, stratum="region", k=K, as_of=saved.as_of, quality=saved.quality
    )
    direct = tables.compute_monitor(filters, stratum="region", k=K)
    for name in ("funnel", "incidence", "sensitivity", "completeness", "hazards"):
        assert getattr(page, name).equals(getattr(direct, name)), name


def test_an_analyst_starts_a_refresh_and_follows_it_and_a_second_press_joins_it(
    org_a: Organisation, member: Callable[..., Membership]
) -> None:
    analyst = member(org_a, Role.ANALYST)
    client = signed_in(analyst)
    response = client.post("/monitor/verversen/")
    job = Job.objects.get(name="monitor.release")
    assert job.started_by == analyst
    assert response.status_code == 302
    assert response["Location"] == f"/opdrachten/{job.pk}/voortgang/"
    other = signed_in(member(org_a, Role.SUPERVISOR))
    assert other.post("/monitor/verversen/")["Location"] == "/monitor/"  # joins, no new job
    assert Job.objects.filter(name="monitor.release").count() == 1
    html = other.get("/monitor/").content.decode()
    assert 'id="refresh-running"' in html and 'id="refresh-button"' not in html
    assert client.get("/monitor/verversen/").status_code == 405


def test_releases_of_one_quarter_publish_the_same_noised_figures() -> None:
    """Fresh noise in every release would let anyone average the releases (ADR 0031)."""
    do_seed_region(seed_parameters(persons=1200, seed=11))
    _run_release()
    _run_release()
    first, second = Release.objects.order_by("pk")
    drawn = first.summary["noised"]
    assert drawn is not None and drawn["figures"]
    assert second.summary["noised"] == drawn
    for key in ("all", "form:labour"):
        rows = [
            ReleaseSelection.objects.get(release=release, key=key).content["noised"]
            for release in (first, second)
        ]
        assert rows[0] == rows[1], key


@pytest.mark.skipif(not parallel.can_fork(), reason="this platform does not fork")
def test_the_job_on_forked_processes_stores_what_one_process_computes(
    region: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ADR 0034: a large release forks (here every release, however small: the read of the
    paths, the funnel's protection, the tables); the job runner with its database connection
    and heartbeat thread stores the same tables."""
    pools = []
    real_pool = parallel._pool

    def counted(*args: Any, **kwargs: Any) -> Any:
        pools.append(args)
        return real_pool(*args, **kwargs)

    monkeypatch.setattr(parallel, "MIN_ROWS", 0)
    monkeypatch.setattr(parallel, "_pool", counted)
    _run_release()
    beside = "the paths beside the episodes, the funnel beside theirs, then the tables"
    assert len(pools) == 3, beside
    saved = Release.objects.get()
    log = data.event_log(payload_text=True)
    episodes = with_details(build_episodes(log, as_of=saved.as_of, strict=False).episodes, log)
    paths = path_index(log[log["occurred_at"].dt.date <= saved.as_of])
    protected = protect_release(label_episodes(episodes), None, K, paths=paths, workers=1)
    expected = release_tables(EpisodeIndex.build(episodes), paths, protected, K, workers=1)
    assert len(pools) == 3
    stored_keys = ReleaseSelection.objects.filter(release=saved).values_list("key", flat=True)
    assert set(stored_keys) == set(expected)
    for key in sorted(expected):
        content = ReleaseSelection.objects.get(release=saved, key=key).content
        content.pop("noised"), expected[key].pop("noised")  # noise of its own (ADR 0021)
        assert content == expected[key], key
