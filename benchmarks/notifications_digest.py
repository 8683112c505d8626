"""The daily e-mail for many coordinators: build the notices and queue the e-mails in one job.

    .venv/bin/python benchmarks/notifications_digest.py [--users 1000] [--tasks 10000]
        [--database-url postgres://...]

Creates `users` coordinators (in 10 care-coordination organisations), one open trajectory each
and `tasks` open tasks spread over them (due from 5 days ago to 25 days ahead), in a fresh
database (a temporary SQLite file, or the empty database named by --database-url). Then times
the daily job's two phases as the job runs them: gathering the day's notices and writing one
e-mail per user (`run_daily_digest`, one transaction), and sending the queued e-mails
(`send_waiting`, to Django's in-memory backend, so no mail server's speed is measured).
Prints the counts and seconds; the target for building and queueing is under 30 s. The URL
configuration is loaded before the clock starts (a worker has it from its first job; loading
it costs a few seconds once).
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time

from django_setup import configure


def seed(users: int, tasks: int, today: dt.date) -> None:
    from django.utils import timezone

    from schakel.engine.vocabulary import OrganisationType, Region, Role
    from schakel.web.organisations.models import Membership, Organisation, User
    from schakel.web.trajectories.models import Person, Trajectory, TrajectoryTask

    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Zorgcoördinatie benchmark {n}",
            type=OrganisationType.CARE_COORDINATION,
            region=list(Region)[n % len(Region)],
        )
        for n in range(10)
    )
    people = User.objects.bulk_create(
        User(username=f"coordinator{n}", email=f"coordinator{n}@example.org") for n in range(users)
    )
    Membership.objects.bulk_create(
        Membership(user=user, organisation=organisations[n % 10], role=Role.COORDINATOR)
        for n, user in enumerate(people)
    )
    persons = Person.objects.bulk_create(Person() for _ in range(users))
    now = timezone.now()
    trajectories = Trajectory.objects.bulk_create(
        Trajectory(
            person=person,
            organisation=organisations[n % 10],
            coordinator=people[n],
            opened_at=now,
        )
        for n, person in enumerate(persons)
    )
    TrajectoryTask.objects.bulk_create(
        (
            TrajectoryTask(
                trajectory=trajectories[n % users],
                kind="follow_up",
                due_on=today + dt.timedelta(days=(n % 31) - 5),
            )
            for n in range(tasks)
        ),
        batch_size=2000,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--smoke", action="store_true", help="smallest size: check it runs")
    args = parser.parse_args()
    if args.smoke:
        args.users, args.tasks = 20, 200
    with tempfile.TemporaryDirectory() as folder:
        configure(
            folder,
            database_url=args.database_url,
            SCHAKEL_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        )
        from django.core import mail
        from django.core.management import call_command
        from django.db import connection
        from django.urls import get_resolver
        from django.utils import timezone

        from schakel.web.notifications.digest import run_daily_digest
        from schakel.web.notifications.models import OutgoingEmail
        from schakel.web.notifications.sending import send_waiting

        call_command("migrate", verbosity=0)
        get_resolver().url_patterns  # noqa: B018  a running worker has loaded its URLs
        today = timezone.localdate()
        seed(args.users, args.tasks, today)
        mail.outbox = []
        started = time.perf_counter()
        run = run_daily_digest(today)
        built = time.perf_counter() - started
        started = time.perf_counter()
        sent = send_waiting(limit=args.users + 10)
        sending = time.perf_counter() - started
        assert run.emails == OutgoingEmail.objects.count() == sent.sent == len(mail.outbox)
        print(f"database: {connection.vendor}")
        print(f"users: {args.users}, open tasks: {args.tasks}")
        print(f"notices: {run.notices}, e-mails queued: {run.emails}")
        print(f"build and queue: {built:.2f} s (target < 30 s)")
        print(f"send {sent.sent} e-mails (in-memory backend): {sending:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
