"""Unit tests of cell parsing: dates in every spreadsheet form, numbers, codes, yes/no."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from lcspr_stats import clean
from lcspr_stats.settings import EthnicityCode


def test_dates_in_every_form():
    cells = pd.Series(
        [
            dt.datetime(2021, 3, 4, 15, 30),
            44259,
            "44259",
            "2021-03-04",
            "04/03/2021",
            " 4/3/2021 ",
            None,
            "",
        ],
        dtype=object,
    )
    dates, bad = clean.parse_dates(cells)
    assert dates.iloc[:6].tolist() == [pd.Timestamp("2021-03-04")] * 6
    assert dates.iloc[6:].isna().all()
    assert not bad.any()


def test_uk_dates_are_day_first_unless_configured():
    cells = pd.Series(["01/02/2021"], dtype=object)
    assert clean.parse_dates(cells)[0].iloc[0] == pd.Timestamp("2021-02-01")
    assert clean.parse_dates(cells, dayfirst=False)[0].iloc[0] == pd.Timestamp("2021-01-02")


def test_unparseable_dates_are_flagged():
    cells = pd.Series(["31/02/2021", "soon", 12], dtype=object)
    dates, bad = clean.parse_dates(cells)
    assert dates.isna().all()
    assert bad.tolist() == [True, True, True]


def test_integers():
    values, bad = clean.parse_integers(
        pd.Series([3, 3.0, "3", " 4 ", 2.5, "x", None], dtype=object)
    )
    assert values.iloc[:4].tolist() == [3, 3, 3, 4]
    assert bad.tolist() == [False, False, False, False, True, True, False]


def test_codes_normalised():
    codes = clean.normalise_code(pd.Series(["  Serious   HARM ", "M", None]), {"m": "male"})
    assert codes.iloc[:2].tolist() == ["serious harm", "male"]
    assert pd.isna(codes.iloc[2])


def test_yes_no_variants():
    values, bad = clean.parse_yes_no(
        pd.Series(["Yes", "y", "TRUE", 1, "no", "N", 0, None, "maybe"], dtype=object),
        ["yes", "y", "true", "1", "x"],
        ["no", "n", "false", "0"],
    )
    assert values.iloc[:7].tolist() == [True, True, True, True, False, False, False]
    assert pd.isna(values.iloc[7])
    assert bad.tolist() == [False] * 8 + [True]


def test_ethnicity_labels_and_codes():
    book = {
        "WBRI": EthnicityCode("White - British", "White British"),
        "BAFR": EthnicityCode("Black - African", "Black/Black British"),
    }
    codes = clean.normalise_ethnicity(
        pd.Series(["wbri", "Black  - African", "Martian", None]), book
    )
    assert codes.iloc[:3].tolist() == ["WBRI", "BAFR", "MARTIAN"]
    assert pd.isna(codes.iloc[3])
