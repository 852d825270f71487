"""Issue 10, items 4-8: exact median intervals, the two-sample comparison with the SCRs,
Table 2's pending decisions, thresholds from the config, and bases said exactly.

Each oracle is independent of the code under test: a hand-worked order-statistic
example, hand-computed small tables, and statsmodels' Newcombe interval (test-only).
"""

from __future__ import annotations

import copy
import json
import math

import numpy as np
import pandas as pd
import pytest
from conftest import config_into, load_default_config, run_snakemake
from scipy import stats

from lcspr_stats import uncertainty
from lcspr_stats.settings import Settings
from lcspr_stats.tables import scr_comparison_tables, table2_rapid_reviews, timeliness

# --- item 4: exact median intervals -----------------------------------------------------------


def test_exact_median_interval_of_1_to_20_by_hand():
    """Assumes nothing about the data. By hand, B ~ Binomial(20, 1/2): P(B <= 5) =
    (1 + 20 + 190 + 1140 + 4845 + 15504) / 2^20 = 21700 / 1048576 = 0.02069 <= 0.025 while
    P(B <= 6) = 0.0577 > 0.025, so r = 6: the interval is x_(6) to x_(15) and its coverage
    is 1 - 2 x 0.02069 = 0.9586."""
    result = uncertainty.exact_median_interval(list(range(1, 21)))
    tail = sum(math.comb(20, k) for k in range(6)) / 2**20
    assert tail == pytest.approx(0.020695, abs=1e-6)
    assert (result.rank_lower, result.rank_upper) == (6, 15)
    assert (result.lower, result.upper) == (6.0, 15.0)
    assert result.coverage == pytest.approx(1 - 2 * tail, abs=1e-4)


def test_exact_median_interval_is_scipys_quantile_test_interval():
    """Assumes scipy's quantile_test picks the same two order statistics (it should: the same
    binomial); with ties and missing values, as durations in completed weeks have."""
    rng = np.random.default_rng(5)
    for n in (6, 7, 30, 75, 76, 301):
        values = rng.integers(0, 150, n).astype(float)
        result = uncertainty.exact_median_interval([*values, None])
        scipy_ci = stats.quantile_test(values, q=np.median(values), p=0.5).confidence_interval(0.95)
        assert (result.lower, result.upper) == (float(scipy_ci.low), float(scipy_ci.high)), n
        assert result.coverage >= 0.95


def test_exact_median_interval_needs_six_values_at_95_percent():
    """With 5 values, even x_(1) to x_(5) covers only 1 - 2/32 = 93.75%."""
    assert uncertainty.exact_median_interval([1, 2, 3, 4, 5]).lower is None
    assert uncertainty.exact_median_interval([1, 2, 3, 4, 5, 6]).coverage == pytest.approx(
        1 - 2 / 64, abs=1e-4
    )


def test_median_interval_method_follows_the_config():
    """Assumes the schema's defaults: exact unless the config says bootstrap."""
    values = list(range(40))
    ci = Settings.from_config(load_default_config()).uncertainty.as_dict()
    assert ci["median_interval"] == "exact"
    (low, high), coverage = uncertainty.median_interval(values, ci)
    assert coverage is not None and (low, high) == (13.0, 26.0)
    (low, high), coverage = uncertainty.median_interval(
        values, {**ci, "median_interval": "bootstrap", "bootstrap_resamples": 199}
    )
    assert coverage is None and low <= 19.5 <= high


# --- item 5: two samples ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("k1", "n1", "k2", "n2"), [(33, 84, 132, 235), (0, 10, 3, 12), (5, 75, 40, 60), (7, 7, 1, 9)]
)
def test_newcombe_interval_matches_statsmodels(k1, n1, k2, n2):
    """Assumes statsmodels' "newcomb" is Newcombe's hybrid score interval (method 10)."""
    from statsmodels.stats.proportion import confint_proportions_2indep

    d, low, high = uncertainty.newcombe_difference(k1, n1, k2, n2)
    expected = confint_proportions_2indep(k1, n1, k2, n2, method="newcomb", compare="diff")
    assert d == pytest.approx(k1 / n1 - k2 / n2)
    assert (low, high) == pytest.approx(tuple(float(v) for v in expected), abs=1e-10)


def test_homogeneity_of_a_small_table_by_hand():
    """2 x 2 table [[10, 20], [30, 40]]: row totals 30 and 70, column totals 40 and 60, so the
    expected counts are 12, 18, 28, 42, and chi-square = 4/12 + 4/18 + 4/28 + 4/42 = 0.7937 on
    1 df (no continuity correction)."""
    result = uncertainty.homogeneity_test([10, 20], [30, 40])
    by_hand = 4 / 12 + 4 / 18 + 4 / 28 + 4 / 42
    assert result.statistic == pytest.approx(by_hand)
    assert result.df == 1 and result.method == "chi-square"
    assert result.p_value == pytest.approx(math.erfc(math.sqrt(by_hand / 2)))
    assert result.min_expected == pytest.approx(12)


def test_small_expected_counts_get_an_exact_or_a_seeded_p_value():
    """2 x 2 with an expected count under 5: Fisher's exact test. Table [[3, 1], [1, 4]] has
    margins 4, 5 and 4, 5 (N = 9); with a the top-left count, P(a) = C(4, a) C(5, 4 - a) / 126:
    5, 40, 60, 20, 1 (/126) for a = 0..4. The two-sided p-value adds the tables no more likely
    than the observed a = 3: a = 0, 3, 4, so (5 + 20 + 1) / 126."""
    result = uncertainty.homogeneity_test([3, 1], [1, 4])
    assert result.method == "Fisher exact" and result.n_expected_small == 4
    assert result.p_value == pytest.approx((5 + 20 + 1) / 126)
    # 2 x 3 with small counts: Monte Carlo, the same seed giving the same p-value.
    first = uncertainty.homogeneity_test([3, 1, 2], [1, 4, 6], resamples=9999, seed=11)
    again = uncertainty.homogeneity_test([3, 1, 2], [1, 4, 6], resamples=9999, seed=11)
    assert first.method == "Monte Carlo" and first.p_value == again.p_value
    exact = stats.chi2_contingency(np.array([[3, 1, 2], [1, 4, 6]]), correction=False)
    assert first.statistic == pytest.approx(exact.statistic)
    assert 0 < first.p_value <= 1


def test_trend_test_of_a_small_table_by_hand():
    """Cohort [2, 4, 6] against reference [6, 4, 2], scores 0, 1, 2: N = 24, p = 1/2,
    column totals 8 each; T = sum x (a - n p) = 0(2 - 4) + 1(4 - 4) + 2(6 - 4) = 4;
    Var = p(1 - p)[sum n x^2 - (sum n x)^2 / N] = 1/4 (40 - 576/24) = 4; chi-square = 16/4 = 4."""
    result = uncertainty.trend_test([2, 4, 6], [6, 4, 2])
    assert result.statistic == pytest.approx(4.0)
    assert result.df == 1
    assert result.p_value == pytest.approx(stats.chi2.sf(4.0, 1))
    # No trend at all: the statistic is 0 and the p-value 1.
    assert uncertainty.trend_test([3, 3, 3], [5, 5, 5]).statistic == pytest.approx(0)


def test_tests_refuse_what_they_cannot_test():
    assert uncertainty.homogeneity_test([0, 0], [1, 2]) is None
    assert uncertainty.homogeneity_test([1, 0], [2, 0]) is None  # an empty category
    assert uncertainty.trend_test([4], [5]) is None
    assert uncertainty.newcombe_difference(1, 0, 1, 2) is None


def _bundled_frames(table) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    periods = pd.read_csv("data/reference/scr_periods.csv")
    return table("table4_age"), table("table5_death_serious_harm"), periods


def test_scr_comparison_of_the_bundled_cohort(table, key_figures):
    """The 2021 cohort against SCRs 2017-19, both as samples: ages by the published counts;
    deaths from the published 56% of 235 (131.6, so 132)."""
    tests = table("scr_comparison_tests").set_index("comparison")
    differences = table("scr_comparison_differences")
    t4 = table("table4_age")
    body = t4.loc[t4["age_band"] != "Total"]
    grid = np.array([body["lcspr_2021_n"], body["scr_2017_19_n"]], dtype=float)
    expected = grid.sum(axis=1, keepdims=True) * grid.sum(axis=0) / grid.sum()
    chi_square = float(((grid - expected) ** 2 / expected).sum())
    assert tests.loc["age_band", "chi_square"] == pytest.approx(chi_square, abs=5e-3)
    assert tests.loc["age_band", "p_value"] == pytest.approx(stats.chi2.sf(chi_square, 4), 1e-2)
    deaths = np.array([[33, 51], [132, 103]], dtype=float)
    expected = deaths.sum(axis=1, keepdims=True) * deaths.sum(axis=0) / deaths.sum()
    chi_square = float(((deaths - expected) ** 2 / expected).sum())
    assert tests.loc["death_serious_harm", "chi_square"] == pytest.approx(chi_square, abs=5e-3)
    assert tests.loc["age_band_trend", "method"] == "chi-square for trend"
    for reading in tests["reading"]:
        assert reading.startswith(("no evidence of a difference", "evidence of a difference"))
    death = differences.loc[differences["comparison"] == "death_share"].iloc[0]
    assert (death["observed"], death["n"], death["reference_count"]) == (33, 84, 132)
    assert death["difference_pp"] == pytest.approx(100 * (33 / 84 - 132 / 235), abs=0.05)
    assert list(differences.loc[differences["comparison"] == "age_band", "category"]) == list(
        body["age_band"]
    )
    assert key_figures["scr_comparison"]["tests"]["age_band"]["reference"] == "SCRs 2017-19"
    # The goodness of fit against fixed shares is an option, off by default.
    assert "goodness_of_fit" not in set(table("contents")["table"])


def test_comparison_notes_state_the_caveats_and_never_say_within_chance(table):
    t4, t5, periods = _bundled_frames(table)
    tests, differences = scr_comparison_tables(t4, t5, periods, 2021, "half_up")
    text = " ".join(tests.notes + differences.notes)
    for caveat in ("different review systems", "2 to 3 years", "No correction is made"):
        assert caveat in text, caveat
    assert "within chance" not in text and "chance alone" not in text


def test_fixed_shares_goodness_of_fit_is_an_option_named_for_its_assumption():
    """Assumes the registry leaves out a table whose option is off."""
    from lcspr_stats.registry import GOODNESS_OF_FIT, SCR_COMPARISON_TESTS, table_names

    config = load_default_config()
    assert GOODNESS_OF_FIT not in table_names(config)
    assert SCR_COMPARISON_TESTS in table_names(config)
    on = copy.deepcopy(config)
    on["uncertainty"]["goodness_of_fit_assuming_fixed_scr_shares"] = True
    assert GOODNESS_OF_FIT in table_names(on) and SCR_COMPARISON_TESTS in table_names(on)


# --- item 6: Table 2 --------------------------------------------------------------------------


def test_table2_shows_pending_decisions_and_two_shares():
    """Hand-made register: 2021 has 3 commissioned, 5 not, 2 pending (10 received)."""
    decisions = ["commissioned"] * 3 + ["not commissioned"] * 5 + ["pending"] * 2
    register = pd.DataFrame(
        {"rr_date": pd.to_datetime(["2021-03-01"] * 10), "lcspr_decision": decisions}
    )
    frame = table2_rapid_reviews(register, [2021], "half_up").frame.iloc[0]
    assert (frame["n_rapid_reviews"], frame["n_pending"], frame["n_decided"]) == (10, 2, 8)
    assert frame["pct_commissioned"] == 30  # 3 of 10 received, as published
    assert frame["pct_of_decided"] == 38  # 3 of 8 decided: 37.5 half up
    assert frame["display"] == "3 (30%)"


def test_table2_of_the_bundled_cohort_keeps_the_published_shares(table, key_figures):
    t2 = table("table2_rapid_reviews").set_index("year_received")
    assert (t2.loc[2021, "n_rapid_reviews"], t2.loc[2021, "n_lcspr_commissioned"]) == (433, 134)
    assert t2.loc[2021, "pct_commissioned"] == 31
    assert t2.loc[2021, "n_pending"] + t2.loc[2021, "n_decided"] == 433
    pct = round(100 * 134 / t2.loc[2021, "n_decided"])
    assert key_figures["pct_commissioned_of_decided_by_year"]["2021"] == pct
    assert key_figures["rr_pending_by_year"]["2021"] == t2.loc[2021, "n_pending"]


# --- items 7 and 8: thresholds from the config; bases said exactly -----------------------------


def test_timeliness_labels_carry_the_thresholds_and_the_clock_start():
    durations = Settings.from_config(load_default_config()).durations
    lcsprs = pd.DataFrame(
        {
            "rr_within_working_days": pd.array([True, False], dtype="boolean"),
            "lcspr_within_26_weeks": pd.array([True, True], dtype="boolean"),
        }
    )
    frame = timeliness(lcsprs, durations, "half_up").frame
    assert frame["measure"].tolist() == [
        "rapid review within 15 working days of incident",
        "LCSPR within 26 weeks of rapid review",
    ]
    from dataclasses import replace

    other = replace(
        durations, rr_within_working_days=20, lcspr_within_days=210, rr_clock_start="notification"
    )
    frame = timeliness(lcsprs, other, "half_up").frame
    assert frame["measure"].tolist() == [
        "rapid review within 20 working days of notification",
        "LCSPR within 30 weeks of rapid review",
    ]
    assert frame["expectation"].tolist() == ["20 working days", "210 days (30 weeks)"]


def test_the_summary_states_its_bases_exactly(bundled_run):
    text = (bundled_run / "summary.md").read_text(encoding="utf-8")
    assert (
        "Of the 77 LCSPRs with both dates, 2 are excluded by name (reasons in the note under "
        "Table 3), leaving 75; of these, 5 (7%) were completed within 26 weeks." in text
    )
    assert "within 15 working days of the incident, as the Panel's guidance expects" in text


@pytest.fixture(scope="module")
def run_20_30(tmp_path_factory):
    """A whole run with 20 working days, 30 weeks (210 days) and the fixed-shares option on."""
    tmp = tmp_path_factory.mktemp("thresholds")
    config = copy.deepcopy(load_default_config())
    config["durations"]["rr_within_working_days"] = 20
    config["durations"]["lcspr_within_days"] = 210
    config["uncertainty"]["goodness_of_fit_assuming_fixed_scr_shares"] = True
    run_snakemake(config_into(tmp, config), "--cores", "2")
    return tmp / "results" / "2021"


def test_a_config_of_20_working_days_and_30_weeks_says_20_and_30_everywhere(run_20_30):
    text = (run_20_30 / "summary.md").read_text(encoding="utf-8")
    assert "within 20 working days of the incident, the threshold set in this run's config" in text
    assert "(the Panel's guidance expects 15 working days from the incident)" in text
    assert "compared to the 30 weeks set in this run's config (the statutory requirement is 26" in (
        text
    )
    assert "were completed within 30 weeks" in text
    assert "LCSPRs completed within 30 weeks" in text
    assert "Rapid reviews within 20 working days" in text
    for stale in ("within 15 working days", "within 26 weeks", "guidance expects;"):
        assert stale not in text, stale
    timely = pd.read_csv(run_20_30 / "tables" / "timeliness.csv")
    assert timely["measure"].tolist() == [
        "rapid review within 20 working days of incident",
        "LCSPR within 30 weeks of rapid review",
    ]
    alt = pd.read_csv(run_20_30 / "figures" / "figures.csv").set_index("figure")["alt_text"]
    assert "20 working days" in alt["weeks_incident_to_rapid_review"]
    assert "30 weeks" in alt["weeks_rapid_review_to_lcspr"]
    assert "15 working days" not in alt["weeks_incident_to_rapid_review"]
    figures = json.loads((run_20_30 / "key_figures.json").read_text())
    # Keys keep their published names; their companions say what was counted.
    assert figures["n_rr_within_15_working_days_threshold"] == {
        "working_days": 20,
        "counted_from": "incident",
    }
    assert figures["pct_lcspr_within_26_weeks_threshold"] == {"days": 210, "weeks": 30.0}
    assert "n_lcspr_within_26_weeks" in figures
    # The option adds the goodness of fit, named for its assumption, beside the two samples.
    contents = pd.read_csv(run_20_30 / "tables" / "contents.csv")
    assert {"goodness_of_fit", "scr_comparison_tests"} <= set(contents["table"])
    assert "taken as fixed" in text


def test_a_line_label_near_the_right_edge_is_drawn_on_its_left():
    """Assumes matplotlib's Agg renderer measures text as the saved chart draws it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from lcspr_stats.figures import _keep_inside

    figure = Figure(figsize=(8, 4.5))
    axes = figure.add_subplot()
    axes.set_xlim(0, 10)
    axes.axvline(9.5)
    label = axes.annotate(
        "Expected: 20 working days (about 4 weeks)",
        xy=(9.5, 0.97),
        xycoords=("data", "axes fraction"),
        xytext=(6, 0),
        textcoords="offset points",
        ha="left",
    )
    renderer = FigureCanvasAgg(figure).get_renderer()
    assert label.get_window_extent(renderer).x1 > axes.get_window_extent(renderer).x1
    _keep_inside(figure, axes, [label])
    assert label.get_window_extent(renderer).x1 <= axes.get_window_extent(renderer).x1
    assert label.get_horizontalalignment() == "right"


def test_the_methodology_quotes_the_2021_results_the_code_computes(key_figures, table):
    """docs/methodology.md quotes the bundled run's results; they must be what the code gives."""
    from pathlib import Path

    from lcspr_stats.tables import goodness_of_fit_tables

    doc = (Path(__file__).parents[1] / "docs" / "methodology.md").read_text(encoding="utf-8")
    doc = " ".join(doc.split())
    tests = key_figures["scr_comparison"]["tests"]
    for name in ("age_band", "age_band_trend", "death_serious_harm"):
        test = tests[name]
        quoted = f"chi-square {test['chi_square']:.2f}, df {test['df']}, p = {test['p_value']:.3f}"
        assert quoted in doc, quoted
    for name in ("death_share: Death", "age_band: Under 1", "age_band: 16+"):
        d = key_figures["scr_comparison"]["differences"][name]
        quoted = (
            f"{d['difference_pp']:+.1f} points, 95% CI {d['ci_lower']:+.1f} to {d['ci_upper']:+.1f}"
        ).lstrip("+")
        assert quoted in doc, quoted
    for key in ("rr_to_lcspr_weeks", "incident_to_rr_weeks"):
        ci = key_figures[f"{key}_median_ci"]
        assert f"{ci['lower']:g} to {ci['upper']:g} weeks" in doc, key
        assert f"coverage {100 * ci['coverage']:.1f}%" in doc, key
    t2 = table("table2_rapid_reviews").set_index("year_received").loc[2021]
    assert (
        f"{t2['n_lcspr_commissioned']} of {t2['n_decided']} decided ({t2['pct_of_decided']}%" in doc
    )
    periods = pd.read_csv("data/reference/scr_periods.csv")
    fixed = goodness_of_fit_tables(
        table("table4_age"), table("table5_death_serious_harm"), periods, 2021
    )[0].frame.set_index("comparison")
    assert (
        f"ages p = {fixed.loc['age_band', 'p_value']:.3f}, death / serious harm "
        f"p = {fixed.loc['death_serious_harm', 'p_value']:.3f}" in doc
    )


def test_the_working_days_clock_can_start_at_the_notification():
    """Tiny cohort L1: incident Mon 2020-12-21, notified Tue 2020-12-22, rapid review Wed
    2021-01-13. From the incident 14 working days (bank holidays 25 and 28 December and
    1 January left out, tiny_cohort's docstring); from the notification one fewer, 13."""
    from dataclasses import replace

    from test_join_tables import SETTINGS, clean_and_link
    from tiny_cohort import tiny_frames

    from lcspr_stats.derive import derive_fields

    linked, _ = clean_and_link(tiny_frames())
    by_incident = derive_fields(linked.lcsprs, linked.children, SETTINGS).set_index("lcspr_id")
    notified = replace(
        SETTINGS, durations=replace(SETTINGS.durations, rr_clock_start="notification")
    )
    by_notification = derive_fields(linked.lcsprs, linked.children, notified).set_index("lcspr_id")
    assert by_incident.loc["L1", "working_days_incident_to_rr"] == 14
    assert by_notification.loc["L1", "working_days_incident_to_rr"] == 13
    # The weeks of Table 3 are from the incident either way.
    assert (
        by_notification.loc["L1", "weeks_incident_to_rr"]
        == by_incident.loc["L1", "weeks_incident_to_rr"]
    )
