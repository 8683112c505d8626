"""The `schakel` command: set up, seed, serve and check a Schakel installation."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from schakel.cli import admin, audit, keys, link, serve
from schakel.cli.base import CommandError
from schakel.cli.serve import default_web_workers, gunicorn_arguments

__all__ = ["CommandError", "build_parser", "default_web_workers", "gunicorn_arguments", "main"]


def build_parser() -> argparse.ArgumentParser:
    """Every command, in the order `schakel --help` lists them."""
    parser = argparse.ArgumentParser(prog="schakel", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve.add_commands(sub)
    audit.add_commands(sub)
    admin.add_admin_commands(sub)
    link.add_commands(sub)
    admin.add_monitor_commands(sub)
    keys.add_commands(sub)
    admin.add_settings_commands(sub)
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
