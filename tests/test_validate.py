"""Unit tests of the contract checks: fatal errors and per-value data-quality rows."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import load_default_config
from tiny_cohort import tiny_frames

from lcspr_stats.errors import InputError
from lcspr_stats.io import SourceTable, normalise_header
from lcspr_stats.settings import Settings
from lcspr_stats.validate import clean_source

SETTINGS = Settings.from_config(load_default_config())
ROOT = Path(__file__).resolve().parents[1]


def table_of(frame: pd.DataFrame, sheet: str = "sins") -> SourceTable:
    frame = frame.copy()
    original = {normalise_header(c): str(c) for c in frame.columns}
    frame.columns = [normalise_header(c) for c in frame.columns]
    return SourceTable(
        frame=frame.astype(object), file="in.xlsx", sheet=sheet, original_columns=original
    )


def test_clean_sins_normalises_codes():
    frame, quality = clean_source(table_of(tiny_frames()["sin_register"]), "sin_register", SETTINGS)
    assert quality.empty
    assert frame["incident_type"].tolist()[0] == "death"
    assert frame["child_sex"].tolist()[0] == "female"
    assert frame["child_ethnicity"].tolist()[0] == "MWAS"
    assert frame["source_row"].tolist() == [2, 3, 4, 5]


def test_headers_match_ignoring_case_and_spaces():
    sins = tiny_frames()["sin_register"].rename(
        columns={"sin_id": " SIN ID ", "incident_date": "Incident Date"}
    )
    frame, _ = clean_source(table_of(sins), "sin_register", SETTINGS)
    assert frame["sin_id"].tolist()[0] == "S1"


def test_missing_required_column_is_fatal_and_named():
    sins = tiny_frames()["sin_register"].drop(columns=["notification_date"])
    with pytest.raises(InputError) as error:
        clean_source(table_of(sins), "sin_register", SETTINGS)
    message = str(error.value)
    assert "file 'in.xlsx'" in message and "sheet 'sins'" in message
    assert "column 'notification_date'" in message and "expected the columns" in message


def test_duplicate_id_names_both_rows():
    sins = tiny_frames()["sin_register"]
    sins.loc[3, "sin_id"] = "S1"
    with pytest.raises(InputError) as error:
        clean_source(table_of(sins), "sin_register", SETTINGS)
    assert str(error.value) == (
        "file 'in.xlsx', sheet 'sins', column 'sin_id': duplicate id in rows 2 and 5; "
        "each sin_id must be unique"
    )
    assert "S1" not in str(error.value)  # ids stay out of messages and logs


def test_bad_values_keep_the_row_and_are_reported():
    sins = tiny_frames()["sin_register"].astype(object)
    sins.loc[0, "child_age_years"] = 19
    sins.loc[1, "incident_type"] = "explosion"
    sins.loc[2, "notification_date"] = "not a date"
    sins.loc[3, "notification_date"] = pd.Timestamp("2019-04-01")  # before its incident
    frame, quality = clean_source(table_of(sins), "sin_register", SETTINGS)
    assert len(frame) == 4
    found = {(r.row, r.column, r.rule) for r in quality.itertuples()}
    assert (2, "child_age_years", "out of range 0-17") in found
    assert (3, "incident_type", "unknown code") in found
    assert (4, "notification_date", "unparseable date") in found
    assert (5, "incident_date", "notification before incident") in found
    assert pd.isna(frame.loc[0, "child_age_years"])
    assert pd.isna(frame.loc[1, "incident_type"])
    assert pd.isna(frame.loc[3, "incident_date"])
    bad_age = quality.loc[quality["column"] == "child_age_years"].iloc[0]
    assert (bad_age["file"], bad_age["sheet"], bad_age["value"]) == ("in.xlsx", "sins", "19")


def test_validation_leaves_hypothesis_unimported_and_importable():
    # Assumes hypothesis is installed (it is a test tool in the pinned environment):
    # in a fresh process, a validation that finds bad values runs without it, and it
    # can still be imported afterwards.
    code = """
import sys
sys.path.insert(0, "tests")
import yaml
from tiny_cohort import tiny_frames
from lcspr_stats.io import SourceTable, normalise_header
from lcspr_stats.settings import Settings
from lcspr_stats.validate import clean_source
sins = tiny_frames()["sin_register"].astype(object)
sins.loc[1, "incident_type"] = "explosion"
original = {normalise_header(c): str(c) for c in sins.columns}
sins.columns = [normalise_header(c) for c in sins.columns]
table = SourceTable(frame=sins, file="in.xlsx", sheet="sins", original_columns=original)
settings = Settings.from_config(yaml.safe_load(open("config.yaml", encoding="utf-8")))
assert "hypothesis" not in sys.modules
frame, quality = clean_source(table, "sin_register", settings)
assert "unknown code" in set(quality["rule"]), quality
assert "hypothesis" not in sys.modules
import hypothesis.strategies
print("ok")
"""
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_harm_category_must_belong_to_incident_type():
    reviews = tiny_frames()["reviews"]
    reviews.loc[0, "harm_category"] = "neglect"  # a death coded with a serious-harm category
    frame, quality = clean_source(table_of(reviews, "reviews"), "reviews", SETTINGS)
    rules = set(quality["rule"])
    assert "harm category not of the incident type" in rules
    assert pd.isna(frame.loc[0, "harm_category"])


def test_unknown_extra_column_reported_not_fatal():
    sins = tiny_frames()["sin_register"].assign(notes="free text")
    frame, quality = clean_source(table_of(sins), "sin_register", SETTINGS)
    assert "notes" not in frame.columns
    assert quality.loc[0, "rule"] == "unknown column"
    assert quality.loc[0, "column"] == "notes"
