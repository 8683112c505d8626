"""Ground truth on disk, for validating survival estimators and record linkage elsewhere.

Three files: `coefficients.json` (the true model and every parameter), `persons.csv` (which
identity record belongs to which true person) and `episodes.csv` (the true and the observed
ending of every post-exit episode, including returns nobody recorded).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

from schakel.engine.synth.hazards import DAYS_PER_YEAR, FOLLOW_UP_MONTHS, MAX_PRIOR_EPISODES
from schakel.engine.synth.region import SyntheticRegion

PERSON_COLUMNS = (
    "identity_record_key",
    "person_key",
    "trajectory_key",
    "episode_no",
    "organisation_key",
    "perturbations",
)
EPISODE_COLUMNS = (
    "person_key",
    "trajectory_key",
    "episode_no",
    "exit_date",
    "true_days",
    "true_type",
    "true_outcome",
    "observed_days",
    "observed_type",
    "observed_outcome",
    "lost_to_follow_up",
    "return_observed",
    "return_registered",
    "next_trajectory_key",
    "form",
    "modus_operandi",
    "placement",
    "interventions",
    "minor",
    "prior_episodes",
    "linear_predictor",
)


@dataclass(frozen=True)
class GroundTruthFiles:
    coefficients: Path
    persons: Path
    episodes: Path


def write_ground_truth(region: SyntheticRegion, directory: str | PathLike[str]) -> GroundTruthFiles:
    """Write the three ground-truth files into `directory` (created if missing)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    files = GroundTruthFiles(
        coefficients=directory / "coefficients.json",
        persons=directory / "persons.csv",
        episodes=directory / "episodes.csv",
    )
    files.coefficients.write_text(
        json.dumps(describe_model(region), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    trajectories = {t.key: t for t in region.trajectories}
    with files.persons.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(PERSON_COLUMNS)
        for record in region.identity_records:
            trajectory = trajectories[record.trajectory_key]
            writer.writerow(
                (
                    record.key,
                    record.person_key,
                    record.trajectory_key,
                    trajectory.episode_no,
                    record.organisation_key,
                    ";".join(record.perturbations),
                )
            )
    with files.episodes.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(EPISODE_COLUMNS)
        writer.writerows(_episode_rows(region))
    return files


def _episode_rows(region: SyntheticRegion) -> list[tuple[object, ...]]:
    first_day = region.parameters.start_date
    rows: list[tuple[object, ...]] = []
    for episode in region.episodes:
        seen, x = episode.observation, episode.covariates
        rows.append(
            (
                episode.person_key,
                episode.trajectory_key,
                episode.episode_no,
                (first_day + dt.timedelta(days=episode.exit_day)).isoformat(),
                seen.true_days,
                seen.true_outcome.code,
                seen.true_outcome.value,
                seen.observed_days,
                seen.observed_outcome.code,
                seen.observed_outcome.value,
                int(seen.lost_to_follow_up),
                int(seen.return_observed),
                int(episode.return_registered),
                episode.next_trajectory_key or "",
                x.form.value,
                x.modus_operandi.value,
                x.placement.value,
                ";".join(sorted(kind.value for kind in x.interventions)),
                int(x.minor),
                x.prior_episodes,
                f"{episode.linear_predictor:.6f}",
            )
        )
    return rows


def describe_model(region: SyntheticRegion) -> dict[str, Any]:
    """The true model in plain JSON: what an estimator should recover."""
    params = region.parameters
    c = params.coefficients
    return {
        "generator": "schakel.engine.synth",
        "seed": params.seed,
        "time_unit": "days since exit",
        "model": "cause-specific proportional hazards of return: h(t|x) = h0(t) exp(beta . x)",
        "baseline": {
            "distribution": "weibull",
            "hazard": "h0(t) = (shape / scale_days) * (t / scale_days) ** (shape - 1)",
            "shape": params.baseline.shape,
            "scale_days": params.baseline.scale_days,
        },
        "log_hazard_ratios": {
            "reference": "adult, sexual exploitation, modus operandi other, placement other, "
            "no intervention, first episode",
            "form": _plain(c.form),
            "modus_operandi": _plain(c.modus_operandi),
            "placement_at_exit": _plain(c.placement),
            "intervention_started": _plain(c.intervention),
            "minor": c.minor,
            "own_home_minor": c.own_home_minor,
            "prior_episode": c.prior_episode,
            "prior_episode_cap": MAX_PRIOR_EPISODES,
        },
        "competing_events": {
            "stable_rate_per_year": params.stable_rate,
            "stable_cap_months": FOLLOW_UP_MONTHS[-1],
            "left_netherlands_rate_per_year": params.left_netherlands_rate,
            "left_netherlands_rate_factor_dutch": 0.1,
            "death_rate_per_year": params.death_rate,
            "days_per_year": DAYS_PER_YEAR,
        },
        "censoring": {
            "loss_to_follow_up_rate_per_year": params.loss_to_follow_up_rate,
            "administrative_end": params.end_date.isoformat(),
        },
        "follow_up_months": list(FOLLOW_UP_MONTHS),
        "parameters": _plain(dataclasses.asdict(params)),
    }


def _plain(value: Any) -> Any:
    """JSON-ready copy: enum keys as their codes, dates as ISO strings."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def region_digest(region: SyntheticRegion) -> str:
    """SHA-256 over a canonical form of the whole region; equal digests mean equal regions."""
    digest = hashlib.sha256()
    parts: tuple[tuple[Any, ...], ...] = (
        region.organisations,
        region.professionals,
        region.persons,
        region.identity_records,
        region.trajectories,
        region.episodes,
    )
    for part in parts:
        for item in part:
            line = json.dumps(item, default=_canonical, sort_keys=True, ensure_ascii=False)
            digest.update(line.encode("utf-8"))
            digest.update(b"\n")
    return digest.hexdigest()


def _canonical(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(value)
    raise TypeError(f"cannot digest {type(value).__name__}")
