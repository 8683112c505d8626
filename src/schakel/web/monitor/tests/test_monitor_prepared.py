"""A filter change reads the data prepared once per data version, and gets exactly the tables
of the straightforward path (filter the frames, then compute)."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from schakel.engine.flows import flow_tables
from schakel.engine.trajectories.events import EventType
from schakel.web.demo.actions import do_seed_region
from schakel.web.demo.seeding import seed_parameters
from schakel.web.monitor import data
from schakel.web.monitor.tables import _labelled

pytestmark = pytest.mark.django_db
K = 10


def _forms_by_definition(log: pd.DataFrame) -> dict[object, frozenset[str]]:
    """Forms of each trajectory: effective exploitation episodes (none supersedes them)."""
    replaced = set(log["supersedes"].dropna())
    forms: dict[object, set[str]] = {}
    for row in log.itertuples():
        if row.event_type == EventType.EXPLOITATION_EPISODE.value and row.event_id not in replaced:
            form = row.payload.get("form")
            if form:
                forms.setdefault(row.trajectory_id, set()).add(str(form))
    return {t: frozenset(f) for t, f in forms.items()}


def test_prepared_data_gives_the_tables_of_the_straightforward_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    do_seed_region(seed_parameters(persons=1200, seed=11))
    data.clear_cache()
    prepared = data.monitor_data()
    assert data.monitor_data() is prepared  # nothing changed: no rebuild

    log = data.event_log()
    known = log[log["occurred_at"].dt.date <= prepared.build.as_of]
    forms = _forms_by_definition(known)
    assert prepared.paths["forms"].tolist() == [
        forms.get(t, frozenset()) for t in prepared.paths["trajectory_id"]
    ]

    build = prepared.build
    for form, region, cohort in itertools.product(
        [None, "labour", "sexual"], [None, "rotterdam", "utrecht"], [None, 2023]
    ):
        filters = data.Filters(form=form, region=region, cohort=cohort)
        expected = _labelled(data.filter_episodes(build.episodes, filters))
        selected = prepared.selected_episodes(filters)
        pd.testing.assert_frame_equal(
            selected.drop(columns="person_id"), expected.drop(columns="person_id")
        )
        same_persons = pd.factorize(selected["person_id"], sort=True)[0]
        assert (same_persons == pd.factorize(expected["person_id"], sort=True)[0]).all()

        straightforward = flow_tables(data.filter_paths(prepared.paths, filters), k=K, top=15)
        fast = prepared.flows(filters, k=K, top=15)
        pd.testing.assert_frame_equal(fast.variants, straightforward.variants)
        pd.testing.assert_frame_equal(fast.edges, straightforward.edges)
        assert fast.merged_variants == straightforward.merged_variants

    monkeypatch.setattr(data, "log_version", lambda: (-1, None, None))  # the log changed
    assert data.monitor_data() is not prepared
