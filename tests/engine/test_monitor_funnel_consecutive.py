"""Differencing two consecutive releases of the funnel and the flows (ADR 0026): with the
stages, paths and steps protected together with the previous release, no count below k of
either release and no change of a count between them below k (trajectories that came into
or left it) is a linear combination of what the two releases publish (the exact linear audit
over the trajectories, every one-filter selection); protecting each release alone, the same
audit finds one."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from schakel.engine.disclosure import TOTAL
from schakel.engine.flow_paths import PathIndex
from schakel.engine.monitor.funnel import PATH, funnel_units, protect_funnel_units, protected_funnel
from schakel.engine.monitor.funnel_audit import derivable
from schakel.engine.monitor.published import flows_table, funnel_table
from schakel.engine.monitor.release import MonitorRelease, episode_statuses
from schakel.engine.monitor.selection import Filters
from schakel.engine.survival import fit_censoring_model

K = 5
ROUTES = (
    ("signal", ()),
    ("signal>referral", (3,)),
    ("signal>referral>intake", (3, 4)),
    ("signal>referral>intake>exit", (3, 4, 90)),
)
FORMS = (frozenset({"labour"}), frozenset({"sexual"}), frozenset({"labour", "sexual"}))


def _paths(rows: list[tuple[int, int, int]]) -> PathIndex:
    """(region, forms, how far along ROUTES) per trajectory, each of its own person."""
    frame = pd.DataFrame(
        {
            "trajectory_id": [f"t{number}" for number, _ in enumerate(rows)],
            "person_id": [f"p{number}" for number, _ in enumerate(rows)],
            "region": [f"r{row[0]}" for row in rows],
            "year": 2025,
            "variant": [ROUTES[row[2]][0] for row in rows],
            "step_days": [ROUTES[row[2]][1] for row in rows],
            "forms": [FORMS[row[1]] for row in rows],
        }
    )
    return PathIndex.from_frame(frame)


def _two_releases(
    rows: list[tuple[int, int, int, int]],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(region, forms, stage before or -1 when not there yet, steps taken since) per
    trajectory: the units of the previous release and of the current one."""
    known = [(i, (r, f, s)) for i, (r, f, s, _) in enumerate(rows) if s >= 0]
    before = funnel_units(_paths([row for _, row in known]), K)
    before["unit"] = [f"t{i}" for i, _ in known]
    before["person_id"] = [f"p{i}" for i, _ in known]
    now = funnel_units(_paths([(r, f, min(max(s, 0) + d, 3)) for r, f, s, d in rows]), K)
    return before, now


def _protect(before: pd.DataFrame, now: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    previous = protect_funnel_units(before, K)
    assert previous is not None
    current, how = protected_funnel(
        now, K, previous_units=before, statuses=episode_statuses(previous), previous_k=K
    )
    assert current is not None
    if how.startswith("withheld"):  # the two cannot be protected together: nothing new shown
        assert current.frame["published"].isna().all()
        assert set(current.frame["status"]) <= {"primary", "secondary"}
        # ... and the release after it is protected against it again
        _after, again = protected_funnel(
            now, K, previous_units=now, statuses=episode_statuses(current), previous_k=K
        )
        assert again == "protected"
    else:
        assert how == "protected"
    return previous.frame, current.frame


trajectories = st.lists(
    st.tuples(st.integers(0, 1), st.integers(0, 2), st.integers(-1, 3), st.integers(0, 2)),
    min_size=6,
    max_size=40,
)

# 10 trajectories at intake yesterday, 13 today: the three new ones are a group below k.
ARRIVED = [(0, 0, 2, 0)] * 10 + [(0, 0, -1, 2)] * 3 + [(1, 1, 1, 0)] * 8


# derandomize: the same 25 drawn cases in every run (CI is reproducible); to search for new
# cases, run it with derandomize off and more examples.
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
@given(trajectories)
@example(ARRIVED)
def test_no_funnel_or_flow_count_below_k_is_derivable_from_two_consecutive_releases(
    rows: list[tuple[int, int, int, int]],
) -> None:
    _no_count_below_k_derivable(rows)


# Found by a 300-example random search (this session): the previous release's statuses cannot
# be kept (the current release is withheld), and the joint audit still finds one change below
# k determined by the previous release's counts alone. The audit's attacker knows which
# trajectories moved (the design matrix); in that model withholding is not enough.
WITHHELD_STILL_DERIVABLE = [
    (0, 1, 2, 0),
    (0, 0, 3, 0),
    (0, 0, 0, 0),
    (0, 0, 2, 0),
    (0, 0, 2, 0),
    (0, 0, 3, 0),
    (0, 0, 1, 0),
    (0, 1, 1, 2),
    (0, 0, 2, 0),
    (0, 0, 1, 0),
    (0, 0, 1, 0),
    (0, 0, 1, 0),
    (0, 2, 1, 0),
    (0, 1, 2, 0),
    (0, 0, 0, 0),
    (0, 1, 0, 0),
    (0, 0, 0, 0),
    (0, 1, 0, 0),
]


@pytest.mark.xfail(strict=True, reason="known gap, see WITHHELD_STILL_DERIVABLE")
def test_a_withheld_release_leaves_no_change_below_k_derivable() -> None:
    _no_count_below_k_derivable(WITHHELD_STILL_DERIVABLE)


def _no_count_below_k_derivable(rows: list[tuple[int, int, int, int]]) -> None:
    before, now = _two_releases(rows)
    if before.empty:
        return
    old, new = _protect(before, now)
    assert derivable(before, now, old, new, K) == 0
    for frame in (old, new):
        shown = frame["published"].dropna().astype(int)
        assert (shown >= K).all()


def test_protecting_each_release_alone_lets_the_new_trajectories_be_derived() -> None:
    """The attack: the intake count and the path through intake go from 10 to 13; each
    release alone publishes both, their difference is the three new trajectories."""
    before, now = _two_releases(ARRIVED)
    old = protect_funnel_units(before, K)
    alone = protect_funnel_units(now, K)
    assert old is not None and alone is not None
    path = PATH + "signal>referral>intake"
    for release, expected in ((old, 10), (alone, 13)):
        cells = release.cells()
        assert cells["intake"] == (expected, "published")
        assert cells[path] == (expected, "published")
    assert derivable(before, now, old.frame, alone.frame, K) > 0
    _, joint = _protect(before, now)
    assert derivable(before, now, old.frame, joint, K) == 0
    everyone = (joint["region"] == TOTAL) & (joint["form"] == TOTAL) & (joint["cohort"] == TOTAL)
    shown = joint[everyone].set_index("measure")["published"]
    assert pd.isna(shown["intake"]) and pd.isna(shown[path])  # 10 was published: 13 is not


def test_the_flow_tables_show_only_counts_the_release_publishes() -> None:
    before, now = _two_releases(ARRIVED)
    previous = protect_funnel_units(before, K)
    assert previous is not None
    current, _ = protected_funnel(
        now, K, previous_units=before, statuses=episode_statuses(previous), previous_k=K
    )
    censoring = fit_censoring_model(
        pd.DataFrame({"days": [0.0], "lost": [False]}), duration="days", lost="lost"
    )
    release = MonitorRelease(episodes=None, funnel=current, censoring=censoring)
    paths = _paths([(r, f, min(max(s, 0) + d, 3)) for r, f, s, d in ARRIVED])
    flows = flows_table(paths, funnel_table(release, Filters()), Filters(), K, release=release)
    assert current is not None
    cells = current.cells()
    variants = flows["variants"]
    for row in variants.itertuples():
        if row.kind == "variant":
            value, status = cells[PATH + row.variant]
            assert row.status == status
            assert (pd.isna(row.trajectories) and value is None) or row.trajectories == value
    assert flows["withheld"] is bool((variants["status"] != "published").any() or
                                     (flows["edges"]["status"] != "published").any())  # fmt: skip
