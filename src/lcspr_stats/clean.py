"""Parsing cells into typed values: dates, whole numbers, codes, yes/no (vectorised)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from .settings import EthnicityCode

# Excel's day zero: serial 1 is 1900-01-01 once its 1900 leap-year bug is allowed for.
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# Serials outside this range are not plausible dates for this data (1950-2100).
EXCEL_SERIAL_MIN, EXCEL_SERIAL_MAX = 18264, 73051
# The default plausible years of any date (config: plausible_dates).
PLAUSIBLE_YEARS = (1950, 2100)
# The largest serial Excel has: 31/12/9999. Beyond it a number is no date at all.
EXCEL_SERIAL_LAST = 2958465

ISO_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d")
DAY_FIRST_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%d %B %Y", "%d %b %Y")
MONTH_FIRST_FORMATS = ("%m/%d/%Y", "%m-%d-%Y", "%m.%d.%Y", "%m/%d/%y", "%B %d %Y", "%b %d %Y")


def per_distinct_value(function: Callable) -> Callable:
    """Run a cell-wise parser once per distinct value and spread the result back.

    A register of a million rows holds a few thousand distinct dates and a
    handful of codes, so parsing the distinct values (``pandas.factorize``,
    hashed in C) instead of every cell keeps the cost in proportion to the
    variety of the data, not its length. The function must treat each cell
    on its own (no look at neighbours); it may return a Series or a tuple of
    Series aligned with its input.
    """

    @functools.wraps(function)
    def wrapper(series: pd.Series, *args, **kwargs):
        codes, uniques = pd.factorize(series, use_na_sentinel=False)
        result = function(pd.Series(uniques), *args, **kwargs)

        def spread(part: pd.Series) -> pd.Series:
            return pd.Series(part.array.take(codes), index=series.index, name=series.name)

        return tuple(spread(p) for p in result) if isinstance(result, tuple) else spread(result)

    return wrapper


# What ``pandas.api.types.infer_dtype`` calls a column holding no text: its only blank
# cells are the missing ones.
NO_TEXT_KINDS = frozenset(
    {
        "empty",
        "floating",
        "integer",
        "mixed-integer-float",
        "decimal",
        "complex",
        "boolean",
        "datetime64",
        "datetime",
        "date",
        "timedelta64",
        "timedelta",
        "time",
        "period",
        "interval",
    }
)


def blank_mask(series: pd.Series) -> pd.Series:
    """True where a cell is empty: missing, or text of only spaces.

    A column as read holds Python objects. Telling what kinds they are is one
    pass in C (``infer_dtype``), so a column of numbers or dates is judged by
    its missing cells alone, and one of text only is trimmed as a whole; only
    a column that mixes text with other kinds is judged per distinct value.
    """
    if series.dtype == object:
        kind = pd.api.types.infer_dtype(series, skipna=True)
        if kind in NO_TEXT_KINDS:
            return series.isna()
        if kind == "string":
            return _blank_text(series)
    return _blank_distinct(series)


def all_blank(series: pd.Series) -> bool:
    """True if every cell of ``series`` is empty (:func:`blank_mask`).

    A column usually has a value in one of its first filled cells, which
    settles it without judging the rest.
    """
    filled = np.flatnonzero(series.notna().to_numpy(dtype=bool))
    if not len(filled):
        return True
    if not blank_mask(series.iloc[filled[:1]]).iloc[0]:
        return False
    return bool(blank_mask(series).all())


def _blank_text(series: pd.Series) -> pd.Series:
    text = series.astype("string")
    return text.isna() | (text.str.strip() == "")


_blank_distinct = per_distinct_value(_blank_text)


def normalise_text(series: pd.Series) -> pd.Series:
    """Trim text; blank cells become missing. Whole numbers lose a trailing ``.0``."""
    text = series.astype("string").str.strip()
    # The pattern can only match text ending ".0": a test for that (one pass in C)
    # spares a million ids the regular expression when none does.
    if text.str.endswith(".0").any():
        text = text.str.replace(r"^(-?\d+)\.0$", r"\1", regex=True)
    return text.mask(text == "")


@per_distinct_value
def normalise_code(series: pd.Series, synonyms: dict[str, str] | None = None) -> pd.Series:
    """Lower-case a coded column, fold repeated spaces, map known variants.

    >>> normalise_code(pd.Series(["  Serious   Harm", "M"]), {"m": "male"}).tolist()
    ['serious harm', 'male']
    """
    text = normalise_text(series).str.lower().str.replace(r"\s+", " ", regex=True)
    if synonyms:
        mapping = {k.strip().lower(): v for k, v in synonyms.items()}
        text = text.replace(mapping)
    return text


def date_rule(years: tuple[int, int] = PLAUSIBLE_YEARS) -> str:
    """The data-quality rule of a date outside the plausible years: ``date outside 1950-2100``."""
    return f"date outside {years[0]}-{years[1]}"


@per_distinct_value
def read_dates(
    series: pd.Series, *, dayfirst: bool = True, years: tuple[int, int] = PLAUSIBLE_YEARS
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Read dates in any storage, then apply one plausibility rule to all of them.

    A real spreadsheet date, an Excel serial number and a text date are all
    turned into a calendar day first, and every day outside ``years`` is
    implausible, whatever its storage: the number 1 formatted as a date
    (Excel shows 01/01/1900, what a formula pointing at a blank cell gives),
    a placeholder 31/12/9999, a typo 12/03/3021. Days beyond pandas' range
    (before 1677 or after 2262) are found the same way, never by overflow.
    The earliest plausible year is never before 1901 (the schema's minimum),
    so Excel's non-existent 29/02/1900 is always implausible too.

    Parameters
    ----------
    series : pandas.Series
        Cells as read.
    dayfirst : bool, default True
        Read ``04/03/2021`` as 4 March (True) or 3 April (False).
    years : (int, int)
        The earliest and latest plausible years (config ``plausible_dates``).

    Returns
    -------
    dates : pandas.Series
        ``datetime64[ns]``, missing where blank, unreadable or implausible.
    unreadable : pandas.Series
        True where a non-blank cell is no date at all.
    implausible : pandas.Series
        True where a cell is a date outside ``years``.
    """
    earliest, latest = years
    blank = blank_mask(series)
    if pd.api.types.is_datetime64_any_dtype(series):
        dates = pd.to_datetime(series).dt.tz_localize(None).astype("datetime64[ns]")
        implausible = dates.notna() & ~dates.dt.year.between(earliest, latest)
        unreadable = pd.Series(False, index=series.index)
        return dates.mask(implausible).dt.normalize(), unreadable, implausible
    days = series.map(_calendar_day)
    is_day = days.map(lambda d: isinstance(d, dt.date)).astype(bool)
    dates, unreadable = _parse_dates(series.where(~is_day), dayfirst=dayfirst)
    unreadable = unreadable.astype(bool)
    is_text = series.map(lambda v: isinstance(v, str)).astype(bool)
    text_days = unreadable & ~is_day & is_text
    if text_days.any():
        # Text a format reads but pandas cannot hold (31/12/9999): a day all the same.
        late = series[text_days].map(lambda v: _text_day(v, dayfirst))
        days = days.where(~text_days, late)
        is_day = days.map(lambda d: isinstance(d, dt.date)).astype(bool)
    year = days.map(lambda d: d.year if isinstance(d, dt.date) else np.nan).astype(float)
    in_years = is_day & year.between(earliest, latest)
    implausible = is_day & ~in_years
    if in_years.any():
        dates[in_years] = pd.to_datetime(
            days[in_years].map(lambda d: dt.datetime(d.year, d.month, d.day))
        )
    # A date read from text or a serial outside the years is implausible too.
    outside = dates.notna() & ~dates.dt.year.between(earliest, latest)
    implausible |= outside
    dates = dates.mask(implausible)
    unreadable = ~blank.astype(bool) & ~implausible & dates.isna()
    return dates.dt.normalize(), unreadable, implausible


def _calendar_day(value: object) -> object:
    """The calendar day of a real date cell or an Excel serial number, else None."""
    if isinstance(value, dt.datetime | dt.date):
        return dt.date(value.year, value.month, value.day)
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, int | float | np.integer | np.floating) and np.isfinite(value):
        serial = int(np.floor(value))
        if 1 <= serial <= EXCEL_SERIAL_LAST:
            return dt.date(1899, 12, 30) + dt.timedelta(days=serial)
    return None


def _text_day(text: str, dayfirst: bool) -> object:
    """A day from text in an accepted form, whatever its year (None if no such day)."""
    formats = ISO_FORMATS + (DAY_FIRST_FORMATS if dayfirst else MONTH_FIRST_FORMATS)
    for fmt in formats:
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def parse_dates(series: pd.Series, *, dayfirst: bool = True) -> tuple[pd.Series, pd.Series]:
    """Read dates with the default plausible years: (dates, bad), bad where not a usable date.

    ``bad`` joins the two outcomes of :func:`read_dates` (unreadable, or a
    date outside 1950-2100); the contract checks use :func:`read_dates`,
    which tells them apart.
    """
    dates, unreadable, implausible = read_dates(series, dayfirst=dayfirst)
    return dates, unreadable | implausible


@per_distinct_value
def _parse_dates(series: pd.Series, *, dayfirst: bool = True) -> tuple[pd.Series, pd.Series]:
    """Read dates written in any of the ways spreadsheets hold them.

    Accepts real spreadsheet dates, Excel serial numbers, ISO text
    (``2021-03-04``) and UK text (``04/03/2021``, day first unless
    ``dayfirst`` is False). Times of day are dropped.

    Parameters
    ----------
    series : pandas.Series
        Cells as read.
    dayfirst : bool, default True
        Read ``04/03/2021`` as 4 March (True) or 3 April (False).

    Returns
    -------
    dates : pandas.Series
        ``datetime64[ns]``, missing where blank or unreadable.
    bad : pandas.Series
        True where a non-blank cell could not be read as a date.
    """
    result = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    blank = blank_mask(series)
    if pd.api.types.is_datetime64_any_dtype(series):
        result = pd.to_datetime(series).dt.tz_localize(None).astype("datetime64[ns]")
        return result.dt.normalize(), pd.Series(False, index=series.index)

    kinds = series.map(type)
    is_datetime = kinds.isin([dt.datetime, dt.date, pd.Timestamp])
    if is_datetime.any():
        result[is_datetime] = pd.to_datetime(series[is_datetime].astype(object), errors="coerce")

    rest = ~is_datetime & ~blank
    numeric = pd.to_numeric(series.where(rest), errors="coerce")
    is_serial = rest & numeric.between(EXCEL_SERIAL_MIN, EXCEL_SERIAL_MAX)
    if is_serial.any():
        days = np.floor(numeric[is_serial].astype(float)).astype("int64")
        result[is_serial] = EXCEL_EPOCH + pd.to_timedelta(days, unit="D")

    text = series.astype("string").str.strip()
    todo = rest & ~is_serial & numeric.isna()
    formats = ISO_FORMATS + (DAY_FIRST_FORMATS if dayfirst else MONTH_FIRST_FORMATS)
    for fmt in formats:
        if not todo.any():
            break
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        # pandas reads 1500-01-01 at a coarser resolution; read_dates judges such days.
        hit = parsed.notna() & parsed.dt.year.between(1678, 2261)
        result[parsed.index[hit]] = parsed[hit].astype("datetime64[ns]")
        todo[parsed.index[hit]] = False
    bad = ~blank & result.isna()
    return result.dt.normalize(), bad


@per_distinct_value
def parse_integers(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Read whole numbers (``12``, ``12.0``, ``"12"``); anything else is bad.

    Returns
    -------
    values : pandas.Series
        Nullable ``Int64``.
    bad : pandas.Series
        True where a non-blank cell is not a whole number.
    """
    blank = blank_mask(series)
    numeric = pd.to_numeric(normalise_text(series), errors="coerce")
    whole = numeric.notna() & (np.floor(numeric) == numeric)
    values = numeric.where(whole).astype("Float64").astype("Int64")
    bad = ~blank & ~whole
    return values, bad


@per_distinct_value
def parse_yes_no(
    series: pd.Series, yes_values: list[str], no_values: list[str]
) -> tuple[pd.Series, pd.Series]:
    """Read a yes/no column into a nullable boolean.

    Returns
    -------
    values : pandas.Series
        ``boolean``: True for a yes spelling, False for a no spelling.
    bad : pandas.Series
        True where a non-blank cell is neither.
    """
    text = normalise_code(series)
    yes = text.isin([v.lower() for v in yes_values])
    no = text.isin([v.lower() for v in no_values])
    values = pd.Series(pd.NA, index=series.index, dtype="boolean")
    values[yes.fillna(False).astype(bool)] = True
    values[no.fillna(False).astype(bool)] = False
    bad = text.notna() & ~(yes | no)
    return values, bad.fillna(False).astype(bool)


@per_distinct_value
def normalise_ethnicity(series: pd.Series, ethnicity: Mapping[str, EthnicityCode]) -> pd.Series:
    """Map DfE ethnicity codes or their labels onto the code.

    Unknown values are returned upper-cased so validation can report them.

    >>> from lcspr_stats.settings import EthnicityCode
    >>> book = {"WBRI": EthnicityCode("White - British", "White British")}
    >>> normalise_ethnicity(pd.Series(["wbri", "white - british", "x"]), book).tolist()
    ['WBRI', 'WBRI', 'X']
    """
    text = normalise_text(series)
    key = text.str.lower().str.replace(r"\s+", " ", regex=True)
    lookup = {code.lower(): code for code in ethnicity}
    lookup.update(
        {" ".join(entry.label.lower().split()): code for code, entry in ethnicity.items()}
    )
    mapped = key.map(lookup)
    return mapped.fillna(text.str.upper()).astype("string")
