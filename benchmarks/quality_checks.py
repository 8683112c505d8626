"""CPU time of the data-quality worklist (`/trajecten/kwaliteit/`, and the counts on the
supervisor's home) on a seeded region, for the organisation with the most trajectories.

    .venv/bin/python benchmarks/quality_checks.py [--persons 10000] [--database-url URL] [--smoke]

Prints, for "placement still running after closure", the trajectories the engine projects and
the CPU time when every closed trajectory with a placement is projected (the check before the
aggregate pre-filter) and when only `placement_candidates` are; then the whole worklist and the
supervisor's home page (median CPU ms; with SQLite the database's work is included).
Both ways must find the same lines: the script exits 1 when they do not.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

from django_setup import configure, page_options


def cpu_ms(work: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    samples, result = [], None
    for _ in range(repeat):
        used = time.process_time()
        result = work()
        samples.append((time.process_time() - used) * 1000)
    return statistics.median(samples), result


def main() -> int:
    args = page_options(__doc__ or "", persons=10_000, repeat=10)
    with tempfile.TemporaryDirectory() as folder:
        configure(folder, database_url=args.database_url)
        from django.core.management import call_command
        from django.db.models import Count
        from django.test import Client

        from schakel.engine.trajectories import project_state
        from schakel.engine.trajectories.events import EventType
        from schakel.engine.vocabulary import Role
        from schakel.web.demo.actions import do_seed_region
        from schakel.web.demo.seeding import seed_parameters
        from schakel.web.organisations.models import Membership, Organisation
        from schakel.web.trajectories.models import Trajectory
        from schakel.web.trajectories.quality import (
            CLOSED,
            event_histories,
            placement_candidates,
            quality_worklist,
        )

        call_command("migrate", verbosity=0)
        do_seed_region(seed_parameters(persons=args.persons))
        busiest = (
            Organisation.objects.annotate(n=Count("trajectories")).order_by("-n").values("pk")[:1]
        )
        organisation = Organisation.objects.get(pk=busiest)
        supervisor = Membership.objects.filter(
            organisation=organisation, role=Role.SUPERVISOR
        ).first()
        if supervisor is None:
            from schakel.web.core.testing import MembershipFactory

            supervisor = MembershipFactory.create(organisation=organisation, role=Role.SUPERVISOR)
        own = Trajectory.objects.filter(organisation=organisation)

        def project(trajectories: Any) -> set[str]:
            history = event_histories(trajectories)
            return {t for t, events in history.items() if project_state(events).open_placements}

        every = own.filter(
            case_status__in=CLOSED, events__event_type=EventType.PLACEMENT_START
        ).distinct()
        before_ms, before = cpu_ms(lambda: project(every), args.repeat)
        after_ms, after = cpu_ms(lambda: project(placement_candidates(own)), args.repeat)
        whole_ms, lines = cpu_ms(lambda: quality_worklist(supervisor), args.repeat)

        client = Client()
        client.force_login(supervisor.user)
        client.get("/")
        home_ms, _answer = cpu_ms(lambda: client.get("/"), args.repeat)
        page_ms, _answer = cpu_ms(lambda: client.get("/trajecten/kwaliteit/"), args.repeat)

        database = "PostgreSQL" if args.database_url else "SQLite"
        print(f"{own.count()} trajectories of {organisation.name} ({database}), {len(lines)} lines")
        print(f"{'placement after closure':<34} {'projected':>10} {'found':>6} {'CPU ms':>8}")
        rows = [
            ("every closed with a placement", every.count(), len(before), before_ms),
            (
                "candidates (aggregate filter)",
                placement_candidates(own).count(),
                len(after),
                after_ms,
            ),
        ]
        for name, projected, found, ms in rows:
            print(f"{name:<34} {projected:>10} {found:>6} {ms:>8.1f}")
        print(f"whole worklist: {whole_ms:.1f} ms CPU (its queries: test_quality_placements)")
        print(f"supervisor home: {home_ms:.1f} ms CPU; worklist page: {page_ms:.1f} ms CPU")
        if before != after:
            print("DIFFERENT LINES: the pre-filter drops a trajectory the engine would report")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
