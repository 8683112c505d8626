"""A tiny run of benchmarks/linkage_synthetic.py: the synthetic region deduplicated without
names, scored against its true persons (the full run is the benchmark)."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType

import pytest

SUPPORT = Path(__file__).resolve().parents[2] / "benchmarks" / "linkage_synthetic_support.py"


def _support() -> ModuleType:
    if str(SUPPORT.parent) not in sys.path:  # it imports its sibling linkage_synthetic_attacks
        sys.path.insert(0, str(SUPPORT.parent))
    spec = importlib.util.spec_from_file_location("linkage_synthetic_support", SUPPORT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_tiny_region_is_linked_and_scored(capsys: pytest.CaptureFixture[str]) -> None:
    support = _support()
    evaluation = support.evaluate_region(600, 5, min_group_records=50)
    assert evaluation.records >= evaluation.persons == 600
    assert evaluation.true_pairs > 0
    assert evaluation.precision >= 0.7  # a few dozen true pairs: noisy
    assert 0.0 <= evaluation.over_merge_rate <= 0.2
    assert evaluation.pair_completeness >= evaluation.recall
    assert evaluation.true_returns > 0
    assert evaluation.returns_found <= evaluation.true_returns
    assert 0.0 <= evaluation.return_recall <= 1.0
    assert evaluation.false_alerts == evaluation.predicted_returns - evaluation.returns_found
    assert {g.nationality for g in evaluation.groups} >= {"NL", "PL", "NG"}
    assert all(math.isfinite(g.pair_recall) for g in evaluation.groups if g.true_pairs)
    found = round(evaluation.recall * evaluation.true_pairs)
    assert len(evaluation.missed) == evaluation.true_pairs - found
    assert all((m.weight is None) == (m.reason == "not a candidate") for m in evaluation.missed)
    report = evaluation.attacks
    assert report is not None and report.rows and report.singling_out
    assert all(0.0 <= row.rate <= 1.0 for row in report.rows)
    assert any(row.rate > 0 for row in report.rows)
    support.print_report(evaluation)
    assert "Return detection" in capsys.readouterr().out
