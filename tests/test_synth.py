"""Tests of the synthetic cohort generator (lcspr_stats.synth)."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lcspr_stats import cli, synth

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "data" / "raw" / "synthetic_2021"


@pytest.fixture(scope="module")
def profile() -> dict:
    return synth.load_profile("2021")


@pytest.fixture(scope="module")
def frames(profile) -> dict[str, pd.DataFrame]:
    return synth.generate(profile, seed=2021)


def test_same_seed_gives_equal_frames(profile, frames):
    again = synth.generate(profile, seed=2021)
    assert list(again) == ["sins", "rapid_reviews", "reviews", "children"]
    for key, frame in frames.items():
        pd.testing.assert_frame_equal(frame, again[key])


def test_another_seed_gives_another_cohort_with_the_same_figures(profile, frames):
    other = synth.generate(profile, seed=7)
    assert not other["sins"].equals(frames["sins"])
    first, second = (synth.compute_figures(f, profile) for f in (frames, other))
    for key in set(profile["targets"]) - synth.PARTIAL_TARGETS:
        assert first[key] == second[key], key


def test_regenerated_files_are_byte_identical_to_committed(frames, tmp_path):
    written = synth.write_cohort(frames, tmp_path)
    assert sorted(p.name for p in written) == sorted(synth.FILES)
    for path in written:
        committed = COMMITTED / path.name
        assert committed.exists(), f"{committed} is missing: run make synth"
        assert path.read_bytes() == committed.read_bytes(), (
            f"{path.name} differs from the committed file: run make synth"
        )


def test_command_line_writes_the_same_files(tmp_path):
    # As `make synth` runs it (into a fresh folder, so without --force).
    assert cli.main(["synth", "--profile", "2021", "--seed", "2021", str(tmp_path)]) == 0
    for name in synth.FILES:
        assert (tmp_path / name).read_bytes() == (COMMITTED / name).read_bytes()


def test_columns_and_types_follow_the_contract(frames):
    assert list(frames["sins"].columns) == synth.SIN_COLUMNS
    assert list(frames["rapid_reviews"].columns) == synth.RR_COLUMNS
    assert list(frames["reviews"].columns) == synth.REVIEW_COLUMNS
    assert list(frames["children"].columns) == synth.CHILD_COLUMNS
    for key, column in [
        ("sins", "incident_date"),
        ("sins", "notification_date"),
        ("rapid_reviews", "rr_date"),
        ("reviews", "date_submitted"),
    ]:
        assert pd.api.types.is_datetime64_any_dtype(frames[key][column]), (key, column)
    assert frames["sins"]["child_age_years"].dtype == "Int64"
    assert frames["children"]["age_years"].dtype == "Int64"
    yes_no = ["in_subsample", "in_race_subsample", *synth.THEME_COLUMNS]
    assert frames["reviews"][yes_no].isin(["yes", "no"]).all().all()
    assert frames["children"]["is_index_child"].isin(["yes", "no"]).all()
    assert frames["reviews"]["lcspr_id"].tolist() == [f"LCSPR-2021-{i:03d}" for i in range(1, 85)]
    assert frames["sins"]["sin_id"].str.fullmatch(r"SIN-\d{6}").all()
    assert frames["rapid_reviews"]["rr_id"].str.fullmatch(r"RR-\d{6}").all()
    assert frames["sins"]["partnership"].str.startswith("Synthetic Partnership ").all()


def test_committed_files_read_back_as_spreadsheet_dates_and_blanks(frames):
    path = COMMITTED / "lcspr_coding_schedule.xlsx"
    children = pd.read_excel(path, sheet_name="children", engine="calamine")
    reviews = pd.read_excel(path, sheet_name="reviews", engine="calamine")
    assert pd.api.types.is_datetime64_any_dtype(reviews["date_submitted"])
    assert (reviews["date_submitted"] == frames["reviews"]["date_submitted"]).all()
    # Blank cells stay blank: index values left to the SIN, children without a SIN.
    assert children["ethnicity"].isna().sum() == frames["children"]["ethnicity"].isna().sum()
    assert children["sin_id"].isna().sum() == frames["children"]["sin_id"].isna().sum()


def test_dates_are_ordered(frames):
    sins = frames["sins"].set_index("sin_id")
    rrs = frames["rapid_reviews"].set_index("sin_id")
    reviews = frames["reviews"].set_index("lcspr_id")
    assert (reviews["date_submitted"].dt.year == 2021).all()

    index = frames["children"].loc[frames["children"]["is_index_child"] == "yes"]
    linked = index.dropna(subset=["sin_id"]).join(sins, on="sin_id").join(rrs, on="sin_id")
    linked = linked.join(reviews["date_submitted"], on="lcspr_id")
    with_rr = linked.dropna(subset=["rr_date"])
    assert len(linked) == 81 and len(with_rr) == 77
    assert (linked["incident_date"] <= linked["notification_date"]).all()
    assert (with_rr["notification_date"] <= with_rr["rr_date"]).all()
    assert (with_rr["rr_date"] <= with_rr["date_submitted"]).all()

    # The whole registers: notification not before incident, nor after its RR.
    all_sins = frames["sins"]
    known = all_sins["incident_date"].notna()
    assert (all_sins.loc[known, "notification_date"] >= all_sins.loc[known, "incident_date"]).all()
    every_rr = frames["rapid_reviews"].join(sins, on="sin_id")
    assert (every_rr["notification_date"] <= every_rr["rr_date"]).all()
    assert np.is_busday(frames["rapid_reviews"]["rr_date"].to_numpy().astype("datetime64[D]")).all()


def test_calibration_figures(frames, profile):
    reviews, children, rrs = frames["reviews"], frames["children"], frames["rapid_reviews"]
    assert len(reviews) == 84
    assert len(children) == 141 == reviews["n_children"].sum()
    assert reviews["incident_type"].value_counts().to_dict() == {"serious harm": 51, "death": 33}
    year = rrs["rr_date"].dt.year
    commissioned = rrs["lcspr_decision"] == "commissioned"
    assert (year == 2020).sum() == 456 and (commissioned & (year == 2020)).sum() == 185
    assert (year == 2021).sum() == 433 and (commissioned & (year == 2021)).sum() == 134
    assert rrs["sin_id"].is_unique

    figures = synth.check_calibration(frames, profile)
    assert figures["incident_year_counts"] == {2017: 1, 2018: 2, 2019: 25, 2020: 52, 2021: 1}
    assert figures["incident_to_rr_weeks"] == {
        "n": 76,
        "median": 3.0,
        "min": 0,
        "max": 57,
        "range": 57,
    }
    assert figures["rr_to_lcspr_weeks"] == {
        "n": 75,
        "median": 58.0,
        "min": 5,
        "max": 145,
        "range": 140,
    }
    assert figures["n_rr_within_15_working_days"] == 42
    assert figures["n_lcspr_within_26_weeks"] == 5
    assert figures["age_band_counts"] == {
        "Under 1": 25,
        "1-5": 11,
        "6-10": 6,
        "11-15": 17,
        "16+": 23,
    }
    assert figures["n_published"] == 66
    assert figures["race_subsample"]["group_counts"] == {
        "Black and other minoritised": 27,
        "White British": 1,
        "White Other": 2,
    }


def test_a_broken_cohort_fails_loudly(frames, profile):
    broken = dict(frames)
    broken["reviews"] = frames["reviews"].copy()
    broken["reviews"].loc[0, "published"] = "not published"
    with pytest.raises(synth.CalibrationError, match="n_published"):
        synth.check_calibration(broken, profile)


def test_a_profile_the_design_cannot_meet_fails_loudly(profile):
    changed = copy.deepcopy(profile)
    changed["targets"]["n_published"] = 67
    with pytest.raises(synth.CalibrationError, match="n_published: expected 67, got 66"):
        synth.generate(changed, seed=2021)


# --- other years ---------------------------------------------------------------


@pytest.fixture(scope="module")
def cohort_2022() -> dict[str, pd.DataFrame]:
    return synth.generate_year(2022, seed=3)


def test_another_year_is_a_cohort_of_that_year(cohort_2022):
    reviews = cohort_2022["reviews"]
    assert (reviews["date_submitted"].dt.year == 2022).all()
    n = len(reviews)
    assert 59 <= n <= 84
    assert reviews["lcspr_id"].tolist() == [f"LCSPR-2022-{i:03d}" for i in range(1, n + 1)]
    children = cohort_2022["children"]
    assert set(children["lcspr_id"]) == set(reviews["lcspr_id"])
    assert len(children) == reviews["n_children"].sum()
    assert list(reviews.columns) == synth.REVIEW_COLUMNS
    assert list(cohort_2022["sins"].columns) == synth.SIN_COLUMNS


def test_another_year_has_registers_for_table_2(cohort_2022):
    received = cohort_2022["rapid_reviews"]["rr_date"].dt.year.value_counts()
    assert received[2021] > 300 and received[2022] > 300
    # Every index child's rapid review precedes its LCSPR, as in the 2021 cohort.
    index = cohort_2022["children"].query("is_index_child == 'yes'").dropna(subset=["sin_id"])
    linked = index.join(cohort_2022["rapid_reviews"].set_index("sin_id"), on="sin_id")
    linked = linked.join(cohort_2022["reviews"].set_index("lcspr_id"), on="lcspr_id")
    assert (
        linked["rr_date"].dropna() <= linked.loc[linked["rr_date"].notna(), "date_submitted"]
    ).all()


def test_another_year_depends_on_its_seed_only(cohort_2022):
    again = synth.generate_year(2022, seed=3)
    for key, frame in cohort_2022.items():
        pd.testing.assert_frame_equal(frame, again[key])
    other = synth.generate_year(2022, seed=4)
    assert not other["reviews"].equals(cohort_2022["reviews"])


def test_deriving_a_profile_moves_dates_and_leaves_the_calibrated_one_alone(profile):
    before = copy.deepcopy(profile)
    derived = synth.derive_profile(2024, seed=1, base=profile)
    assert profile == before
    assert derived["cohort_year"] == 2024
    assert set(derived["targets"]["incident_year_counts"]) == {2020, 2021, 2022, 2023, 2024}
    assert set(derived["targets"]["rapid_reviews_by_year"]) == {2023, 2024}
    assert derived["rules"]["exclusions"]["incident_to_rr"] == ["LCSPR-2024-001"]
    window = derived["design"]["timeline"]["special_cases"]["LCSPR-2024-001"]["rr_window"]
    assert [str(d) for d in window] == ["2022-05-01", "2022-05-31"]


def test_another_year_reads_cleanly_through_the_pipeline_checks(cohort_2022, tmp_path):
    from conftest import load_default_config

    from lcspr_stats.check import check_inputs
    from lcspr_stats.config import check_config

    synth.write_cohort(cohort_2022, tmp_path)
    config = check_config(load_default_config())
    config["exclusions"] = []
    # The as-at date defaults to 31 December of the latest cohort: this cohort's.
    config["cohorts"] = [2022]
    for source, name in (
        ("sin_register", "sin_register.xlsx"),
        ("rapid_review_register", "rapid_review_register.xlsx"),
        ("reviews", "lcspr_coding_schedule.xlsx"),
        ("children", "lcspr_coding_schedule.xlsx"),
    ):
        config["inputs"][source]["path"] = str(tmp_path / name)
    result = check_inputs(config, 2022)
    assert len(result.cohort.lcsprs) == len(cohort_2022["reviews"])
    assert result.quality.empty, result.quality.head().to_string()
