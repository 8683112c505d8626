"""The audit trail's tools: verify the hash chain, print the database grants."""

from __future__ import annotations

import argparse

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
