"""The review pipeline: the published 2021 counts, the coding schedule winning, and no columns."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import published_2021 as pub
import pytest
from conftest import load_default_config

from lcspr_stats import pipeline
from lcspr_stats.check import check_inputs
from lcspr_stats.config import check_config

AS_AT = dt.date(2021, 12, 31)


@pytest.fixture(scope="module")
def bundled():
    """The bundled cohort read, checked and linked as the pipeline does (no Snakemake)."""
    check = check_inputs(check_config(load_default_config()), 2021)
    return check.frames["rapid_review_register"], check.cohort.lcsprs


def counts(table) -> dict[str, object]:
    return dict(zip(table.frame["stage"], table.frame["n"], strict=True))


def test_the_bundled_cohort_reproduces_the_published_pipeline(bundled):
    rapid_reviews, lcsprs = bundled
    table = pipeline.pipeline_table("p", rapid_reviews, lcsprs, AS_AT, "half_up")
    n = counts(table)
    assert n["initiated"] == pub.PIPELINE_INITIATED
    assert n["completed"] == pub.PIPELINE_COMPLETED
    completed = table.frame.set_index("stage").loc["completed"]
    assert completed["pct"] == pub.PCT_PIPELINE_COMPLETED
    assert completed["pct_of"] == "initiated"
    assert completed["display"] == "117 (31%)"
    for year, k in pub.PIPELINE_RECEIVED_BY_YEAR.items():
        assert n[f"received {year}"] == k
    assert n["published"] == pub.PIPELINE_PUBLISHED
    assert n["not to be published"] == pub.PIPELINE_NOT_TO_BE_PUBLISHED
    assert n["awaiting"] == pub.PIPELINE_AWAITING
    assert n["in progress"] == pub.PIPELINE_IN_PROGRESS


def test_the_key_figures_repeat_the_published_pipeline(key_figures, table):
    flow = key_figures["lcspr_pipeline"]
    assert flow["as_at_date"] == "2021-12-31" and flow["available"] is True
    assert flow["n_initiated"] == pub.PIPELINE_INITIATED
    assert flow["n_completed"] == pub.PIPELINE_COMPLETED
    assert flow["pct_completed"] == pub.PCT_PIPELINE_COMPLETED
    assert flow["pct_completed_of"] == "initiated"
    assert flow["completed_by_year_counts"] == pub.PIPELINE_RECEIVED_BY_YEAR
    assert flow["n_published"] == pub.PIPELINE_PUBLISHED
    assert flow["n_not_to_be_published"] == pub.PIPELINE_NOT_TO_BE_PUBLISHED
    assert flow["n_awaiting"] == pub.PIPELINE_AWAITING
    assert flow["n_in_progress"] == pub.PIPELINE_IN_PROGRESS
    written = table("review_pipeline").set_index("stage")["n"]
    assert int(written["in progress"]) == pub.PIPELINE_IN_PROGRESS


def register(**columns) -> pd.DataFrame:
    """Three commissioned rapid reviews and one not commissioned, as a clean register."""
    frame = pd.DataFrame(
        {
            "rr_id": ["R1", "R2", "R3", "R4"],
            "sin_id": ["S1", "S2", "S3", "S4"],
            "rr_date": pd.to_datetime(["2020-01-10", "2020-06-01", "2021-03-01", "2021-04-01"]),
            "lcspr_decision": ["commissioned", "commissioned", "commissioned", "not commissioned"],
            "lcspr_received_date": pd.to_datetime(["2021-02-01", "2022-01-15", None, None]),
            "lcspr_publication": ["published", None, None, None],
        }
    )
    frame.attrs["pipeline_columns"] = list(columns.get("present", pipeline.PIPELINE_COLUMNS))
    return frame


def test_a_date_after_the_as_at_date_is_open_and_the_schedule_wins():
    # R2 was received after the as-at date: open. R3's LCSPR is in the cohort,
    # submitted 2021-11-30 though the register has no received date: the schedule wins.
    lcsprs = pd.DataFrame({"rr_id": ["R3"], "date_submitted": pd.to_datetime(["2021-11-30"])})
    follow = pipeline.follow_up(register(), lcsprs, AS_AT).set_index("rr_id")
    assert list(follow.index) == ["R1", "R2", "R3"], "R4 was not commissioned"
    assert follow["completed"].to_dict() == {"R1": True, "R2": False, "R3": True}
    assert follow["received_late"].to_dict() == {"R1": False, "R2": True, "R3": False}
    assert bool(follow.at["R3", "from_schedule"])
    # Days to receipt, or to the as-at date when open.
    assert follow.at["R1", "days"] == (pd.Timestamp("2021-02-01") - pd.Timestamp("2020-01-10")).days
    assert follow.at["R2", "days"] == (pd.Timestamp(AS_AT) - pd.Timestamp("2020-06-01")).days
    table = pipeline.pipeline_table("p", register(), lcsprs, AS_AT, "half_up")
    n = counts(table)
    assert (n["initiated"], n["completed"], n["received 2021"]) == (3, 2, 2)
    # R3's blank status counts as awaiting; in progress = 3 - 1 published - 0.
    assert (n["published"], n["awaiting"], n["in progress"]) == (1, 1, 2)
    assert any("received after 31 December 2021" in note for note in table.notes)
    assert any("coding schedule's date is used" in note for note in table.notes)


def test_without_the_columns_every_figure_but_initiated_is_not_available():
    rapid_reviews = register(present=())
    table = pipeline.pipeline_table("p", rapid_reviews, None, AS_AT, "half_up")
    shown = dict(zip(table.frame["stage"], table.frame["display"], strict=True))
    assert shown.pop("initiated") == "3"
    assert set(shown.values()) == {pipeline.NOT_AVAILABLE}
    assert any(note.startswith("Not available") for note in table.notes)
    figures = pipeline.pipeline_key_figures(table.frame, AS_AT)["lcspr_pipeline"]
    assert figures["available"] is False and figures["n_completed"] is None


def test_without_publication_the_completed_are_still_counted():
    table = pipeline.pipeline_table(
        "p", register(present=("lcspr_received_date",)), None, AS_AT, "half_up"
    )
    shown = dict(zip(table.frame["stage"], table.frame["display"], strict=True))
    assert shown["completed"] == "1 (33%)"
    assert shown["published"] == shown["in progress"] == pipeline.NOT_AVAILABLE


def test_the_time_to_lcspr_chart_says_its_numbers_and_draws_the_same_bytes(bundled_run):
    from lcspr_stats.figures import draw_charts
    from lcspr_stats.publish import read_key_figures, read_labels, read_release_tables
    from lcspr_stats.settings import Settings

    folder = bundled_run / "tables"
    tables = read_release_tables(folder, folder / "contents.csv", folder / "notes.csv")
    figures = read_key_figures(bundled_run / "key_figures.json")
    settings = Settings.from_config(load_default_config())

    def draw():
        charts = draw_charts(tables, read_labels(settings, 2021), figures, "Source", 60)
        return [c for c in charts if c[0].name == "time_to_lcspr"][0]

    chart, png, svg = draw()
    alt = chart.alt_text
    assert "of the 372 LCSPRs initiated" in alt
    assert "Median: 106.1 weeks (95% interval 94.3 to 119.0), against 58 weeks" in alt
    assert "Completed within 26 weeks: 2.1% (95% interval 1.0 to 4.4)" in alt
    assert "300 at 26 weeks, 178 at 52 weeks and 40 at 104 weeks" in alt
    assert "26-week requirement" in alt
    again = draw()
    assert (png, svg) == (again[1], again[2])
