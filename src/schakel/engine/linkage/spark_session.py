"""The Spark session of the Spark engine: started on first use, quiet, stopped at exit.

pyspark is an optional extra (`pip install 'schakel[spark]'`) and needs a Java runtime (17 or
newer for Spark 4). When a Spark session is already active (a notebook on a cluster), that one
is used and left running; otherwise a local one is started (`local[2]`, few shuffle
partitions, no web UI, errors only in the log) and stopped by `stop_spark_session` or at exit.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from schakel.engine.errors import SchakelError

LOCAL_MASTER = "local[2]"
DRIVER_MEMORY = "4g"  # Spark's 1g default runs out in Splink's training aggregations on FEBRL4
SHUFFLE_PARTITIONS = 4
_LOG_CONFIG = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
logger.repl.name = org.apache.spark.api.python.PythonGatewayServer
logger.repl.level = error
"""


class SparkUnavailableError(SchakelError):
    """pyspark is not installed, no Java runtime is found, or Spark did not start."""


class _State:
    session: Any = None  # the session this module started (None: none, or not ours)
    folder: tempfile.TemporaryDirectory[str] | None = None
    stop_at_exit = False


def _java_found() -> bool:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return True
    return shutil.which("java") is not None


def _import_pyspark() -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SparkUnavailableError(
            "The Spark engine needs pyspark, which is not installed: install Schakel with "
            "its spark extra (pip install 'schakel[spark]'), or use --engine duckdb."
        ) from None
    return SparkSession


def spark_session(master: str = LOCAL_MASTER, driver_memory: str = DRIVER_MEMORY) -> Any:
    """The active Spark session, or a new local one (`master`) started now."""
    session_class = _import_pyspark()
    active = session_class.getActiveSession()
    if active is not None:
        return active
    if not _java_found():
        raise SparkUnavailableError(
            "The Spark engine needs a Java runtime (17 or newer), and none was found: install "
            "one (Debian: openjdk-17-jre-headless) or set JAVA_HOME, or use --engine duckdb."
        )
    folder = tempfile.TemporaryDirectory(prefix="schakel-spark-")
    log_config = Path(folder.name) / "log4j2.properties"
    log_config.write_text(_LOG_CONFIG)
    java_options = f"-Dlog4j2.configurationFile=file:{log_config}"
    builder = (
        session_class.builder.master(master)
        .appName("schakel-linkage")
        .config("spark.driver.memory", driver_memory)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(SHUFFLE_PARTITIONS))
        .config("spark.default.parallelism", str(SHUFFLE_PARTITIONS))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.warehouse.dir", str(Path(folder.name) / "warehouse"))
        .config("spark.local.dir", folder.name)
        .config("spark.driver.extraJavaOptions", java_options)
    )
    try:
        session = builder.getOrCreate()
    except Exception as error:  # pyspark raises its own runtime errors when the JVM fails
        folder.cleanup()
        raise SparkUnavailableError(
            f"Spark did not start (it needs Java 17 or newer): {error}"
        ) from None
    session.sparkContext.setLogLevel("ERROR")
    if not _State.stop_at_exit:
        atexit.register(stop_spark_session)
        _State.stop_at_exit = True
    _State.session, _State.folder = session, folder
    return session


def stop_spark_session() -> None:
    """Stop the local session started here (a session found active is left alone)."""
    session, folder = _State.session, _State.folder
    _State.session, _State.folder = None, None
    if session is not None:
        session.stop()
    if folder is not None:
        folder.cleanup()
