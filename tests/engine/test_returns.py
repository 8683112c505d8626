from __future__ import annotations

import datetime as dt

from schakel.engine.returns import detect_returns, group_by_cluster
from schakel.engine.synth import RegionParameters, generate_region
from schakel.engine.trajectories import Event

T0 = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)


def ev(n: str, kind: str, day: int, **payload: object) -> Event:
    at = T0 + dt.timedelta(days=day)
    return Event(n, kind, at, at, dict(payload))


def test_signal_after_exit_elsewhere_is_a_candidate() -> None:
    events = {
        "a": [ev("a1", "intake", 0), ev("a2", "exit", 100, exit_kind="stable")],
        "b": [ev("b1", "signal", 50, observed_by_role="police"), ev("b2", "intake", 400)],
        "c": [ev("c1", "intake", 500)],
    }
    found = detect_returns({"k1": ["a", "b"], "k2": ["c"]}, events, {"k1": 0.97})
    assert [(c.earlier_trajectory, c.later_trajectory, c.later_event) for c in found] == [
        ("a", "b", "b2")
    ]
    assert found[0].days_after_exit == 300 and found[0].match_probability == 0.97
    assert detect_returns({"k1": ["a", "b"]}, events, already_returned=[("a", "b")]) == []


def test_no_candidate_without_an_exit() -> None:
    events = {"a": [ev("a1", "intake", 0)], "b": [ev("b1", "intake", 10)]}
    assert detect_returns({"k": ["a", "b"]}, events) == []


def test_true_clusters_of_the_synthetic_region_find_returns() -> None:
    """With perfect linkage, every unobserved return the generator made is a candidate."""
    region = generate_region(RegionParameters(persons=400, seed=5))
    clusters = group_by_cluster((t.key, t.person_key) for t in region.trajectories)
    events = {t.key: t.projection_events() for t in region.trajectories}
    found = detect_returns(clusters, events)
    later = {c.later_trajectory for c in found}
    repeat = [t for t in region.trajectories if t.episode_no > 1]
    assert repeat, "the generator made no second trajectories"
    assert sum(t.key in later for t in repeat) / len(repeat) >= 0.8
