"""The written summary: chosen from the figures, worded for any year."""

from __future__ import annotations

import pytest
from conftest import load_default_config

from lcspr_stats.settings import Settings
from lcspr_stats.summary import (
    age_group_description,
    largest_age_groups,
    over_years,
    render_summary,
    summary_context,
    summary_sections,
)

CONFIG = Settings.from_config(load_default_config())
BANDS = CONFIG.codebook.age_bands


def another_year() -> dict:
    """Key figures of an invented 2023 cohort, unlike 2021 in every choice the text makes."""
    return {
        "cohort_year": 2023,
        "n_lcsprs": 40,
        "n_deaths": 1,
        "pct_deaths": 3,
        "n_serious_harm": 39,
        "pct_serious_harm": 98,
        "age_band_counts": {"Under 1": 2, "1-5": 12, "6-10": 3, "11-15": 15, "16+": 6},
        "age_band_pcts": {"Under 1": 5, "1-5": 32, "6-10": 8, "11-15": 39, "16+": 16},
        "age_band_pct_ci": {
            "Under 1": {"lower": 1.5, "upper": 17.3},
            "1-5": {"lower": 19.1, "upper": 47.6},
            "6-10": {"lower": 2.7, "upper": 20.8},
            "11-15": {"lower": 25.3, "upper": 55.0},
            "16+": {"lower": 7.4, "upper": 30.4},
        },
        "rr_to_lcspr_weeks": {"n": 30, "median": 24.5, "min": 10, "max": 40, "range": 30},
        "incident_to_rr_weeks": {"n": 31, "median": 2.0, "min": 0, "max": 9, "range": 9},
        "n_lcspr_within_26_weeks": 17,
        "pct_lcspr_within_26_weeks": 57,
        "n_rr_within_15_working_days": 20,
        "pct_rr_within_15_working_days": 65,
        "lcspr_expected_weeks": 26.0,
        "rr_expected_working_days": 15,
        "n_subsample": 0,
        "n_race_subsample": 1,
        "pct_published": 50,
        "goodness_of_fit": {
            "age_band": {
                "reference": "SCRs 2017-19",
                "n": 38,
                "chi_square": 31.2,
                "df": 4,
                "p_value": 0.00001,
                "method": "Monte Carlo",
                "monte_carlo_resamples": 99999,
                "min_expected": 3.2,
                "n_expected_under_minimum": 1,
            }
        },
    }


def test_over_years_rounds_down_to_the_half_year():
    assert over_years(145) == "over 2.5 years"
    assert over_years(365.25 / 7) == "1 year"
    assert over_years(60) == "over 1 year"
    assert over_years(51) is None


def test_age_groups_are_named_from_the_band_limits():
    assert [age_group_description(b) for b in BANDS] == [
        "infants aged under 1",
        "1-5 year-olds",
        "6-10 year-olds",
        "11-15 year-olds",
        "16-17 year-olds",
    ]


def test_largest_age_groups_follow_the_figures_not_2021():
    groups = largest_age_groups(another_year(), BANDS)
    assert [g["label"] for g in groups] == ["11-15", "1-5"]


def test_ties_keep_the_band_order():
    figures = another_year()
    figures["age_band_counts"] = {"Under 1": 5, "1-5": 5, "6-10": 5, "11-15": 1, "16+": 0}
    assert [g["label"] for g in largest_age_groups(figures, BANDS)] == ["Under 1", "1-5"]


def test_another_year_reads_naturally():
    text = render_summary(summary_context(another_year(), CONFIG))
    assert "There were 40 LCSPRs in total, relating to 1 death (3%) and 39 cases of" in text
    assert (
        "The two largest age groups are 11-15 year-olds, making up 39% of the cases, and "
        "1-5 year-olds, who make up 32%." in text
    )
    assert "under 1" not in text.split("## Uncertainty")[0]
    assert "was 24.5 weeks, compared to the statutory requirement of 26 weeks" in text
    assert "The longest case took 40 weeks." in text  # under a year: no "over N years"
    assert "calendar year 2023" in text
    # No purposive sub-sample this year: no sentence about one.
    assert "purposive" not in text
    assert "This gave a different sub-sample, of 1 case." in text
    assert "p < 0.001" in text
    assert "Caution: 1 expected count is under 5 (smallest 3.2)" in text
    assert "99,999 Monte Carlo samples" in text


def test_every_line_is_either_a_heading_a_bullet_or_the_notice():
    text = render_summary(summary_context(another_year(), CONFIG))
    for line in text.splitlines():
        assert line == "" or line.startswith(("# ", "## ", "- ", "> ")), line
    sections = summary_sections(summary_context(another_year(), CONFIG))
    assert [heading for heading, _ in sections] == [
        "Summary points",
        "The review pipeline and time to completion",
        "Uncertainty",
    ]
    assert all(points for _, points in sections)


def test_the_notice_is_printed_only_when_configured():
    config = load_default_config()
    config["release"]["data_notice"] = ""
    assert "> " not in render_summary(summary_context(another_year(), Settings.from_config(config)))
    assert "> These figures come from a synthetic cohort" in render_summary(
        summary_context(another_year(), CONFIG)
    )


@pytest.mark.parametrize("n, word", [(1, "1 death"), (2, "2 deaths")])
def test_deaths_are_counted_in_words_that_agree(n, word):
    figures = another_year()
    figures["n_deaths"] = n
    assert f"relating to {word} (" in render_summary(summary_context(figures, CONFIG))


def suppressed_year() -> dict:
    """Another year's figures with many suppressed by disclosure control ([c])."""
    c = "[c]"
    figures = another_year()
    figures.update(
        n_deaths=c,
        pct_deaths=c,
        pct_serious_harm=c,
        n_lcspr_within_26_weeks=c,
        pct_lcspr_within_26_weeks=c,
        n_race_subsample=c,
        pct_published=c,
        pct_deaths_ci={"lower": c, "upper": c},
        rr_to_lcspr_weeks={"n": c, "median": c, "min": c, "max": c, "range": c},
        rr_to_lcspr_weeks_median_ci={"lower": c, "upper": c},
        uncertainty={"bootstrap_resamples": 9999, "seed": 2023},
    )
    for band in ("Under 1", "6-10"):
        figures["age_band_counts"][band] = c
        figures["age_band_pcts"][band] = c
        figures["age_band_pct_ci"][band] = {"lower": c, "upper": c}
    figures["goodness_of_fit"]["age_band"].update(chi_square=c, p_value=c, min_expected=c)
    return figures


def test_suppressed_figures_read_as_c_and_are_explained():
    text = render_summary(summary_context(suppressed_year(), CONFIG))
    assert "[c]%" not in text and "None" not in text
    assert "relating to [c] deaths ([c]) and 39 cases of serious harm ([c])." in text
    # Suppressed age groups are not ranked, and the sentence says so.
    assert (
        "Of the age groups not suppressed, the two largest are 11-15 year-olds, making up 39% "
        "of the cases, and 1-5 year-olds, who make up 32%." in text
    )
    assert "The longest case took [c] weeks." in text  # no "over N years" from a [c]
    assert "Of the [c] LCSPRs with both dates, [c] ([c]) were completed within 26 weeks." in text
    assert "of the percentage about a death is [c]," in text
    assert "LCSPRs completed within 26 weeks: [c] of [c] (95% CI not available)" in text
    assert "taken as fixed (chi-square goodness of fit): [c], not shown because the test" in text
    assert "This gave a different sub-sample, of [c] cases." in text
    # What [c] means is said once, near the top (the notice's form: a quoted line).
    explained = [line for line in text.splitlines() if "[c] = confidential" in line]
    assert len(explained) == 1 and explained[0].startswith("> ")
    assert text.index("[c] = confidential") < text.index("## Summary points")


def test_no_explanation_of_c_without_a_c():
    assert "[c]" not in render_summary(summary_context(another_year(), CONFIG))
