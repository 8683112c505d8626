"""Generate a whole synthetic region: organisations, persons, trajectories and ground truth.

Each person's trajectories are written in order: the first from the person's first signal, and
a new one for each return to exploitation that gets registered again, often elsewhere. Random
streams are split per purpose (organisations, population, identities, trajectories), so the
same parameters and seed always give the same region.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import random
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from schakel.engine.synth.care import draw_signaller
from schakel.engine.synth.care_phase import EpisodePlan, record_care
from schakel.engine.synth.draws import between, pick
from schakel.engine.synth.exploitation import draw_modus_operandi
from schakel.engine.synth.follow_up import (
    EpisodeTruth,
    NextEpisode,
    record_follow_up,
    true_ending,
)
from schakel.engine.synth.hazards import (
    FOLLOW_UP_MONTHS,
    Outcome,
    draw_latent_times,
    linear_predictor,
)
from schakel.engine.synth.identities import (
    IdentityRecord,
    Person,
    make_person,
    perturb_record,
    record_identity,
)
from schakel.engine.synth.organisations import (
    INVENTED_PLACES,
    Directory,
    Organisation,
    Professional,
    build_directory,
)
from schakel.engine.synth.params import RegionParameters
from schakel.engine.synth.population import FORMS, REGIONS, Population, draw_population
from schakel.engine.synth.timeline import Timeline, Trajectory
from schakel.engine.trajectories.projection import add_months
from schakel.engine.vocabulary import ExploitationForm, ModusOperandi, Region, Sex
from schakel.engine.vocabulary import OrganisationType as T

NATIONAL_LEAD_SHARE = 0.05
"""Where no regional coordinator is available the national centre coordinates (coverage of
the regional centres was 94% at the end of 2019)."""
SAME_FORM_ON_RETURN = 0.75
MEAN_RETURN_TO_SIGNAL_DAYS = 60.0


@dataclass(frozen=True)
class SyntheticRegion:
    """A generated region with its ground truth; identity records are what organisations see."""

    parameters: RegionParameters
    organisations: tuple[Organisation, ...]
    professionals: tuple[Professional, ...]
    persons: tuple[Person, ...]
    identity_records: tuple[IdentityRecord, ...]
    trajectories: tuple[Trajectory, ...]
    episodes: tuple[EpisodeTruth, ...]

    @property
    def today(self) -> dt.datetime:
        """The region's "now": the last moment of its last year; open trajectories are censored."""
        last = self.parameters.end_date
        return dt.datetime.combine(last, dt.time(23, 59, 59), tzinfo=dt.UTC)


def generate_region(params: RegionParameters | None = None) -> SyntheticRegion:
    """Generate a region from parameters (defaults: five Dutch-sized years)."""
    generator = _Generator(params or RegionParameters())
    with _cyclic_gc_paused():
        return generator.run()


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """The generator allocates millions of small acyclic objects; the cycle collector would
    rescan them over and over (a quarter of the time at 10,000 persons, more above)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _python_rng(sequence: np.random.SeedSequence) -> random.Random:
    return random.Random(int.from_bytes(sequence.generate_state(4).tobytes(), "little"))


class _Generator:
    def __init__(self, params: RegionParameters):
        streams = np.random.SeedSequence(params.seed).spawn(4)
        self.params = params
        self.population_rng = np.random.default_rng(streams[0])
        self.directory: Directory = build_directory(_python_rng(streams[1]))
        self.identity_rng = _python_rng(streams[2])
        self.rng = _python_rng(streams[3])
        self.first_day = params.start_date
        self.end_day = (params.end_date - params.start_date).days
        self.used_bsns: set[str] = set()
        self.planned = 0
        self.persons: list[Person] = []
        self.records: list[IdentityRecord] = []
        self.trajectories: list[Trajectory] = []
        self.episodes: list[EpisodeTruth] = []

    def run(self) -> SyntheticRegion:
        population = draw_population(self.population_rng, self.params)
        for index in range(self.params.persons):
            plan: EpisodePlan | None = self._first_plan(population, index)
            while plan is not None:
                plan = self._write_trajectory(plan)
        return SyntheticRegion(
            parameters=self.params,
            organisations=self.directory.organisations,
            professionals=self.directory.professionals,
            persons=tuple(self.persons),
            identity_records=tuple(self.records),
            trajectories=tuple(self.trajectories),
            episodes=tuple(self.episodes),
        )

    def _day(self, day: int) -> dt.date:
        return self.first_day + dt.timedelta(days=day)

    def _first_plan(self, population: Population, index: int) -> EpisodePlan:
        signal_day = int(population.signal_day[index])
        signalled_on = self._day(signal_day)
        born = signalled_on - dt.timedelta(days=int(population.age_years[index] * 365.25))
        sex = Sex.FEMALE if population.female[index] else Sex.MALE
        nationality = population.nationality[index]
        person = make_person(
            self.identity_rng, f"P{index + 1:06d}", nationality, sex, born, self.used_bsns
        )
        self.persons.append(person)
        form = FORMS[int(population.form[index])]
        minor = bool(population.minor[index])
        started = signalled_on - dt.timedelta(days=int(population.exploited_days[index]))
        ended = None if self.rng.random() < 0.3 else signalled_on
        region = REGIONS[int(population.region[index])]
        mo = draw_modus_operandi(self.rng, form, nationality, minor)
        return self._plan(person, 1, region, form, minor, mo, signal_day, started, ended)

    def _plan(
        self,
        person: Person,
        episode_no: int,
        region: Region,
        form: ExploitationForm,
        minor: bool,
        mo: ModusOperandi,
        signal_day: int,
        started: dt.date,
        ended: dt.date | None,
    ) -> EpisodePlan:
        rng, directory = self.rng, self.directory
        self.planned += 1
        signaller = directory.find(draw_signaller(rng, form, minor), region)
        national = rng.random() < NATIONAL_LEAD_SHARE
        lead = directory.find(
            T.NATIONAL_COORDINATION_CENTRE if national else T.CARE_COORDINATION, region
        )
        return EpisodePlan(
            trajectory_key=f"T{self.planned:07d}",
            person=person,
            region=region,
            episode_no=episode_no,
            form=form,
            minor=minor,
            modus_operandi=mo,
            signal_day=signal_day,
            exploitation_started=started,
            exploitation_ended=ended,
            municipality=rng.choice(INVENTED_PLACES[region]),
            signaller=signaller,
            signaller_staff=rng.choice(directory.recorders(signaller.key)),
            lead=lead,
            coordinator=rng.choice(directory.recorders(lead.key)),
        )

    def _write_trajectory(self, plan: EpisodePlan) -> EpisodePlan | None:
        """Write one trajectory and its truth; return the plan of the next one, if any."""
        rng, params = self.rng, self.params
        timeline = Timeline(plan.trajectory_key, self.first_day, self.end_day)
        care = record_care(rng, timeline, plan, params.early_closure_probability)
        next_plan: EpisodePlan | None = None
        if care.at_risk and care.exit_day is not None and care.covariates is not None:
            exit_day, covariates = care.exit_day, care.covariates
            lp = linear_predictor(params.coefficients, covariates)
            schedule = self._schedule(exit_day)
            dutch = plan.person.nationality == "NL"
            latent = draw_latent_times(rng, params, lp, dutch, schedule[-1])
            outcome, days = true_ending(latent, self.end_day - exit_day)
            next_episode = None
            if outcome == Outcome.RETURN:
                form = plan.form if rng.random() < SAME_FORM_ON_RETURN else self._any_form()
                next_plan = self._return_plan(plan, exit_day + days, form)
                next_episode = NextEpisode(next_plan.lead if next_plan else None, form)
            observation = record_follow_up(
                rng,
                timeline,
                plan,
                exit_day,
                schedule,
                latent,
                params.return_observed_probability,
                next_episode,
            )
            self.episodes.append(
                EpisodeTruth(
                    person_key=plan.person.key,
                    trajectory_key=plan.trajectory_key,
                    episode_no=plan.episode_no,
                    exit_day=exit_day,
                    observation=observation,
                    return_registered=next_plan is not None,
                    next_trajectory_key=next_plan.trajectory_key if next_plan else None,
                    covariates=covariates,
                    linear_predictor=lp,
                )
            )
        self._store(plan, timeline)
        return next_plan

    def _store(self, plan: EpisodePlan, timeline: Timeline) -> None:
        record_key = f"R{len(self.records) + 1:07d}"
        record = record_identity(
            self.identity_rng, plan.person, record_key, plan.trajectory_key, plan.lead.key
        )
        if plan.episode_no > 1:
            adult = self._age(plan.person, plan.signal_day) >= 18
            record = perturb_record(self.identity_rng, record, plan.person, adult)
        self.records.append(record)
        self.trajectories.append(
            Trajectory(
                key=plan.trajectory_key,
                person_key=plan.person.key,
                identity_record_key=record_key,
                region=plan.region,
                lead_organisation_key=plan.lead.key,
                signal_organisation_key=plan.signaller.key,
                episode_no=plan.episode_no,
                form=plan.form,
                events=timeline.build(self.rng),
            )
        )

    def _schedule(self, exit_day: int) -> tuple[int, ...]:
        """Days from exit to each scheduled follow-up contact."""
        exited = self._day(exit_day)
        return tuple((add_months(exited, months) - exited).days for months in FOLLOW_UP_MONTHS)

    def _age(self, person: Person, day: int) -> float:
        return (self._day(day) - person.date_of_birth).days / 365.25

    def _any_form(self) -> ExploitationForm:
        return ExploitationForm(pick(self.rng, self.params.form_shares))

    def _return_plan(
        self, plan: EpisodePlan, return_day: int, form: ExploitationForm
    ) -> EpisodePlan | None:
        """The next trajectory after a return, unless it is never registered or lies past today."""
        rng, params = self.rng, self.params
        if plan.episode_no >= params.max_trajectories_per_person:
            return None
        if rng.random() >= params.return_registered_probability:
            return None
        signal_day = return_day + 7 + int(rng.expovariate(1.0 / MEAN_RETURN_TO_SIGNAL_DAYS))
        if signal_day > self.end_day:
            return None
        region = plan.region
        if rng.random() >= params.same_region_probability:
            region = rng.choice([r for r in REGIONS if r != plan.region])
        minor = self._age(plan.person, signal_day) < 18
        mo = draw_modus_operandi(rng, form, plan.person.nationality, minor)
        started = self._day(return_day)
        ended = None if rng.random() < 0.3 else self._day(signal_day - between(rng, 0, 5))
        ended = max(started, ended) if ended else None
        return self._plan(
            plan.person, plan.episode_no + 1, region, form, minor, mo, signal_day, started, ended
        )
