"""Input checks shared by the estimators.

Estimates from bad input look like estimates, so every public function rejects it here with a
message that names the problem instead of returning numbers that mean nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from schakel.engine.arrays import counted_ranks
from schakel.engine.errors import SchakelError

FloatArray: TypeAlias = npt.NDArray[np.floating[Any]]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
ArrayLike: TypeAlias = npt.ArrayLike


class SurvivalDataError(SchakelError):
    """The data cannot be analysed as given (negative times, unknown codes, empty input)."""


def as_times(values: ArrayLike, name: str = "durations") -> FloatArray:
    """Integer day counts and float times both become float64; NaN and negatives are errors."""
    times = np.asarray(values, dtype=np.float64).ravel()
    if times.size == 0:
        raise SurvivalDataError(f"{name} is empty")
    if not np.all(np.isfinite(times)):
        raise SurvivalDataError(f"{name} contains missing or infinite values")
    if np.any(times < 0):
        raise SurvivalDataError(f"{name} contains negative times")
    return times


def as_codes(values: ArrayLike, size: int, name: str = "events") -> IntArray:
    """Event codes are non-negative integers (0 = censored); floats like 1.0 are accepted."""
    raw = np.asarray(values).ravel()
    if raw.size != size:
        raise SurvivalDataError(f"{name} has {raw.size} values, expected {size}")
    as_float = raw.astype(np.float64)
    if not np.all(np.isfinite(as_float)):
        raise SurvivalDataError(f"{name} contains missing values")
    codes = as_float.astype(np.int64)
    if np.any(codes != as_float) or np.any(codes < 0):
        raise SurvivalDataError(f"{name} must be non-negative integer codes (0 = censored)")
    return codes


def as_indicator(values: ArrayLike, size: int, name: str = "events") -> BoolArray:
    """A 0/1 event indicator; any other code is an error rather than silently 'an event'."""
    codes = as_codes(values, size, name)
    if np.any(codes > 1):
        raise SurvivalDataError(f"{name} must be 0 (censored) or 1 (event)")
    return codes.astype(bool)


def as_intervals(start: ArrayLike, stop: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """(start, stop] intervals must have positive length, or the row is never at risk."""
    begin = as_times(start, "start")
    end = as_times(stop, "stop")
    if begin.size != end.size:
        raise SurvivalDataError("start and stop have different lengths")
    if np.any(end <= begin):
        raise SurvivalDataError("every interval needs stop > start")
    return begin, end


def check_alpha(alpha: float) -> float:
    if not 0.0 < alpha < 1.0:
        raise SurvivalDataError("alpha must lie strictly between 0 and 1")
    return float(alpha)


def design_matrix(data: pd.DataFrame, covariates: Sequence[str]) -> FloatArray:
    """Covariates must be numeric and complete: Cox models have no missing-data rule."""
    if not covariates:
        raise SurvivalDataError("at least one covariate is needed")
    missing = [name for name in covariates if name not in data.columns]
    if missing:
        raise SurvivalDataError(f"unknown columns: {', '.join(missing)}")
    try:
        matrix = data.loc[:, list(covariates)].to_numpy(dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise SurvivalDataError("covariates must be numeric (encode categories first)") from error
    if not np.all(np.isfinite(matrix)):
        raise SurvivalDataError("covariates contain missing or infinite values")
    return matrix


def column(data: pd.DataFrame, name: str) -> npt.NDArray[np.generic]:
    if name not in data.columns:
        raise SurvivalDataError(f"unknown column: {name}")
    return data[name].to_numpy()


def group_codes(values: ArrayLike, size: int, name: str) -> IntArray:
    """Any hashable labels (person ids, strata) become dense integer codes 0..k-1."""
    raw = pd.Series(np.asarray(values).ravel())
    if raw.size != size:
        raise SurvivalDataError(f"{name} has {raw.size} values, expected {size}")
    if raw.isna().any():
        raise SurvivalDataError(f"{name} contains missing values")
    array = raw.to_numpy()
    if array.dtype.kind in "iu" and array.size:  # integer ids: numbered by counting
        lowest, highest = int(array.min()), int(array.max())
        if highest - lowest <= max(COUNTED_SPAN_PER_ROW * array.size, 1_000_000):
            return counted_ranks((array - lowest).astype(np.int64))
    codes, _ = pd.factorize(raw, sort=True)
    return codes.astype(np.int64)


COUNTED_SPAN_PER_ROW = 4
"""Integer labels within a span of this many values per row (or a million) get their codes
(their rank among the distinct labels) by counting instead of sorting: the same codes."""
