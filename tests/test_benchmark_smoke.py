"""`make bench-smoke` finds every benchmark script, runs it with --smoke and reports failures."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmark_smoke", BENCHMARKS / "smoke.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_every_benchmark_script_has_a_smoke_size_and_every_helper_is_used(
    runner: ModuleType,
) -> None:
    found = {path.name for path in runner.scripts()}
    assert {"seed_region.py", "coordinator_pages.py", "linkage_febrl.py"} <= found
    assert "linkage_common.py" not in found and "smoke.py" not in found
    assert [name for name in found if "--smoke" not in (BENCHMARKS / name).read_text()] == []
    assert runner.orphans() == []


def test_the_runner_tells_scripts_helpers_and_failures_apart(
    runner: ModuleType, tmp_path: Path
) -> None:
    folder = tmp_path / "benchmarks"
    folder.mkdir()
    guard = 'if __name__ == "__main__":\n'
    (folder / "helper.py").write_text("VALUE = 1\n")
    smoke_only = "    sys.exit(0 if sys.argv[1:] == ['--smoke'] else 2)\n"
    (folder / "good.py").write_text(f"import sys\nfrom helper import VALUE\n{guard}{smoke_only}")
    (folder / "broken.py").write_text(f"{guard}    raise SystemExit(3)\n")
    (folder / "forgotten.py").write_text("print('a script without its guard')\n")
    assert [p.name for p in runner.scripts(folder)] == ["broken.py", "good.py"]
    assert [p.name for p in runner.orphans(folder)] == ["forgotten.py"]
    assert runner.run(folder / "good.py", timeout=60)[0] == "ok"
    assert runner.run(folder / "broken.py", timeout=60)[0] == "exit 3"
