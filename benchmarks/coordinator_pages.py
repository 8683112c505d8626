"""Response times of the coordinator's pages on a seeded database: home, My work, the case
list (plain, and with a search term and filters), and a case file with at least 40 events.

    .venv/bin/python benchmarks/coordinator_pages.py [--persons 10000] [--database-url URL]
        [--smoke]

Seeds a synthetic region into a fresh database (a temporary SQLite file, or the empty database
named by --database-url), signs in as the demo coordinator and requests each page repeatedly
through Django's full request cycle. Prints the queries one request makes, median and p95 in
milliseconds, the median CPU time of the process (the database's too with SQLite), and the load
average (wall-clock times on a loaded machine are pessimistic).
"""

from __future__ import annotations

import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

from django_setup import configure, page_options


def timed(
    client: object, url: str, repeat: int, data: dict[str, str] | None = None
) -> tuple[float, float, float]:
    """Median and p95 of the wall-clock time, and the median CPU time of this process (with
    SQLite that includes the database's work; it is what the time would be on an idle
    machine, which the wall clock on a shared one is not)."""
    samples, cpu = [], []
    for _ in range(repeat):
        started, used = time.perf_counter(), time.process_time()
        get, post = client.get, client.post  # type: ignore[attr-defined]
        response = get(url) if data is None else post(url, data)
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    p95 = samples[math.ceil(0.95 * len(samples)) - 1]  # nearest rank
    return statistics.median(samples), p95, statistics.median(cpu)


def counted(client: object, url: str, data: dict[str, str] | None = None) -> int:
    """The number of database queries one request makes (tests pin these for three pages)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    get, post = client.get, client.post  # type: ignore[attr-defined]
    with CaptureQueriesContext(connection) as captured:
        get(url) if data is None else post(url, data)
    return len(captured.captured_queries)


def with_events(coordinator: object, trajectory: object, wanted: int) -> int:
    """Bring the trajectory up to `wanted` events with observations (vulnerability factors)."""
    import datetime as dt

    from django.utils import timezone

    from schakel.web.trajectories.actions import do_record_event

    count = trajectory.events.count()  # type: ignore[attr-defined]
    for n in range(count, wanted):
        do_record_event(
            actor=coordinator,  # type: ignore[arg-type]
            trajectory=trajectory,  # type: ignore[arg-type]
            event_type="vulnerability",
            occurred_at=timezone.now() - dt.timedelta(minutes=wanted - n),
            payload={"factor": "debt", "note": f"observation {n}"},
        )
    return trajectory.events.count()  # type: ignore[attr-defined]


def search_term(trajectory: object) -> str:
    """The family name of the trajectory's person, as a coordinator would type it."""
    from schakel.web.core.crypto import decrypt_json
    from schakel.web.trajectories.models import Identity

    person = trajectory.person  # type: ignore[attr-defined]
    identity = decrypt_json(Identity.objects.get(person=person).ciphertext)
    return str(identity.get("family_name") or person.pseudonym)


def load() -> str:
    """The 1, 5 and 15 minute load averages, to read the times beside."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def main() -> int:
    args = page_options(__doc__ or "", persons=10_000, repeat=40)
    with tempfile.TemporaryDirectory() as folder:
        configure(folder, database_url=args.database_url)
        from django.core.management import call_command
        from django.test import Client

        from schakel.web.demo.actions import do_create_demo_accounts, do_seed_region
        from schakel.web.demo.seeding import seed_parameters
        from schakel.web.organisations.models import Membership
        from schakel.web.trajectories.models import Trajectory

        call_command("migrate", verbosity=0)
        report = do_seed_region(seed_parameters(persons=args.persons))
        do_create_demo_accounts(Path(folder) / "accounts.txt")
        coordinator = Membership.objects.select_related("organisation").get(
            user__username="coordinator"
        )
        visible = Trajectory.objects.visible_to(coordinator)
        Trajectory.objects.filter(pk__in=visible.values("pk")[:300]).update(
            coordinator=coordinator.user
        )
        client = Client()
        client.force_login(coordinator.user)
        busiest = visible.order_by("-version").first()
        assert busiest is not None
        events = with_events(coordinator, busiest, 40)
        searched = search_term(busiest)
        if args.database_url:  # planner statistics, as autovacuum keeps them on a live database
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        pages: dict[str, tuple[str, dict[str, str] | None]] = {
            "home": ("/", None),
            "my work": ("/trajecten/overzicht/", None),
            "case list": ("/trajecten/", None),
            "case list, name + filters": (
                "/trajecten/",
                {"zoek": searched, "fase": "in_care", "te_laat": "", "sorteer": "termijn"},
            ),
            "case list, 3 filters": (
                "/trajecten/",
                {"coordinator": "me", "vorm": "labour", "te_laat": "1"},
            ),
            f"case file ({events} events)": (f"/trajecten/{busiest.pk}/", None),
        }
        database = "PostgreSQL" if args.database_url else "SQLite"
        print(f"{report.trajectories} trajectories in the database; {visible.count()} visible")
        print(f"load average before timing: {load()}")
        print(
            f"{'page':<34} {'database':>10} {'queries':>8} {'median ms':>10} {'p95 ms':>8}"
            f" {'CPU ms':>7}"
        )
        for name, (url, data) in pages.items():
            timed(client, url, 1, data)
            queries = counted(client, url, data)
            median, p95, cpu = timed(client, url, args.repeat, data)
            print(f"{name:<34} {database:>10} {queries:>8} {median:>10.1f} {p95:>8.1f} {cpu:>7.1f}")
        print(f"load average after timing: {load()} (a loaded machine makes every time longer)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
