"""Uncertainty: Wilson intervals, bootstrap intervals of medians, goodness-of-fit tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd


def wilson_bounds(
    k: np.ndarray | Sequence[float], n: np.ndarray | Sequence[float], level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score bounds of the proportions ``k / n``, vectorised, as fractions.

    The closed form of Newcombe (1998), the formula ``scipy.stats.binomtest(...).proportion_ci(
    method="wilson")`` uses; computing it here saves every job that only needs these intervals
    the import of scipy.stats (about 2 s of a run). scipy stays the test oracle.

    Parameters
    ----------
    k, n : array-like
        Successes and trials, element by element; where ``n <= 0`` or either is missing (NaN),
        both bounds are NaN.
    level : float
        Two-sided confidence level, e.g. 0.95.

    Returns
    -------
    tuple of numpy.ndarray
        Lower and upper bounds, between 0 and 1. ``k = 0`` gives a lower bound of exactly 0 and
        ``k = n`` an upper bound of exactly 1, as scipy gives.
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    z = NormalDist().inv_cdf(0.5 + 0.5 * level)
    valid = (n > 0) & ~np.isnan(k) & ~np.isnan(n)
    n_safe = np.where(valid, n, 1.0)
    p = np.where(valid, k, 0.0) / n_safe
    denom = 2 * (n_safe + z**2)
    centre = (2 * n_safe * p + z**2) / denom
    delta = z / denom * np.sqrt(4 * n_safe * p * (1 - p) + z**2)
    lower = np.where(p <= 0, 0.0, centre - delta)
    upper = np.where(p >= 1, 1.0, centre + delta)
    return np.where(valid, lower, np.nan), np.where(valid, upper, np.nan)


def wilson_interval(
    k: int, n: int, level: float = 0.95, decimals: int = 1
) -> tuple[float, float] | tuple[None, None]:
    """Wilson score interval of the proportion ``k / n``, as percentages.

    Parameters
    ----------
    k, n : int
        Successes and trials; ``n = 0`` gives ``(None, None)``.
    level : float
        Confidence level, e.g. 0.95.
    decimals : int
        Decimal places of the percentages.

    Returns
    -------
    tuple of float
        Lower and upper bound, in percent.

    Examples
    --------
    >>> wilson_interval(33, 84)
    (29.5, 50.0)
    """
    k, n = int(k), int(n)
    if n <= 0:
        return (None, None)
    low, high = wilson_bounds([k], [n], level)
    return (round(100 * float(low[0]), decimals), round(100 * float(high[0]), decimals))


def wilson_columns(
    k: Sequence[int], n: Sequence[int] | int, level: float = 0.95, decimals: int = 1
) -> tuple[pd.Series, pd.Series]:
    """Lower and upper Wilson bounds (percent) for each ``k[i] / n[i]`` (Float64, NA when n=0)."""
    k_values = pd.array(k, dtype="Float64").to_numpy(dtype=float, na_value=np.nan)
    if np.isscalar(n):
        n = [n] * len(k_values)
    n_values = pd.array(n, dtype="Float64").to_numpy(dtype=float, na_value=np.nan)
    # Python's round, element by element, as wilson_interval rounds (half to even on the
    # binary value), so a column and a single interval never disagree in the last place.
    lower, upper = (
        pd.array(
            [None if np.isnan(v) else round(100 * float(v), decimals) for v in side],
            dtype="Float64",
        )
        for side in wilson_bounds(k_values, n_values, level)
    )
    return pd.Series(lower), pd.Series(upper)


BOOTSTRAP_BATCH = 250


def bootstrap_median_interval(
    values: Sequence[float],
    level: float = 0.95,
    resamples: int = 9999,
    seed: int = 2021,
) -> tuple[float, float] | tuple[None, None]:
    """Percentile bootstrap interval of the median, reproducible by its seed.

    The percentile method (not BCa) because durations in completed weeks are
    discrete and BCa's acceleration is unstable on tied values.

    Parameters
    ----------
    values : sequence of float
        The observations (missing values are dropped).
    level : float
        Confidence level.
    resamples : int
        Bootstrap resamples.
    seed : int
        Seed of the random generator: the same seed gives the same interval.

    Returns
    -------
    tuple of float
        Lower and upper bound; ``(None, None)`` with fewer than two values.
    """
    from scipy import stats

    data = pd.Series(values, dtype="Float64").dropna().to_numpy(dtype=float)
    if data.size < 2:
        return (None, None)
    if np.all(data == data[0]):
        return (float(data[0]), float(data[0]))
    result = stats.bootstrap(
        (data,),
        np.median,
        n_resamples=resamples,
        confidence_level=level,
        method="percentile",
        rng=np.random.default_rng(seed),
        # Resamples in batches: all at once would hold resamples x n values
        # (3.5 GB for a national register's 44,000 durations).
        batch=BOOTSTRAP_BATCH,
    )
    low, high = result.confidence_interval
    return (round(float(low), 2), round(float(high), 2))


@dataclass
class GoodnessOfFit:
    """A chi-square goodness-of-fit test of observed counts against reference proportions.

    Attributes
    ----------
    statistic : float
        Pearson's chi-square.
    df : int
        Degrees of freedom (categories - 1).
    p_value : float
        From the chi-square distribution, or by Monte Carlo simulation when
        any expected count is under the minimum.
    method : str
        ``chi-square`` or ``Monte Carlo``.
    expected : list of float
        Expected counts under the reference proportions.
    min_expected : float
        The smallest expected count.
    n_expected_small : int
        How many expected counts are under the minimum.
    resamples : int
        Monte Carlo samples (0 for the chi-square distribution).
    """

    statistic: float
    df: int
    p_value: float
    method: str
    expected: list[float]
    min_expected: float
    n_expected_small: int
    resamples: int


def goodness_of_fit(
    observed: Sequence[int],
    reference: Sequence[float],
    min_expected: float = 5,
    resamples: int = 99999,
    seed: int = 2021,
) -> GoodnessOfFit | None:
    """Chi-square test that ``observed`` counts follow the ``reference`` proportions.

    Parameters
    ----------
    observed : sequence of int
        Counts per category of the cohort.
    reference : sequence of float
        Reference counts or proportions per category (scaled to sum to 1).
    min_expected : float
        Where any expected count is below this (5 by the usual rule), the
        chi-square approximation is unreliable and the p-value is simulated.
    resamples : int
        Monte Carlo samples of the multinomial under the reference.
    seed : int
        Seed of the simulation.

    Returns
    -------
    GoodnessOfFit or None
        None when there are no observations or fewer than two categories.
    """
    from scipy import stats

    obs = np.asarray(observed, dtype=float)
    ref = np.asarray(reference, dtype=float)
    if obs.size < 2 or obs.sum() == 0 or ref.sum() <= 0 or obs.size != ref.size:
        return None
    proportions = ref / ref.sum()
    # A category the reference never saw cannot be tested against it.
    if np.any(proportions == 0):
        return None
    total = int(obs.sum())
    expected = total * proportions
    result = stats.chisquare(obs, expected)
    small = int((expected < min_expected).sum())
    method, p_value, used = "chi-square", float(result.pvalue), 0
    if small:
        rng = np.random.default_rng(seed)

        def chi_square(x: np.ndarray, axis: int = -1) -> np.ndarray:
            return (((x - expected) ** 2) / expected).sum(axis=axis)

        simulated = stats.monte_carlo_test(
            obs,
            lambda size: rng.multinomial(total, proportions, size=size[:-1]),
            chi_square,
            vectorized=True,
            n_resamples=resamples,
            alternative="greater",
        )
        method, p_value, used = "Monte Carlo", float(simulated.pvalue), resamples
    return GoodnessOfFit(
        statistic=float(result.statistic),
        df=int(obs.size - 1),
        p_value=p_value,
        method=method,
        expected=[float(e) for e in expected],
        min_expected=float(expected.min()),
        n_expected_small=small,
        resamples=used,
    )
