"""Wilson score intervals: inside [0, 1], around the observed share, as scipy gives them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import binomtest

from lcspr_stats.intervals import wilson_interval


@st.composite
def shares(draw):
    n = draw(st.integers(1, 5000))
    return draw(st.integers(0, n)), n


@given(shares(), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_interval_is_inside_0_1_and_holds_the_share(share, confidence):
    k, n = share
    low, high = wilson_interval(k, n, confidence)
    assert 0.0 <= low <= k / n <= high <= 1.0
    if k == 0:
        assert low == 0.0
    if k == n:
        assert high == 1.0


@given(shares())
def test_interval_is_symmetric_in_successes_and_failures(share):
    k, n = share
    low, high = wilson_interval(k, n)
    other_low, other_high = wilson_interval(n - k, n)
    assert low == pytest.approx(1 - other_high, abs=1e-12)
    assert high == pytest.approx(1 - other_low, abs=1e-12)


@given(shares())
def test_a_higher_confidence_gives_a_wider_interval(share):
    k, n = share
    low90, high90 = wilson_interval(k, n, 0.90)
    low99, high99 = wilson_interval(k, n, 0.99)
    assert low99 <= low90 + 1e-12 and high90 <= high99 + 1e-12


def test_the_formula_for_a_report_share():
    # 42 of 76 rapid reviews within 15 working days: the Wilson formula by hand.
    k, n, z = 42, 76, 1.959963984540054
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5
    assert wilson_interval(k, n) == pytest.approx((centre - half, centre + half), abs=1e-12)
    ci = binomtest(k, n).proportion_ci(method="wilson")
    assert wilson_interval(k, n) == pytest.approx((ci.low, ci.high))


@pytest.mark.parametrize(
    "k, n, confidence", [(1, 0, 0.95), (-1, 5, 0.95), (6, 5, 0.95), (1, 5, 1.0)]
)
def test_impossible_arguments_are_refused(k, n, confidence):
    with pytest.raises(ValueError):
        wilson_interval(k, n, confidence)
