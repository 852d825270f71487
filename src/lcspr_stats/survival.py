"""Time from rapid review to LCSPR received, with the open reviews censored (Kaplan-Meier).

Frames in, frames out. Every LCSPR initiated (commissioned rapid review) by
the as-at date counts, from its rapid review date: a review received on or
before the as-at date is an event at its received date; one still open
(including one received after the as-at date) is censored at the as-at
date. The estimate is ``scipy.stats.ecdf`` on ``scipy.stats.CensoredData``,
its pointwise interval ``confidence_interval(method="log-log")``. The median
of the completed reviews only (Table 3) leaves out the reviews still open,
the longest ones; this estimate does not, under the assumption that a review
still open at the as-at date would take as long as others that were open
that long (censoring unrelated to how long a review takes).
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd

from . import display
from .table import Table

DAYS_PER_WEEK = 7
# Weeks at which the share completed is reported, and the numbers still at risk.
# The shares completed: within the requirement (26 weeks unless the config sets another,
# see :func:`share_weeks`) and within a year.
SHARE_WEEKS = (26, 52)
AT_RISK_WEEKS = (26, 52, 104)
# The curve table: one row every CURVE_STEP_WEEKS weeks, the number at risk
# every AT_RISK_EVERY_WEEKS weeks.
CURVE_STEP_WEEKS = 2
AT_RISK_EVERY_WEEKS = 26
NOT_REACHED = "not reached"
METHOD = "Kaplan-Meier (scipy.stats.ecdf); 95% interval: pointwise log-log (Greenwood)"


def share_weeks(requirement_weeks: float) -> tuple[int, ...]:
    """The weeks at which shares completed are reported: the requirement, then 52.

    Parameters
    ----------
    requirement_weeks : float
        The config's ``durations.lcspr_within_days`` in weeks (26 by default);
        rounded to whole weeks.
    """
    first = int(round(requirement_weeks))
    return (first,) if first == 52 else (first, 52)


def weeks_of_rows(labels, pattern: str) -> tuple[int, ...]:
    """The whole numbers of weeks in labels like ``% completed within 26 weeks``, in order."""
    found = [re.fullmatch(pattern, str(label)) for label in labels]
    return tuple(int(m.group(1)) for m in found if m)


def kaplan_meier(days, completed, confidence_level: float = 0.95):
    """The Kaplan-Meier estimate of the share completed, and its pointwise interval.

    Parameters
    ----------
    days : array-like of int
        Days from rapid review to receipt (completed) or to the as-at date (open).
    completed : array-like of bool
        Received on or before the as-at date.
    confidence_level : float
        Of the pointwise interval.

    Returns
    -------
    scipy.stats._survival.ECDFResult, object
        The result of ``scipy.stats.ecdf`` and the interval of its survival
        function (``.low`` and ``.high`` can be evaluated at any time).
    """
    from scipy import stats

    days = np.asarray(days, dtype=float)
    completed = np.asarray(completed, dtype=bool)
    data = stats.CensoredData(uncensored=days[completed], right=days[~completed])
    result = stats.ecdf(data)
    with warnings.catch_warnings():
        # The log-log interval is undefined where the estimate is 1 or 0 (before
        # the first event, after the last): there it is taken as the estimate itself.
        warnings.simplefilter("ignore", RuntimeWarning)
        band = result.sf.confidence_interval(confidence_level, method="log-log")
    return result, band


def _bounds_at(result, band, t) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Survival, lower and upper limits at times ``t``; an undefined limit is the estimate."""
    t = np.asarray(t, dtype=float)
    sf = result.sf.evaluate(t)
    low = band.low.evaluate(t)
    high = band.high.evaluate(t)
    return sf, np.where(np.isnan(low), sf, low), np.where(np.isnan(high), sf, high)


def _first_at_or_below(times: np.ndarray, values: np.ndarray, level: float) -> float | None:
    """The first time a step function falls to ``level`` or below (None: never)."""
    below = np.flatnonzero(values <= level + 1e-12)
    return float(times[below[0]]) if len(below) else None


def summarise(
    days, completed, confidence_level: float = 0.95, shares: tuple[int, ...] = SHARE_WEEKS
) -> dict:
    """Median weeks (with interval), shares completed, numbers at risk.

    The median is the first time the survival function is at or below one
    half; its interval the times where the pointwise band's lower and upper
    limits first are (the band inverted: Brookmeyer-Crowley with the
    log-log transform). Shares completed are ``1 - S(t)`` at 26 and 52 weeks,
    with ``1 - `` the band. At risk at ``t`` weeks: reviews followed for at
    least ``t`` weeks (time >= t).

    Returns
    -------
    dict
        ``n``, ``n_events``, ``n_censored``, ``median_weeks``,
        ``median_ci_lower``, ``median_ci_upper`` (None: not reached),
        ``share_<w>`` / ``share_<w>_ci_lower`` / ``share_<w>_ci_upper``
        (proportions), ``at_risk_<w>``.
    """
    days = np.asarray(days, dtype=float)
    completed = np.asarray(completed, dtype=bool)
    out: dict = {
        "n": int(days.size),
        "n_events": int(completed.sum()),
        "n_censored": int((~completed).sum()),
    }
    for w in AT_RISK_WEEKS:
        out[f"at_risk_{w}"] = int((days >= w * DAYS_PER_WEEK).sum())
    if days.size == 0 or not completed.any():
        out.update(median_weeks=None, median_ci_lower=None, median_ci_upper=None)
        for w in shares:
            share = 0.0 if days.size else None
            out.update(
                {f"share_{w}": share, f"share_{w}_ci_lower": None, f"share_{w}_ci_upper": None}
            )
        return out
    result, band = kaplan_meier(days, completed, confidence_level)
    times = result.sf.quantiles
    sf, low, high = _bounds_at(result, band, times)

    def weeks(value: float | None) -> float | None:
        return None if value is None else value / DAYS_PER_WEEK

    out["median_weeks"] = weeks(_first_at_or_below(times, sf, 0.5))
    out["median_ci_lower"] = weeks(_first_at_or_below(times, low, 0.5))
    out["median_ci_upper"] = weeks(_first_at_or_below(times, high, 0.5))
    for w in shares:
        s, lo, hi = (float(v[0]) for v in _bounds_at(result, band, [w * DAYS_PER_WEEK]))
        out[f"share_{w}"] = 1 - s
        out[f"share_{w}_ci_lower"] = 1 - hi
        out[f"share_{w}_ci_upper"] = 1 - lo
    return out


def curve(
    days,
    completed,
    confidence_level: float = 0.95,
    step: int = CURVE_STEP_WEEKS,
    at_risk_every: int | None = AT_RISK_EVERY_WEEKS,
):
    """The share completed every ``step`` weeks, with its interval and the numbers at risk.

    Only every :data:`AT_RISK_EVERY_WEEKS` weeks is the number at risk given:
    the counts between two close times (who completed or was censored in a
    fortnight) are small and would identify cases, so the table shows none.

    Returns
    -------
    pandas.DataFrame
        ``weeks``, ``n_at_risk`` (followed at least that long; every 26 weeks,
        else blank), ``censored`` (``yes``: a review was censored since the
        row before), ``pct_completed`` with ``pct_completed_ci_lower`` /
        ``_upper`` (one decimal).
    """
    days = np.asarray(days, dtype=float)
    completed = np.asarray(completed, dtype=bool)
    if days.size == 0:
        return pd.DataFrame(
            columns=[
                "weeks",
                "n_at_risk",
                "censored",
                "pct_completed",
                "pct_completed_ci_lower",
                "pct_completed_ci_upper",
            ]
        )
    last = int(np.ceil(days.max() / DAYS_PER_WEEK / step)) * step
    grid = np.arange(0, last + step, step)
    t = grid * DAYS_PER_WEEK
    if completed.any():
        result, band = kaplan_meier(days, completed, confidence_level)
        sf, low, high = _bounds_at(result, band, t)
        share, lower, upper = 1 - sf, 1 - high, 1 - low
    else:
        share = np.zeros(len(t))
        lower = upper = np.full(len(t), np.nan)
    frame = pd.DataFrame(
        {
            "weeks": grid.astype(int),
            "n_at_risk": pd.array(
                [
                    int((days >= x).sum())
                    if w == 0 or (at_risk_every and w % at_risk_every == 0)
                    else None
                    for w, x in zip(grid, t, strict=True)
                ],
                dtype="Int64",
            ),
            "censored": [
                "yes"
                if bool((~completed & (days > x - step * DAYS_PER_WEEK) & (days <= x)).any())
                and w > 0
                else "no"
                for w, x in zip(grid, t, strict=True)
            ],
            "pct_completed": np.round(100 * share, 1),
            "pct_completed_ci_lower": np.round(100 * lower, 1),
            "pct_completed_ci_upper": np.round(100 * upper, 1),
        }
    )
    return frame


def weeks_text(value: float | None) -> str:
    """Weeks to one decimal, or "not reached"."""
    return NOT_REACHED if value is None else f"{value:.1f}"


def median_text(lower: float | None, median: float | None, upper: float | None) -> str:
    """``62.3 weeks (95% interval 55.1 to 70.0)``; "not reached" where it is."""
    if median is None:
        return f"{NOT_REACHED} (95% interval {weeks_text(lower)} to {weeks_text(upper)})"
    return f"{median:.1f} weeks (95% interval {weeks_text(lower)} to {weeks_text(upper)})"


def km_table(
    name: str,
    follow: pd.DataFrame,
    as_at_words: str,
    available: bool,
    confidence_level: float,
    decimals: int,
    shares: tuple[int, ...] = SHARE_WEEKS,
) -> Table:
    """The Kaplan-Meier summary: reviews, events, censored, median, shares, numbers at risk.

    Parameters
    ----------
    name : str
        The table's registry name.
    follow : pandas.DataFrame
        From :func:`lcspr_stats.pipeline.follow_up` (``days``, ``completed``).
    as_at_words : str
        The as-at date in words.
    available : bool
        Whether the register had ``lcspr_received_date`` (else "not available").
    confidence_level : float
        Of the intervals.
    decimals : int
        Decimals of the shares' percentages and intervals.
    shares : tuple of int
        Weeks of the shares completed (:func:`share_weeks`).

    Returns
    -------
    Table
        Columns ``statistic``, ``n``, ``value``, ``ci_lower``, ``ci_upper``, ``display``.
    """
    title = f"Time from rapid review to LCSPR received, open reviews censored at {as_at_words}"
    if not available:
        frame = pd.DataFrame(
            [
                {
                    "statistic": "not available",
                    "n": pd.NA,
                    "value": np.nan,
                    "ci_lower": np.nan,
                    "ci_upper": np.nan,
                    "display": "not available",
                }
            ]
        ).astype({"n": "Int64"})
        return Table(
            name,
            title,
            frame,
            ["Not available: the rapid review register has no lcspr_received_date column."],
        )
    s = summarise(follow["days"], follow["completed"], confidence_level, shares)
    pct = int(round(confidence_level * 100))

    def share(w):
        values = [s[f"share_{w}"], s[f"share_{w}_ci_lower"], s[f"share_{w}_ci_upper"]]
        return [None if v is None else round(100 * v, decimals) for v in values]

    rows = [
        {"statistic": "rapid reviews", "n": s["n"]},
        {"statistic": "LCSPRs received (events)", "n": s["n_events"]},
        {"statistic": "open at the as-at date (censored)", "n": s["n_censored"]},
        {
            "statistic": "median weeks",
            "value": s["median_weeks"],
            "ci_lower": s["median_ci_lower"],
            "ci_upper": s["median_ci_upper"],
            "display": median_text(s["median_ci_lower"], s["median_weeks"], s["median_ci_upper"]),
        },
    ]
    for w in shares:
        value, lo, hi = share(w)
        rows.append(
            {
                "statistic": f"% completed within {w} weeks",
                "value": value,
                "ci_lower": lo,
                "ci_upper": hi,
                "display": ""
                if value is None
                else (
                    f"{value:.{decimals}f}% ({pct}% interval "
                    + ("-" if lo is None else f"{lo:.{decimals}f}")
                    + " to "
                    + ("-" if hi is None else f"{hi:.{decimals}f}")
                    + ")"
                ),
            }
        )
    for w in AT_RISK_WEEKS:
        rows.append({"statistic": f"at risk at {w} weeks", "n": s[f"at_risk_{w}"]})
    frame = pd.DataFrame(
        rows, columns=["statistic", "n", "value", "ci_lower", "ci_upper", "display"]
    )
    frame["n"] = frame["n"].astype("Int64")
    for column in ("value", "ci_lower", "ci_upper"):
        frame[column] = pd.to_numeric(frame[column]).astype(float)
    frame.loc[frame["statistic"].isin(["median weeks"]), ["value", "ci_lower", "ci_upper"]] = (
        frame.loc[frame["statistic"] == "median weeks", ["value", "ci_lower", "ci_upper"]].round(2)
    )
    frame["display"] = [
        display.number(n) if pd.notna(n) else (d if isinstance(d, str) else "")
        for n, d in zip(frame["n"], frame["display"])
    ]
    notes = [
        f"Every LCSPR initiated (commissioned rapid review) by {as_at_words}, from its rapid "
        "review date. Received on or before that date: completed at its received date "
        "(for the cohort's LCSPRs, the coding schedule's date_submitted). Still open, or "
        f"received after {as_at_words}: censored at {as_at_words}. Weeks are days / 7 "
        "(not completed weeks, as in Table 3).",
        f"{METHOD}. The median's interval inverts the pointwise band; 'not reached' means the "
        "share completed (or its interval) does not reach one half within the follow-up. "
        "At risk at t weeks: reviews followed for at least t weeks.",
        "Assumes a review still open at the as-at date would take as long as others open that "
        "long (censoring unrelated to how long a review takes), and that reviews begun in "
        "different years take alike. It leaves out uncommissioned and pending rapid reviews. "
        "Unlike the median of completed reviews only (Table 3), it counts the reviews still "
        "open, which are the longest.",
    ]
    return Table(name, title, frame, notes)


def curve_table(
    name: str, follow: pd.DataFrame, as_at_words: str, available: bool, confidence_level: float
) -> Table:
    """The Kaplan-Meier curve every :data:`CURVE_STEP_WEEKS` weeks (for the chart)."""
    title = f"Share of LCSPRs completed, by weeks since the rapid review (to {as_at_words})"
    if not available:
        frame = curve([], [])
        return Table(
            name,
            title,
            frame,
            ["Not available: the rapid review register has no lcspr_received_date column."],
        )
    frame = curve(follow["days"], follow["completed"], confidence_level)
    return Table(
        name,
        title,
        frame,
        [
            f"Kaplan-Meier share completed at each {CURVE_STEP_WEEKS} weeks since the rapid review "
            f"(percentage of the {len(follow)} LCSPRs initiated), open reviews censored at "
            f"{as_at_words}; interval: pointwise log-log. n_at_risk (reviews followed at least "
            "that long) is given every 26 weeks only; censored says whether a review was censored "
            "since the row before."
        ],
    )


def survival_key_figures(frame: pd.DataFrame | None, completed_median: float | None) -> dict:
    """The key figures of the Kaplan-Meier table (with the median of completed reviews beside)."""
    if frame is None:
        return {}
    rows = frame.set_index("statistic")
    if "not available" in rows.index:
        return {"lcspr_time_to_completion": {"available": False}}

    def num(row: str, column: str):
        value = rows.at[row, column]
        if pd.isna(value):
            return None
        return int(value) if column == "n" else float(value)

    figures = {
        "available": True,
        "method": METHOD,
        "n": num("rapid reviews", "n"),
        "n_events": num("LCSPRs received (events)", "n"),
        "n_censored": num("open at the as-at date (censored)", "n"),
        "median_weeks": num("median weeks", "value"),
        "median_reached": num("median weeks", "value") is not None,
        "median_weeks_ci": {
            "lower": num("median weeks", "ci_lower"),
            "upper": num("median weeks", "ci_upper"),
        },
        "completed_only_median_weeks": completed_median,
    }
    for w in weeks_of_rows(rows.index, r"% completed within (\d+) weeks"):
        row = f"% completed within {w} weeks"
        figures[f"pct_within_{w}_weeks"] = num(row, "value")
        figures[f"pct_within_{w}_weeks_ci"] = {
            "lower": num(row, "ci_lower"),
            "upper": num(row, "ci_upper"),
        }
    for w in AT_RISK_WEEKS:
        figures[f"n_at_risk_{w}_weeks"] = num(f"at risk at {w} weeks", "n")
    return {"lcspr_time_to_completion": figures}


def survival_row_of(figures: dict | None) -> dict[tuple[str, ...], str | None]:
    """Each figure under ``time_to_lcspr`` -> the row of its count (None: a statistic of them)."""
    if not figures or not figures.get("available"):
        return {}
    found: dict[tuple[str, ...], str | None] = {
        ("n",): "rapid reviews",
        ("n_events",): "LCSPRs received (events)",
        ("n_censored",): "open at the as-at date (censored)",
        ("median_weeks",): None,
        ("median_weeks_ci", "lower"): None,
        ("median_weeks_ci", "upper"): None,
    }
    for w in weeks_of_rows(figures, r"pct_within_(\d+)_weeks"):
        for key in (
            (f"pct_within_{w}_weeks",),
            (f"pct_within_{w}_weeks_ci", "lower"),
            (f"pct_within_{w}_weeks_ci", "upper"),
        ):
            found[key] = None
    for w in AT_RISK_WEEKS:
        found[(f"n_at_risk_{w}_weeks",)] = f"at risk at {w} weeks"
    return found


# The curves by year of rapid review (for the trends across cohorts): coarser steps.
YEAR_CURVE_STEP_WEEKS = 4


def curves_by_year_table(
    name: str, follow: pd.DataFrame, as_at_words: str, available: bool, confidence_level: float
) -> Table:
    """One Kaplan-Meier curve per calendar year of the rapid review, every 4 weeks.

    Columns ``rr_year`` and those of :func:`curve`; each year's curve is
    estimated from its own rapid reviews only, censored at the as-at date.
    """
    title = (
        f"Share of LCSPRs completed by weeks since the rapid review, by year of the rapid "
        f"review (to {as_at_words})"
    )
    empty = curve([], [])
    empty.insert(0, "rr_year", pd.Series(dtype="int64"))
    note = (
        "Kaplan-Meier share completed, each year's rapid reviews (commissioned) on their own, "
        f"every {YEAR_CURVE_STEP_WEEKS} weeks; open reviews censored at {as_at_words}. A later "
        "year is followed for less time. n_at_risk is given at 0 weeks only (the year's "
        "rapid reviews commissioned)."
    )
    if not available:
        return Table(
            name,
            title,
            empty,
            ["Not available: the rapid review register has no lcspr_received_date column."],
        )
    parts = []
    years = follow["rr_date"].dt.year
    for year in sorted(years.dropna().unique()):
        rows = follow.loc[years == year]
        # Only the reviews of the year at 0 weeks: later numbers at risk of one
        # year are small, and with the year's total would give small counts away.
        frame = curve(
            rows["days"], rows["completed"], confidence_level, YEAR_CURVE_STEP_WEEKS, None
        )
        frame.insert(0, "rr_year", int(year))
        parts.append(frame)
    frame = pd.concat(parts, ignore_index=True) if parts else empty
    return Table(name, title, frame, [note])
