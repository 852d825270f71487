"""Wilson intervals, bootstrap medians and goodness-of-fit tests against independent arithmetic."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lcspr_stats.uncertainty import bootstrap_median_interval, goodness_of_fit, wilson_interval

Z95 = 1.959963984540054


def wilson_by_hand(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval from its textbook formula."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * (centre - half), 100 * (centre + half)


@pytest.mark.parametrize("k, n", [(33, 84), (51, 84), (5, 75), (0, 12), (12, 12), (1, 1)])
def test_wilson_matches_the_formula(k, n):
    low, high = wilson_interval(k, n, decimals=4)
    expected = wilson_by_hand(k, n)
    assert low == pytest.approx(expected[0], abs=1e-3)
    assert high == pytest.approx(expected[1], abs=1e-3)


def test_wilson_of_the_2021_deaths_is_rounded_to_one_decimal():
    assert wilson_interval(33, 84) == (29.5, 50.0)


def test_wilson_without_a_denominator_is_missing():
    assert wilson_interval(0, 0) == (None, None)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_interval_contains_the_estimate_and_stays_in_range(kn):
    k, n = kn
    low, high = wilson_interval(k, n, decimals=6)
    assert 0 <= low <= 100 * k / n <= high <= 100


def test_bootstrap_is_reproducible_by_its_seed():
    values = [5, 12, 30, 44, 45, 58, 58, 60, 61, 90, 120, 145] * 3
    first = bootstrap_median_interval(values, resamples=999, seed=7)
    again = bootstrap_median_interval(values, resamples=999, seed=7)
    assert first == again
    low, high = first
    assert low <= float(np.median(values)) <= high
    assert low >= min(values) and high <= max(values)


def test_bootstrap_needs_two_values_and_handles_a_constant():
    assert bootstrap_median_interval([3.0]) == (None, None)
    assert bootstrap_median_interval([4, 4, 4, None]) == (4.0, 4.0)


def test_goodness_of_fit_matches_pearsons_formula():
    observed, reference = [25, 11, 6, 17, 23], [86, 46, 20, 38, 45]
    result = goodness_of_fit(observed, reference)
    total = sum(observed)
    expected = [total * r / sum(reference) for r in reference]
    statistic = sum((o - e) ** 2 / e for o, e in zip(observed, expected))
    assert result.statistic == pytest.approx(statistic)
    assert result.df == 4
    assert result.method == "chi-square"
    assert result.min_expected == pytest.approx(min(expected))
    # Chi-square with 4 df: P(X > x) = exp(-x/2) (1 + x/2).
    assert result.p_value == pytest.approx(math.exp(-statistic / 2) * (1 + statistic / 2))


def exact_multinomial_p(observed: list[int], proportions: list[float]) -> float:
    """P(chi-square >= observed) over every outcome of the multinomial (small n only)."""
    n, k = sum(observed), len(observed)
    expected = [n * p for p in proportions]

    def chi(x):
        return sum((a - e) ** 2 / e for a, e in zip(x, expected))

    target = chi(observed)
    total = 0.0
    for cut in itertools.combinations(range(n + k - 1), k - 1):
        bounds = (-1, *cut, n + k - 1)
        x = [bounds[i + 1] - bounds[i] - 1 for i in range(k)]
        if chi(x) >= target - 1e-12:
            coefficient = math.factorial(n)
            for a in x:
                coefficient //= math.factorial(a)
            total += coefficient * math.prod(p**a for p, a in zip(proportions, x))
    return total


def test_small_expected_counts_get_a_simulated_p_value_close_to_the_exact_one():
    observed, reference = [4, 1, 0, 2], [50, 25, 15, 10]
    result = goodness_of_fit(observed, reference, resamples=99999, seed=3)
    assert result.method == "Monte Carlo"
    assert result.n_expected_small == 4
    exact = exact_multinomial_p(observed, [r / 100 for r in reference])
    assert result.p_value == pytest.approx(exact, abs=0.006)
    # The same seed gives the same p-value.
    assert goodness_of_fit(observed, reference, resamples=99999, seed=3).p_value == result.p_value


def test_goodness_of_fit_refuses_what_it_cannot_test():
    assert goodness_of_fit([0, 0], [1, 1]) is None
    assert goodness_of_fit([3], [1]) is None
    assert goodness_of_fit([3, 4], [1, 0]) is None


def test_closed_form_wilson_rounds_as_scipy_does_for_every_count_up_to_120():
    """Assumes scipy.stats.binomtest's Wilson interval is right; releases use the closed form."""
    from scipy import stats

    from lcspr_stats.uncertainty import wilson_columns

    for level, largest_n in ((0.95, 120), (0.9, 30)):
        for n in range(1, largest_n + 1):
            ks = list(range(n + 1))
            lower, upper = wilson_columns(ks, n, level=level, decimals=1)
            for k in ks:
                ci = stats.binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
                assert (lower[k], upper[k]) == (
                    round(100 * ci.low, 1),
                    round(100 * ci.high, 1),
                ), (k, n, level)


def test_wilson_columns_leave_missing_counts_and_empty_bases_missing():
    from lcspr_stats.uncertainty import wilson_columns

    lower, upper = wilson_columns([3, None, 2], [10, 10, 0])
    assert lower.isna().tolist() == [False, True, True]
    assert upper.isna().tolist() == [False, True, True]
