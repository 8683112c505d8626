"""What an administrator runs by hand: the first administrator, the indicator catalogue, the
monitor's reports, the settings and Django's own management commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from schakel.cli.base import CommandError, Subcommands, setup_django


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


def cmd_settings(args: argparse.Namespace) -> None:
    from schakel.web import env

    for variable in env.VARIABLES.values():
        default = f" (default: {variable.default})" if variable.default is not None else ""
        print(f"{variable.name}{default}\n    {variable.help}")


def cmd_manage(args: argparse.Namespace) -> None:
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["schakel manage", *args.arguments])


def add_admin_commands(sub: Subcommands) -> None:
    from schakel.engine.vocabulary import OrganisationType, Region

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


def add_monitor_commands(sub: Subcommands) -> None:
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


def add_settings_commands(sub: Subcommands) -> None:
    sub.add_parser("settings", help="list the environment variables").set_defaults(
        func=cmd_settings
    )
    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
