"""The audit trail's tools: verify the hash chain, print the database grants, prune the start
of the chain past its retention period."""

from __future__ import annotations

import argparse
from pathlib import Path

from schakel.cli.base import CommandError, Subcommands, setup_django


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


def cmd_audit_prune(args: argparse.Namespace) -> None:
    """Archive and remove the entries up to a signed checkpoint past the period (ADR 0025)."""
    setup_django()
    from schakel.web.audit.actions import do_prune_audit_trail
    from schakel.web.audit.pruning import PruneRefused, check_archive, plan_prune
    from schakel.web.organisations.roles import SystemActor

    if args.archive is None and not args.dry_run:
        raise CommandError("--archive is needed: the removed entries are archived first.")
    try:
        if args.dry_run:
            plan = plan_prune(through=args.through)
            print(
                f"Would archive and remove entries #{plan.first} to #{plan.through} "
                f"({plan.entries:,} entries, the newest of {plan.newest_at:%Y-%m-%d})."
            )
            return
        report = do_prune_audit_trail(
            actor=SystemActor("audit prune"), through=args.through, archive_folder=args.archive
        )
        checked = check_archive(report.manifest)
    except PruneRefused as error:
        raise CommandError(str(error)) from None
    plan = report.plan
    print(f"Archived entries #{plan.first} to #{plan.through} ({checked:,} entries, verified):")
    print(f"  {report.archive}\n  {report.manifest} (signed)")
    print(
        f"Removed them from the database; the pruning line is in the checkpoint file, and "
        f"`schakel audit verify` now starts at entry #{plan.through + 1}."
    )


def cmd_audit_check_archive(args: argparse.Namespace) -> None:
    setup_django()
    from schakel.web.audit.pruning import PruneRefused, check_archive

    try:
        count = check_archive(args.manifest)
    except PruneRefused as error:
        raise CommandError(str(error)) from None
    print(f"Archive intact: {count:,} entries, signed with the audit key.")


def add_commands(sub: Subcommands) -> None:
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
    prune = audit_sub.add_parser(
        "prune",
        help="archive and remove the entries up to a signed checkpoint past the retention "
        "period (run as the tables' owner)",
    )
    prune.add_argument(
        "--through", type=int, required=True, help="the last entry to remove: a checkpoint line"
    )
    prune.add_argument(
        "--archive", type=Path, help="folder for the signed archive of the removed entries"
    )
    prune.add_argument("--dry-run", action="store_true", help="only check and count")
    prune.set_defaults(func=cmd_audit_prune)
    archive = audit_sub.add_parser(
        "check-archive", help="check a pruning archive against its signed manifest"
    )
    archive.add_argument("manifest", type=Path, help="the archive's .manifest.json")
    archive.set_defaults(func=cmd_audit_check_archive)
