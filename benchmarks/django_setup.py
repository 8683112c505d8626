"""Django for a benchmark script: one process, a throw-away data folder, demo mode.

    from django_setup import configure
    configure(folder, database_url=args.database_url)

Synthetic data over plain HTTP in one process: the demo mode (no HTTPS redirect, one-step
sign-in for the synthetic accounts), as `schakel demo` runs it. Keys are fixed test keys so a
run can reuse a database it seeded before.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

KEY = "Zm9yLXRlc3RzLW9ubHktMzItYnl0ZXMtbG9uZy1rZXk="


def configure(folder: str, *, database_url: str = "", **extra: str) -> None:
    """Set the environment and start Django; `extra` sets further SCHAKEL_* variables."""
    os.environ["SCHAKEL_DATA_DIR"] = folder
    os.environ.setdefault("SCHAKEL_SECRET_KEY", "benchmark-" + "x" * 40)
    os.environ.setdefault("SCHAKEL_ENCRYPTION_KEYS", KEY)
    os.environ.setdefault("SCHAKEL_SEARCH_KEY", "benchmark-search-key")
    os.environ["SCHAKEL_ALLOWED_HOSTS"] = "testserver"
    for name, value in extra.items():
        os.environ[name] = value
    Path(folder, "static").mkdir(exist_ok=True)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "schakel.web.settings"
    os.environ.setdefault("SCHAKEL_DEMO", "true")
    import django

    django.setup()


def page_options(description: str, *, persons: int, repeat: int) -> argparse.Namespace:
    """--persons, --repeat, --database-url (PostgreSQL; default a temporary SQLite file) and
    --smoke (200 persons, 2 repeats), as the page benchmarks take them."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--persons", type=int, default=persons)
    parser.add_argument("--repeat", type=int, default=repeat)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--smoke", action="store_true", help="smallest size: check it runs")
    args = parser.parse_args()
    if args.smoke:
        args.persons, args.repeat = 200, 2
    return args
