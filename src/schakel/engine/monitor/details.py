"""What the event log says about an episode beyond the episode builder's strata: where and how
the person was exploited, which vulnerabilities were known at exit, and how a return came to
light. The monitor's "where, when and why" tables (`breakdowns`) split returns by these.

Read from the effective events (`effective_mask`) of three types, matched to the episodes by
person and calendar day (on the builder's clock):

- the first exploitation episode recorded in the care episode (on or after its start, not after
  its exit; the one the builder takes the form from): municipality, country, sector (ISIC
  section), recruitment methods and online platforms;
- vulnerability factors recorded for the person up to the exit day, the latest record of each
  factor saying whether it was addressed;
- for a return: the ending the builder found (a follow-up contact with outcome return, a new
  episode of the same person in another trajectory) or, for a return event, its `detected_by`.

What the log does not record is not invented: there is no municipality of exit (only the
municipality where the exploitation took place) and nothing about an online platform beyond the
names recorded with the recruitment methods.
"""

from __future__ import annotations

import json
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from schakel.engine.trajectories.episodes import DEFAULT_TIMEZONE
from schakel.engine.trajectories.events import EventType
from schakel.engine.trajectories.projection import effective_mask

NONE = "none"
DETAIL_COLUMNS = {
    "municipality": "municipality where the exploitation took place (none: abroad or unknown)",
    "country": "country of exploitation, ISO 3166 alpha-2 (none: unknown)",
    "sector": "ISIC section of the exploitation (none: not recorded)",
    "recruitment": "recruitment methods, a tuple (('none',) when none recorded)",
    "platforms": "online platforms named for the recruitment, a tuple (('none',) when none)",
    "vulnerabilities": "factor:addressed|not_addressed per factor known at exit, a tuple",
    "detection": "how a return came to light (follow_up, linkage, report, new_episode, other); "
    "none when the episode did not end in a return",
}
"""Columns `episode_details` adds, in order."""
_KINDS = {
    EventType.EXPLOITATION_EPISODE.value,
    EventType.VULNERABILITY.value,
    EventType.RETURN_TO_EXPLOITATION.value,
}
_ENDING_DETECTION = {"follow_up_return": "follow_up", "new_episode": "new_episode"}


def episode_details(
    log: pd.DataFrame | pa.Table, episodes: pd.DataFrame, *, timezone: str = DEFAULT_TIMEZONE
) -> pd.DataFrame:
    """The detail columns (`DETAIL_COLUMNS`) of each row of `episodes` (`build_episodes`'s
    table of the same log, same clock), with the index of `episodes`."""
    frame = log.to_pandas() if isinstance(log, pa.Table) else log
    events = _events(frame, timezone)
    rows = pd.DataFrame(
        {
            "person": episodes["person_id"].astype(str).to_numpy(),
            "start": _days(episodes["start_date"]),
            "exit": _days(episodes["exit_date"]),
            "end": _days(episodes["end_date"]),
        }
    )
    details = pd.concat(
        [
            _exploitation(rows, events[events["event_type"] == _EPISODE]),
            _vulnerabilities(rows, events[events["event_type"] == _VULNERABILITY]),
        ],
        axis=1,
    )
    details["detection"] = _detection(rows, episodes, events[events["event_type"] == _RETURN])
    details.index = episodes.index
    return details[list(DETAIL_COLUMNS)]


def with_details(
    episodes: pd.DataFrame, log: pd.DataFrame | pa.Table, *, timezone: str = DEFAULT_TIMEZONE
) -> pd.DataFrame:
    """`episodes` with the detail columns added (replaced when already there)."""
    details = episode_details(log, episodes, timezone=timezone)
    return pd.concat(
        [episodes.drop(columns=list(DETAIL_COLUMNS), errors="ignore"), details], axis=1
    )


_EPISODE = EventType.EXPLOITATION_EPISODE.value
_VULNERABILITY = EventType.VULNERABILITY.value
_RETURN = EventType.RETURN_TO_EXPLOITATION.value


def _events(frame: pd.DataFrame, timezone: str) -> pd.DataFrame:
    """The effective events of the three types: person, type, local day, time and the
    payload fields the details need."""
    if len(frame) == 0:
        columns = ["person", "event_type", "day", "time", *_FIELDS, *_LISTS]
        return pd.DataFrame(columns=columns)
    types = frame["event_type"].astype(str)
    keep = effective_mask(frame) & types.isin(_KINDS).to_numpy()
    chosen = frame.loc[keep]
    time = pd.to_datetime(chosen["occurred_at"], utc=True)
    local = time.dt.tz_convert(timezone).dt.tz_localize(None)
    events = pd.DataFrame(
        {
            "person": chosen["person_id"].astype(str).to_numpy(),
            "event_type": types[keep].to_numpy(),
            "day": local.to_numpy().astype("datetime64[D]").astype(np.int64),
            "time": time.dt.tz_localize(None).to_numpy(),
        }
    )
    events = pd.concat([events, _payload_fields(chosen["payload"])], axis=1)
    return events.sort_values(["person", "time"], kind="stable").reset_index(drop=True)


_FIELDS = {
    "municipality": "municipality",
    "country": "country",
    "sector": "sector_isic",
    "factor": "factor",
    "addressed": "addressed",
    "detected_by": "detected_by",
}
_LISTS = {"recruitment": "recruitment_methods", "platforms": "recruitment_platforms"}


def _payload_fields(payloads: pd.Series) -> pd.DataFrame:
    """The payload fields the details need, one column each (lists for the two lists).
    JSON text (as the web reads the log) is parsed by DuckDB in one pass: a million payloads
    one `json.loads` at a time took seconds."""
    values = payloads.tolist()
    if values and all(isinstance(v, str) for v in values):
        table = pa.table({"pos": np.arange(len(values)), "payload": pa.array(values, pa.string())})
        texts = [f"json_extract_string(payload, '$.{key}') AS {n}" for n, key in _FIELDS.items()]
        lists = [
            f"CAST(json_extract(payload, '$.{key}') AS VARCHAR[]) AS {n}"
            for n, key in _LISTS.items()
        ]
        query = f"SELECT {', '.join([*texts, *lists])} FROM events ORDER BY pos"  # noqa: S608
        con = duckdb.connect()
        try:
            con.register("events", table)
            found = con.sql(query).df()
        finally:
            con.close()
    else:
        dicts = [_payload(v) for v in values]
        found = pd.DataFrame(
            {name: [d.get(key) for d in dicts] for name, key in {**_FIELDS, **_LISTS}.items()}
        )
    found["addressed"] = found["addressed"].astype(str).str.lower() == "true"
    return found


def _payload(value: Any) -> dict[str, Any]:
    if isinstance(value, str | bytes):
        value = json.loads(value)
    return value if isinstance(value, dict) else {}


def _days(column: pd.Series) -> np.ndarray:
    return pd.to_datetime(column).to_numpy().astype("datetime64[D]").astype(np.int64)


def _exploitation(rows: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Per episode the first exploitation episode on or after its start and not after its
    exit (the builder's "first exploitation episode in the episode")."""
    found = rows.reset_index().merge(events, on="person", how="inner")
    found = found[(found["day"] >= found["start"]) & (found["day"] <= found["exit"])]
    first = found.sort_values(["index", "time"], kind="stable").drop_duplicates("index")
    chosen = first.set_index("index").reindex(rows.index)
    return pd.DataFrame(
        {
            "municipality": [_text(v) for v in chosen["municipality"]],
            "country": [_text(v) for v in chosen["country"]],
            "sector": [_text(v) for v in chosen["sector"]],
            "recruitment": [_many(v) for v in chosen["recruitment"]],
            "platforms": [_many(v) for v in chosen["platforms"]],
        }
    )


def _text(value: Any) -> str:
    text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    return text.strip() or NONE


def _many(values: Any) -> tuple[str, ...]:
    if values is None or values is pd.NA or isinstance(values, float | str):
        return (NONE,)  # missing (None, NaN, or NA where DuckDB read no list), or not a list
    found = sorted({str(v).strip() for v in values if v is not None and str(v).strip()})
    return tuple(found) or (NONE,)


def _vulnerabilities(rows: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Per episode every factor recorded for the person up to the exit day, as the latest
    record of that factor has it (addressed or not)."""
    found_levels: dict[int, tuple[str, ...]] = {}
    if len(events):
        factors = events.assign(factor=events["factor"].fillna("").astype(str))
        found = rows.reset_index().merge(factors, on="person", how="inner")
        found = found[(found["day"] <= found["exit"]) & (found["factor"] != "")]
        latest = found.sort_values(["index", "time"], kind="stable").drop_duplicates(
            ["index", "factor"], keep="last"
        )
        latest = latest.assign(
            level=latest["factor"]
            + np.where(latest["addressed"].to_numpy(dtype=bool), ":addressed", ":not_addressed")
        )
        latest = latest.sort_values(["index", "level"])
        found_levels = latest.groupby("index")["level"].agg(tuple).to_dict()
    empty = (NONE,)
    return pd.DataFrame({"vulnerabilities": [found_levels.get(i, empty) for i in range(len(rows))]})


def _detection(rows: pd.DataFrame, episodes: pd.DataFrame, events: pd.DataFrame) -> np.ndarray:
    """How each return came to light; NONE when the episode did not end in a return."""
    returned = (episodes["exit_type"] == 1).to_numpy()
    ending = episodes["ending"].astype(str).to_numpy()
    result = np.full(len(rows), NONE, dtype=object)
    for name, detection in _ENDING_DETECTION.items():
        result[returned & (ending == name)] = detection
    recorded = returned & (ending == "return_event")
    if recorded.any():
        result[recorded] = "other"
        if len(events):
            marks = events.assign(
                detected_by=events["detected_by"].fillna("other").astype(str)
            ).drop_duplicates(["person", "day"])  # the first return event of that day
            wanted = rows.loc[recorded, ["person", "end"]].reset_index()
            found = wanted.merge(
                marks, left_on=["person", "end"], right_on=["person", "day"], how="left"
            )
            known = found["detected_by"].notna().to_numpy()
            positions = found["index"].to_numpy()[known]
            result[positions] = found["detected_by"].to_numpy()[known]
    return result
