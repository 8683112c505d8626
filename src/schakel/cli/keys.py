"""Data protection: encryption keys (new, rotate, check, reindex), retention, backup and restore."""

from __future__ import annotations

import argparse
from pathlib import Path

from schakel.cli.base import CommandError, Subcommands, setup_django


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


def add_commands(sub: Subcommands) -> None:
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
