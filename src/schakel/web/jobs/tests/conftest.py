from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from schakel.web.jobs.tests import processes


@pytest.fixture
def database_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment for `schakel` processes under test, with a database of their own: a SQLite
    file, or a fresh PostgreSQL database when the suite runs on PostgreSQL."""
    yield from processes.database_env(tmp_path)
