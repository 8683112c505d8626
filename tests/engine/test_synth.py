from __future__ import annotations

import collections
import csv
import dataclasses
import datetime as dt
import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from schakel.engine.identity import parse_identity
from schakel.engine.synth import (
    Covariates,
    HazardCoefficients,
    InvalidParameters,
    Outcome,
    RegionParameters,
    SyntheticRegion,
    WeibullBaseline,
    bsn_is_valid,
    generate_region,
    region_digest,
    write_ground_truth,
)
from schakel.engine.synth.identities import make_bsn
from schakel.engine.trajectories import EventType, project_state, validate_payload
from schakel.engine.vocabulary import (
    ExploitationForm,
    InterventionType,
    ModusOperandi,
    OrganisationType,
    PlacementType,
    Region,
    Role,
    Stage,
)

PERSONS, YEARS = 6_000, 6


@pytest.fixture(scope="module")
def region() -> SyntheticRegion:
    return generate_region(RegionParameters(seed=11, persons=PERSONS, years=YEARS))


# --- parameters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"persons": 0}, "persons"),
        ({"persons": True}, "persons"),
        ({"years": 0}, "years"),
        ({"start_year": 1800}, "start_year"),
        ({"seed": -1}, "seed"),
        ({"form_shares": {"sexual": 0.5, "labour": 0.4}}, "form_shares"),
        ({"form_shares": {"sexual": 1.2, "labour": -0.2}}, "form_shares[labour]"),
        ({"form_shares": {"begging": 1.0}}, "form_shares"),
        ({"nationality_shares": {"XX": 1.0}}, "nationality_shares"),
        ({"minor_shares": {"criminal": 1.5}}, "minor_shares[criminal]"),
        ({"return_observed_probability": 1.01}, "return_observed_probability"),
        ({"loss_to_follow_up_rate": -0.1}, "loss_to_follow_up_rate"),
        ({"death_rate": math.nan}, "death_rate"),
        ({"baseline": WeibullBaseline(shape=0.0)}, "baseline.shape"),
        ({"max_trajectories_per_person": 0}, "max_trajectories_per_person"),
        (
            {"coefficients": HazardCoefficients(intervention={InterventionType.WORK: math.inf})},
            "coefficients.intervention[work]",
        ),
        ({"coefficients": HazardCoefficients(minor=9.0)}, "coefficients.minor"),
    ],
)
def test_invalid_parameters_name_the_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidParameters) as caught:
        RegionParameters(**changes)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}:")


@given(st.lists(st.floats(0, 1), min_size=4, max_size=4))
def test_form_shares_must_sum_to_one(shares: list[float]) -> None:
    assume(abs(sum(shares) - 1) > 1e-4)
    with pytest.raises(InvalidParameters) as caught:
        RegionParameters(form_shares=dict(zip(ExploitationForm, shares, strict=True)))
    assert caught.value.field == "form_shares"


def test_defaults_are_dutch_sized() -> None:
    params = RegionParameters()
    assert 1_000 <= params.persons / params.years <= 1_100
    assert params.form_shares[ExploitationForm.SEXUAL] == 0.41
    assert params.form_shares[ExploitationForm.LABOUR] == 0.41
    top = sorted(params.nationality_shares, key=params.nationality_shares.__getitem__)[-3:]
    assert set(top) == {"PL", "NG", "NL"}


# --- organisations and people -----------------------------------------------------------------


def test_organisations_and_staff(region: SyntheticRegion) -> None:
    organisations = region.organisations
    assert len({o.key for o in organisations}) == len(organisations) == 10 * 6 + 3
    assert [o.number for o in organisations] == list(range(1, len(organisations) + 1))
    regional = {(o.region, o.type) for o in organisations if o.region is not None}
    for kind in ("care_coordination", "municipality", "shelter", "youth_care", "police"):
        assert all((r, OrganisationType(kind)) in regional for r in Region)
    national = {o.type for o in organisations if o.region is None}
    assert national == {"national_coordination_centre", "labour_inspectorate", "ngo"}
    by_org = collections.defaultdict(set)
    for professional in region.professionals:
        by_org[professional.organisation_key].add(professional.role)
    types = {o.key: o.type for o in organisations}
    assert all(len(roles) >= 1 for roles in by_org.values()) and len(by_org) == len(organisations)
    assert all(Role.COORDINATOR in by_org[k] for k, t in types.items() if t == "care_coordination")
    every_role = set().union(*by_org.values())
    assert {Role.ANALYST, Role.SUPERVISOR, Role.CONTENT_EDITOR, Role.FRONTLINE} <= every_role


def test_identity_records_are_valid_and_map_to_persons(region: SyntheticRegion) -> None:
    persons = {p.key for p in region.persons}
    trajectories = {t.key: t for t in region.trajectories}
    assert len({r.key for r in region.identity_records}) == len(region.identity_records)
    assert len(region.identity_records) == len(region.trajectories)
    for record in region.identity_records:
        trajectory = trajectories[record.trajectory_key]
        assert record.person_key in persons and trajectory.person_key == record.person_key
        assert trajectory.identity_record_key == record.key
        assert bool(record.perturbations) == (trajectory.episode_no > 1)
        if record.dob_estimated:
            assert record.date_of_birth is not None and record.date_of_birth.endswith("-01-01")
        parse_identity(record.as_identity_data())


def test_bsns_pass_the_eleven_test_and_are_unique(region: SyntheticRegion) -> None:
    bsns = [p.bsn for p in region.persons if p.bsn is not None]
    assert all(bsn_is_valid(bsn) for bsn in bsns) and len(set(bsns)) == len(bsns)
    dutch = [p for p in region.persons if p.nationality == "NL"]
    assert dutch and all(p.bsn for p in dutch)
    assert any(p.bsn is None for p in region.persons)


@given(st.integers(0, 2**32), st.integers(0, 8), st.integers(1, 9))
def test_the_eleven_test_catches_any_single_digit_error(
    seed: int, position: int, shift: int
) -> None:
    import random

    bsn = make_bsn(random.Random(seed))
    assert bsn_is_valid(bsn)
    wrong = bsn[:position] + str((int(bsn[position]) + shift) % 10) + bsn[position + 1 :]
    assert not bsn_is_valid(wrong)


def test_nationalities_ages_and_forms_follow_the_parameters(region: SyntheticRegion) -> None:
    params = region.parameters
    nationalities = collections.Counter(p.nationality for p in region.persons)
    for code, share in params.nationality_shares.items():
        assert abs(nationalities[code] / PERSONS - share) < 0.02, code
    first = [t for t in region.trajectories if t.episode_no == 1]
    forms = collections.Counter(t.form for t in first)
    for form, share in params.form_shares.items():
        assert abs(forms[form] / PERSONS - share) < 0.02, form
    minors = collections.Counter((t.form, t.events[0].payload["minor"]) for t in first)
    criminal, labour = ExploitationForm.CRIMINAL, ExploitationForm.LABOUR
    assert minors[(criminal, True)] > minors[(criminal, False)]
    assert minors[(labour, True)] < 0.1 * minors[(labour, False)]


def test_yearly_volume_is_near_the_parameters(region: SyntheticRegion) -> None:
    per_year = collections.Counter(
        t.events[0].occurred_at.year for t in region.trajectories if t.episode_no == 1
    )
    start = region.parameters.start_year
    assert sorted(per_year) == list(range(start, start + YEARS))
    expected = PERSONS / YEARS
    assert all(abs(count - expected) < 0.12 * expected for count in per_year.values())


# --- events and projection --------------------------------------------------------------------


def test_every_payload_validates_and_is_already_normalised(region: SyntheticRegion) -> None:
    seen: set[str] = set()
    for trajectory in region.trajectories:
        for event in trajectory.events:
            normalised = validate_payload(event.event_type, event.payload)
            assert {k: normalised[k] for k in event.payload} == event.payload
            seen.add(event.event_type)
    missing = set(EventType) - seen
    assert missing == {EventType.REFERRAL_REVOKED, EventType.ENTERED_IN_ERROR}


def test_events_are_ordered_timed_and_not_after_today(region: SyntheticRegion) -> None:
    staff = {p.key: p for p in region.professionals}
    for trajectory in region.trajectories:
        times = [e.occurred_at for e in trajectory.events]
        assert times == sorted(times) and times[-1] <= region.today
        assert all(t.utcoffset() == dt.timedelta(0) for t in times)
        assert trajectory.events[0].event_type == EventType.SIGNAL
        for event in trajectory.events:
            recorder = staff[event.recorded_by]
            assert recorder.organisation_key == event.organisation_key
            assert recorder.role in (Role.FRONTLINE, Role.COORDINATOR)


def test_projection_agrees_with_how_each_trajectory_ends(region: SyntheticRegion) -> None:
    stages: collections.Counter[Stage] = collections.Counter()
    for trajectory in region.trajectories:
        kinds = [e.event_type for e in trajectory.events]
        state = project_state(trajectory.projection_events())
        stages[state.stage] += 1
        assert state.episodes == kinds.count(EventType.EXPLOITATION_EPISODE)
        assert state.returned == (EventType.RETURN_TO_EXPLOITATION in kinds)
        if EventType.CLOSURE in kinds:
            assert kinds[-1] == EventType.CLOSURE and state.stage == Stage.CLOSED
            assert state.closed_on == trajectory.events[-1].occurred_at.date()
        elif EventType.EXIT in kinds and not state.returned:
            assert state.stage == Stage.FOLLOW_UP and not state.open_placements
        if EventType.INTAKE in kinds:
            assert not state.pending_referrals
    assert {Stage.CLOSED, Stage.FOLLOW_UP, Stage.IN_CARE} <= set(stages)
    assert stages[Stage.CLOSED] > stages[Stage.FOLLOW_UP] > stages[Stage.IN_CARE] / 10


# --- the hazard model and its ground truth ----------------------------------------------------


def test_observed_endings_never_contradict_the_truth(region: SyntheticRegion) -> None:
    for episode in region.episodes:
        seen = episode.observation
        if seen.observed_outcome != Outcome.CENSORED:
            assert (seen.observed_outcome, seen.observed_days) == (
                seen.true_outcome,
                seen.true_days,
            )
        if seen.return_observed or episode.return_registered:
            assert seen.true_outcome == Outcome.RETURN


def test_returns_appear_in_trajectories_or_only_through_linkage(region: SyntheticRegion) -> None:
    trajectories = {t.key: t for t in region.trajectories}
    records = {r.key: r for r in region.identity_records}
    hidden = 0
    for episode in region.episodes:
        first = trajectories[episode.trajectory_key]
        kinds = [e.event_type for e in first.events]
        assert episode.observation.return_observed == (EventType.RETURN_TO_EXPLOITATION in kinds)
        if episode.return_registered:
            second = trajectories[episode.next_trajectory_key or ""]
            assert second.person_key == first.person_key
            assert second.episode_no == first.episode_no + 1
            assert records[second.identity_record_key].perturbations
            hidden += not episode.observation.return_observed
    assert hidden > 0
    moved = sum(
        trajectories[e.next_trajectory_key].region != trajectories[e.trajectory_key].region
        for e in region.episodes
        if e.next_trajectory_key
    )
    assert moved > 0


FORMS = [f for f in ExploitationForm if f != ExploitationForm.SEXUAL]
MODI = [m for m in ModusOperandi if m != ModusOperandi.OTHER]
PLACEMENTS = [p for p in PlacementType if p != PlacementType.OTHER]
INTERVENTIONS = [i for i in InterventionType if i != InterventionType.OTHER]
COLUMNS = (
    [f"form[{f}]" for f in FORMS]
    + [f"modus_operandi[{m}]" for m in MODI]
    + [f"placement[{p}]" for p in PLACEMENTS]
    + [f"intervention[{i}]" for i in INTERVENTIONS]
    + ["minor", "own_home_minor", "prior_episode"]
)


def _design_row(x: Covariates) -> list[float]:
    """Dummy coding against the model's reference person (see HazardCoefficients)."""
    return [
        *(x.form == f for f in FORMS),
        *(x.modus_operandi == m for m in MODI),
        *(x.placement == p for p in PLACEMENTS),
        *(i in x.interventions for i in INTERVENTIONS),
        x.minor,
        x.minor and x.placement == PlacementType.OWN_HOME,
        min(x.prior_episodes, 3),
    ]


def _cox(
    x: npt.NDArray[np.float64], time: npt.NDArray[np.float64], event: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Cox partial likelihood (Breslow ties) by Newton-Raphson: an oracle independent of
    schakel.engine.survival."""
    order = np.argsort(-time, kind="stable")
    x, negative, d = x[order], -time[order], event[order]
    last = np.searchsorted(negative, negative, side="right") - 1
    first = np.searchsorted(negative, negative, side="left")
    beta = np.zeros(x.shape[1])
    for _ in range(30):
        w = np.exp(x @ beta - (x @ beta).max())
        s0 = np.cumsum(w)[last]
        z = (np.cumsum(w[:, None] * x, axis=0)[last] / s0[:, None])[d]
        a = np.cumsum(np.where(d, 1.0 / s0, 0.0)[::-1])[::-1][first]
        hessian = (x * (w * a)[:, None]).T @ x - z.T @ z
        step = np.linalg.solve(hessian, x[d].sum(axis=0) - z.sum(axis=0))
        beta += step
        if np.abs(step).max() < 1e-8:
            break
    return beta, np.sqrt(np.diag(np.linalg.inv(hessian)))


def test_true_log_hazard_ratios_are_recovered(region: SyntheticRegion) -> None:
    x = np.array([_design_row(e.covariates) for e in region.episodes], dtype=float)
    varying = x.std(axis=0) > 0
    time = np.array([e.observation.true_days for e in region.episodes], dtype=float)
    event = np.array([e.observation.true_outcome == Outcome.RETURN for e in region.episodes])
    beta, se = _cox(x[:, varying], time, event)
    names = [name for name, keep in zip(COLUMNS, varying, strict=True) if keep]
    estimates = dict(zip(names, beta, strict=True))
    errors = dict(zip(names, se, strict=True))
    c = region.parameters.coefficients
    truth = {
        "intervention[trauma_care]": c.intervention[InterventionType.TRAUMA_CARE],
        "modus_operandi[loverboy]": c.modus_operandi[ModusOperandi.LOVERBOY],
        "form[criminal]": c.form[ExploitationForm.CRIMINAL],
        "intervention[work]": c.intervention[InterventionType.WORK],
    }
    for name, value in truth.items():
        assert abs(estimates[name] - value) < max(0.25, 3.5 * errors[name]), name


def test_a_protective_intervention_group_returns_less_often(region: SyntheticRegion) -> None:
    """Mantel-Haenszel rate ratio of observed returns, trauma care versus none, stratified by
    form and age group (assignment depends on both); the true hazard ratio is exp(-0.5)."""
    strata: dict[tuple[str, bool], list[float]] = collections.defaultdict(lambda: [0.0] * 4)
    for episode in region.episodes:
        x, seen = episode.covariates, episode.observation
        cell = strata[(x.form, x.minor)]
        offset = 0 if InterventionType.TRAUMA_CARE in x.interventions else 2
        cell[offset] += seen.observed_outcome == Outcome.RETURN
        cell[offset + 1] += seen.observed_days
    numerator = sum(a * t0 / (t1 + t0) for a, t1, b, t0 in strata.values() if t1 and t0)
    denominator = sum(b * t1 / (t1 + t0) for a, t1, b, t0 in strata.values() if t1 and t0)
    assert 0.4 < numerator / denominator < 0.85


def test_coefficients_drive_the_returns() -> None:
    def return_share(trauma_care: float) -> float:
        effects = dict(HazardCoefficients().intervention)
        effects[InterventionType.TRAUMA_CARE] = trauma_care
        params = RegionParameters(
            seed=5, persons=2_500, years=4, coefficients=HazardCoefficients(intervention=effects)
        )
        treated = [
            e.observation.true_outcome == Outcome.RETURN
            for e in generate_region(params).episodes
            if InterventionType.TRAUMA_CARE in e.covariates.interventions
        ]
        return sum(treated) / len(treated)

    assert return_share(1.5) > 2 * return_share(-1.5)


# --- ground truth, determinism, size ----------------------------------------------------------


def test_ground_truth_files_agree_with_the_region(region: SyntheticRegion, tmp_path: Path) -> None:
    files = write_ground_truth(region, tmp_path / "truth")
    model = json.loads(files.coefficients.read_text(encoding="utf-8"))
    assert model["seed"] == 11 and model["baseline"]["distribution"] == "weibull"
    assert model["log_hazard_ratios"]["intervention_started"]["trauma_care"] == -0.5
    assert model["parameters"]["persons"] == PERSONS
    with files.persons.open(encoding="utf-8") as handle:
        persons = list(csv.DictReader(handle))
    assert len(persons) == len(region.identity_records) == len(region.trajectories)
    assert {row["person_key"] for row in persons} == {p.key for p in region.persons}
    assert len({row["identity_record_key"] for row in persons}) == len(persons)
    with files.episodes.open(encoding="utf-8") as handle:
        episodes = list(csv.DictReader(handle))
    assert len(episodes) == len(region.episodes)
    assert {row["true_type"] for row in episodes} == {"0", "1", "2", "3"}
    unseen = [r for r in episodes if r["true_type"] == "1" and r["observed_type"] == "0"]
    # lost before the return, or the return went unnoticed until the next contact
    assert any(int(r["observed_days"]) < int(r["true_days"]) for r in unseen)
    assert any(int(r["observed_days"]) > int(r["true_days"]) for r in unseen)


def test_same_seed_same_region_other_seed_other_region() -> None:
    params = RegionParameters(seed=3, persons=250, years=2)
    digest = region_digest(generate_region(params))
    assert region_digest(generate_region(params)) == digest
    assert region_digest(generate_region(dataclasses.replace(params, seed=4))) != digest


def test_the_digest_does_not_depend_on_the_hash_seed() -> None:
    script = (
        "from schakel.engine.synth import RegionParameters, generate_region, region_digest;"
        "print(region_digest(generate_region(RegionParameters(seed=3, persons=120, years=2))))"
    )
    environment = {**os.environ, "PYTHONHASHSEED": "12345"}
    output = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
    )
    expected = region_digest(generate_region(RegionParameters(seed=3, persons=120, years=2)))
    assert output.stdout.strip() == expected


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**40), persons=st.integers(1, 40), years=st.integers(1, 3))
def test_any_small_region_is_valid(seed: int, persons: int, years: int) -> None:
    region = generate_region(RegionParameters(seed=seed, persons=persons, years=years))
    assert len(region.persons) == persons
    for trajectory in region.trajectories:
        project_state(trajectory.projection_events())
        for event in trajectory.events:
            validate_payload(event.event_type, event.payload)
            assert event.occurred_at <= region.today
