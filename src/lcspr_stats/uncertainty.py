"""Uncertainty: Wilson and Newcombe intervals, median intervals (exact or bootstrap), tests."""

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


# --- median intervals without a seed -----------------------------------------------------


@dataclass
class MedianInterval:
    """A distribution-free interval of the median from two order statistics.

    Attributes
    ----------
    lower, upper : float or None
        The order statistics ``x_(r)`` and ``x_(n - r + 1)`` (1-based, sorted values).
    rank_lower, rank_upper : int
        ``r`` and ``n - r + 1``.
    coverage : float or None
        The interval's actual coverage, ``P(r <= B <= n - r)`` for ``B ~ Binomial(n, 1/2)``:
        at least the level asked for (the binomial is discrete, so usually more).
    """

    lower: float | None
    upper: float | None
    rank_lower: int
    rank_upper: int
    coverage: float | None


def exact_median_interval(values: Sequence[float], level: float = 0.95) -> MedianInterval:
    """Exact (order-statistic) confidence interval of the median, with its actual coverage.

    The number of observations below the population median is Binomial(n, 1/2)
    whatever the distribution (for independent observations), so
    ``[x_(r), x_(n-r+1)]`` covers the median with probability at least
    ``1 - 2 P(B <= r - 1)``; ``r`` is the largest rank for which that is at
    least ``level``. This is the interval of
    ``scipy.stats.quantile_test(x, p=0.5).confidence_interval(level)``. No
    random numbers, so no seed.

    Parameters
    ----------
    values : sequence of float
        The observations (missing values are dropped).
    level : float
        The confidence level asked for.

    Returns
    -------
    MedianInterval
        ``lower`` and ``upper`` are None when no ``r >= 1`` reaches the level
        (fewer than 6 values at 95%).

    Examples
    --------
    >>> exact_median_interval(range(1, 21)).coverage  # x_(6) to x_(15)
    0.9586
    """
    from scipy import stats

    data = np.sort(pd.Series(values, dtype="Float64").dropna().to_numpy(dtype=float))
    n = int(data.size)
    if n == 0:
        return MedianInterval(None, None, 0, 0, None)
    # r - 1 is the largest k with P(B <= k) <= alpha / 2: the binomial's quantile, or
    # the one below it where the quantile's own cdf is over alpha / 2.
    half = (1 - level) / 2
    k = int(stats.binom.ppf(half, n, 0.5))
    if stats.binom.cdf(k, n, 0.5) > half:
        k -= 1
    if k < 0:
        return MedianInterval(None, None, 0, 0, None)
    r = k + 1
    s = n - r + 1
    coverage = 1 - 2 * float(stats.binom.cdf(r - 1, n, 0.5))
    return MedianInterval(float(data[r - 1]), float(data[s - 1]), r, s, round(coverage, 4))


def median_interval(
    values: Sequence[float], ci: dict
) -> tuple[tuple[float, float] | tuple[None, None], float | None]:
    """The median's interval by the config's method, and its coverage (None for bootstrap).

    ``ci["median_interval"]`` is ``exact`` (order statistics, the default) or
    ``bootstrap`` (percentile bootstrap with ``bootstrap_resamples`` and ``seed``).
    """
    if ci["median_interval"] == "bootstrap":
        bounds = bootstrap_median_interval(
            values, ci["confidence_level"], ci["bootstrap_resamples"], ci["seed"]
        )
        return bounds, None
    result = exact_median_interval(values, ci["confidence_level"])
    return (result.lower, result.upper), result.coverage


# --- comparisons of two samples ----------------------------------------------------------


def newcombe_difference(
    k1: int, n1: int, k2: int, n2: int, level: float = 0.95
) -> tuple[float, float, float] | None:
    """Difference of two independent proportions ``k1/n1 - k2/n2`` with Newcombe's interval.

    Newcombe's hybrid score interval (his method 10, 1998): the Wilson score
    interval of each proportion, combined by the square-and-add rule. It
    assumes two independent binomial samples; it stays within -1 to 1 and
    behaves well with small counts, where the Wald interval does not.

    Returns
    -------
    tuple of float or None
        ``(difference, lower, upper)`` as proportions; None when a sample is empty.
    """
    from scipy import stats

    if n1 <= 0 or n2 <= 0:
        return None
    p1, p2 = k1 / n1, k2 / n2
    ci1 = stats.binomtest(int(k1), int(n1)).proportion_ci(level, method="wilson")
    ci2 = stats.binomtest(int(k2), int(n2)).proportion_ci(level, method="wilson")
    d = p1 - p2
    lower = d - np.sqrt((p1 - ci1.low) ** 2 + (ci2.high - p2) ** 2)
    upper = d + np.sqrt((ci1.high - p1) ** 2 + (p2 - ci2.low) ** 2)
    return float(d), float(lower), float(upper)


@dataclass
class ContingencyTest:
    """A test on a 2 x k table of counts (the cohort and a reference sample, by category).

    Attributes
    ----------
    statistic : float
        Pearson's chi-square (or the trend chi-square).
    df : int
    p_value : float
    method : str
        ``chi-square``, ``Fisher exact``, ``Monte Carlo`` or ``chi-square for trend``.
    min_expected : float
        The smallest expected count under homogeneity.
    n_expected_small : int
        Expected counts under the minimum.
    resamples : int
        Monte Carlo samples (0 otherwise).
    """

    statistic: float
    df: int
    p_value: float
    method: str
    min_expected: float
    n_expected_small: int
    resamples: int


def _two_rows(first: Sequence[int], second: Sequence[int]) -> np.ndarray | None:
    table = np.asarray([list(first), list(second)], dtype=float)
    if table.shape[1] < 2 or (table.sum(axis=0) == 0).any() or (table.sum(axis=1) == 0).any():
        return None
    return table


def homogeneity_test(
    first: Sequence[int],
    second: Sequence[int],
    min_expected: float = 5,
    resamples: int = 99999,
    seed: int = 2021,
) -> ContingencyTest | None:
    """Chi-square test that two samples share one distribution over the same categories.

    Both rows are samples (neither is taken as the truth). Pearson's
    chi-square without continuity correction, from
    ``scipy.stats.chi2_contingency``. Where an expected count is under
    ``min_expected`` the chi-square distribution is not trusted: a 2 x 2
    table gets Fisher's exact test (no random numbers), a larger one a Monte
    Carlo p-value from random tables with the observed margins (the same
    ``seed`` gives the same p-value).

    Returns
    -------
    ContingencyTest or None
        None when a row or a category is empty, or there are fewer than two
        categories.
    """
    from scipy import stats

    table = _two_rows(first, second)
    if table is None:
        return None
    result = stats.chi2_contingency(table, correction=False)
    expected = np.asarray(result.expected_freq)
    small = int((expected < min_expected).sum())
    method, p_value, used = "chi-square", float(result.pvalue), 0
    if small and table.shape[1] == 2:
        method = "Fisher exact"
        p_value = float(stats.fisher_exact(table.astype(int)).pvalue)
    elif small:
        # Tables with the observed margins drawn under homogeneity (the exact
        # conditional distribution), in batches to bound memory.
        draw = stats.random_table(table.sum(axis=1).astype(int), table.sum(axis=0).astype(int))
        rng = np.random.default_rng(seed)
        # A tolerance, so a simulated table equal to the observed one counts as "at least".
        observed = float(result.statistic) * (1 - 1e-9)
        at_least, done = 0, 0
        while done < resamples:
            size = min(10000, resamples - done)
            chi2 = (((draw.rvs(size=size, random_state=rng) - expected) ** 2) / expected).sum(
                axis=(1, 2)
            )
            at_least += int((chi2 >= observed).sum())
            done += size
        # (b + 1) / (m + 1): the observed table counts as one of the samples.
        method, p_value, used = "Monte Carlo", (at_least + 1) / (resamples + 1), resamples
    return ContingencyTest(
        statistic=float(result.statistic),
        df=int(result.dof),
        p_value=float(p_value),
        method=method,
        min_expected=float(expected.min()),
        n_expected_small=small,
        resamples=used,
    )


def trend_test(
    first: Sequence[int], second: Sequence[int], scores: Sequence[float] | None = None
) -> ContingencyTest | None:
    """Chi-square test for linear trend (Cochran-Armitage) across ordered categories.

    Does the first sample's share of both samples rise (or fall) steadily
    across the categories in their order? Scores default to 0, 1, 2, ... The
    statistic is ``T^2 / Var(T)`` with ``T = sum_i x_i (a_i - n_i p)`` and
    ``Var(T) = p (1 - p) [sum_i n_i x_i^2 - (sum_i n_i x_i)^2 / N]``
    (``a_i`` the first sample's count, ``n_i`` both samples', ``p`` the
    first sample's share of all ``N``), on 1 degree of freedom. It assumes
    the categories' order and equal steps between them (unless scores say
    otherwise), and is a large-sample test.

    Returns
    -------
    ContingencyTest or None
        None when a sample or a category is empty, or the scores do not vary.
    """
    from scipy import stats

    table = _two_rows(first, second)
    if table is None:
        return None
    a, n = table[0], table.sum(axis=0)
    x = np.arange(table.shape[1], dtype=float) if scores is None else np.asarray(scores, float)
    total = n.sum()
    p = a.sum() / total
    t = float((x * (a - n * p)).sum())
    variance = float(p * (1 - p) * ((n * x**2).sum() - (n * x).sum() ** 2 / total))
    if variance <= 0:
        return None
    statistic = t**2 / variance
    expected = np.outer(table.sum(axis=1), n) / total
    return ContingencyTest(
        statistic=float(statistic),
        df=1,
        p_value=float(stats.chi2.sf(statistic, 1)),
        method="chi-square for trend",
        min_expected=float(expected.min()),
        n_expected_small=0,
        resamples=0,
    )
