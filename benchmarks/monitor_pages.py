"""Time the monitor on a seeded database: the release job, and the page right after a write.

    .venv/bin/python benchmarks/monitor_pages.py [--persons 20000] [--repeat 20] [--data-dir DIR]

Seeds a synthetic region into a temporary SQLite database (PostgreSQL when DATABASE_URL is
set; with --data-dir the SQLite database is kept in DIR and reused, seeded only when it has no
events). Then:

(a) the release job's work: `compute_release` (event log, episodes, paths, the release over
    all selections, every published selection's tables) and `save_release`, with its peak
    memory (max RSS of the process);
(b) one event is recorded (a new intake), then `/monitor/` is requested `--repeat` times by a
    signed-in analyst, cycling through filters and strata; p50 and p95 of the response time.
    The page reads the stored release, so the write costs it nothing.

Prints sizes, seconds and the share of published counts.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from django_setup import configure


def max_rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def published_shares(release: Any) -> dict[str, tuple[int, int]]:
    """Published counts out of all counts, per table, over every selection of the release."""
    shares: dict[str, list[int]] = {}
    for content in release.selections.values_list("content", flat=True):
        cells = {
            "funnel": [(r["trajectories"], r["status"]) for r in content["funnel"]],
            "incidence 12 and 24 months": [
                (r["events"], r["status"])
                for rows in content["incidence"].values()
                for r in rows
                if r["horizon_months"] in (12, 24)
            ],
            "incidence 3 and 6 months": [
                (r["events"], r["status"])
                for rows in content["incidence"].values()
                for r in rows
                if r["horizon_months"] in (3, 6)
            ],
        }
        for table, found in cells.items():
            total = shares.setdefault(table, [0, 0])
            total[0] += sum(1 for value, _ in found if value is not None)
            total[1] += len(found)
    return {table: (shown, total) for table, (shown, total) in shares.items() if total}


def write_one_event() -> None:
    import datetime as dt

    from django.utils import timezone

    from schakel.web.core.testing.data import IDENTITY
    from schakel.web.core.testing.factories import MembershipFactory
    from schakel.web.organisations.models import Organisation
    from schakel.web.trajectories.actions import (
        do_open_trajectory,
        do_record_event,
        do_register_person,
    )

    coordinator = MembershipFactory.create(organisation=Organisation.objects.first())
    person = do_register_person(actor=coordinator, identity=IDENTITY)
    trajectory = do_open_trajectory(
        actor=coordinator, person=person, opened_at=timezone.now() - dt.timedelta(days=2)
    )
    do_record_event(
        actor=coordinator,
        trajectory=trajectory,
        event_type="intake",
        occurred_at=timezone.now() - dt.timedelta(days=1),
        payload={},
    )


def page_times(repeat: int) -> tuple[list[float], list[float]]:
    from schakel.engine.vocabulary import Role
    from schakel.web.core.testing import signed_in
    from schakel.web.core.testing.factories import MembershipFactory
    from schakel.web.organisations.models import Organisation

    analyst = signed_in(
        MembershipFactory.create(organisation=Organisation.objects.first(), role=Role.ANALYST)
    )
    queries = ["", "form=labour&stratum=placement", "region=rotterdam&stratum=cohort",
               "cohort=2023&stratum=intervention_work", "form=sexual&stratum=region"]  # fmt: skip
    times, cpu = [], []
    for i in range(repeat):
        started, used = time.perf_counter(), time.process_time()
        response = analyst.get(f"/monitor/?{queries[i % len(queries)]}")
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
        assert response.status_code == 200
    return times, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--data-dir", help="keep the seeded database here and reuse it")
    parser.add_argument("--smoke", action="store_true", help="smallest size: check it runs")
    args = parser.parse_args()
    if args.smoke:
        args.persons, args.repeat = 300, 3
    if args.data_dir:
        Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    place = (
        contextlib.nullcontext(args.data_dir) if args.data_dir else tempfile.TemporaryDirectory()
    )
    with place as folder:
        configure(folder)
        from django.core.management import call_command

        from schakel.web.demo.actions import do_seed_region
        from schakel.web.demo.seeding import seed_parameters
        from schakel.web.monitor import stored
        from schakel.web.trajectories.models import Trajectory, TrajectoryEvent

        call_command("migrate", verbosity=0)
        seeded = 0.0
        if not TrajectoryEvent.objects.exists():
            started = time.perf_counter()
            do_seed_region(seed_parameters(persons=args.persons))
            seeded = time.perf_counter() - started
        events = TrajectoryEvent.objects.count()
        started, cpu = time.perf_counter(), time.process_time()
        release = stored.save_release(stored.compute_release())
        released, released_cpu = time.perf_counter() - started, time.process_time() - cpu
        peak = max_rss_mib()
        shares = published_shares(release)
        write_one_event()
        load = os.getloadavg()
        times, page_cpu = page_times(args.repeat)
        started, cpu = time.perf_counter(), time.process_time()
        after = stored.save_release(stored.compute_release())
        again, again_cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"trajectories {Trajectory.objects.count():,}, events {events:,}, "
            f"selections {len(release.summary['selections'])}; seeding {seeded:.0f} s"
        )
        print(
            f"(a) release job: {released:.1f} s wall, {released_cpu:.1f} s CPU, "
            f"peak memory {peak:,.0f} MiB"
        )
        for table, (shown, total) in shares.items():
            print(f"    published {table}: {shown:,} of {total:,} counts ({shown / total:.0%})")
        p50, p95 = statistics.median(times), sorted(times)[int(0.95 * (len(times) - 1))]
        print(
            f"(b) /monitor/ right after a write: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
            f" wall; CPU p50 {statistics.median(page_cpu) * 1000:.0f} ms, p95 "
            f"{sorted(page_cpu)[int(0.95 * (len(page_cpu) - 1))] * 1000:.0f} ms"
            f" (load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f})"
        )
        print(
            f"(c) the release job after the write: {again:.1f} s wall, {again_cpu:.1f} s CPU, "
            f"differencing {after.summary['differencing']}; load average {os.getloadavg()}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
