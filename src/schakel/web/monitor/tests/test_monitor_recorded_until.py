"""The release job reads the events recorded up to its `data_until` (no database needed)."""

from __future__ import annotations

import pandas as pd

from schakel.web.monitor.stored import _recorded_until


def test_later_events_are_left_out_and_a_complete_log_is_not_copied() -> None:
    recorded = pd.to_datetime(["2026-01-01", "2026-01-03", "2026-01-02"], utc=True)
    log = pd.DataFrame({"event_type": ["a", "b", "c"], "recorded_at": recorded})
    cut = _recorded_until(log, pd.Timestamp("2026-01-02", tz="UTC").to_pydatetime())
    assert cut["event_type"].tolist() == ["a", "c"] and cut.index.tolist() == [0, 1]
    moment = pd.Timestamp("2026-01-03", tz="UTC").to_pydatetime()
    assert _recorded_until(log, moment) is log  # every event: the log itself
    assert len(_recorded_until(log.iloc[:0], moment)) == 0
