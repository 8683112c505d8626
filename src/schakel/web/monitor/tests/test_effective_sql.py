"""The monitor's SQL filter for effective events keeps exactly what the engine's rule keeps.

`release.funnel_base` asks the database which trajectories reached each stage and form, with
an `Exists` over events that no event supersedes: a copy of the engine's effective rule kept in
SQL for speed. On a seeded synthetic region with corrections of every kind (withdrawn,
replaced, replaced twice, a replacement withdrawn), it must give the engine's answer.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pandas as pd
import pytest
from django.db.models import Exists, OuterRef

from schakel.engine.trajectories import EventType, effective_mask
from schakel.engine.vocabulary import ExploitationForm
from schakel.monitor_cli import ctdc_records
from schakel.web.demo.actions import do_seed_region
from schakel.web.demo.seeding import seed_parameters
from schakel.web.monitor.data import FUNNEL_STAGES, event_log
from schakel.web.monitor.release import _effective, _effective_form
from schakel.web.trajectories.models import Trajectory, TrajectoryEvent

pytestmark = pytest.mark.django_db
CORRECTED = [*FUNNEL_STAGES, EventType.EXPLOITATION_EPISODE]


def _correct(event: TrajectoryEvent, kind: str, payload: dict[str, object]) -> TrajectoryEvent:
    return TrajectoryEvent.objects.create(
        id=uuid.uuid4(),
        trajectory_id=event.trajectory_id,
        event_type=kind,
        occurred_at=event.occurred_at,
        recorded_at=event.recorded_at + dt.timedelta(days=1),
        organisation_id=event.organisation_id,
        payload=payload,
        supersedes=event,
    )


def _add_corrections() -> int:
    """Four kinds of correction on a few events of every stage type and of episodes."""
    made = 0
    for kind in CORRECTED:
        events = list(TrajectoryEvent.objects.filter(event_type=kind.value).order_by("id")[:8])
        for n, event in enumerate(events):
            if n % 4 == 0:
                _correct(event, "entered_in_error", {"reason": "wrong trajectory"})
            elif n % 4 == 1:
                payload = dict(event.payload)
                if kind == EventType.EXPLOITATION_EPISODE:
                    payload["form"] = ExploitationForm.ORGAN_REMOVAL.value
                _correct(event, kind.value, payload)
            elif n % 4 == 2:
                twice = _correct(
                    _correct(event, kind.value, event.payload), kind.value, event.payload
                )
                assert twice.supersedes is not None
            else:
                _correct(
                    _correct(event, kind.value, event.payload), "entered_in_error", {"reason": "x"}
                )
            made += 1
    return made


def _sql(queryset_for: object) -> set[str]:
    return {
        str(pk)
        for pk in Trajectory.objects.filter(Exists(queryset_for)).values_list("pk", flat=True)  # type: ignore[arg-type]
    }


def test_the_sql_filter_keeps_what_the_engine_rule_keeps() -> None:
    do_seed_region(seed_parameters(persons=120, seed=7))
    assert _add_corrections() >= 4 * len(CORRECTED)
    log = event_log()
    kept = log[effective_mask(log)]
    kept = kept.assign(trajectory_id=[str(uuid.UUID(t)) for t in kept["trajectory_id"]])
    assert len(kept) < len(log)
    for stage in FUNNEL_STAGES:
        engine = set(kept.loc[kept["event_type"] == stage.value, "trajectory_id"])
        sql = _sql(_effective(stage).filter(trajectory=OuterRef("pk")))
        assert sql == engine, stage
    episodes = kept[kept["event_type"] == EventType.EXPLOITATION_EPISODE.value]
    for form in ExploitationForm:
        engine = {
            t
            for t, p in zip(episodes["trajectory_id"], episodes["payload"], strict=True)
            if p["form"] == form.value
        }
        assert _sql(_effective_form(form.value)) == engine, form
    organ_removal = {
        t
        for t, p in zip(episodes["trajectory_id"], episodes["payload"], strict=True)
        if p["form"] == "organ_removal"
    }
    assert organ_removal, "a corrected form is among the effective episodes"


def test_ctdc_counts_only_effective_exploitation_episodes() -> None:
    at = pd.Timestamp("2023-04-01", tz="UTC")
    episode = {"episode_id": "e", "form": "labour", "trafficker_relation": "familial"}
    rows = [
        ("t1", "p1", "exploitation_episode", episode, "a1", None),
        ("t1", "p1", "entered_in_error", {"reason": "x"}, "a2", "a1"),
        ("t2", "p2", "exploitation_episode", episode, "b1", None),
        ("t2", "p2", "exploitation_episode", {**episode, "form": "sexual"}, "b2", "b1"),
    ]
    log = pd.DataFrame(
        [(t, person, kind, payload, i, s, at) for t, person, kind, payload, i, s in rows],
        columns=[
            "trajectory_id",
            "person_id",
            "event_type",
            "payload",
            "event_id",
            "supersedes",
            "occurred_at",
        ],
    )
    records = ctdc_records(log)
    assert records["person_id"].tolist() == ["p2"]
    assert records[["isSexualExploit", "isForcedLabour"]].values.tolist() == [[1, 0]]
