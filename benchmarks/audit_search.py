"""The audit trail's filter "this person in this period" on millions of lines, through the page.

    .venv/bin/python benchmarks/audit_search.py [--lines 5000000] [--persons 20000]
        [--database-url postgres://.../empty_db] [--repeat 40]

Builds a fresh database (a temporary SQLite file, or the EMPTY PostgreSQL database named by
--database-url, which it migrates), with organisations, users, persons and trajectories, then
writes the audit lines in bulk with SQL generated inside the database (a recursive CTE on
SQLite, generate_series on PostgreSQL). Those lines BYPASS THE HASH CHAIN: their hashes are
placeholders, so `verify_chain` fails on this benchmark's database, and only there. The lines
are spread over two years in sequence order, over the persons' trajectories, identities and
other objects, and over ten users per organisation.

It then signs in as a supervisor and requests the audit page (Django's full request cycle,
template included) filtered by one person (pseudonym) and one month, for a different person
each time, and also the unfiltered first page and a page deep in the trail (keyset). Prints
median and p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time

from django_setup import configure

ORGANISATIONS = 20
USERS_PER_ORGANISATION = 10
SECONDS_PER_LINE = 12
START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def build_people(persons: int) -> tuple[object, list[str]]:
    """Organisations, users (one supervisor), persons with one trajectory each; the helper
    tables the SQL below draws from. Returns the supervisor's membership and the pseudonyms
    of the persons of the supervisor's organisation."""
    from django.db import connection, transaction

    from schakel.engine.vocabulary import OrganisationType, Region, Role
    from schakel.web.organisations.models import Membership, Organisation, User
    from schakel.web.trajectories.models import Person, Trajectory

    with transaction.atomic():
        organisations = Organisation.objects.bulk_create(
            Organisation(
                name=f"Organisatie {n}",
                type=OrganisationType.CARE_COORDINATION,
                region=Region.ROTTERDAM,
            )
            for n in range(ORGANISATIONS)
        )
        users = User.objects.bulk_create(
            User(username=f"medewerker{o}-{k}", first_name="Mede", last_name=f"Werker {o}-{k}")
            for o in range(ORGANISATIONS)
            for k in range(USERS_PER_ORGANISATION)
        )
        Membership.objects.bulk_create(
            Membership(
                user=user,
                organisation=organisations[i // USERS_PER_ORGANISATION],
                role=Role.COORDINATOR,
            )
            for i, user in enumerate(users)
        )
        boss = User.objects.create(username="toezicht", first_name="Toe", last_name="Zicht")
        supervisor = Membership.objects.create(
            user=boss, organisation=organisations[0], role=Role.SUPERVISOR
        )
        people = Person.objects.bulk_create(Person() for _ in range(persons))
        trajectories = Trajectory.objects.bulk_create(
            Trajectory(person=p, organisation=organisations[i % ORGANISATIONS], opened_at=START)
            for i, p in enumerate(people)
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE bench_subject (n INTEGER PRIMARY KEY, person_id VARCHAR(64), "
                "trajectory_id VARCHAR(64), organisation_id INTEGER)"
            )
            cursor.executemany(
                "INSERT INTO bench_subject VALUES (%s, %s, %s, %s)",
                [
                    (i, str(t.person_id), str(t.pk), t.organisation_id)
                    for i, t in enumerate(trajectories)
                ],
            )
            cursor.execute(
                "CREATE TABLE bench_actor (organisation_id INTEGER, k INTEGER, user_id INTEGER, "
                "username VARCHAR(150), PRIMARY KEY (organisation_id, k))"
            )
            cursor.executemany(
                "INSERT INTO bench_actor VALUES (%s, %s, %s, %s)",
                [
                    (
                        organisations[i // USERS_PER_ORGANISATION].pk,
                        i % USERS_PER_ORGANISATION,
                        u.pk,
                        u.username,
                    )
                    for i, u in enumerate(users)
                ],
            )
    own = [p.pseudonym for i, p in enumerate(people) if i % ORGANISATIONS == 0]
    return supervisor, own


def reuse_people() -> tuple[object, list[str]]:
    """The supervisor and their organisation's pseudonyms in a database an earlier run built."""
    from schakel.web.organisations.models import Membership
    from schakel.web.trajectories.models import Person

    supervisor = Membership.objects.select_related("user").get(user__username="toezicht")
    own = Person.objects.filter(trajectories__organisation_id=supervisor.organisation_id)
    return supervisor, list(own.values_list("pseudonym", flat=True))


def count_lines() -> int:
    from schakel.web.audit.models import AuditHead

    head = AuditHead.objects.get(id=1)
    return int(head.sequence)


LINE_SQL = """
INSERT INTO audit_auditentry (sequence, at, actor_id, actor_name, role, organisation_id,
    action, object_type, object_id, purpose, detail, previous_hash, hash)
SELECT s.i + 1, {at}, a.user_id, a.username, 'coordinator', b.organisation_id,
    CASE WHEN s.i % 5 < 4 THEN 'read' ELSE 'append' END,
    CASE s.i % 5 WHEN 0 THEN 'trajectory' WHEN 1 THEN 'trajectory' WHEN 2 THEN 'identity'
        WHEN 3 THEN 'person' ELSE 'training' END,
    CASE WHEN s.i % 5 < 2 THEN b.trajectory_id WHEN s.i % 5 < 4 THEN b.person_id
        ELSE {training_id} END,
    'view trajectory', '{{}}', 'benchmark', 'benchmark'
FROM {series} s
JOIN bench_subject b ON b.n = (CAST(s.i AS BIGINT) * 7919) % {persons}
JOIN bench_actor a ON a.organisation_id = b.organisation_id AND a.k = s.i % {users}
"""


SQLITE_SERIES = (
    "(WITH RECURSIVE r(i) AS (SELECT {first} UNION ALL SELECT i + 1 FROM r "
    "WHERE i < {last}) SELECT i FROM r)"
)
SQLITE_AT = "strftime('%Y-%m-%d %H:%M:%f', '{start}', '+' || (s.i * {step}) || ' seconds')"
POSTGRES_AT = "TIMESTAMPTZ '{start} 00:00:00+00' + s.i * INTERVAL '{step} seconds'"


def write_lines(lines: int, persons: int, batch: int = 500_000) -> None:
    """The audit lines, in batches, written by the database itself (chain bypassed)."""
    from django.db import connection, transaction

    from schakel.web.audit.models import AuditHead

    sqlite = connection.vendor == "sqlite"
    for first in range(0, lines, batch):
        last = min(first + batch, lines) - 1
        if sqlite:
            series = SQLITE_SERIES.format(first=first, last=last)
            at = SQLITE_AT.format(start=f"{START:%Y-%m-%d}", step=SECONDS_PER_LINE)
        else:
            series = f"(SELECT generate_series({first}, {last}) AS i)"
            at = POSTGRES_AT.format(start=f"{START:%Y-%m-%d}", step=SECONDS_PER_LINE)
        training = "CAST(s.i % 50 AS TEXT)"
        sql = LINE_SQL.format(
            at=at,
            series=series,
            persons=persons,
            users=USERS_PER_ORGANISATION,
            training_id=training,
        )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
        print(f"  {last + 1:>10,} lines written", flush=True)
    AuditHead.objects.update_or_create(id=1, defaults={"sequence": lines, "hash": "benchmark"})
    with connection.cursor() as cursor:
        # On PostgreSQL a VACUUM as autovacuum would run on a live trail: without it the first
        # read of each freshly loaded page writes its hint bits (EXPLAIN showed the person query
        # dirtying 181 of 250 pages), which times the bulk load, not the trail.
        cursor.execute("ANALYZE" if sqlite else "VACUUM (ANALYZE) audit_auditentry")


def timed_queries(supervisor: object, urls: list[str]) -> tuple[float, float]:
    """The selection and its page alone (the database's share): form, query, pseudonyms."""
    from urllib.parse import parse_qs, urlsplit

    from schakel.web.audit.forms import AuditFilterForm
    from schakel.web.audit.search import page_of
    from schakel.web.organisations.models import Organisation

    scope = Organisation.objects.filter(pk=supervisor.organisation_id)  # type: ignore[attr-defined]
    samples = []
    for url in urls:
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        started = time.perf_counter()
        form = AuditFilterForm(query, scope=scope)
        page_of(form.selection(), before=int(query["before"]) if "before" in query else None)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def timed(client: object, urls: list[str]) -> tuple[float, float, int]:
    samples, lines = [], 0
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)  # type: ignore[attr-defined]
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        lines += len(response.context["page"].entries)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))], lines


def explain(supervisor: object, url: str) -> None:
    """The database's plan for the person + period query of `url`."""
    from urllib.parse import parse_qs, urlsplit

    from schakel.web.audit.forms import AuditFilterForm
    from schakel.web.audit.search import entries_matching
    from schakel.web.organisations.models import Organisation

    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    scope = Organisation.objects.filter(pk=supervisor.organisation_id)  # type: ignore[attr-defined]
    form = AuditFilterForm(query, scope=scope)
    print(entries_matching(form.selection())[:51].explain())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=5_000_000)
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--reuse", action="store_true", help="time a database an earlier run filled (migrated)"
    )
    parser.add_argument("--explain", action="store_true", help="print the person query's plan")
    parser.add_argument("--smoke", action="store_true", help="smallest size: check it runs")
    args = parser.parse_args()
    if args.smoke:
        args.lines, args.persons, args.repeat = 20_000, 200, 3
    with tempfile.TemporaryDirectory() as folder:
        configure(folder, database_url=args.database_url)
        from django.core.management import call_command
        from django.test import Client
        from django.test.utils import setup_test_environment

        setup_test_environment()  # so that a response carries its context (lines per page)
        call_command("migrate", verbosity=0)
        began = time.perf_counter()
        if args.reuse:
            supervisor, pseudonyms = reuse_people()
            args.lines = count_lines()
        else:
            supervisor, pseudonyms = build_people(args.persons)
            write_lines(args.lines, args.persons)
        seconds = time.perf_counter() - began
        print(f"{args.lines:,} audit lines and {args.persons:,} persons in {seconds:.0f} s")

        client = Client()
        client.force_login(supervisor.user)  # type: ignore[attr-defined]
        chooser = random.Random(17)
        last_day = (START + dt.timedelta(seconds=args.lines * SECONDS_PER_LINE)).date()
        span = (last_day - START.date()).days

        def month() -> str:
            start = START.date() + dt.timedelta(days=chooser.randrange(max(span - 30, 1)))
            return f"start={start.isoformat()}&end={(start + dt.timedelta(days=30)).isoformat()}"

        person_urls = [
            f"/audit/?person={chooser.choice(pseudonyms)}&{month()}" for _ in range(args.repeat)
        ]
        deep = args.lines // 3
        cases = {
            "person + month": person_urls,
            "person, whole trail": [
                f"/audit/?person={chooser.choice(pseudonyms)}" for _ in range(args.repeat)
            ],
            "first page, no filter": ["/audit/"] * args.repeat,
            "page deep in the trail": [f"/audit/?before={deep}"] * args.repeat,
        }
        if args.explain:
            explain(supervisor, person_urls[0])
        database = "PostgreSQL" if args.database_url else "SQLite"
        print(f"load average before timing: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
        print(
            f"{'request':<26} {'database':>10} {'page median':>12} {'page p95':>9}"
            f" {'query median':>13} {'query p95':>10} {'lines/page':>11}"
        )
        for name, urls in cases.items():
            client.get(urls[0])
            median, p95, lines = timed(client, urls)
            query_median, query_p95 = timed_queries(supervisor, urls)
            print(
                f"{name:<26} {database:>10} {median:>12.1f} {p95:>9.1f}"
                f" {query_median:>13.1f} {query_p95:>10.1f} {lines / len(urls):>11.1f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
