"""Kaplan-Meier time to LCSPR: against statsmodels and a cohort computed by hand.

The oracles are independent of scipy: statsmodels' SurvfuncRight (test-only
dependency, pinned in requirements.lock) and Greenwood's formula with the
log-log transform written out below.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from statsmodels.duration.survfunc import SurvfuncRight

from lcspr_stats import survival

Z = 1.959963984540054  # the 97.5% point of the standard normal


def log_log_band(s: float, greenwood_sum: float) -> tuple[float, float]:
    """The pointwise 95% log-log interval of a survival estimate ``s`` (Kalbfleisch-Prentice)."""
    se = math.sqrt(greenwood_sum) / abs(math.log(s))
    return s ** math.exp(Z * se), s ** math.exp(-Z * se)


# A hand cohort, in weeks (days = 7 x weeks), with tied events and an event
# tied with a censoring: events at 10, 10, 30, 50; censored at 20, 40, 50.
HAND_WEEKS = [10, 10, 20, 30, 40, 50, 50]
HAND_DONE = [True, True, False, True, False, True, False]


def test_a_hand_computed_cohort_with_ties_and_censoring():
    days = [7 * w for w in HAND_WEEKS]
    s = survival.summarise(days, HAND_DONE)
    # S(10) = 5/7 (2 events of 7 at risk); S(30) = 5/7 x 3/4 (4 at risk after a
    # censoring at 20); S(50) = S(30) x 1/2 (the event at 50 before its tied censoring).
    assert (s["n"], s["n_events"], s["n_censored"]) == (7, 4, 3)
    assert s["share_26"] == pytest.approx(2 / 7)
    assert s["share_52"] == pytest.approx(1 - 15 / 56)
    assert s["median_weeks"] == 50  # S first at or below 1/2 at 50 weeks
    low_10, _ = log_log_band(5 / 7, 2 / (7 * 5))
    assert low_10 < 0.5, "so the median's lower limit is 10 weeks"
    assert s["median_ci_lower"] == 10
    _, high_50 = log_log_band(15 / 56, 2 / 35 + 1 / 12 + 1 / 2)
    assert high_50 > 0.5, "so the upper limit is never reached"
    assert s["median_ci_upper"] is None
    low, high = log_log_band(5 / 7, 2 / 35)  # at 26 weeks the estimate is still S(10)
    assert s["share_26_ci_lower"] == pytest.approx(1 - high)
    assert s["share_26_ci_upper"] == pytest.approx(1 - low)
    low, high = log_log_band(15 / 56, 2 / 35 + 1 / 12 + 1 / 2)
    assert s["share_52_ci_lower"] == pytest.approx(1 - high)
    assert s["share_52_ci_upper"] == pytest.approx(1 - low)
    # At risk: followed at least 26 weeks (30, 40, 50, 50), 52 and 104 (none).
    assert (s["at_risk_26"], s["at_risk_52"], s["at_risk_104"]) == (4, 0, 0)


def test_a_median_not_reached_is_said_so():
    days = [7 * w for w in (5, 60, 70, 80, 90)]
    s = survival.summarise(days, [True, False, False, False, False])
    assert s["median_weeks"] is None
    assert survival.median_text(None, None, None).startswith("not reached")
    assert s["share_26"] == pytest.approx(1 / 5)


def statsmodels_summary(days: np.ndarray, done: np.ndarray) -> dict:
    """Median with its cloglog interval, shares at 26 and 52 weeks with log-log intervals."""
    fit = SurvfuncRight(days, done.astype(int))
    out = {"median": fit.quantile(0.5)}
    out["median_ci"] = fit.quantile_ci(0.5, alpha=0.05, method="cloglog")
    for w in (26, 52):
        i = np.searchsorted(fit.surv_times, 7 * w, side="right") - 1
        s, se = fit.surv_prob[i], fit.surv_prob_se[i]
        g, se_g = math.log(-math.log(s)), se / (s * abs(math.log(s)))
        low, high = math.exp(-math.exp(g + Z * se_g)), math.exp(-math.exp(g - Z * se_g))
        out[w] = (1 - s, 1 - high, 1 - low)
    return out


def compare(days: np.ndarray, done: np.ndarray) -> None:
    ours = survival.summarise(days, done)
    theirs = statsmodels_summary(days, done)
    assert ours["median_weeks"] * 7 == pytest.approx(theirs["median"])
    lower, upper = theirs["median_ci"]
    assert ours["median_ci_lower"] * 7 == pytest.approx(lower)
    assert ours["median_ci_upper"] * 7 == pytest.approx(upper)
    for w in (26, 52):
        share, low, high = theirs[w]
        assert ours[f"share_{w}"] == pytest.approx(share)
        assert ours[f"share_{w}_ci_lower"] == pytest.approx(low)
        assert ours[f"share_{w}_ci_upper"] == pytest.approx(high)
    for w in (26, 52, 104):
        assert ours[f"at_risk_{w}"] == int((days >= 7 * w).sum())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_cohorts_with_ties_agree_with_statsmodels(seed):
    # Whole days from 1 to 900: many ties, about 40% censored.
    rng = np.random.default_rng(seed)
    days = rng.integers(1, 900, 250).astype(float)
    done = rng.random(250) < 0.6
    compare(days, done)


def test_the_bundled_cohort_agrees_with_statsmodels():
    import datetime as dt

    from conftest import load_default_config

    from lcspr_stats.check import check_inputs
    from lcspr_stats.config import check_config
    from lcspr_stats.pipeline import follow_up

    check = check_inputs(check_config(load_default_config()), 2021)
    follow = follow_up(
        check.frames["rapid_review_register"], check.cohort.lcsprs, dt.date(2021, 12, 31)
    )
    assert len(follow) == 372
    compare(follow["days"].to_numpy(float), follow["completed"].to_numpy(bool))


def test_the_curve_matches_the_summary_and_shows_no_small_counts():
    days = np.array([7 * w for w in HAND_WEEKS], float)
    curve = survival.curve(days, np.array(HAND_DONE)).set_index("weeks")
    assert curve.at[26, "pct_completed"] == round(100 * 2 / 7, 1)
    assert curve.at[50, "pct_completed"] == round(100 * (1 - 15 / 56), 1)  # the last row
    assert curve.at[26, "n_at_risk"] == 4 and curve.at[0, "n_at_risk"] == 7
    # Numbers at risk every 26 weeks only: no count of a fortnight's completions.
    assert curve["n_at_risk"].drop([0, 26]).isna().all()
    # Censored at 20, 40 and 50 weeks: marked in the fortnight ending then.
    assert list(curve.index[curve["censored"] == "yes"]) == [20, 40, 50]


def test_without_received_dates_the_tables_say_not_available():
    import pandas as pd

    follow = pd.DataFrame({"rr_date": pd.to_datetime([]), "days": [], "completed": []})
    summary = survival.km_table("k", follow, "31 December 2021", False, 0.95, 1)
    assert list(summary.frame["display"]) == ["not available"]
    assert summary.notes[0].startswith("Not available")
    assert survival.curve_table("c", follow, "x", False, 0.95).frame.empty
    assert survival.curves_by_year_table("y", follow, "x", False, 0.95).frame.empty
    figures = survival.survival_key_figures(summary.frame, 58.0)
    assert figures == {"lcspr_time_to_completion": {"available": False}}
