"""Every number on the monitor page is written the reader's way: decimal comma in Dutch,
decimal point in English; downloads keep plain numbers."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest
from django.utils import translation

from schakel.engine.flows import FlowTables
from schakel.web.monitor.publish import Formatter, flow_rows
from schakel.web.monitor.sensitivity import ESTIMATES, reading
from schakel.web.monitor.tables import plain_reading


def _monitor() -> Any:
    variants = pd.DataFrame(
        {
            "variant": ["signal>intake>exit", "total"],
            "steps": [("signal", "intake", "exit"), ()],
            "trajectories": pd.array([12, 12], dtype="Int64"),
            "median_days": [[9.5, 223.5], []],
            "kind": ["variant", "total"],
            "status": ["published", "published"],
        }
    )
    flows = FlowTables(k=10, variants=variants, edges=pd.DataFrame(), merged_variants=0)
    return SimpleNamespace(k=10, flows=flows)


@pytest.mark.parametrize(
    ("language", "days"), [("nl", "9,5 \u2192 223,5"), ("en", "9.5 \u2192 223.5")]
)
def test_route_medians_follow_the_language_on_the_page(language: str, days: str) -> None:
    with translation.override(language):
        _, rows = flow_rows(_monitor(), Formatter(10, display=True))
    assert rows[0][2] == days


def test_route_medians_in_a_download_follow_the_language_of_the_file() -> None:
    with translation.override("nl"):
        _, rows = flow_rows(_monitor(), Formatter(10))
        assert Formatter(10).days(12.0) == "12"
    assert rows[0][2] == "9,5 \u2192 223,5"
    with translation.override("en"):
        _, rows = flow_rows(_monitor(), Formatter(10))
    assert rows[0][2] == "9.5 \u2192 223.5"


def test_readings_write_their_numbers_in_dutch() -> None:
    with translation.override("nl"):
        hazard = plain_reading("Opvang", 1.5, 0.75, 2.25)
        table = pd.DataFrame([{"horizon_months": 24, **dict.fromkeys(ESTIMATES, 0.047)}])
        loss = reading(table)
    assert "1,50" in hazard and "0,75" in hazard and "2,25" in hazard
    assert "1.50" not in hazard
    assert "4,7\u00a0%" in loss and "4.7" not in loss
