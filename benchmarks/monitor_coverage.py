"""Does the monitor recover the synthetic region's true hazard ratios? Coverage over replicates.

For each seed a region is generated, its events go through `build_episodes` and a
cause-specific Cox model for return to exploitation (Efron ties, Lin-Wei variance by person)
is fitted with the covariates the generator uses (schakel.engine.synth.hazards). Reported per
coefficient: the true log hazard ratio, the mean estimate, and how often the 95% interval
covers the truth, for three data sets:

- `truth`: the generator's own latent times (EpisodeTruth.true_*), the estimator alone;
- `linked`: episodes built from the events with person_id = the true person (perfect linkage:
  returns are also seen through the person's next trajectory);
- `organisation`: person_id = the trajectory (no linkage: only what the lead organisation saw).

Organ removal (0.5% of persons) is left out of every fit: a region of this size has too few
returns after it to estimate its effect. COSM never is the placement at exit (a COSM stay is
always followed by another placement), so its coefficient cannot be estimated from any data.

    .venv/bin/python benchmarks/monitor_coverage.py [--replicates 50] [--persons 10000]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
from scipy import stats

from schakel.engine.survival import cause_specific_cox
from schakel.engine.synth import (
    Covariates,
    RegionParameters,
    SyntheticRegion,
    generate_region,
    region_event_log,
)
from schakel.engine.trajectories.episodes import build_episodes
from schakel.engine.vocabulary import ExploitationForm as F
from schakel.engine.vocabulary import InterventionType as I
from schakel.engine.vocabulary import ModusOperandi as M
from schakel.engine.vocabulary import PlacementType as P

Z = stats.norm.ppf(0.975)
COEF = RegionParameters().coefficients
TRUE: dict[str, float] = {
    **{f"form[{f}]": COEF.form[f] for f in (F.LABOUR, F.CRIMINAL)},
    **{f"mo[{m}]": COEF.modus_operandi[m] for m in M if m != M.OTHER},
    **{f"placement[{p}]": COEF.placement[p] for p in P if p not in (P.OTHER, P.COSM)},
    **{f"intervention[{i}]": COEF.intervention[i] for i in I if i != I.OTHER},
    "minor": COEF.minor,
    "own_home_minor": COEF.own_home_minor,
    "prior_episode": COEF.prior_episode,
}


def from_episodes(episodes: pd.DataFrame) -> pd.DataFrame:
    """Design matrix of built episodes, dummy-coded against the generator's reference person."""
    minor = episodes["minor"].astype(bool).to_numpy()
    placement = episodes["placement"].astype(str).to_numpy()
    columns = {
        **{f"form[{f}]": episodes["form"] == f for f in (F.LABOUR, F.CRIMINAL)},
        **{f"mo[{m}]": episodes["modus_operandi"] == m for m in M if m != M.OTHER},
        **{f"placement[{p}]": placement == p for p in P if p not in (P.OTHER, P.COSM)},
        **{f"intervention[{i}]": episodes[f"intervention_{i}"] for i in I if i != I.OTHER},
        "minor": minor,
        "own_home_minor": minor & (placement == P.OWN_HOME),
        "prior_episode": episodes["prior_episodes"].clip(upper=3),
    }
    frame = pd.DataFrame({k: np.asarray(v, dtype=float) for k, v in columns.items()})
    return frame.assign(
        days=episodes["days"].to_numpy(),
        exit_type=episodes["exit_type"].to_numpy(),
        person=episodes["person_id"].to_numpy(),
        keep=(episodes["form"] != F.ORGAN_REMOVAL).to_numpy(),
    )


def _row(x: Covariates) -> dict[str, float]:
    return {
        **{f"form[{f}]": float(x.form == f) for f in (F.LABOUR, F.CRIMINAL)},
        **{f"mo[{m}]": float(x.modus_operandi == m) for m in M if m != M.OTHER},
        **{f"placement[{p}]": float(x.placement == p) for p in P if p not in (P.OTHER, P.COSM)},
        **{f"intervention[{i}]": float(i in x.interventions) for i in I if i != I.OTHER},
        "minor": float(x.minor),
        "own_home_minor": float(x.minor and x.placement == P.OWN_HOME),
        "prior_episode": float(min(x.prior_episodes, 3)),
    }


def from_truth(region: SyntheticRegion) -> pd.DataFrame:
    frame = pd.DataFrame([_row(e.covariates) for e in region.episodes])
    return frame.assign(
        days=[e.observation.true_days for e in region.episodes],
        exit_type=[e.observation.true_outcome.code for e in region.episodes],
        person=[e.person_key for e in region.episodes],
        keep=[e.covariates.form != F.ORGAN_REMOVAL for e in region.episodes],
    )


def fit(data: pd.DataFrame) -> pd.DataFrame:
    data = data.loc[data["keep"]]
    names = [n for n in TRUE if data[n].std() > 0]
    model = cause_specific_cox(
        data,
        duration="days",
        event="exit_type",
        covariates=names,
        cluster="person",
        engine="schakel",
    )
    beta = np.array([TRUE[n] for n in names])
    lower, upper = model.coef - Z * model.std_error, model.coef + Z * model.std_error
    return pd.DataFrame(
        {
            "coefficient": names,
            "estimate": model.coef,
            "se": model.std_error,
            "inside": (lower <= beta) & (beta <= upper),
            "events": model.n_events,
        }
    )


def replicate(seed: int, persons: int) -> pd.DataFrame:
    region = generate_region(RegionParameters(seed=seed, persons=persons))
    as_of = region.parameters.end_date

    def episodes(linked: bool) -> pd.DataFrame:
        log = region_event_log(region, linked=linked)
        return from_episodes(build_episodes(log, as_of=as_of, timezone="UTC").episodes)

    sources: dict[str, Callable[[], pd.DataFrame]] = {
        "truth": lambda: from_truth(region),
        "linked": lambda: episodes(True),
        "organisation": lambda: episodes(False),
    }
    return pd.concat(
        [fit(make()).assign(data=name, seed=seed) for name, make in sources.items()],
        ignore_index=True,
    )


def summarise(results: pd.DataFrame) -> pd.DataFrame:
    table = results.pivot_table(
        index="coefficient", columns="data", values="inside", aggfunc="mean"
    ).reindex(index=list(TRUE), columns=["truth", "linked", "organisation"])
    linked = results.loc[results["data"] == "linked"].groupby("coefficient")
    table.insert(0, "true", pd.Series(TRUE))
    table.insert(1, "mean_est", linked["estimate"].mean())
    table.insert(2, "sd_est", linked["estimate"].std())
    table.insert(3, "mean_se", linked["se"].mean())
    replicates = results["seed"].nunique()
    hits = (table["linked"] * replicates).round().astype(int)
    table["p_vs_95"] = [stats.binomtest(h, replicates, 0.95).pvalue for h in hits]
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=50)
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--smoke", action="store_true", help="smallest size: check it runs")
    args = parser.parse_args()
    if args.smoke:
        args.replicates, args.persons = 2, 4000  # fewer persons: collinear covariates
    began = time.perf_counter()
    seeds = range(args.first_seed, args.first_seed + args.replicates)
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        parts = list(pool.map(replicate, seeds, [args.persons] * len(seeds)))
    results = pd.concat(parts, ignore_index=True)
    table = summarise(results)
    pd.set_option("display.width", 140)
    print(
        f"{args.replicates} replicates of {args.persons:,} persons over 5 years, "
        f"{time.perf_counter() - began:.0f} s; coverage of the 95% interval:"
    )
    print(table.round(3).to_string())
    events = results.groupby("data")["events"].mean()
    print(f"\nreturns per replicate (mean): {events.round(0).to_dict()}")
    for name in ("truth", "linked", "organisation"):
        low = table.index[table[name] < 0.9].tolist()
        print(f"{name}: pooled coverage {table[name].mean():.3f}; below 90%: {low or 'none'}")


if __name__ == "__main__":
    main()
