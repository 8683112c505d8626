"""Reading the event log: schema errors name the column and rows, corrections follow the
projection, and every row is used or counted."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schakel.engine.trajectories.episode_input import EVENT_LOG_COLUMNS, EpisodeInputError
from schakel.engine.trajectories.episodes import build_episodes

T0 = dt.datetime(2023, 1, 2, 9, 0, tzinfo=dt.UTC)
AS_OF = dt.date(2025, 12, 31)


def row(kind: str, offset: int, payload: dict[str, Any] | None = None, **extra: Any) -> dict:
    number = extra.pop("number")
    return {
        "trajectory_id": extra.pop("trajectory", "t1"),
        "person_id": extra.pop("person", "p1"),
        "region": "rotterdam",
        "event_type": kind,
        "occurred_at": T0 + dt.timedelta(days=offset, minutes=extra.pop("minute", 0)),
        "payload": payload or {},
        "event_id": f"e{number}",
        "supersedes": extra.pop("supersedes", None),
    }


def frame(*events: tuple[Any, ...]) -> pd.DataFrame:
    rows = []
    for number, event in enumerate(events, start=1):
        kind, offset, *rest = event
        payload = rest[0] if rest else None
        extra = rest[1] if len(rest) > 1 else {}
        rows.append(row(kind, offset, payload, number=number, **extra))
    return pd.DataFrame(rows)


EPISODE = (
    ("signal", 0, {"observed_by_role": "police_officer", "minor": False}),
    ("intake", 10),
    ("exploitation_episode", 10, {"episode_id": "x", "form": "sexual"}, {"minute": 5}),
    ("exit", 200, {"exit_kind": "stable"}),
    ("return_to_exploitation", 300),
)


def build(data: pd.DataFrame | pa.Table, **options: Any) -> Any:
    return build_episodes(data, as_of=options.pop("as_of", AS_OF), timezone="UTC", **options)


@pytest.mark.parametrize("column", [spec.name for spec in EVENT_LOG_COLUMNS])
def test_a_missing_column_is_named(column: str) -> None:
    with pytest.raises(EpisodeInputError, match=column) as error:
        build(frame(*EPISODE).drop(columns=[column]))
    assert error.value.column == column


def test_an_unknown_event_type_names_the_type_and_row() -> None:
    with pytest.raises(EpisodeInputError, match=r"unknown event type\(s\) relapse.*rows 2"):
        build(frame(*EPISODE[:2], ("relapse", 20), *EPISODE[2:]))


def test_empty_key_values_name_their_rows() -> None:
    data = frame(*EPISODE)
    data.loc[3, "person_id"] = None
    with pytest.raises(EpisodeInputError, match=r"person_id: 1 empty value\(s\) \(rows 3\)"):
        build(data)


def test_naive_timestamps_are_refused() -> None:
    data = frame(*EPISODE)
    data["occurred_at"] = data["occurred_at"].dt.tz_localize(None)
    with pytest.raises(EpisodeInputError, match="occurred_at: must be timezone-aware"):
        build(data)


def test_an_unknown_code_names_the_field_and_row() -> None:
    bad = ("exploitation_episode", 10, {"episode_id": "x", "form": "smuggling"})
    with pytest.raises(EpisodeInputError, match=r"payload.form.*smuggling.*rows 2"):
        build(frame(*EPISODE[:2], bad, *EPISODE[3:]))


def test_text_that_is_not_a_json_object_names_its_row() -> None:
    data = frame(*EPISODE)
    data["payload"] = [json.dumps(p) for p in data["payload"]]
    data.loc[3, "payload"] = "[1, 2]"
    with pytest.raises(EpisodeInputError, match=r"payload: is not a JSON object \(rows 3\)"):
        build(data)


def test_an_exit_before_any_start_is_an_error_unless_counted() -> None:
    data = frame(("exit", 5, {"exit_kind": "stable"}), *EPISODE)
    with pytest.raises(EpisodeInputError, match=r"exit before any intake.*rows 0"):
        build(data)
    result = build(data, strict=False)
    assert len(result.episodes) == 1
    assert result.quality.count("exit_without_start") == 1


def test_as_of_must_be_a_date() -> None:
    with pytest.raises(EpisodeInputError, match="as_of"):
        build(frame(*EPISODE), as_of=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))


def test_pandas_dicts_pandas_json_and_arrow_give_the_same_episodes() -> None:
    data = frame(*EPISODE, ("intake", 500), ("exit", 650, {"exit_kind": "other"}))
    as_json = data.assign(payload=[json.dumps(p) for p in data["payload"]])
    expected = build(data).episodes
    pd.testing.assert_frame_equal(build(as_json).episodes, expected)
    table = pa.Table.from_pandas(as_json, preserve_index=False)
    pd.testing.assert_frame_equal(build(table).episodes, expected)
    chunked = pa.concat_tables([table.slice(0, 3), table.slice(3)])  # several chunks per column
    chunked = chunked.set_column(3, "event_type", chunked["event_type"].dictionary_encode())
    assert chunked["payload"].num_chunks == 2
    pd.testing.assert_frame_equal(build(chunked).episodes, expected)


def test_a_corrected_exit_date_is_used_and_the_correction_counted() -> None:
    data = frame(*EPISODE[:4], ("exit", 150, {"exit_kind": "stable"}, {"supersedes": "e4"}))
    result = build(data)
    assert result.episodes.iloc[0].exit_date == pd.Timestamp(T0.date() + dt.timedelta(days=150))
    assert result.quality.count("superseded") == 1


def test_a_withdrawn_return_is_no_return() -> None:
    data = frame(
        *EPISODE, ("entered_in_error", 301, {"reason": "wrong person"}, {"supersedes": "e5"})
    )
    result = build(data)
    assert result.episodes.iloc[0].exit_type == 0
    assert result.quality.count("superseded") == 1
    assert result.quality.count("entered_in_error") == 1


def test_a_correction_naming_an_unknown_event_is_reported_and_kept() -> None:
    data = frame(
        *EPISODE[:4], ("follow_up_contact", 250, {"outcome": "stable"}, {"supersedes": "nope"})
    )
    assert build(data).quality.count("dangling_correction") == 1


def test_events_after_the_as_of_date_are_left_out_and_counted() -> None:
    result = build(frame(*EPISODE), as_of=(T0 + dt.timedelta(days=250)).date())
    row = result.episodes.iloc[0]
    assert (row.exit_type, row.days) == (0, 50)
    assert result.quality.count("after_as_of") == 1


def test_a_second_exit_is_ignored_and_counted() -> None:
    result = build(frame(*EPISODE[:4], ("exit", 220, {"exit_kind": "other"}), EPISODE[4]))
    assert result.episodes.iloc[0].exit_kind == "stable"
    assert result.quality.count("repeat_exit") == 1


def test_days_follow_the_local_calendar() -> None:
    late = dt.datetime(2024, 3, 31, 22, 30, tzinfo=dt.UTC)  # 00:30 on 1 April in Amsterdam
    data = frame(*EPISODE[:4])
    data.loc[3, "occurred_at"] = late
    amsterdam = build_episodes(data, as_of=AS_OF).episodes.iloc[0]
    utc = build(data).episodes.iloc[0]
    assert amsterdam.exit_date == pd.Timestamp("2024-04-01")
    assert utc.exit_date == pd.Timestamp("2024-03-31")
    microseconds = data.assign(occurred_at=data["occurred_at"].dt.as_unit("us"))
    assert build(microseconds).episodes.iloc[0].exit_date == pd.Timestamp("2024-03-31")
    with pytest.raises(EpisodeInputError, match="timezone: unknown time zone"):
        build_episodes(data, as_of=AS_OF, timezone="Mars/Olympus")


KINDS = st.sampled_from(
    [
        ("intake", {}),
        ("exit", {"exit_kind": "stable"}),
        ("exit", {"exit_kind": "left_netherlands"}),
        ("return_to_exploitation", {}),
        ("follow_up_contact", {"outcome": "lost_contact"}),
        ("closure", {"reason": "follow_up_completed"}),
        ("consultation", {"topic": "t"}),
    ]
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(KINDS, st.integers(0, 900), st.sampled_from(["p1", "p2"]), st.booleans()),
        min_size=1,
        max_size=25,
    ),
    st.integers(0, 900),
)
def test_every_row_is_used_or_counted(events: list[Any], cutoff: int) -> None:
    rows = []
    for number, ((kind, payload), offset, person, corrects) in enumerate(events, start=1):
        extra = {"person": person, "trajectory": person}
        if corrects and number > 1:
            extra["supersedes"] = f"e{number - 1}"
        rows.append(row(kind, offset, payload, number=number, **extra))
    result = build(pd.DataFrame(rows), strict=False, as_of=(T0 + dt.timedelta(cutoff)).date())
    quality = result.quality
    assert quality.input_rows == len(rows) == quality.used_rows + quality.dropped_rows
    episodes = result.episodes
    assert (episodes["days"] >= 0).all()
    assert set(episodes["exit_type"]) <= {0, 1, 2, 3}
    assert (episodes["end_date"] <= pd.Timestamp(T0.date() + dt.timedelta(cutoff))).all()
