"""Bounded linkage: `link match` estimates its size first and refuses an oversized job before
making a single candidate pair (issue 19: a match grew to 22.7 GB and was killed silently)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from schakel import cli
from schakel.engine.linkage import candidate_pairs, encode_frame, load_key, load_schema
from schakel.engine.linkage.febrl import FEBRL_SCHEMA_MAPPING
from schakel.engine.linkage.files import write_table
from schakel.engine.linkage.planning import plan_match

NAMES = ["jan", "piet", "anna"]
FAMILIES = ["de vries", "jansen"]


def low_diversity(rows: int, seed: int) -> pd.DataFrame:
    """Few distinct names and birth dates: the blocks and the name Dice search explode."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "rec_id": [f"r{seed}-{i}" for i in range(rows)],
            "given_name": rng.choice(NAMES, rows),
            "surname": rng.choice(FAMILIES, rows),
            "street_number": "1",
            "address_1": "kerkstraat",
            "address_2": "",
            "suburb": rng.choice(["breda", "tilburg"], rows),
            "postcode": rng.choice(["4811", "5011"], rows),
            "date_of_birth": rng.choice(["19900101", "19850505", "19770707"], rows),
        }
    )


@pytest.fixture(scope="module")
def encoded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("plan")
    (folder / "schema.json").write_text(json.dumps(FEBRL_SCHEMA_MAPPING))
    schema = load_schema(folder / "schema.json")
    key = load_key(environ={"SCHAKEL_LINKAGE_KEY": "k" * 64})
    paths = []
    for side in (1, 2):
        table, _ = encode_frame(low_diversity(1500, side), schema, key)
        path = folder / f"side{side}.parquet"
        write_table(table, path)
        paths.append(path)
    return paths[0], paths[1]


def test_the_plan_counts_rule_pairs_exactly_and_estimates_dice(encoded: tuple[Path, Path]) -> None:
    from schakel.engine.linkage import read_encoded

    left, right = read_encoded(encoded[0]), read_encoded(encoded[1])
    plan = plan_match(left, right)
    made = candidate_pairs(left, right)
    for rule, count in made.pairs_by_rule.items():
        if "Dice" in rule:
            assert count * 0.8 <= plan.pairs_by_rule[rule] <= count * 1.2 + 100, rule
        else:
            assert plan.pairs_by_rule[rule] == count, rule
    assert plan.pairs >= len(made)


def test_link_match_refuses_an_oversized_job_before_making_pairs(
    encoded: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import schakel.engine.linkage.candidates as candidates
    import schakel.engine.linkage.match as match

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("candidate pairs were made for a refused job")

    monkeypatch.setattr(candidates, "candidate_pairs", never)
    monkeypatch.setattr(match, "candidate_pairs", never)
    began = time.perf_counter()
    code = cli.main(
        [
            "link", "match", "--left", str(encoded[0]), "--right", str(encoded[1]),
            "--out", str(tmp_path / "pairs.csv"), "--max-memory-gb", "0.45",
        ]
    )  # fmt: skip
    seconds = time.perf_counter() - began
    out, err = capsys.readouterr()
    assert code == 1
    assert "candidate pairs" in err and "the limit is" in err and "GB" in err
    assert "Plan: about" in out
    assert not (tmp_path / "pairs.csv").exists()
    assert seconds < 30


def test_link_match_within_its_budget_runs_and_reports_its_steps(
    encoded: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(
        [
            "link", "match", "--left", str(encoded[0]), "--right", str(encoded[1]),
            "--out", str(tmp_path / "pairs.csv"), "--max-memory-gb", "16",
            "--temp-dir", str(tmp_path),
        ]
    )  # fmt: skip
    out, _ = capsys.readouterr()
    assert code == 0
    for step in ("candidate pairs", "training", "scoring", "clustering"):
        assert f"] {step}" in out
    assert (tmp_path / "pairs.csv").exists()
    assert not list(tmp_path.glob("schakel-link-*"))  # the spill folder is removed
