"""Unit tests of the derivations: rounding, weeks, working days, bands, groups, exclusions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lcspr_stats import derive
from lcspr_stats.settings import AgeBand, EthnicityCode, Exclusion

D = pd.Timestamp


def test_half_up_rounds_twelve_and_a_half_to_thirteen():
    assert derive.round_half_up(1, 8) == 13  # 12.5%
    assert derive.percent(1, 8, "half_up") == 13
    assert derive.percent(1, 8, "half_even") == 12
    assert derive.percent(3, 8, "half_even") == 38  # 37.5 -> 38 (even)


@pytest.mark.parametrize(
    "n, d, expected",
    [
        (52, 81, 64),
        (33, 84, 39),
        (51, 84, 61),
        (25, 82, 30),
        (5, 75, 7),
        (42, 76, 55),
        (185, 456, 41),
    ],
)
def test_report_percentages(n, d, expected):
    assert derive.percent(n, d) == expected


def test_percent_of_nothing_is_none():
    assert derive.percent(0, 0) is None


@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_half_up_matches_decimal(n, d):
    from decimal import ROUND_HALF_UP, Decimal

    n = n % (d + 1)  # a share: 0 <= n <= d
    expected = int((Decimal(100 * n) / Decimal(d)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert derive.round_half_up(n, d) == expected


def test_completed_weeks_floor_days():
    start = pd.Series([D("2021-01-01")] * 4)
    end = pd.Series([D("2021-01-01"), D("2021-01-07"), D("2021-01-08"), pd.NaT])
    weeks = derive.weeks_between(start, end, "completed")
    assert weeks.tolist()[:3] == [0, 0, 1]
    assert weeks.isna().tolist() == [False, False, False, True]


def test_exact_weeks():
    weeks = derive.weeks_between(
        pd.Series([D("2021-01-01")]), pd.Series([D("2021-01-11")]), "exact"
    )
    assert float(weeks.iloc[0]) == pytest.approx(1.43)


def test_working_days_skip_christmas_bank_holidays():
    # Fri 24 Dec 2021 to Wed 29 Dec 2021: the weekend and the substitute bank
    # holidays on Mon 27 and Tue 28 leave one working day (the 24th).
    days = derive.working_days(pd.Series([D("2021-12-24")]), pd.Series([D("2021-12-29")]))
    assert days.iloc[0] == 1


def test_working_days_across_easter():
    # Thu 1 Apr 2021 to Thu 8 Apr 2021: Good Friday (2nd) and Easter Monday (5th) are holidays.
    days = derive.working_days(pd.Series([D("2021-04-01")]), pd.Series([D("2021-04-08")]))
    assert days.iloc[0] == 3  # Thu 1, Tue 6, Wed 7


def test_working_days_missing_or_reversed_dates_are_missing():
    days = derive.working_days(
        pd.Series([D("2021-03-10"), pd.NaT]), pd.Series([D("2021-03-01"), D("2021-03-01")])
    )
    assert days.isna().all()


@given(
    st.dates(
        min_value=pd.Timestamp("2015-01-01").date(), max_value=pd.Timestamp("2025-12-31").date()
    ),
    st.integers(0, 400),
)
def test_working_days_equal_a_day_by_day_count(start, length):
    start = D(start)
    end = start + pd.Timedelta(days=length)
    holidays = set(derive.bank_holidays(start.year, end.year).astype("datetime64[D]").tolist())
    by_hand = sum(
        1
        for day in pd.date_range(start, end, inclusive="left")
        if day.weekday() < 5 and day.date() not in holidays
    )
    assert derive.working_days(pd.Series([start]), pd.Series([end])).iloc[0] == by_hand


BANDS = [
    AgeBand("Under 1", 0, 0),
    AgeBand("1-5", 1, 5),
    AgeBand("6-10", 6, 10),
    AgeBand("11-15", 11, 15),
    AgeBand("16+", 16, 17),
]


def test_age_bands():
    ages = pd.Series([0, 1, 5, 6, 10, 11, 15, 16, 17, None], dtype="Int64")
    bands = derive.age_band(ages, BANDS)
    assert bands.astype(object).tolist()[:9] == [
        "Under 1",
        "1-5",
        "1-5",
        "6-10",
        "6-10",
        "11-15",
        "11-15",
        "16+",
        "16+",
    ]
    assert pd.isna(bands.iloc[9])


def test_ethnic_groups_blank_is_not_known():
    book = {
        "WBRI": EthnicityCode("White - British", "White British"),
        "NOBT": EthnicityCode("Information not yet obtained", "Not known"),
    }
    groups = derive.ethnic_group(pd.Series(["WBRI", None, "NOBT"], dtype="string"), book)
    assert groups.tolist() == ["White British", "Not known", "Not known"]


def test_exclusions_mark_only_their_statistic():
    frame = pd.DataFrame({"lcspr_id": ["A", "B"]})
    out = derive.apply_exclusions(frame, [Exclusion("A", "incident_to_rr", "why")])
    assert out["excluded_incident_to_rr"].tolist()[0] == "why"
    assert out["excluded_rr_to_lcspr"].isna().all()
    assert np.all(pd.isna(out["excluded_incident_to_rr"].iloc[1:]))


# --- properties ------------------------------------------------------------------------

DATES = st.dates(
    min_value=pd.Timestamp("2015-01-01").date(), max_value=pd.Timestamp("2026-12-31").date()
)


@given(DATES, st.integers(0, 2000))
def test_completed_weeks_are_whole_weeks_of_ordered_dates(start, days):
    start = D(start)
    end = start + pd.Timedelta(days=days)
    weeks = derive.weeks_between(pd.Series([start]), pd.Series([end]), "completed").iloc[0]
    assert weeks >= 0
    assert 7 * weeks <= days < 7 * (weeks + 1)
    exact = derive.weeks_between(pd.Series([start]), pd.Series([end]), "exact").iloc[0]
    assert float(exact) == pytest.approx(round(days / 7, 2))
    assert weeks <= float(exact) < weeks + 1


@given(DATES, st.integers(0, 400), st.integers(0, 30))
def test_working_days_are_never_negative_and_grow_with_the_end_date(start, days, more):
    start = D(start)
    end = start + pd.Timedelta(days=days)
    later = end + pd.Timedelta(days=more)
    counts = derive.working_days(pd.Series([start, start]), pd.Series([end, later]))
    assert 0 <= counts.iloc[0] <= days  # at most one working day per calendar day
    assert counts.iloc[0] <= counts.iloc[1] <= counts.iloc[0] + more


@given(st.integers(-5, 25))
def test_every_age_of_a_child_is_in_exactly_one_band(age):
    band = derive.age_band(pd.Series([age], dtype="Int64"), BANDS).iloc[0]
    holding = [b.label for b in BANDS if b.min <= age <= b.max]
    if 0 <= age <= 17:
        assert holding == [band]
    else:
        assert holding == [] and pd.isna(band)


@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_percentages_are_whole_numbers_from_0_to_100(n, d):
    n = n % (d + 1)
    for rounding in ("half_up", "half_even"):
        pct = derive.percent(n, d, rounding)
        assert isinstance(pct, int) and 0 <= pct <= 100
        assert abs(pct - 100 * n / d) <= 0.5
