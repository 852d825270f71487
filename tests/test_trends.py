"""Headline figures across cohorts and SCR periods (results/trends/)."""

from __future__ import annotations

import copy

import pandas as pd
import published_2021 as published
import pytest
from conftest import ROOT, config_into, load_default_config, run_snakemake

from lcspr_stats.config import check_config
from lcspr_stats.errors import InputError
from lcspr_stats.preflight import preflight
from lcspr_stats.settings import Settings
from lcspr_stats.trends import figure_bytes, periods_frame, trends_chart, trends_table

SETTINGS = Settings.from_config(load_default_config())
BANDS = SETTINGS.codebook.age_bands


@pytest.fixture(scope="module")
def reference():
    folder = ROOT / "data" / "reference"
    return {
        "ages": pd.read_csv(folder / "scr_age_bands.csv"),
        "harm": pd.read_csv(folder / "scr_death_serious_harm.csv"),
        "periods": pd.read_csv(folder / "scr_periods.csv"),
    }


@pytest.fixture(scope="module")
def bundled_trends(bundled_run) -> pd.DataFrame:
    """The trends table of the bundled run (one cohort, 2021)."""
    path = bundled_run.parent / "trends" / "trends.csv"
    return pd.read_csv(path, keep_default_na=False, dtype=str).set_index(["measure", "category"])


def test_bundled_trends_hold_the_published_2021_figures(bundled_trends):
    column = bundled_trends["lcspr_2021"]
    assert column[("n_reviews", "")] == str(published.N_LCSPRS)
    assert column[("n_deaths", "")] == str(published.N_DEATHS)
    assert column[("pct_deaths", "")] == str(published.PCT_DEATHS)
    assert column[("pct_serious_harm", "")] == str(published.PCT_SERIOUS_HARM)
    assert column[("n_age_known", "")] == str(published.N_INDEX_CHILDREN)
    for band, (n, pct) in published.AGE_BANDS.items():
        assert column[("n_age_band", band)] == str(n)
        assert column[("pct_age_band", band)] == str(pct)
    assert float(column[("median_incident_to_rr_weeks", "")]) == 3.0
    assert float(column[("median_rr_to_lcspr_weeks", "")]) == 58.0


def test_bundled_trends_hold_the_published_scr_figures(bundled_trends):
    for period, (total, bands) in published.SCR_AGES.items():
        assert bundled_trends.loc[("n_age_known", ""), period] == str(total)
        for band, (n, pct) in zip(published.AGE_BANDS, bands):
            assert bundled_trends.loc[("n_age_band", band), period] == str(n)
            assert bundled_trends.loc[("pct_age_band", band), period] == str(pct)
    # Deaths were not counted in the SCR reviews, only their share: blank, not zero.
    assert bundled_trends.loc[("n_deaths", ""), "scr_2005_07"] == ""
    assert bundled_trends.loc[("pct_deaths", ""), "scr_2005_07"] == "65"
    assert bundled_trends.loc[("median_rr_to_lcspr_weeks", ""), "scr_2017_19"] == ""


def test_bundled_trends_chart_is_written(bundled_run):
    folder = bundled_run.parent / "trends"
    assert (folder / "trends.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = (folder / "trends.svg").read_text()
    assert svg.startswith("<?xml") and "<dc:date>" not in svg and "Matplotlib v" not in svg


def two_cohorts(key_figures: dict) -> list[dict]:
    later = copy.deepcopy(key_figures)
    later.update(cohort_year=2022, n_lcsprs=50, n_deaths=25, pct_deaths=50, n_age_known=40)
    later["age_band_counts"] = {"Under 1": 10, "1-5": 10, "6-10": 5, "11-15": 5, "16+": 10}
    later["rr_to_lcspr_weeks"] = dict(later["rr_to_lcspr_weeks"], median=40.5)
    return [key_figures, later]


def test_cohorts_sit_side_by_side_in_year_order(key_figures, reference):
    figures = two_cohorts(key_figures)
    table = trends_table(
        figures, reference["ages"], reference["harm"], reference["periods"], SETTINGS
    ).set_index(["measure", "category"])
    assert list(table.columns)[-2:] == ["lcspr_2021", "lcspr_2022"]
    assert table.loc[("n_reviews", ""), "lcspr_2022"] == 50
    assert table.loc[("pct_age_band", "Under 1"), "lcspr_2022"] == 25  # 10 of 40
    assert table.loc[("pct_age_band", "16+"), "lcspr_2022"] == 25
    assert table.loc[("median_rr_to_lcspr_weeks", ""), "lcspr_2022"] == 40.5
    # Whole numbers stay whole (no "84.0" in the CSV).
    assert table.loc[("n_reviews", ""), "lcspr_2021"] == 84
    assert isinstance(table.loc[("n_reviews", ""), "lcspr_2021"], int)


def test_chart_bytes_are_the_same_every_time(key_figures, reference):
    figures = two_cohorts(key_figures)
    table = trends_table(
        figures, reference["ages"], reference["harm"], reference["periods"], SETTINGS
    )
    periods = periods_frame(reference["periods"], figures)
    first = trends_chart(table, periods, BANDS)
    second = trends_chart(table, periods, BANDS)
    for fmt in ("png", "svg"):
        assert figure_bytes(first, fmt) == figure_bytes(second, fmt)


def test_a_cohort_without_lcsprs_is_named_before_anything_runs():
    # check.check_cohorts_have_lcsprs is gone: the check before the first job
    # (preflight) is the one place, and lists the empty cohorts with any other problem.
    config = check_config(load_default_config())
    preflight(config)  # 2021 has its 84
    config["cohorts"] = [2019, 2020, 2021]
    with pytest.raises(InputError) as error:
        preflight(config)
    message = str(error.value)
    assert message.startswith("2 problems stop the run")
    assert "sheet 'reviews', column 'date_submitted': no LCSPR was submitted in 2019" in message
    assert "no LCSPR was submitted in 2020" in message and "in 2021" not in message


def test_snakemake_itself_stops_before_any_job_on_a_cohort_without_lcsprs(tmp_path):
    """The preflight (workflow/rules/preflight.smk) names the empty cohort; nothing is written."""
    config = load_default_config()
    config["cohorts"] = [2020, 2021]
    result = run_snakemake(config_into(tmp_path, config))
    assert result.returncode != 0
    output = result.stdout + result.stderr
    errors = [line for line in output.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1, output[-3000:]
    # Worded as either check words it (the preflight's and the CLI's share the meaning).
    message = errors[0].split("column 'date_submitted': ")[1]
    assert message.startswith("no LCSPR") and "submitted in 2020" in message
    assert "2021" not in message
    assert "Traceback" not in output
    assert "lcspr-stats stopped before writing anything to results/." in output
    assert not (tmp_path / "results").exists()
    assert not (tmp_path / "processed").exists()


def test_a_cohorts_suppressed_figures_stay_suppressed_in_the_trends(key_figures, reference):
    """Trends take each cohort's key figures as written: [c] stays [c], and shares of it too."""
    figures = two_cohorts(key_figures)
    later = figures[1]
    later["age_band_counts"] = dict(later["age_band_counts"], **{"6-10": "[c]", "11-15": "[c]"})
    later.update(pct_deaths="[c]", n_deaths="[c]")
    later["rr_to_lcspr_weeks"] = dict(later["rr_to_lcspr_weeks"], median="[c]")
    table = trends_table(
        figures, reference["ages"], reference["harm"], reference["periods"], SETTINGS
    )
    by_measure = table.set_index(["measure", "category"])
    assert by_measure.loc[("n_age_band", "6-10"), "lcspr_2022"] == "[c]"
    assert by_measure.loc[("pct_age_band", "6-10"), "lcspr_2022"] == "[c]"
    assert by_measure.loc[("pct_age_band", "Under 1"), "lcspr_2022"] == 25
    assert by_measure.loc[("pct_deaths", ""), "lcspr_2022"] == "[c]"
    assert by_measure.loc[("median_rr_to_lcspr_weeks", ""), "lcspr_2022"] == "[c]"
    assert by_measure.loc[("pct_deaths", ""), "lcspr_2021"] == published.PCT_DEATHS
    periods = periods_frame(reference["periods"], figures)
    chart = trends_chart(table, periods, BANDS)
    labels = [t.get_text() for axes in chart.axes for t in axes.texts]
    assert labels.count("[c]") == 3  # the 2022 deaths bar, age stack and median bar
    assert "[c] = suppressed" in chart.get_supxlabel()
    assert figure_bytes(chart, "png") == figure_bytes(trends_chart(table, periods, BANDS), "png")


@pytest.mark.parametrize(
    ("shares", "expected"),
    [
        ([33, 33, 33], [34, 33, 33]),  # 99: the largest remainder (first, on a tie) rounds up
        ([20, 41, 40], [20, 40, 40]),  # 101
        ([25, 25, 25, 25], [25, 25, 25, 25]),  # already 100: unchanged
        ([0, 0], [0, 0]),  # nothing known: no stack
    ],
)
def test_stacked_age_shares_add_to_100(shares, expected):
    from lcspr_stats.trends import shares_to_100

    assert shares_to_100(shares) == expected


def test_the_trends_chart_has_a_title_a_source_line_and_full_stacks(key_figures, reference):
    figures = two_cohorts(key_figures)
    table = trends_table(
        figures, reference["ages"], reference["harm"], reference["periods"], SETTINGS
    )
    periods = periods_frame(reference["periods"], figures)
    fig = trends_chart(table, periods, BANDS, title="Annual review", source="The schedule")
    assert fig._suptitle.get_text() == "Annual review: the cohorts beside the SCR periods"
    assert fig._supxlabel.get_text() == (
        "Source: The schedule; SCR periods: the published figures."
    )
    age = fig.axes[1]
    tops: dict[float, float] = {}
    for bar in age.patches:
        tops[bar.get_x()] = tops.get(bar.get_x(), 0) + bar.get_height()
    # Every period with known ages stacks to exactly 100%.
    assert sorted(set(tops.values())) == [100.0]
    assert len(tops) == len(periods)
