"""Shared fixtures: Spark for the tests marked `spark`.

`make test` installs pyspark (the spark extra) and CI machines have Java, so in CI (CI set)
a missing Spark fails these tests instead of skipping them; elsewhere they skip with the reason.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"Spark tests cannot run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def spark_available() -> None:
    """pyspark and a Java runtime are there (without starting Spark)."""
    import importlib.util

    from schakel.engine.linkage.spark_session import _java_found

    if importlib.util.find_spec("pyspark") is None:
        _unavailable("pyspark is not installed (pip install -e '.[spark]')")
    if not _java_found():
        _unavailable("no Java runtime for Spark")


@pytest.fixture(scope="module")
def spark(spark_available: None) -> Iterator[Any]:
    """One local Spark session per test module (the JVM takes seconds to start)."""
    from schakel.engine.linkage.spark_session import spark_session, stop_spark_session

    yield spark_session()
    stop_spark_session()
