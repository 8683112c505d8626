"""Differentially private release: the ledger's budget holds, the histogram's domain does not
depend on the data, and OpenDP's noise has the variance the mechanism promises.

OpenDP draws from a cryptographic source that cannot be seeded (by design), so the variance
test uses many draws and a tolerance of six standard errors of the sample variance: a correct
mechanism fails it with probability below one in a hundred million.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from schakel.engine.disclosure import (
    DisclosureError,
    EpsilonLedger,
    LedgerEntry,
    PrivacyBudgetExceeded,
    PrivateRelease,
    life_table,
    noise_variance,
    release_histogram,
)
from schakel.engine.disclosure.privacy import INTERVAL_LABELS


def episodes(size: int = 200, persons: int | None = None) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    return pd.DataFrame(
        {
            "person_id": rng.integers(0, persons or size, size),
            "form": pd.Categorical(
                rng.choice(["sexual", "labour"], size), categories=["sexual", "labour", "criminal"]
            ),
            "days": rng.integers(0, 1_000, size),
            "exit_type": rng.choice([0, 1, 2, 3], size),
            "exit_date": pd.Timestamp("2023-01-01")
            + pd.to_timedelta(rng.integers(0, 700, size), unit="D"),
        }
    )


def release(data: pd.DataFrame, ledger: EpsilonLedger, **options: object) -> PrivateRelease:
    return release_histogram(
        data,
        strata=["form"],
        ledger=ledger,
        released_on=dt.date(2025, 1, 1),
        **{"epsilon": 0.5, "release_id": "r1", **options},  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("epsilon", [0, -1.0, math.inf, math.nan, "1"])
def test_epsilon_must_be_positive(epsilon: object) -> None:
    with pytest.raises(DisclosureError, match="epsilon"):
        release(episodes(), EpsilonLedger(2.0), epsilon=epsilon)
    with pytest.raises(DisclosureError, match="epsilon"):
        EpsilonLedger(total_budget=epsilon)  # type: ignore[arg-type]


def test_the_ledger_records_each_release_and_refuses_to_overspend() -> None:
    ledger = EpsilonLedger(total_budget=1.0)
    first = release(episodes(), ledger, epsilon=0.6, release_id="2024-q4")
    assert first.ledger.spent == pytest.approx(0.6) and ledger.spent == 0
    assert first.entry.covers == "exit interval x exit type x form"
    with pytest.raises(PrivacyBudgetExceeded, match=r"0\.4 of 1 is left"):
        release(episodes(), first.ledger, epsilon=0.5, release_id="2025-q1")
    with pytest.raises(DisclosureError, match="already in the ledger"):
        release(episodes(), first.ledger, epsilon=0.1, release_id="2024-q4")
    second = release(episodes(), first.ledger, epsilon=0.4, release_id="2025-q1")
    assert second.ledger.remaining == pytest.approx(0.0)
    restored = EpsilonLedger.from_json(second.ledger.to_json())
    assert restored == second.ledger
    assert [e.release_id for e in restored.entries] == ["2024-q4", "2025-q1"]


def test_every_cell_of_the_declared_domain_is_released() -> None:
    result = release(episodes(), EpsilonLedger(5.0))
    histogram = result.histogram
    assert len(histogram) == 3 * len(INTERVAL_LABELS) * 4  # criminal has no data, still there
    assert set(histogram["form"]) == {"sexual", "labour", "criminal"}
    with pytest.raises(DisclosureError, match="categorical"):
        release(episodes().assign(form=lambda d: d["form"].astype(str)), EpsilonLedger(5.0))


def test_persons_contribute_at_most_k_episodes() -> None:
    data = episodes(size=300, persons=50)
    result = release(data, EpsilonLedger(5.0), max_episodes_per_person=2)
    kept = data.groupby("person_id").size().clip(upper=2).sum()
    assert result.bounded_episodes == 300 - kept
    assert result.entry.sensitivity == 2 and result.entry.scale == pytest.approx(2 / 0.5)
    with pytest.raises(DisclosureError, match="positive integer"):
        release(data, EpsilonLedger(5.0), max_episodes_per_person=0)


@pytest.mark.parametrize(
    ("mechanism", "epsilon", "bound"),
    [("geometric", 0.5, 1), ("geometric", 1.0, 3), ("laplace", 0.8, 2)],
)
def test_noise_has_the_expected_variance(mechanism: str, epsilon: float, bound: int) -> None:
    data = episodes(size=400).assign(person_id=np.arange(400))  # nothing bounded away
    draws = []
    truth = None
    for number in range(160):  # 160 releases x 60 cells = 9,600 draws
        result = release(
            data,
            EpsilonLedger(1e6),
            mechanism=mechanism,
            epsilon=epsilon,
            max_episodes_per_person=bound,
            release_id=str(number),
        )
        if truth is None:
            truth = _true_counts(data, result)
        draws.append(result.histogram["noisy_count"].to_numpy(dtype=float) - truth)
    noise = np.concatenate(draws)
    expected = noise_variance(mechanism, bound / epsilon)  # type: ignore[arg-type]
    # sample variance of Laplace-type noise: sd = sigma^2 sqrt((kurtosis - 1) / n), kurtosis 6
    tolerance = 6 * expected * math.sqrt(5 / noise.size)
    assert abs(noise.var() - expected) < tolerance
    assert abs(noise.mean()) < 6 * math.sqrt(expected / noise.size)


def _true_counts(data: pd.DataFrame, result: PrivateRelease) -> np.ndarray:
    interval = np.searchsorted([91, 183, 365, 730], data["days"], side="left")
    keys = pd.DataFrame(
        {
            "form": data["form"].astype(str),
            "exit_interval": np.array(INTERVAL_LABELS)[interval],
            "exit_type": data["exit_type"],
        }
    )
    counts = keys.value_counts()
    cells = result.histogram[["form", "exit_interval", "exit_type"]].astype({"form": str})
    return np.array([counts.get(tuple(row), 0) for row in cells.itertuples(index=False)])


def test_the_life_table_is_post_processing_of_the_histogram() -> None:
    """Without noise (a hand-made release) the life table is the actuarial estimate."""
    histogram = pd.DataFrame(
        [(label, code, 0) for label in INTERVAL_LABELS for code in range(4)],
        columns=["exit_interval", "exit_type", "noisy_count"],
    )
    histogram.loc[
        (histogram["exit_interval"] == "0-3m") & (histogram["exit_type"] == 1), "noisy_count"
    ] = 10
    histogram.loc[
        (histogram["exit_interval"] == "0-3m") & (histogram["exit_type"] == 0), "noisy_count"
    ] = 20
    histogram.loc[
        (histogram["exit_interval"] == "3-6m") & (histogram["exit_type"] == 1), "noisy_count"
    ] = 7
    histogram.loc[
        (histogram["exit_interval"] == "24m+") & (histogram["exit_type"] == 2), "noisy_count"
    ] = 63
    entry = LedgerEntry("x", 1.0, "geometric", 1, 1.0, "", "2025-01-01")
    fake = PrivateRelease(histogram, entry, EpsilonLedger(1.0, (entry,)), 0.0, 0)
    table = life_table(fake).set_index("exit_interval")["cumulative_incidence"]
    first = 10 / (100 - 20 / 2)
    assert table["0-3m"] == pytest.approx(first)
    assert table["3-6m"] == pytest.approx(first + (1 - first) * 7 / 70)
