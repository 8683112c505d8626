"""The `schakel` command: set up, seed, serve and check a Schakel installation."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

DEMO_ENV = "demo.env"
DEMO_ACCOUNTS = "demo-accounts.txt"


class CommandError(Exception):
    """A problem the operator can fix; printed without a traceback."""


def data_dir() -> Path:
    return Path(os.environ.get("SCHAKEL_DATA_DIR") or "var").resolve()


def load_demo_secrets(*, create: bool) -> Path:
    """Load the demo's own secrets (made once by `schakel demo`, completed when new ones appear).

    Variables already set in the environment win, so an operator's keys are never replaced.
    """
    import secrets

    from cryptography.fernet import Fernet

    path = data_dir() / DEMO_ENV
    if not path.exists() and not create:
        return path
    makers = {
        "SCHAKEL_SECRET_KEY": lambda: secrets.token_urlsafe(50),
        "SCHAKEL_ENCRYPTION_KEYS": lambda: Fernet.generate_key().decode(),
        "SCHAKEL_SEARCH_KEY": lambda: secrets.token_urlsafe(32),
        "SCHAKEL_LINKAGE_KEY": lambda: secrets.token_urlsafe(48),
        "SCHAKEL_AUDIT_KEY": lambda: secrets.token_urlsafe(48),
        "SCHAKEL_DEMO": lambda: "true",  # one-step sign-in, plain HTTP: check --deploy refuses
    }
    values: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            name, _, value = line.partition("=")
            if name:
                values[name] = value
    missing = {name: make() for name, make in makers.items() if name not in values}
    if missing:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        values.update(missing)
        path.write_text("".join(f"{name}={value}\n" for name, value in values.items()))
        path.chmod(0o600)
    for name, value in values.items():
        if not os.environ.get(name):
            os.environ[name] = value
    return path


def setup_django() -> None:
    load_demo_secrets(create=False)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schakel.web.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as error:
        raise CommandError(str(error)) from None
    from django.core.checks import ERROR, run_checks

    problems = [m for m in run_checks() if m.level >= ERROR]
    if problems:
        raise CommandError("\n".join(f"{m.id}: {m.msg}" for m in problems))
    check_database()


def check_database() -> None:
    from django.db import connection
    from django.db.utils import OperationalError

    try:
        connection.ensure_connection()
    except OperationalError as error:
        settings = connection.settings_dict
        where = f"{settings.get('HOST') or 'local'}:{settings.get('PORT') or ''}/{settings['NAME']}"
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise CommandError(
            f"Cannot connect to the database {where} (from DATABASE_URL): {reason}"
        ) from None


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
    print(f"\nSchakel runs at http://{args.host}:{args.port}/  (Ctrl+C stops it)")
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


def cmd_audit_verify(args: argparse.Namespace) -> None:
    setup_django()
    from schakel.web.audit.service import verify_chain

    report = verify_chain()
    if not report.intact:
        raise CommandError(
            f"Audit trail broken at entry #{report.broken_at}: {report.reason} "
            f"({report.checked} entries before it are intact)."
        )
    print(f"Audit trail intact: {report.checked} entries checked.")


def cmd_audit_grants(args: argparse.Namespace) -> None:
    """Print the grants for the role the application runs as (run them as the tables' owner)."""
    setup_django()
    from django.db import connection

    from schakel.web.audit.database_role import grant_statements

    for statement in grant_statements(args.role, connection.introspection.table_names()):
        print(statement + ";")


def cmd_admin_create(args: argparse.Namespace) -> None:
    """The first organisation and administrator of an empty installation, and a one-time link."""
    setup_django()
    from django.core.exceptions import ValidationError

    from schakel.engine.vocabulary import OrganisationType, Region
    from schakel.web.accounts.actions import do_create_installation
    from schakel.web.accounts.links import sign_in_link

    try:
        user = do_create_installation(
            organisation_name=args.organisation,
            region=Region(args.region),
            type=OrganisationType(args.type),
            username=args.username,
            email=args.email or "",
        )
    except ValidationError as error:
        raise CommandError(" ".join(error.messages)) from None
    print(f"Administrator {user.get_username()} of {args.organisation} created.")
    print("Sign in once with this link to choose a password (it works once):")
    print(sign_in_link(user))


def cmd_signals_catalogue(args: argparse.Namespace) -> None:
    from schakel.signals_cli import catalogue

    sys.stdout.write(catalogue(args.set, args.format))


def cmd_signals_evaluate(args: argparse.Namespace) -> None:
    from schakel.signals_cli import evaluate_file

    sys.stdout.write(evaluate_file(args.file))


def _linkage_key(args: argparse.Namespace) -> object:
    from schakel.engine.linkage import load_key

    load_demo_secrets(create=False)
    return load_key(args.key_file, epoch=args.epoch)


def cmd_link_key(args: argparse.Namespace) -> None:
    from schakel.engine.linkage import new_key_text

    print(new_key_text())


def cmd_link_encode(args: argparse.Namespace) -> None:
    from schakel.engine.linkage import encode_file, load_schema

    key = _linkage_key(args)
    schema = load_schema(args.schema)
    report = encode_file(
        args.input,
        schema,
        args.out,
        key=key,  # type: ignore[arg-type]
        decoy_fraction=args.decoys,
        decoys_out=args.decoys_out,
        progress=lambda done, total: print(f"\rencoded {done:,} of {total:,}", end=""),
    )
    print(
        f"\n{report.records:,} records encoded ({report.decoys:,} decoys) with key {report.key_id}"
    )


def link_limits(args: argparse.Namespace) -> tuple[int, int]:
    """The memory budget (bytes) and the candidate-pair limit it allows."""
    from schakel.engine.linkage.planning import BASE_BYTES, BYTES_PER_PAIR

    budget = int(args.max_memory_gb * 2**30)
    pairs = args.max_pairs or max(0, (budget - BASE_BYTES) // BYTES_PER_PAIR)
    return budget, pairs


def cmd_link_match(args: argparse.Namespace) -> None:
    import tempfile
    import time

    from schakel.engine.linkage import CandidateOptions, MatchOptions, match_tables, read_encoded
    from schakel.engine.linkage.files import file_kind, write_frame
    from schakel.engine.linkage.planning import check_plan, plan_match
    from schakel.engine.linkage.spark_session import stop_spark_session

    started = time.perf_counter()
    file_kind(args.out)
    if args.clusters_out is not None:
        file_kind(args.clusters_out)
    left = read_encoded(args.left)
    right = None if args.right is None else read_encoded(args.right)
    candidates = CandidateOptions(max_block_pairs=args.max_block_pairs)
    budget, max_pairs = link_limits(args)
    plan = plan_match(left, right, candidates)
    print(
        f"Plan: about {plan.pairs:,} candidate pairs, about {plan.memory_bytes / 2**30:.1f} GB "
        f"(limit {max_pairs:,} pairs, {budget / 2**30:.1f} GB); {plan.skipped_blocks:,} blocks "
        f"over {args.max_block_pairs:,} pairs skipped; planned in {plan.seconds:.1f} s",
        flush=True,
    )
    check_plan(plan, max_pairs)

    def step(name: str) -> None:
        print(f"[{time.perf_counter() - started:7.1f} s] {name}", flush=True)

    names = (Path(args.left).stem, Path(args.right).stem if args.right is not None else "")
    if right is not None and names[0] == names[1]:
        names = (f"{names[0]}-left", f"{names[1]}-right")
    with tempfile.TemporaryDirectory(prefix="schakel-link-", dir=args.temp_dir) as spill:
        options = MatchOptions(
            engine=args.engine,
            candidates=candidates,
            duckdb_memory_limit=f"{max(1, budget // 2 // 2**20)}MB",
            duckdb_temp_directory=spill,
            progress=step,
        )
        try:
            result = match_tables(left, right, options, sources=names)
        finally:
            stop_spark_session()
    write_frame(result.pairs, args.out)
    if args.clusters_out is not None:
        write_frame(result.clusters, args.clusters_out)
    choice = result.threshold
    print(f"{result.linked_pairs:,} linked pairs written to {args.out}; threshold: {choice}")


def cmd_link_returns(args: argparse.Namespace) -> None:
    key = _linkage_key(args)
    setup_django()
    from schakel.web.linkage.actions import do_link_and_detect_returns

    run = do_link_and_detect_returns(key=key)  # type: ignore[arg-type]
    print(
        f"Linked {run.records:,} records into {run.persons:,} persons ({run.linked_pairs:,} "
        f"pairs) in {run.seconds:.1f} s; {run.candidates} possible returns, "
        f"{run.new_candidates} new, waiting for review by the coordinators concerned."
    )


def cmd_monitor_report(args: argparse.Namespace) -> None:
    setup_django()
    from schakel.monitor_cli import write_report

    if args.k < 2:
        raise CommandError("--k must be at least 2.")
    for path in write_report(args.out, region=args.region, k=args.k):
        print(path)


def cmd_monitor_export(args: argparse.Namespace) -> None:
    setup_django()
    from schakel.monitor_cli import write_ctdc

    if args.k < 2:
        raise CommandError("--k must be at least 2.")
    print(write_ctdc(args.out, k=args.k))


def cmd_keys_new(args: argparse.Namespace) -> None:
    from cryptography.fernet import Fernet

    print(Fernet.generate_key().decode())


def _progress(what: str, done: int) -> None:
    print(f"\r{what}: {done:,}", end="", flush=True)


def cmd_keys_rotate(args: argparse.Namespace) -> None:
    """Re-wrap every data key with the first key in SCHAKEL_ENCRYPTION_KEYS and seal what is
    not sealed yet; then check that the first key alone opens everything."""
    import time

    setup_django()
    from schakel.web.audit.models import AuditEntry
    from schakel.web.audit.service import do_record_access
    from schakel.web.core.keys import check_keys, rotate_keys
    from schakel.web.organisations.roles import SystemActor

    started = time.perf_counter()
    report = rotate_keys(progress=None if args.quiet else _progress)
    seconds = time.perf_counter() - started
    do_record_access(
        actor=SystemActor("keys rotate"),
        action=AuditEntry.Action.UPDATE,
        object_type="encryption_keys",
        object_id="all",
        purpose="encryption keys rotated",
        detail=report.summary(),
    )
    rate = report.records / seconds if seconds else 0.0
    print(
        f"\n{report.data_keys:,} data keys ({report.data_keys_rotated:,} re-wrapped), "
        f"{report.values:,} other values ({report.values_sealed:,} sealed again) in "
        f"{seconds:.1f} s ({rate:,.0f} records/s)"
    )
    _report_check(check_keys())


def _report_check(result: object) -> None:
    from schakel.web.core.keys import KeyCheck

    assert isinstance(result, KeyCheck)
    if not result.ok:
        problems = ", ".join(f"{what}: {n:,}" for what, n in sorted(result.failures.items()))
        raise CommandError(
            f"Not everything opens with the first key alone ({problems}); "
            "run `schakel keys rotate` (again) before removing an older key."
        )
    print(f"Every one of {result.checked:,} records opens with the first key alone.")


def cmd_keys_check(args: argparse.Namespace) -> None:
    setup_django()
    from schakel.web.core.keys import check_keys

    _report_check(check_keys())


def cmd_keys_reindex(args: argparse.Namespace) -> None:
    setup_django()
    from schakel.web.organisations.roles import SystemActor
    from schakel.web.trajectories.actions.keys import do_reindex_identities

    report = do_reindex_identities(
        actor=SystemActor("keys reindex"),
        progress=None if args.quiet else (lambda done: _progress("persons", done)),
    )
    print(
        f"\nSearch tokens rebuilt for {report.persons:,} persons ({report.tokens:,} tokens); "
        f"{report.unreadable:,} erased or unreadable identities skipped."
    )


def cmd_retention_apply(args: argparse.Namespace) -> None:
    setup_django()
    from schakel.web.organisations.roles import SystemActor
    from schakel.web.retention.actions import do_apply_retention

    report = do_apply_retention(
        actor=SystemActor("retention command"),
        dry_run=args.dry_run,
        progress=lambda kind, done, total: print(
            f"\r{kind}: {min(done, total):,} of {total:,}", end="", flush=True
        ),
    )
    verb = "would be erased" if args.dry_run else "erased"
    print()
    for kind, count in report.due.items():
        done = count if args.dry_run else report.erased.get(kind, 0)
        print(f"{kind}: {done:,} {verb}")
    print(f"in {report.seconds:.1f} s")


def cmd_backup(args: argparse.Namespace) -> None:
    setup_django()
    from schakel.backup_cli import KEYS, BackupError, backup

    keys_out = args.keys_out or args.out / KEYS
    try:
        database, keys = backup(args.out, keys_out)
    except BackupError as error:
        raise CommandError(str(error)) from None
    print(f"Database (without data keys): {database}")
    print(f"{keys:,} data keys (wrapped by the master key): {keys_out}")
    print("Keep the data keys apart from the database backups, for a short time (see docs).")


def cmd_restore(args: argparse.Namespace) -> None:
    setup_django()
    from schakel.backup_cli import KEYS, BackupError, check_restored, restore

    try:
        restore(args.source, args.keys or args.source / KEYS)
    except BackupError as error:
        raise CommandError(str(error)) from None
    check = check_restored()
    print(
        f"Audit trail: {check.audit_entries:,} entries, "
        f"{'intact' if check.audit_intact else 'BROKEN'}; "
        f"data keys open with the first master key: {'yes' if check.keys_ok else 'NO'}; "
        f"identities: {check.identities:,}, {check.identities_open:,} open, "
        f"{check.identities_erased:,} erased since the backup."
    )
    if not (check.audit_intact and check.keys_ok):
        raise CommandError("The restored database does not verify; do not use it.")


def cmd_settings(args: argparse.Namespace) -> None:
    from schakel.web import env

    for variable in env.VARIABLES.values():
        default = f" (default: {variable.default})" if variable.default is not None else ""
        print(f"{variable.name}{default}\n    {variable.help}")


def cmd_manage(args: argparse.Namespace) -> None:
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["schakel manage", *args.arguments])


def add_serve_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on")
    parser.add_argument(
        "--workers", type=int, default=None, help="worker processes (else SCHAKEL_WEB_WORKERS)"
    )


def build_parser() -> argparse.ArgumentParser:
    from schakel.engine.vocabulary import OrganisationType, Region

    parser = argparse.ArgumentParser(prog="schakel", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

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

    audit = sub.add_parser("audit", help="audit trail tools")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True, metavar="COMMAND")
    audit_sub.add_parser("verify", help="check the hash chain; exit 1 if broken").set_defaults(
        func=cmd_audit_verify
    )
    grants = audit_sub.add_parser(
        "grants", help="print PostgreSQL grants for the app's role: history append-only"
    )
    grants.add_argument("role", help="the role the application connects as")
    grants.set_defaults(func=cmd_audit_grants)

    admin = sub.add_parser("admin", help="administrators of the installation")
    admin_sub = admin.add_subparsers(dest="admin_command", required=True, metavar="COMMAND")
    create = admin_sub.add_parser(
        "create", help="first organisation and administrator; prints a one-time sign-in link"
    )
    create.add_argument("--organisation", required=True, help="name of the first organisation")
    create.add_argument("--region", required=True, choices=[r.value for r in Region])
    create.add_argument(
        "--type",
        default=OrganisationType.CARE_COORDINATION.value,
        choices=[t.value for t in OrganisationType],
    )
    create.add_argument("--username", required=True, help="the administrator's user name")
    create.add_argument("--email", help="the administrator's e-mail address")
    create.set_defaults(func=cmd_admin_create)

    signals = sub.add_parser("signals", help="indicator catalogue and evaluation")
    signals_sub = signals.add_subparsers(dest="signals_command", required=True, metavar="COMMAND")
    show = signals_sub.add_parser("catalogue", help="print the catalogue or one set")
    show.add_argument("--set", default=None, help="one set, e.g. adults-labour")
    show.add_argument("--format", choices=["json", "csv"], default="json")
    show.set_defaults(func=cmd_signals_catalogue)
    check = signals_sub.add_parser(
        "evaluate", help='evaluate {"set": ..., "answers": {...}} from a JSON file'
    )
    check.add_argument("file", type=Path)
    check.set_defaults(func=cmd_signals_evaluate)

    link = sub.add_parser("link", help="privacy-preserving record linkage")
    link_sub = link.add_subparsers(dest="link_command", required=True, metavar="COMMAND")
    link_sub.add_parser("key", help="print a new linkage key").set_defaults(func=cmd_link_key)
    encode = link_sub.add_parser("encode", help="encode an extract (at the source, with the key)")
    encode.add_argument("--input", type=Path, required=True, help="CSV or Parquet extract")
    encode.add_argument("--schema", type=Path, required=True, help="TOML or JSON schema")
    encode.add_argument("--out", type=Path, required=True, help="encoded CSV or Parquet")
    encode.add_argument("--decoys", type=float, default=0.0, help="share of decoy records")
    encode.add_argument("--decoys-out", type=Path, default=None, help="where the source keeps them")
    match = link_sub.add_parser("match", help="link encoded files (no key needed)")
    match.add_argument("--left", type=Path, required=True)
    match.add_argument("--right", type=Path, default=None, help="omit to deduplicate --left")
    match.add_argument("--out", type=Path, required=True, help="pairs CSV")
    match.add_argument("--clusters-out", type=Path, default=None, help="persons CSV")
    match.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default="duckdb",
        help="where Splink scores the pairs: DuckDB in this process (default) or Spark "
        "(needs the spark extra and Java 17+); both give the same links",
    )
    match.add_argument(
        "--max-memory-gb",
        type=float,
        default=8.0,
        help="memory budget: a job estimated above it is refused before it starts (default 8)",
    )
    match.add_argument(
        "--max-pairs", type=int, default=None, help="candidate-pair limit (else from the budget)"
    )
    match.add_argument(
        "--max-block-pairs",
        type=int,
        default=250_000,
        help="skip a blocking key that would pair more records than this (default 250,000)",
    )
    match.add_argument(
        "--temp-dir", type=Path, default=None, help="where DuckDB spills (default: system temp)"
    )
    match.set_defaults(func=cmd_link_match)
    returns = link_sub.add_parser(
        "returns", help="link this installation's records and list possible returns for review"
    )
    for command in (encode, returns):
        command.add_argument("--key-file", type=Path, default=None, help="else SCHAKEL_LINKAGE_KEY")
        command.add_argument("--epoch", default="1", help="key epoch recorded with the output")
    encode.set_defaults(func=cmd_link_encode)
    returns.set_defaults(func=cmd_link_returns)

    monitor = sub.add_parser("monitor", help="effectiveness monitor")
    monitor_sub = monitor.add_subparsers(dest="monitor_command", required=True, metavar="COMMAND")
    report = monitor_sub.add_parser("report", help="protected tables as CSV plus an HTML report")
    report.add_argument("--out", type=Path, required=True, help="folder to write to")
    report.add_argument("--region", default=None, help="one region, e.g. rotterdam")
    report.add_argument("--k", type=int, default=10, help="smallest group that may be shown")
    report.set_defaults(func=cmd_monitor_report)
    export = monitor_sub.add_parser("export", help="aggregate release for an external database")
    export.add_argument("--format", choices=["ctdc"], required=True, help="release format")
    export.add_argument("--out", type=Path, required=True, help="folder to write to")
    export.add_argument("--k", type=int, default=10, help="smallest group that may be shown")
    export.set_defaults(func=cmd_monitor_export)

    keys = sub.add_parser("keys", help="encryption keys")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True, metavar="COMMAND")
    keys_sub.add_parser("new", help="print a new encryption key").set_defaults(func=cmd_keys_new)
    rotate = keys_sub.add_parser(
        "rotate", help="re-encrypt with the first key of SCHAKEL_ENCRYPTION_KEYS, then check"
    )
    rotate.set_defaults(func=cmd_keys_rotate)
    keys_sub.add_parser(
        "check", help="check that the first key alone opens every record; exit 1 if not"
    ).set_defaults(func=cmd_keys_check)
    reindex = keys_sub.add_parser(
        "reindex", help="rebuild the duplicate check's search tokens for a new SCHAKEL_SEARCH_KEY"
    )
    reindex.set_defaults(func=cmd_keys_reindex)
    for command in (rotate, reindex):
        command.add_argument("--quiet", action="store_true", help="no progress")

    retention = sub.add_parser("retention", help="retention periods and erasure")
    retention_sub = retention.add_subparsers(
        dest="retention_command", required=True, metavar="COMMAND"
    )
    apply = retention_sub.add_parser(
        "apply", help="erase what has passed its retention period (also a nightly job)"
    )
    apply.add_argument("--dry-run", action="store_true", help="only count what is due")
    apply.set_defaults(func=cmd_retention_apply)

    backup = sub.add_parser("backup", help="back up the database (without data keys) and keys")
    backup.add_argument("--out", type=Path, required=True, help="folder for the database backup")
    backup.add_argument(
        "--keys-out", type=Path, default=None, help="file for the data keys (keep it apart)"
    )
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="restore a backup into an empty database, verify it")
    restore.add_argument("source", type=Path, help="folder written by `schakel backup`")
    restore.add_argument("--keys", type=Path, default=None, help="data keys file to load")
    restore.set_defaults(func=cmd_restore)

    sub.add_parser("settings", help="list the environment variables").set_defaults(
        func=cmd_settings
    )
    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. An operator's mistake (a `CommandError`, any engine `SchakelError`, a
    file that is not there) ends with its message and exit code 1; anything else is a bug and
    keeps its traceback."""
    from schakel.engine.errors import SchakelError

    os.umask(0o077)  # files the commands write (exports, keys, pairs) are the owner's alone
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except (CommandError, SchakelError, FileNotFoundError) as error:
        print(f"schakel: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
