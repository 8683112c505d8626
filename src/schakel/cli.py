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
        path.parent.mkdir(parents=True, exist_ok=True)
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


def cmd_serve(args: argparse.Namespace) -> None:
    setup_django()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    from gunicorn.app.wsgiapp import run

    sys.argv = [
        "gunicorn",
        "schakel.web.wsgi:application",
        f"--bind={args.host}:{args.port}",
        f"--workers={args.workers}",
        '--access-logformat=%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s',
        "--access-logfile=-",
    ]
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
    if args.no_serve:
        return
    worker = None if args.no_worker else start_worker_process()
    print(f"\nSchakel runs at http://{args.host}:{args.port}/  (Ctrl+C stops it)")
    try:
        cmd_serve(args)
    finally:
        if worker is not None:
            stop_process(worker)


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


def cmd_link_match(args: argparse.Namespace) -> None:
    from schakel.engine.linkage import MatchOptions, match_files
    from schakel.engine.linkage.spark_session import stop_spark_session

    options = MatchOptions(engine=args.engine)
    try:
        result = match_files(
            args.left, args.right, args.out, clusters_out=args.clusters_out, options=options
        )
    finally:
        stop_spark_session()
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
    parser.add_argument("--workers", type=int, default=2, help="worker processes")


def build_parser() -> argparse.ArgumentParser:
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
