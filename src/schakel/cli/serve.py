"""Set up and run an installation: migrate, seed, serve, demo, the job worker and its jobs."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from schakel.cli.base import (
    DEMO_ACCOUNTS,
    CommandError,
    Subcommands,
    data_dir,
    load_demo_secrets,
    setup_django,
)


def cmd_migrate(args: argparse.Namespace) -> None:
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def cmd_seed(args: argparse.Namespace) -> None:
    setup_django()
    from django.core.management import call_command

    from schakel.engine.synth import InvalidParameters
    from schakel.web.demo.actions import do_seed_region
    from schakel.web.demo.seeding import DatabaseNotEmpty, seed_parameters

    call_command("migrate", interactive=False, verbosity=0)
    try:
        params = seed_parameters(
            persons=args.persons, seed=args.seed, years=args.years, start_year=args.start_year
        )
        report = do_seed_region(params, ground_truth=args.ground_truth, only_if_empty=args.if_empty)
    except (InvalidParameters, DatabaseNotEmpty) as error:
        raise CommandError(str(error)) from None
    print(report.summary())


def default_web_workers() -> int:
    """Two per core plus one (gunicorn's advice), at most 9: more only queue on the database."""
    return min(2 * (os.cpu_count() or 1) + 1, 9)


def gunicorn_arguments(host: str, port: int, workers: int | None) -> list[str]:
    """Gunicorn's command line from the SCHAKEL_WEB_* settings; `--workers` on the command
    line wins over SCHAKEL_WEB_WORKERS."""
    from schakel.web import env

    count = workers or (
        env.read_int(env.WEB_WORKERS, minimum=1)
        if env.read(env.WEB_WORKERS)
        else default_web_workers()
    )
    threads = env.read_int(env.WEB_THREADS, minimum=1)
    max_requests = env.read_int(env.WEB_MAX_REQUESTS)
    return [
        "gunicorn",
        "schakel.web.wsgi:application",
        f"--bind={host}:{port}",
        f"--workers={count}",
        f"--threads={threads}",
        f"--worker-class={'gthread' if threads > 1 else 'sync'}",
        f"--timeout={env.read_int(env.WEB_TIMEOUT, minimum=1)}",
        f"--graceful-timeout={env.read_int(env.WEB_GRACEFUL_TIMEOUT, minimum=1)}",
        f"--max-requests={max_requests}",
        f"--max-requests-jitter={max_requests // 10}",
        "--umask=0o077",
        '--access-logformat=%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms',
        "--access-logfile=-",
        "--config=python:schakel.cli.gunicorn_hooks",
    ]


def cmd_serve(args: argparse.Namespace) -> None:
    setup_django()
    from django.conf import settings

    if not getattr(args, "skip_collectstatic", False) and not settings.STATIC_PREBUILT:
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
    from django.db import connections
    from gunicorn.app.wsgiapp import run

    # The checks above opened a database connection in this (master) process. Gunicorn forks
    # its workers from it: an inherited connection would be one socket shared by every worker,
    # whose replies then interleave (errors such as "the last operation didn't produce
    # records" under load). Each worker opens its own.
    connections.close_all()
    sys.argv = gunicorn_arguments(args.host, args.port, args.workers)
    run()


def cmd_demo(args: argparse.Namespace) -> None:
    secrets_file = load_demo_secrets(create=True)
    setup_django()
    from django.core.management import call_command

    from schakel.web.demo.actions import do_create_demo_accounts, do_seed_knowledge, do_seed_region
    from schakel.web.demo.seeding import seed_parameters

    call_command("migrate", interactive=False, verbosity=0)
    import datetime as dt

    years = 5  # the demo region covers the five full years before this one
    report = do_seed_region(
        seed_parameters(
            persons=args.persons,
            seed=args.seed,
            years=years,
            start_year=dt.date.today().year - years,
        ),
        ground_truth=data_dir() / "ground-truth",
        only_if_empty=True,
    )
    print(report.summary())
    accounts = do_create_demo_accounts(data_dir() / DEMO_ACCOUNTS)
    print(do_seed_knowledge())
    print("\nDemo accounts (one per role):")
    for account in accounts:
        print(f"  {account.username:<14} {account.role_label}")
    print(f"Their passwords are in {data_dir() / DEMO_ACCOUNTS}")
    print(f"The demo's generated keys are in {secrets_file}")
    print(mail_notice())
    if args.no_serve:
        return
    worker = None if args.no_worker else start_worker_process()
    print("\nStarting the web server ...", flush=True)
    try:
        cmd_serve(args)
    finally:
        if worker is not None:
            stop_process(worker)


def mail_notice() -> str:
    """Where the demo's e-mail goes: files in var/mail/ unless SMTP is configured."""
    from django.conf import settings

    if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
        return (
            f"E-mail (notifications, the daily e-mail) is not sent: each message is written "
            f"as a file to {settings.EMAIL_FILE_PATH}"
        )
    return f"E-mail is sent with {settings.EMAIL_BACKEND}"


def start_worker_process() -> subprocess.Popen[bytes]:
    """`schakel worker --schedule` beside the web server, with this process's environment."""
    worker = subprocess.Popen([sys.executable, "-m", "schakel.cli", "worker", "--schedule"])
    print(f"Job worker started (process {worker.pid})")
    return worker


def stop_process(process: subprocess.Popen[bytes], *, grace: float = 30) -> None:
    """SIGTERM, then SIGKILL after `grace` seconds: a job it was running is retried or marked
    failed by the next worker."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def cmd_worker(args: argparse.Namespace) -> None:
    setup_django()
    from schakel.web.jobs.worker import run_worker

    run_worker(schedule=args.schedule, burst=args.burst)


def cmd_jobs(args: argparse.Namespace) -> None:
    setup_django()
    from schakel.web.jobs.listing import job_lines

    for line in job_lines(failed=args.failed, limit=args.limit):
        print(line)


def add_serve_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on")
    parser.add_argument(
        "--workers", type=int, default=None, help="worker processes (else SCHAKEL_WEB_WORKERS)"
    )


def add_commands(sub: Subcommands) -> None:
    sub.add_parser("migrate", help="create or update the database tables").set_defaults(
        func=cmd_migrate
    )
    seed = sub.add_parser("seed", help="fill the database with a synthetic region")
    seed.add_argument("--persons", type=int, default=None, help="number of persons")
    seed.add_argument("--seed", type=int, default=2024, help="random seed (same seed, same data)")
    seed.add_argument("--years", type=int, default=None, help="number of years to cover")
    seed.add_argument("--start-year", type=int, default=None, help="first year")
    seed.add_argument("--ground-truth", type=Path, default=None, help="folder for the truth")
    seed.add_argument("--if-empty", action="store_true", help="do nothing if data exists")
    seed.set_defaults(func=cmd_seed)

    serve = sub.add_parser("serve", help="serve the web application")
    add_serve_options(serve)
    serve.set_defaults(func=cmd_serve)

    demo = sub.add_parser("demo", help="set up a demo (keys, database, data, accounts) and serve")
    add_serve_options(demo)
    demo.add_argument("--persons", type=int, default=3000, help="persons in the synthetic region")
    demo.add_argument("--seed", type=int, default=2024, help="random seed")
    demo.add_argument("--no-serve", action="store_true", help="prepare only, do not serve")
    demo.add_argument("--no-worker", action="store_true", help="serve without a job worker")
    demo.set_defaults(func=cmd_demo)

    worker = sub.add_parser("worker", help="run queued jobs (long work) until stopped")
    worker.add_argument(
        "--schedule", action="store_true", help="also queue the periodic jobs when they are due"
    )
    worker.add_argument("--burst", action="store_true", help="stop when no job is waiting")
    worker.set_defaults(func=cmd_worker)
    jobs = sub.add_parser("jobs", help="list recent jobs, newest first")
    jobs.add_argument("--failed", action="store_true", help="only failed jobs")
    jobs.add_argument("--limit", type=int, default=50, help="how many")
    jobs.set_defaults(func=cmd_jobs)
