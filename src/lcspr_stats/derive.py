"""Derived fields: weeks, working days, age bands, ethnic groups, half-up percentages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from .settings import AgeBand, EthnicityCode, Exclusion, Settings


def round_half_up(numerator: int, denominator: int) -> int:
    """Whole-number percentage of ``numerator / denominator``, halves rounded up.

    Integer arithmetic, so 1/8 = 12.5% gives 13 exactly (no float error).

    >>> round_half_up(1, 8), round_half_up(52, 81), round_half_up(0, 5)
    (13, 64, 0)
    """
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    if numerator < 0:
        raise ValueError("numerator must not be negative")
    return (200 * numerator + denominator) // (2 * denominator)


def percent(numerator: int, denominator: int, rounding: str = "half_up") -> int | None:
    """Whole-number percentage, or None when the denominator is zero.

    Parameters
    ----------
    numerator, denominator : int
        Counts.
    rounding : {"half_up", "half_even"}
        ``half_up`` is the report's convention (12.5 -> 13).
    """
    numerator, denominator = int(numerator), int(denominator)
    if denominator == 0:
        return None
    if rounding == "half_up":
        return round_half_up(numerator, denominator)
    if rounding == "half_even":
        quotient, remainder = divmod(100 * numerator, denominator)
        if 2 * remainder > denominator or (2 * remainder == denominator and quotient % 2):
            quotient += 1
        return quotient
    raise ValueError(f"unknown rounding {rounding!r}")


def days_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """Whole days from ``start`` to ``end`` (nullable Int64)."""
    return (end - start).dt.days.astype("Int64")


def weeks_between(start: pd.Series, end: pd.Series, mode: str = "completed") -> pd.Series:
    """Weeks from ``start`` to ``end``.

    Parameters
    ----------
    mode : {"completed", "exact"}
        ``completed``: whole weeks, floor(days / 7), so 0-6 days is 0
        ("Under 1 week"). ``exact``: days / 7 to two decimals.
    """
    days = days_between(start, end)
    if mode == "completed":
        return days // 7
    if mode == "exact":
        return (days.astype("Float64") / 7).round(2)
    raise ValueError(f"unknown weeks mode {mode!r}")


@lru_cache(maxsize=16)
def bank_holidays(first_year: int, last_year: int, subdivision: str = "ENG") -> np.ndarray:
    """Bank holidays of a UK nation between two years, as ``datetime64[D]``."""
    # Imported here: the release jobs use this module's percentages, not the calendar.
    import holidays

    calendar = holidays.UK(subdiv=subdivision, years=range(first_year, last_year + 1))
    return np.array(sorted(calendar), dtype="datetime64[D]")


def working_days(start: pd.Series, end: pd.Series, subdivision: str = "ENG") -> pd.Series:
    """Working days from ``start`` up to ``end``: Monday-Friday less bank holidays.

    Counts the days in ``[start, end)`` that are working days, as
    ``numpy.busday_count`` does: a rapid review on the day of the incident is 0,
    one the next working day is 1. Missing where either date is missing or
    ``end`` is before ``start``.
    """
    result = pd.Series(pd.NA, index=start.index, dtype="Int64")
    ok = start.notna() & end.notna() & (end >= start)
    if not ok.any():
        return result
    begin = start[ok].to_numpy(dtype="datetime64[D]")
    finish = end[ok].to_numpy(dtype="datetime64[D]")
    years = pd.DatetimeIndex(np.concatenate([begin, finish])).year
    calendar = bank_holidays(int(years.min()), int(years.max()), subdivision)
    result[ok] = np.busday_count(begin, finish, holidays=calendar)
    return result


def age_band(ages: pd.Series, bands: Sequence[AgeBand]) -> pd.Series:
    """Label each age with its band (``Under 1``, ``1-5`` ...); missing stays missing."""
    labels = [b.label for b in bands]
    result = pd.Series(pd.NA, index=ages.index, dtype="string")
    for band in bands:
        result[(ages >= band.min).fillna(False) & (ages <= band.max).fillna(False)] = band.label
    return pd.Series(pd.Categorical(result, categories=labels), index=ages.index)


def ethnic_group(
    codes: pd.Series, ethnicity: Mapping[str, EthnicityCode], missing: str = "Not known"
) -> pd.Series:
    """Reporting group of each DfE ethnicity code; blank is ``missing``."""
    mapping = {code: entry.group for code, entry in ethnicity.items()}
    return codes.map(mapping).fillna(missing).astype("string")


def apply_exclusions(lcsprs: pd.DataFrame, exclusions: Sequence[Exclusion]) -> pd.DataFrame:
    """Mark the config's named exclusions.

    Adds ``excluded_incident_to_rr`` and ``excluded_rr_to_lcspr`` (the reason,
    or missing).
    """
    out = lcsprs.copy()
    for statistic in ("incident_to_rr", "rr_to_lcspr"):
        reasons = {e.lcspr_id: e.reason for e in exclusions if e.statistic == statistic}
        out[f"excluded_{statistic}"] = out["lcspr_id"].map(reasons).astype("string")
    return out


def derive_fields(lcsprs: pd.DataFrame, children: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Add every derived field used by the tables to the one-row-per-LCSPR frame.

    Parameters
    ----------
    lcsprs : pandas.DataFrame
        From :func:`lcspr_stats.join.link_cohort`.
    children : pandas.DataFrame
        The cohort's children (for the race sub-sample background).
    settings : Settings
        The run's settings (durations, exclusions, codebook).

    Returns
    -------
    pandas.DataFrame
        ``lcsprs`` with ``incident_year``, ``weeks_incident_to_rr``,
        ``weeks_rr_to_lcspr``, ``working_days_incident_to_rr``,
        ``rr_within_working_days``, ``lcspr_within_26_weeks``, ``age_band``,
        ``ethnic_group``, ``any_minoritised_child``, exclusion reasons.
        Durations are missing where a date is missing, out of order, or the
        LCSPR is excluded from that statistic.
    """
    durations = settings.durations
    mode = durations.weeks
    codebook = settings.codebook
    out = apply_exclusions(lcsprs, settings.exclusions)
    out["incident_year"] = out["incident_date"].dt.year.astype("Int64")

    usable_i2r = ~out["rr_before_incident"] & out["excluded_incident_to_rr"].isna()
    usable_r2l = ~out["lcspr_before_rr"] & out["excluded_rr_to_lcspr"].isna()
    out["weeks_incident_to_rr"] = weeks_between(out["incident_date"], out["rr_date"], mode).where(
        usable_i2r
    )
    out["weeks_rr_to_lcspr"] = weeks_between(out["rr_date"], out["date_submitted"], mode).where(
        usable_r2l
    )
    # The clock starts at the incident (as published) or at the notification (config);
    # the column keeps its name either way.
    clock = "notification_date" if durations.rr_clock_start == "notification" else "incident_date"
    usable_clock = usable_i2r & ~(out["rr_date"] < out[clock]).fillna(False)
    out["working_days_incident_to_rr"] = working_days(
        out[clock], out["rr_date"], durations.bank_holiday_subdivision
    ).where(usable_clock)
    out["rr_within_working_days"] = (
        out["working_days_incident_to_rr"] <= durations.rr_within_working_days
    ).astype("boolean")
    days_r2l = days_between(out["rr_date"], out["date_submitted"]).where(usable_r2l)
    out["lcspr_within_26_weeks"] = (days_r2l <= durations.lcspr_within_days).astype("boolean")
    out["age_band"] = age_band(out["age_years"], codebook.age_bands)
    not_known = codebook.ethnicity_not_known
    out["ethnic_group"] = ethnic_group(out["ethnicity"], codebook.ethnicity, not_known).where(
        out["has_index_child"]
    )
    groups = ethnic_group(children["ethnicity"], codebook.ethnicity, not_known)
    minoritised = children.loc[groups.isin(list(codebook.minoritised_groups)), "lcspr_id"]
    out["any_minoritised_child"] = out["lcspr_id"].isin(minoritised)
    return out
