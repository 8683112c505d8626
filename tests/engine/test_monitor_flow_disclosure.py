"""A count the funnel hides cannot be read or derived from the paths and steps tables."""

from __future__ import annotations

import pandas as pd

from schakel.engine.flow_paths import PathIndex
from schakel.engine.flows import flow_tables_for
from schakel.engine.monitor import funnel_base_from_paths
from schakel.engine.monitor.published import flows_table, funnel_table
from schakel.engine.monitor.release import MonitorRelease, protect_funnel_selections
from schakel.engine.monitor.selection import Filters
from schakel.engine.survival import fit_censoring_model

K = 10


def _paths(via_intake: int, direct: int) -> PathIndex:
    """`via_intake` trajectories through every stage and `direct` ones through all but
    intake, each of its own person, one region and year."""
    full = "signal>consultation>referral>intake>placement>exit>follow_up"
    rows: list[tuple[str, tuple[int, ...]]] = [(full, (1, 2, 3, 4, 5, 6))] * via_intake
    rows += [(full.replace(">intake", ""), (1, 2, 9, 5, 6))] * direct
    frame = pd.DataFrame(
        {
            "trajectory_id": [f"t{n}" for n in range(len(rows))],
            "person_id": [f"p{n}" for n in range(len(rows))],
            "region": "utrecht",
            "year": 2025,
            "variant": [variant for variant, _ in rows],
            "step_days": [days for _, days in rows],
            "forms": [frozenset({"labour"})] * len(rows),
        }
    )
    return PathIndex.from_frame(frame)


def _release(paths: PathIndex) -> MonitorRelease:
    """The funnel's release as `protect_release` makes it (no episodes needed here)."""
    censoring = fit_censoring_model(
        pd.DataFrame({"days": [0.0], "lost": [False]}), duration="days", lost="lost"
    )
    funnel = protect_funnel_selections(funnel_base_from_paths(paths), K)
    return MonitorRelease(episodes=None, funnel=funnel, censoring=censoring, zero_is_safe=True)


def test_a_stage_the_funnel_hides_is_not_derivable_from_the_steps_or_paths() -> None:
    paths = _paths(via_intake=5, direct=35)
    release = _release(paths)
    funnel = funnel_table(release, Filters()).set_index("stage")
    assert pd.isna(funnel.loc["intake", "trajectories"])
    assert funnel.loc["referral_sent", "trajectories"] == 40
    # Unprotected, the steps table gives it away: referral 40 - (referral > placement) 35.
    edges = flow_tables_for(paths, None, k=K).edges.set_index(["source", "target"])
    assert 40 - edges.loc[("referral", "placement"), "trajectories"] == 5

    flows = flows_table(paths, funnel.reset_index(), Filters(), K)

    assert flows["withheld"] is True
    for name in ("variants", "edges"):
        table = flows[name]
        assert len(table) > 0
        assert table["trajectories"].isna().all() and "persons" not in table.columns
        assert (table["status"] == "secondary").all()
    assert flows["edges"]["median_days"].notna().all()  # the days are still shown


def test_the_steps_and_paths_keep_their_counts_when_the_funnel_hides_nothing() -> None:
    paths = _paths(via_intake=15, direct=35)
    release = _release(paths)
    funnel = funnel_table(release, Filters())
    assert funnel["trajectories"].notna().all()

    flows = flows_table(paths, funnel, Filters(), K)

    assert flows["withheld"] is False
    edges = flows["edges"].set_index(["source", "target"])
    assert edges.loc[("referral", "intake"), "trajectories"] == 15
    assert edges.loc[("referral", "intake"), "status"] == "published"
