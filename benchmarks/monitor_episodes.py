"""Episode building for 100,000 and 1,000,000 synthetic episodes (target: 1M well under 60 s).

The event log is generated directly with numpy and Arrow (the full synthetic region would take
minutes at this size): persons with one to four episodes, each with signal, consultation,
referral, intake, exploitation episode, vulnerability, placement, one to three interventions,
exit, follow-up contacts and an ending (return, stable closure, lost contact, left the
Netherlands, or still in follow-up); the exploitation episodes, vulnerabilities and returns
carry the fields the monitor's details read (`monitor_detail_fields`). Payloads are JSON text
in an Arrow table, as a Parquet export or a database dump gives them; at 100,000 episodes the
same log is also built from a pandas DataFrame with Python dict payloads (the shape the Django
ORM gives).

    .venv/bin/python benchmarks/monitor_episodes.py [--sizes 100000 1000000] [--seed S]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import resource
import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from monitor_detail_fields import (
    episode_fields,
    later_vulnerabilities,
    return_payloads,
    vulnerability_payloads,
)

from schakel.engine.trajectories.episodes import build_episodes
from schakel.engine.vocabulary import ExploitationForm, InterventionType, ModusOperandi
from schakel.engine.vocabulary import PlacementType as P

FIRST_DAY = np.datetime64("2020-01-01", "D").astype(np.int64)
AS_OF = dt.date(2024, 12, 31)
AS_OF_DAY = (AS_OF - dt.date(1970, 1, 1)).days
NS_PER_DAY = 86_400 * 10**9
NS_PER_MINUTE = 60 * 10**9
FOLLOW_UP_DAYS = (91, 182, 365, 730)
REGIONS = ("amsterdam", "rotterdam", "den_haag", "limburg", "oost_brabant")
Ints = npt.NDArray[np.int64]


@dataclass
class Episodes:
    """Per synthetic episode: person, days, outcome (0 censored, 1 return, 2 stable, 3 left)."""

    person: Ints
    number: Ints
    intake: Ints
    exit: Ints
    end: Ints
    outcome: Ints
    last: npt.NDArray[np.bool_]
    rng: np.random.Generator
    detail_rng: np.random.Generator
    """Draws the where/when/why payload fields (`details`), apart from `rng`: the episodes,
    event ids and every other payload stay as they were before these fields were added."""


def draw_episodes(count: int, seed: int) -> Episodes:
    """Chains of episodes per person; every episode but a person's last ends in a return."""
    rng = np.random.default_rng(seed)
    per_person = np.minimum(rng.geometric(0.8, size=count), 4)
    per_person = per_person[np.cumsum(per_person) <= count]
    per_person = np.r_[per_person, np.ones(count - per_person.sum(), dtype=np.int64)]
    person = np.repeat(np.arange(per_person.size), per_person)
    number = np.arange(count) - np.repeat(np.cumsum(per_person) - per_person, per_person) + 1
    last = np.r_[person[1:] != person[:-1], True]
    care = rng.integers(30, 400, count)
    after = np.where(last, rng.integers(20, 900, count), rng.integers(20, 400, count))
    outcome = np.where(last, rng.choice([0, 1, 2, 3], size=count, p=[0.3, 0.2, 0.4, 0.1]), 1)
    intake = np.empty(count, dtype=np.int64)
    first = number == 1
    intake[first] = FIRST_DAY + rng.integers(0, 4 * 365, int(first.sum()))
    for k in range(2, 5):  # a later episode starts a month after the previous return
        this = number == k
        previous = np.flatnonzero(this) - 1
        intake[this] = intake[previous] + care[previous] + after[previous] + 30
    exit_day = intake + care
    end = np.where(outcome == 0, AS_OF_DAY, exit_day + after)
    detail_rng = np.random.default_rng([seed, 1])
    return Episodes(person, number, intake, exit_day, end, outcome, last, rng, detail_rng)


def _text(values: npt.NDArray[np.object_] | list[str]) -> pa.Array:
    return pa.array(values, pa.string())


def _stamp(day: Ints, minute: int) -> Ints:
    return day * NS_PER_DAY + (8 * 60 + minute) * NS_PER_MINUTE


def _kind_rows(
    rows: Ints, kind: str, day: Ints, minute: int, payload: pa.Array
) -> dict[str, object]:
    return {"episode": rows, "kind": kind, "ts": _stamp(day, minute), "payload": payload}


def _pick(options: list[str], size: int, rng: np.random.Generator) -> pa.Array:
    return pa.array(np.array(options, dtype=object)[rng.integers(0, len(options), size)])


def care_events(e: Episodes) -> list[dict[str, object]]:
    rng, n = e.rng, e.person.size
    every = np.arange(n)
    forms = [f.value for f in ExploitationForm]
    modi = [m.value for m in ModusOperandi]
    started = np.datetime_as_string((e.intake - 100).astype("datetime64[D]"))
    form = rng.integers(0, len(forms), n)  # the draw `_pick` made before the detail fields
    opening = [f'{{"episode_id": "e", "form": "{f}", "modus_operandi": ["' for f in forms]
    region = np.array(REGIONS, dtype=object)[e.person % len(REGIONS)]
    episode = pc.binary_join_element_wise(
        pa.array(np.array(opening, dtype=object)[form]),
        _pick(modi, n, rng),
        pa.array(np.full(n, '"], "started_on": "', dtype=object)),
        pa.array(started.astype(object)),
        pa.array(np.full(n, '"', dtype=object)),
        episode_fields(e.detail_rng, form, region),
        pa.array(np.full(n, "}", dtype=object)),
        "",
    )
    minor = _pick(
        [
            '{"observed_by_role": "police_officer", "minor": true}',
            '{"observed_by_role": "police_officer", "minor": false}',
        ],
        n,
        rng,
    )
    static = {
        "consultation": '{"topic": "signs of exploitation"}',
        "referral_sent": '{"referral_id": "r1", "to_organisation_id": 3}',
        "referral_accepted": '{"referral_id": "r1"}',
        "intake": '{"trafficking_status": "possible"}',
    }
    out = [
        _kind_rows(every, "signal", e.intake - 20, 0, minor),
        _kind_rows(every, "consultation", e.intake - 15, 0, _text([static["consultation"]] * n)),
        _kind_rows(every, "referral_sent", e.intake - 10, 0, _text([static["referral_sent"]] * n)),
        _kind_rows(
            every, "referral_accepted", e.intake - 5, 0, _text([static["referral_accepted"]] * n)
        ),
        _kind_rows(every, "intake", e.intake, 0, _text([static["intake"]] * n)),
        _kind_rows(every, "exploitation_episode", e.intake, 5, episode),
        _kind_rows(every, "vulnerability", e.intake, 10, vulnerability_payloads(e.detail_rng, n)),
    ]
    return out + treatment_events(e)


def treatment_events(e: Episodes) -> list[dict[str, object]]:
    """Placements, one to three interventions, and the exit."""
    rng, n = e.rng, e.person.size
    every = np.arange(n)
    out: list[dict[str, object]] = []
    placements = [f'{{"placement_id": "p1", "placement_type": "{p.value}"}}' for p in P]
    out.append(_kind_rows(every, "placement_start", e.intake + 1, 0, _pick(placements, n, rng)))
    out.append(
        _kind_rows(
            every,
            "placement_end",
            e.exit,
            0,
            _text(['{"placement_id": "p1", "reason": "exit"}'] * n),
        )
    )
    kinds = [
        f'{{"intervention_id": "i", "intervention_type": "{i.value}"}}' for i in InterventionType
    ]
    count = rng.integers(1, 4, n)
    for j in range(3):
        rows = np.flatnonzero(count > j)
        out.append(
            _kind_rows(
                rows, "intervention_start", e.intake[rows] + 10 + j, 0, _pick(kinds, rows.size, rng)
            )
        )
        out.append(
            _kind_rows(
                rows,
                "intervention_end",
                e.exit[rows],
                j,
                _text(['{"intervention_id": "i", "completed": true}'] * rows.size),
            )
        )
    exits = [
        '{"exit_kind": "stable", "follow_up_months": [3, 6, 12, 24]}',
        '{"exit_kind": "other"}',
    ]
    out.append(_kind_rows(every, "exit", e.exit, 30, _pick(exits, n, rng)))
    return out


def follow_up_events(e: Episodes) -> list[dict[str, object]]:
    rng, out = e.rng, []
    for offset in FOLLOW_UP_DAYS:
        rows = np.flatnonzero(e.exit + offset < e.end)
        out.append(
            _kind_rows(
                rows,
                "follow_up_contact",
                e.exit[rows] + offset,
                0,
                _pick(['{"outcome": "stable"}', '{"outcome": "concerns"}'], rows.size, rng),
            )
        )
    endings = {
        1: ("return_to_exploitation", ""),
        2: ("closure", '{"reason": "follow_up_completed"}'),
        3: ("closure", '{"reason": "left_netherlands"}'),
    }
    for outcome, (kind, payload) in endings.items():
        rows = np.flatnonzero((e.outcome == outcome) & e.last)
        texts = (
            _text([payload] * rows.size) if payload else return_payloads(e.detail_rng, rows.size)
        )
        out.append(_kind_rows(rows, kind, e.end[rows], 0, texts))
    return out


def later_vulnerability_events(e: Episodes) -> list[dict[str, object]]:
    """Vulnerabilities recorded after intake (after every other event in the table, so the
    rows and event ids of the others stay as they were)."""
    rows, day = later_vulnerabilities(e.detail_rng, e.intake, e.exit)
    payload = vulnerability_payloads(e.detail_rng, rows.size)
    return [_kind_rows(rows, "vulnerability", day, 20, payload)]


def event_log(count: int, seed: int) -> pa.Table:
    """The Arrow event log of `count` episodes (events after the as-of date included)."""
    e = draw_episodes(count, seed)
    parts = care_events(e) + follow_up_events(e) + later_vulnerability_events(e)
    episode = np.concatenate([np.asarray(p["episode"]) for p in parts])
    kinds = np.concatenate(
        [np.full(np.asarray(p["episode"]).size, p["kind"], dtype=object) for p in parts]
    )
    ts = np.concatenate([np.asarray(p["ts"]) for p in parts])
    payload = pa.chunked_array([p["payload"] for p in parts])  # type: ignore[misc]
    trajectory = pc.binary_join_element_wise("T", pa.array(episode).cast(pa.string()), "")
    sequence = pa.array(np.arange(episode.size)).cast(pa.string())
    return pa.table(
        {
            "trajectory_id": trajectory,
            "person_id": pc.binary_join_element_wise(
                "P", pa.array(e.person[episode]).cast(pa.string()), ""
            ),
            "region": pa.array(np.array(REGIONS, dtype=object)[e.person[episode] % len(REGIONS)]),
            "event_type": pa.array(kinds).dictionary_encode(),
            "occurred_at": pa.array(ts, pa.timestamp("ns", tz="UTC")),
            "payload": payload.combine_chunks(),
            "event_id": pc.binary_join_element_wise(trajectory, sequence, "-"),
            "supersedes": pa.nulls(episode.size, pa.string()),
        }
    )


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(label: str, count: int, table: object) -> tuple[str, int, int, int, float, float]:
    gc.collect()
    began = time.perf_counter()
    build = build_episodes(table, as_of=AS_OF, timezone="UTC")  # type: ignore[arg-type]
    seconds = time.perf_counter() - began
    rows = build.quality.input_rows
    return label, count, rows, len(build.episodes), seconds, max_rss_mib()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--smoke", action="store_true", help="smallest size: check it runs")
    args = parser.parse_args()
    if args.smoke:
        args.sizes = [2000]
    results = []
    for size in args.sizes:
        began = time.perf_counter()
        table = event_log(size, args.seed)
        made = time.perf_counter() - began
        print(f"generated {table.num_rows:,} events for {size:,} episodes in {made:.1f} s")
        results.append(measure("Arrow, JSON text", size, table))
        if size <= 200_000:
            frame = table.to_pandas()
            frame["payload"] = [json.loads(p) for p in frame["payload"]]
            frame["event_type"] = frame["event_type"].astype(str)
            results.append(measure("pandas, dicts", size, frame))
            del frame
        del table
    print()
    header = ("input", "episodes", "events", "built", "seconds", "max RSS MiB")
    print(
        f"{header[0]:<18} {header[1]:>10} {header[2]:>12} {header[3]:>10} {header[4]:>8} "
        f"{header[5]:>12}"
    )
    for label, size, rows, built, seconds, rss in results:
        print(f"{label:<18} {size:>10,} {rows:>12,} {built:>10,} {seconds:>8.1f} {rss:>12,.0f}")


if __name__ == "__main__":
    main()
