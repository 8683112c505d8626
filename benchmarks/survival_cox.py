"""Cox PH (Efron ties) on 1,000,000 rows with 5 covariates and integer day times.

Compares plain lifelines with `schakel.engine.survival.cause_specific_cox` on both engines
(lifelines inside the wrapper, and the own vectorised engine). The data are generated with
known log hazard ratios, so the table also shows how close each fit gets to the truth.
R's survival::coxph takes about 9.1 s on this task on this machine (docs/survival.md).

    .venv/bin/python benchmarks/survival_cox.py [--rows N] [--seed S] [--skip-lifelines]
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd

from schakel.engine.survival import cause_specific_cox
from schakel.engine.survival.cox import Engine

TRUE_COEF = np.array([0.5, -0.3, 0.2, 0.0, 0.8])
COVARIATES = [f"x{i}" for i in range(1, 6)]


def make_data(rows: int, seed: int) -> pd.DataFrame:
    """Exponential event and competing times, uniform censoring to two years, in whole days."""
    rng = np.random.default_rng(seed)
    x = np.column_stack(
        [
            rng.normal(size=rows),
            rng.normal(size=rows),
            rng.integers(0, 2, rows),
            rng.uniform(-1, 1, rows),
            rng.integers(0, 2, rows),
        ]
    ).astype(np.float64)
    event = rng.exponential(400.0, rows) * np.exp(-x @ TRUE_COEF)
    competing = rng.exponential(600.0, rows)
    censor = rng.uniform(0, 730, rows)
    frame = pd.DataFrame(x, columns=COVARIATES)
    frame["days"] = np.ceil(np.minimum.reduce([event, competing, censor])).astype(np.int64)
    first = np.minimum(competing, censor)
    frame["exit"] = np.select([event <= first, competing <= censor], [1, 2], 0)
    return frame


def timed(run: Callable[[], np.ndarray]) -> tuple[float, np.ndarray]:
    began = time.perf_counter()
    coef = run()
    return time.perf_counter() - began, coef


def plain_lifelines(data: pd.DataFrame) -> np.ndarray:
    from lifelines import CoxPHFitter

    frame = data.loc[:, ["days", *COVARIATES]].assign(event=(data["exit"] == 1).astype(int))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitter = CoxPHFitter().fit(frame, duration_col="days", event_col="event")
    return fitter.params_.to_numpy()


def wrapper(data: pd.DataFrame, engine: Engine) -> np.ndarray:
    model = cause_specific_cox(
        data,
        duration="days",
        event="exit",
        cause=1,
        covariates=COVARIATES,
        engine=engine,
    )
    return model.coef


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--skip-lifelines", action="store_true", help="only the own engine")
    parser.add_argument("--smoke", action="store_true", help="smallest size: check it runs")
    args = parser.parse_args()
    if args.smoke:
        args.rows = 5000
    began = time.perf_counter()
    data = make_data(args.rows, args.seed)
    print(
        f"{args.rows:,} rows, {len(COVARIATES)} covariates, {(data.exit == 1).sum():,} events, "
        f"{data.days.nunique()} distinct days; generated in {time.perf_counter() - began:.1f} s"
    )
    runs: list[tuple[str, Callable[[], np.ndarray]]] = [
        ("schakel wrapper, own engine", lambda: wrapper(data, "schakel"))
    ]
    if not args.skip_lifelines:
        runs += [
            ("plain lifelines CoxPHFitter", lambda: plain_lifelines(data)),
            ("schakel wrapper, lifelines engine", lambda: wrapper(data, "lifelines")),
        ]
    results = [(label, *timed(run)) for label, run in runs]
    reference = results[1][2] if len(results) > 1 else results[0][2]
    print(f"\n{'fit':36} {'seconds':>8} {'max |coef - lifelines|':>23} {'max |coef - truth|':>19}")
    for label, seconds, coef in results:
        gap = np.max(np.abs(coef - reference))
        error = np.max(np.abs(coef - TRUE_COEF))
        print(f"{label:36} {seconds:8.2f} {gap:23.2e} {error:19.4f}")
    print("\nR survival::coxph, same task (analytics.md): 9.1 s")


if __name__ == "__main__":
    main()
