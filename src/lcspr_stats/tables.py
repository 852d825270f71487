"""The report's tables (1-5 and every further breakdown) and the key figures."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import display, uncertainty
from . import registry as reg
from .derive import percent
from .settings import Durations
from .table import Table


def _ci(ci: dict | None) -> dict:
    """The ``uncertainty`` settings as a mapping (the schema's defaults when none is given)."""
    if ci is not None:
        return ci
    from .settings import schema_defaults

    return schema_defaults("uncertainty")


def _insert_interval(
    frame: pd.DataFrame,
    pct_column: str,
    k: list,
    n: list | int,
    ci: dict | None,
    skip: pd.Series | None = None,
) -> pd.DataFrame:
    """Put Wilson bounds of ``k / n`` right after ``pct_column`` (NA where ``skip``)."""
    ci = _ci(ci)
    if skip is not None:
        # A total row's 100% is not an estimate: no interval.
        k = [None if skipped else v for v, skipped in zip(k, skip.to_numpy())]
    lower, upper = uncertainty.wilson_columns(k, n, ci["confidence_level"], ci["interval_decimals"])
    at = frame.columns.get_loc(pct_column) + 1
    frame.insert(at, f"{pct_column}_ci_lower", lower.to_numpy())
    frame.insert(at + 1, f"{pct_column}_ci_upper", upper.to_numpy())
    return frame


def _count(
    values: pd.Series,
    categories: list[str],
    denominator: int,
    rounding: str,
    ci: dict | None = None,
) -> pd.DataFrame:
    counts = values.value_counts()
    n = [int(counts.get(c, 0)) for c in categories]
    frame = pd.DataFrame(
        {
            "n": n,
            "pct": [percent(k, denominator, rounding) for k in n],
        }
    ).astype({"pct": "Int64"})
    return _insert_interval(frame, "pct", n, denominator, ci)


def _with_display(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["display"] = [display.n_pct(n, p) for n, p in zip(frame["n"], frame["pct"])]
    return frame


def _breakdown(
    name: str,
    title: str,
    label: str,
    values: pd.Series,
    categories: list[str],
    denominator: int,
    rounding: str,
    notes: list[str] | None = None,
    ci: dict | None = None,
) -> Table:
    frame = _count(values, categories, denominator, rounding, ci)
    frame.insert(0, label, categories)
    total = pd.DataFrame(
        {label: ["Total"], "n": [denominator], "pct": [100 if denominator else None]}
    )
    frame = pd.concat([frame, total.astype({"pct": "Int64"})], ignore_index=True)
    for bound in ("pct_ci_lower", "pct_ci_upper"):
        frame[bound] = frame[bound].astype("Float64")
    return Table(name, title, _with_display(frame), notes or [])


# --- Table 1 -------------------------------------------------------------------


def table1_year_of_incident(
    lcsprs: pd.DataFrame, year: int, rounding: str, ci: dict | None = None
) -> Table:
    """LCSPRs of the cohort by calendar year of the index child's incident."""
    years = lcsprs["incident_year"].dropna().astype(int)
    known = len(years)
    total = len(lcsprs)
    span = list(range(int(years.min()), int(years.max()) + 1)) if known else []
    counts = years.value_counts()
    rows = [
        {
            "year_of_incident": str(y),
            "n": int(counts.get(y, 0)),
            "pct": percent(int(counts.get(y, 0)), known, rounding),
        }
        for y in span
    ]
    rows += [
        {"year_of_incident": "Total known", "n": known, "pct": percent(known, known, rounding)},
        {"year_of_incident": "Not known", "n": total - known, "pct": None},
        {"year_of_incident": "All LCSPRs", "n": total, "pct": None},
    ]
    frame = pd.DataFrame(rows).astype({"pct": "Int64"})
    frame = _insert_interval(
        frame,
        "pct",
        frame["n"].tolist(),
        known,
        ci,
        skip=~frame["year_of_incident"].str.fullmatch(r"\d{4}"),
    )
    frame["display"] = [display.number(n) for n in frame["n"]]
    frame.loc[frame["year_of_incident"] == "Total known", "display"] = display.part_of(known, total)
    not_known = total - known
    notes = [
        "Percentages are of the LCSPRs whose year of incident is known.",
    ]
    if not_known:
        notes.append(
            f"Year of incident not known for {not_known} LCSPR{'s' if not_known != 1 else ''}: "
            "no index child, or no SIN incident date for the index child."
        )
    return Table(
        reg.TABLE1,
        f"Table 1: LCSPRs received in {year}, by year of incident",
        frame,
        notes,
    )


# --- Table 2 -------------------------------------------------------------------


def table2_rapid_reviews(
    rapid_reviews: pd.DataFrame, years: list[int], rounding: str, ci: dict | None = None
) -> Table:
    """Rapid reviews received per year, the decisions still pending, and the LCSPRs commissioned.

    Two shares of commissioned: of all rapid reviews received (as published;
    a pending decision counts against it) and of those decided (commissioned
    or not commissioned).
    """
    received_year = rapid_reviews["rr_date"].dt.year
    decision = rapid_reviews["lcspr_decision"]
    commissioned = (decision == "commissioned").fillna(False)
    decided = decision.isin(["commissioned", "not commissioned"]).fillna(False)
    pending = (decision == "pending").fillna(False)
    rows = []
    for y in years:
        in_year = received_year == y
        n = int(in_year.sum())
        k = int((in_year & commissioned).sum())
        d = int((in_year & decided).sum())
        rows.append(
            {
                "year_received": y,
                "n_rapid_reviews": n,
                "n_lcspr_commissioned": k,
                "pct_commissioned": percent(k, n, rounding),
                # New columns after the published ones, so those keep their places.
                "n_pending": int((in_year & pending).sum()),
                "n_decided": d,
                "pct_of_decided": percent(k, d, rounding),
            }
        )
    frame = pd.DataFrame(rows).astype({"pct_commissioned": "Int64", "pct_of_decided": "Int64"})
    frame = _insert_interval(
        frame,
        "pct_commissioned",
        frame["n_lcspr_commissioned"].tolist(),
        frame["n_rapid_reviews"].tolist(),
        ci,
    )
    frame = _insert_interval(
        frame,
        "pct_of_decided",
        frame["n_lcspr_commissioned"].tolist(),
        frame["n_decided"].tolist(),
        ci,
    )
    frame["display"] = [
        display.n_pct(k, p)
        for k, p in zip(frame["n_lcspr_commissioned"], frame["pct_commissioned"])
    ]
    notes = [
        "Year received is the calendar year of the rapid review date in the Panel's register; "
        "commissioned is the register's LCSPR decision.",
        "Pending: no decision yet on whether to commission an LCSPR. Decided: commissioned or "
        "not commissioned. pct_commissioned is of all rapid reviews received (as published), "
        "so it counts a pending decision as not commissioned; pct_of_decided is "
        "of those decided, and leaves the pending ones out.",
    ]
    unrecorded = frame["n_rapid_reviews"] - frame["n_decided"] - frame["n_pending"]
    for y, u in zip(frame["year_received"], unrecorded):
        if u:
            notes.append(
                f"{y}: {u} rapid review{'s' if u != 1 else ''} with no valid decision, counted "
                "in those received, not in those decided or pending."
            )
    return Table(
        reg.TABLE2,
        f"Table 2: Proportion of rapid reviews leading to LCSPRs, {years[0]}-{years[-1]}",
        frame,
        notes,
    )


# --- Table 3 -------------------------------------------------------------------


def duration_summary(weeks: pd.Series) -> dict:
    """N, median, minimum, maximum and range of a weeks column (missing ignored)."""
    values = weeks.dropna().astype(float)
    if values.empty:
        return {"n": 0, "median": None, "min": None, "max": None, "range": None}

    def number(x: float) -> float | int:
        return int(x) if float(x).is_integer() else round(float(x), 2)

    return {
        "n": int(values.size),
        "median": round(float(np.median(values)), 2),
        "min": number(values.min()),
        "max": number(values.max()),
        "range": number(values.max() - values.min()),
    }


def table3_durations(lcsprs: pd.DataFrame, exclusions: list[dict], ci: dict | None = None) -> Table:
    """Weeks from incident to rapid review and from rapid review to LCSPR.

    The median has an interval (``ci_lower``, ``ci_upper``): exact, from order
    statistics, with its actual coverage (``ci_coverage``), or, when the
    config's ``uncertainty.median_interval`` says ``bootstrap``, a percentile
    bootstrap with the config's resamples and seed.
    """
    ci = _ci(ci)
    measures = {
        "incident_to_rapid_review": ("weeks_incident_to_rr", "excluded_incident_to_rr"),
        "rapid_review_to_lcspr": ("weeks_rr_to_lcspr", "excluded_rr_to_lcspr"),
    }
    labels = {
        "incident_to_rapid_review": "Incident to rapid review",
        "rapid_review_to_lcspr": "Rapid review to LCSPR",
    }
    rows, notes = [], []
    for measure, (column, excluded) in measures.items():
        summary = duration_summary(lcsprs[column])
        (median_low, median_high), coverage = uncertainty.median_interval(lcsprs[column], ci)
        reasons = lcsprs[excluded].dropna()
        note = ""
        if len(reasons):
            note = f"Excludes {len(reasons)} case{'s' if len(reasons) != 1 else ''}: " + " ".join(
                dict.fromkeys(reasons)
            )
            notes.append(f"{labels[measure]}: {note}")
        for statistic, key in (
            ("N", "n"),
            ("Median", "median"),
            ("Range", "range"),
            ("Minimum", "min"),
            ("Maximum", "max"),
        ):
            rows.append(
                {
                    "measure": measure,
                    "statistic": statistic,
                    "value": summary[key],
                    "ci_lower": median_low if statistic == "Median" else None,
                    "ci_upper": median_high if statistic == "Median" else None,
                    "ci_coverage": coverage if statistic == "Median" else None,
                    "display": display.weeks(statistic, summary[key]),
                    # The exclusion note stands once, on the measure's N row.
                    "note": note if statistic == "N" else "",
                }
            )
    frame = pd.DataFrame(rows)
    for column in ("value", "ci_lower", "ci_upper", "ci_coverage"):
        frame[column] = frame[column].astype("Float64")
    notes.append(
        "N counts the LCSPRs with both dates (not all had sufficient information). "
        "Weeks are completed weeks unless the config says exact."
    )
    if ci["median_interval"] == "bootstrap":
        notes.append(
            f"The median's {ci['confidence_level']:.0%} confidence interval is a percentile "
            f"bootstrap: {ci['bootstrap_resamples']:,} resamples, seed {ci['seed']}."
        )
    else:
        notes.append(
            f"The median's {ci['confidence_level']:.0%} confidence interval is exact and "
            "distribution-free: two of the ordered durations, chosen from the binomial "
            "distribution of how many fall below the median (no random numbers). ci_coverage "
            f"is its actual coverage, at least {ci['confidence_level']:.0%} because the "
            "binomial is discrete; it assumes independent durations."
        )
    return Table(reg.TABLE3, "Table 3: Time taken to complete reports (weeks)", frame, notes)


def timeliness_labels(durations: Durations) -> dict[str, str]:
    """The timeliness rows' labels, with the config's thresholds and clock start in them."""
    days = durations.rr_within_working_days
    weeks = durations.lcspr_within_days / 7
    weeks_text = f"{weeks:g}" if float(weeks).is_integer() else f"{weeks:.1f}"
    start = "notification" if durations.rr_clock_start == "notification" else "incident"
    return {
        "rr": f"rapid review within {days} working days of {start}",
        "rr_expectation": f"{days} working days",
        "lcspr": f"LCSPR within {weeks_text} weeks of rapid review",
        "lcspr_expectation": f"{durations.lcspr_within_days} days ({weeks_text} weeks)",
    }


def timeliness(
    lcsprs: pd.DataFrame, durations: Durations, rounding: str, ci: dict | None = None
) -> Table:
    """Shares within the expected times (the config's working days and days, e.g. 15 and 182)."""
    labels = timeliness_labels(durations)
    rows = []
    for measure, column, expectation in (
        (labels["rr"], "rr_within_working_days", labels["rr_expectation"]),
        (labels["lcspr"], "lcspr_within_26_weeks", labels["lcspr_expectation"]),
    ):
        values = lcsprs[column].dropna().astype(bool)
        n, k = int(values.size), int(values.sum())
        rows.append(
            {
                "measure": measure,
                "expectation": expectation,
                "n_within": k,
                "n": n,
                "pct": percent(k, n, rounding),
            }
        )
    frame = pd.DataFrame(rows).astype({"pct": "Int64"})
    frame = _insert_interval(frame, "pct", frame["n_within"].tolist(), frame["n"].tolist(), ci)
    frame["display"] = [
        f"{p}% ({k} of {n})" for p, k, n in zip(frame["pct"], frame["n_within"], frame["n"])
    ]
    start = "notification" if durations.rr_clock_start == "notification" else "incident"
    notes = [
        f"Working days are counted from the {start} date to the rapid review date "
        "(Monday to Friday, less bank holidays); the thresholds are the config's. "
        "Percentages are of the LCSPRs with both dates (n)."
    ]
    return Table(
        reg.TIMELINESS, "Rapid reviews and LCSPRs completed within the expected time", frame, notes
    )


DURATION_MEASURES = {
    "incident_to_rapid_review": "weeks_incident_to_rr",
    "rapid_review_to_lcspr": "weeks_rr_to_lcspr",
}
# Bin widths in weeks when the config gives none (as the schema's defaults).
DEFAULT_BIN_WEEKS = {"incident_to_rapid_review": 1, "rapid_review_to_lcspr": 4}


def _bin_label(low: int, width: int, mode: str) -> str:
    if mode == "completed":
        return str(low) if width == 1 else f"{low}-{low + width - 1}"
    return f"{low} to under {low + width}"


def duration_distribution(
    lcsprs: pd.DataFrame, bin_weeks: dict, weeks_mode: str, rounding: str
) -> Table:
    """How many LCSPRs took each span of weeks (the data of the duration charts).

    Parameters
    ----------
    lcsprs : pandas.DataFrame
        Derived LCSPRs (the weeks columns, with excluded cases already missing).
    bin_weeks : dict
        Width in weeks of each measure's bins, e.g. ``{"rapid_review_to_lcspr": 4}``.
    weeks_mode : {"completed", "exact"}
        How weeks were counted (only changes the bin labels).
    rounding : str
        Percentage rounding.
    """
    rows = []
    for measure, column in DURATION_MEASURES.items():
        values = lcsprs[column].dropna().astype(float)
        width = int(bin_weeks.get(measure, DEFAULT_BIN_WEEKS[measure]))
        if values.empty:
            continue
        top = int(np.floor(values.max() / width) + 1) * width
        for low in range(0, top, width):
            k = int(((values >= low) & (values < low + width)).sum())
            rows.append(
                {
                    "measure": measure,
                    "weeks_from": low,
                    "weeks_to": low + width,
                    "weeks": _bin_label(low, width, weeks_mode),
                    "n": k,
                    "pct": percent(k, len(values), rounding),
                }
            )
    frame = pd.DataFrame(
        rows, columns=["measure", "weeks_from", "weeks_to", "weeks", "n", "pct"]
    ).astype({"pct": "Int64"})
    return Table(
        reg.DURATION_DISTRIBUTION,
        "Distribution of weeks from incident to rapid review and from rapid review to LCSPR",
        frame,
        [
            "Each row counts the LCSPRs whose duration is at least the 'from' and under the "
            "'to' number of weeks: the same LCSPRs as Table 3 (exclusions applied). "
            "Percentages are of the measure's N in Table 3."
        ],
    )


# --- Tables 4 and 5 --------------------------------------------------------------


def _period_notes(periods: pd.DataFrame) -> list[str]:
    return [
        f"{label}: {note}"
        for label, note in zip(periods["period_label"], periods["note"].fillna(""))
        if str(note).strip()
    ]


def table4_age(
    lcsprs: pd.DataFrame,
    reference: pd.DataFrame,
    periods: pd.DataFrame,
    bands: list[dict],
    year: int,
    rounding: str,
    ci: dict | None = None,
) -> Table:
    """Ages of index children: the SCR periods (as published) beside the cohort."""
    labels = [b["label"] for b in bands]
    frame = pd.DataFrame({"age_band": labels + ["Total"]})
    for period in periods["period"]:
        ref = reference.loc[reference["period"] == period].set_index("age_band")
        n = [int(ref.loc[b, "n"]) if b in ref.index else pd.NA for b in labels]
        total = int(ref["n"].sum())
        frame[f"{period}_n"] = pd.array(n + [total], dtype="Int64")
        frame[f"{period}_pct"] = pd.array(
            [int(ref.loc[b, "pct_published"]) if b in ref.index else pd.NA for b in labels] + [100],
            dtype="Int64",
        )
    bands_known = lcsprs["age_band"].dropna()
    counts = _count(bands_known, labels, len(bands_known), rounding)
    frame[f"lcspr_{year}_n"] = pd.array(counts["n"].tolist() + [len(bands_known)], dtype="Int64")
    frame[f"lcspr_{year}_pct"] = pd.array(counts["pct"].tolist() + [100], dtype="Int64")
    frame = _insert_interval(
        frame,
        f"lcspr_{year}_pct",
        frame[f"lcspr_{year}_n"].tolist(),
        len(bands_known),
        ci,
        skip=frame["age_band"] == "Total",
    )
    notes = _period_notes(periods) + [
        "SCR columns are the published figures; percentages as printed.",
        f"LCSPR {year}: index children with a known age.",
    ]
    return Table(
        reg.TABLE4, f"Table 4: Ages of index children in SCRs and the {year} LCSPRs", frame, notes
    )


def table5_death_serious_harm(
    lcsprs: pd.DataFrame,
    reference: pd.DataFrame,
    periods: pd.DataFrame,
    year: int,
    rounding: str,
    ci: dict | None = None,
) -> Table:
    """Deaths and serious harm: the SCR periods (as published) beside the cohort."""
    rows = ["Total", "Death", "Serious harm"]
    frame = pd.DataFrame({"category": rows})
    for period in periods["period"]:
        ref = reference.loc[reference["period"] == period].set_index("category")
        frame[f"{period}_n"] = pd.array(
            [ref.loc[r, "n"] if r in ref.index else pd.NA for r in rows], dtype="Int64"
        )
        frame[f"{period}_pct"] = pd.array(
            [100] + [ref.loc[r, "pct_published"] for r in rows[1:]], dtype="Int64"
        )
    total = len(lcsprs)
    deaths = int((lcsprs["incident_type"] == "death").sum())
    harm = int((lcsprs["incident_type"] == "serious harm").sum())
    frame[f"lcspr_{year}_n"] = pd.array([total, deaths, harm], dtype="Int64")
    frame[f"lcspr_{year}_pct"] = pd.array(
        [100, percent(deaths, total, rounding), percent(harm, total, rounding)], dtype="Int64"
    )
    frame = _insert_interval(
        frame,
        f"lcspr_{year}_pct",
        [total, deaths, harm],
        total,
        ci,
        skip=frame["category"] == "Total",
    )
    notes = _period_notes(periods) + [
        "SCR columns are the published figures (numbers of deaths were not published)."
    ]
    return Table(
        reg.TABLE5,
        f"Table 5: Death and serious harm cases in SCRs and the {year} LCSPRs",
        frame,
        notes,
    )


def reference_checks(reference: pd.DataFrame, rounding: str) -> pd.DataFrame:
    """Published SCR percentages against n / N rounded: where the print differs."""
    totals = reference.groupby("period")["n"].transform("sum")
    computed = [percent(int(n), int(t), rounding) for n, t in zip(reference["n"], totals)]
    out = reference.assign(period_n=totals, pct_computed=computed)
    out["differs"] = out["pct_computed"] != out["pct_published"]
    return out[
        ["period_label", "age_band", "n", "period_n", "pct_published", "pct_computed", "differs"]
    ]


def _significant(x: float, digits: int = 3) -> float:
    return float(f"{x:.{digits}g}")


def goodness_of_fit_tables(
    age: pd.DataFrame,
    harm: pd.DataFrame,
    periods: pd.DataFrame,
    year: int,
    ci: dict | None = None,
) -> list[Table]:
    """Test the cohort's ages and deaths/serious harm against one SCR period's fixed shares.

    Only when the config's ``uncertainty.goodness_of_fit_assuming_fixed_scr_shares``
    is true: it takes the SCR percentages as exact (no sampling error of their
    own), which :func:`scr_comparison_tables` does not. Chi-square goodness of
    fit of the cohort's counts against the reference period's proportions
    (age: from the published counts; death and serious harm: from the
    published percentages, as no counts were published). Where an expected
    count is under the minimum, the p-value is simulated.

    Parameters
    ----------
    age, harm : pandas.DataFrame
        The frames of Tables 4 and 5.
    periods : pandas.DataFrame
        The SCR periods; the comparison is with the config's
        ``uncertainty.comparison_period``, or the last period listed.
    year : int
        The cohort year.
    ci : dict, optional
        The ``uncertainty`` settings.

    Returns
    -------
    list of Table
        ``goodness_of_fit`` (one row per test) and ``goodness_of_fit_counts``
        (observed and expected counts per category).
    """
    ci = _ci(ci)
    period = ci.get("comparison_period") or str(periods["period"].iloc[-1])
    label = dict(zip(periods["period"], periods["period_label"])).get(period, period)
    # Ages are tested against the SCR counts, death / serious harm against the
    # SCR percentages (no counts were published).
    comparisons = []
    for key, frame, category, reference, basis in (
        ("age_band", age, "age_band", f"{period}_n", "published counts"),
        ("death_serious_harm", harm, "category", f"{period}_pct", "published percentages"),
    ):
        if reference in frame:
            body = frame.loc[frame[category] != "Total"]
            comparisons.append(
                (
                    key,
                    body[category].tolist(),
                    body[f"lcspr_{year}_n"].tolist(),
                    body[reference].tolist(),
                    basis,
                )
            )
    tests, counts = [], []
    for key, categories, observed, reference, basis in comparisons:
        if any(pd.isna(v) for v in [*observed, *reference]):
            continue
        result = uncertainty.goodness_of_fit(
            observed,
            reference,
            ci["min_expected_count"],
            ci["monte_carlo_resamples"],
            ci["seed"],
        )
        if result is None:
            continue
        p_text = "p < 0.001" if result.p_value < 0.001 else f"p = {result.p_value:.3f}"
        tests.append(
            {
                "comparison": key,
                "reference": label,
                "reference_basis": basis,
                "n": int(sum(observed)),
                "chi_square": round(result.statistic, 3),
                "df": result.df,
                "p_value": _significant(result.p_value),
                "method": result.method,
                "monte_carlo_resamples": result.resamples,
                "min_expected": round(result.min_expected, 1),
                "n_expected_under_minimum": result.n_expected_small,
                "display": f"chi-square {result.statistic:.2f}, df {result.df}, {p_text}"
                + (" (Monte Carlo)" if result.method == "Monte Carlo" else ""),
            }
        )
        total_ref = float(sum(reference))
        for category, k, r, e in zip(categories, observed, reference, result.expected):
            counts.append(
                {
                    "comparison": key,
                    "category": category,
                    "observed": int(k),
                    "reference_pct": round(100 * float(r) / total_ref, 1),
                    "expected": round(e, 1),
                }
            )
    minimum = ci["min_expected_count"]
    notes = [
        f"Chi-square goodness of fit of the LCSPR {year} counts against the {label} "
        "proportions (ages from the published counts; death and serious harm from the "
        "published percentages, as the counts were not published).",
        f"Where any expected count is under {minimum:g}, the chi-square approximation is "
        f"unreliable and the p-value is simulated instead ({ci['monte_carlo_resamples']:,} "
        f"Monte Carlo samples of the multinomial, seed {ci['seed']}); method says which.",
        f"This test assumes the {label} shares are exact, fixed proportions: it ignores that "
        "they come from a sample of reviews too, so it finds differences too readily. The "
        "two-sample comparison (scr_comparison_tests) does not assume this.",
        "The SCRs and the LCSPRs come from different review systems and selection rules: a "
        "small p-value says the cohort's distribution differs from the SCR period's, not why. "
        "No correction is made for multiple tests.",
    ]
    return [
        Table(
            reg.GOODNESS_OF_FIT,
            f"Comparison with {label} (its shares taken as fixed): goodness-of-fit tests",
            pd.DataFrame(
                tests,
                columns=[
                    "comparison",
                    "reference",
                    "reference_basis",
                    "n",
                    "chi_square",
                    "df",
                    "p_value",
                    "method",
                    "monte_carlo_resamples",
                    "min_expected",
                    "n_expected_under_minimum",
                    "display",
                ],
            ),
            notes,
        ),
        Table(
            reg.GOODNESS_OF_FIT_COUNTS,
            f"Observed and expected counts in the comparison with {label}",
            pd.DataFrame(
                counts, columns=["comparison", "category", "observed", "reference_pct", "expected"]
            ),
            [f"Expected = LCSPR {year} total times the {label} proportion of the category."],
        ),
    ]


def _reading(p_value: float, alpha: float) -> str:
    """A test's result in words (never "within chance")."""
    return "evidence of a difference" if p_value < alpha else "no evidence of a difference"


def _p_text(p_value: float) -> str:
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"


def scr_comparison_tables(
    age: pd.DataFrame,
    harm: pd.DataFrame,
    periods: pd.DataFrame,
    year: int,
    rounding: str,
    ci: dict | None = None,
) -> list[Table]:
    """Compare the cohort with one SCR period, both taken as samples.

    Tests (``scr_comparison_tests``): chi-square tests of homogeneity of the
    age bands and of death / serious harm (``scipy.stats.chi2_contingency``;
    Fisher's exact test or a Monte Carlo p-value where an expected count is
    under the minimum), and a chi-square test for linear trend across the
    ordered age bands (Cochran-Armitage). Effect sizes
    (``scr_comparison_differences``): the difference in percentage points,
    cohort minus SCR, with a Newcombe hybrid score interval, for the share of
    deaths and for each age band.

    The SCR reviews published no count of deaths: it is worked out from the
    published percentage and total (rounded half up), as the notes say.

    Parameters
    ----------
    age, harm : pandas.DataFrame
        The frames of Tables 4 and 5.
    periods : pandas.DataFrame
        The SCR periods; the comparison is with ``uncertainty.comparison_period``
        or the last period listed.
    year : int
        The cohort year.
    rounding : str
        Percentage rounding (unused: the SCR count of deaths is rounded half up).
    ci : dict, optional
        The ``uncertainty`` settings.
    """
    ci = _ci(ci)
    level = ci["confidence_level"]
    alpha = 1 - level
    period = ci.get("comparison_period") or str(periods["period"].iloc[-1])
    label = dict(zip(periods["period"], periods["period_label"])).get(period, period)
    cohort_n, ref_n, ref_pct = f"lcspr_{year}_n", f"{period}_n", f"{period}_pct"
    samples = {}
    if ref_n in age and cohort_n in age:
        body = age.loc[age["age_band"] != "Total"]
        samples["age_band"] = (
            body["age_band"].tolist(),
            body[cohort_n].tolist(),
            body[ref_n].tolist(),
            "published counts",
        )
    if ref_pct in harm and cohort_n in harm:
        rows = harm.set_index("category")
        total = rows.loc["Total", ref_n] if ref_n in rows else pd.NA
        pct = rows.loc["Death", ref_pct] if "Death" in rows.index else pd.NA
        if not (pd.isna(total) or pd.isna(pct)):
            # No SCR count of deaths was published: the count nearest the printed share.
            deaths = (2 * int(pct) * int(total) + 100) // 200  # pct% of total, half up
            samples["death_serious_harm"] = (
                ["Death", "Serious harm"],
                [rows.loc["Death", cohort_n], rows.loc["Serious harm", cohort_n]],
                [deaths, int(total) - deaths],
                f"count worked out from the published {int(pct)}% of {int(total)}",
            )
    tests, differences = [], []
    for comparison, (categories, observed, reference, basis) in samples.items():
        if any(pd.isna(v) for v in [*observed, *reference]):
            continue
        observed = [int(v) for v in observed]
        reference = [int(v) for v in reference]
        results = [
            (
                comparison,
                "homogeneity",
                uncertainty.homogeneity_test(
                    observed,
                    reference,
                    ci["min_expected_count"],
                    ci["monte_carlo_resamples"],
                    ci["seed"],
                ),
            )
        ]
        if comparison == "age_band":
            results.append(
                ("age_band_trend", "linear trend", uncertainty.trend_test(observed, reference))
            )
        for name, test, result in results:
            if result is None:
                continue
            reading = _reading(result.p_value, alpha)
            if test == "linear trend" and result.p_value < alpha:
                reading += ": a trend across the ordered age bands"
            # Held and printed to 2 decimals: rounding once, every output says the same.
            shown = round(result.statistic, 2)
            statistic = f"chi-square {shown:.2f}, df {result.df}, {_p_text(result.p_value)}"
            if result.method in ("Fisher exact", "Monte Carlo"):
                statistic += f" ({result.method})"
            tests.append(
                {
                    "comparison": name,
                    "test": test,
                    "reference": label,
                    "reference_basis": basis,
                    "n": int(sum(observed)),
                    "reference_total": int(sum(reference)),
                    "chi_square": shown,
                    "df": result.df,
                    "p_value": _significant(result.p_value),
                    "method": result.method,
                    "monte_carlo_resamples": result.resamples,
                    "min_expected": round(result.min_expected, 1),
                    # Categories, not children: not a count to suppress.
                    "expected_under_minimum": result.n_expected_small,
                    "reading": reading,
                    "display": f"{statistic}: {reading}",
                }
            )
        listed = categories if comparison == "age_band" else categories[:1]
        n, r = sum(observed), sum(reference)
        for category, k, m in zip(listed, observed, reference):
            found = uncertainty.newcombe_difference(k, n, m, r, level)
            if found is None:
                continue
            d, low, high = (round(100 * v, 1) for v in found)
            if low <= 0 <= high:
                reading = "no evidence of a difference"
            else:
                reading = "evidence of a difference: " + (
                    f"higher in the {year} LCSPRs" if d > 0 else f"lower in the {year} LCSPRs"
                )
            differences.append(
                {
                    "comparison": "death_share" if comparison != "age_band" else comparison,
                    "category": category,
                    "observed": k,
                    "n": n,
                    "cohort_pct": round(100 * k / n, 1),
                    "reference": label,
                    "reference_count": m,
                    "reference_total": r,
                    "reference_pct": round(100 * m / r, 1),
                    "difference_pp": d,
                    "ci_lower": low,
                    "ci_upper": high,
                    "reading": reading,
                    # Starts with a word: a cell starting "-" or "+" would be neutralised.
                    "display": f"Difference {d:+.1f} points ({level:.0%} CI {low:+.1f} to "
                    f"{high:+.1f}): {reading}",
                }
            )
    minimum = ci["min_expected_count"]
    caveats = [
        f"The SCRs of {label} and the LCSPRs come from different review systems, with "
        "different rules for which cases are reviewed: a difference says the two groups of "
        "reviews differ, not why.",
        f"{label} spans 2 to 3 years of reviews, the LCSPR column one year.",
        "No correction is made for multiple tests: with several tests, one may show a "
        "difference by chance.",
    ]
    notes = [
        f"Both columns are treated as samples: the LCSPRs of {year} and the SCRs of {label}. "
        "Chi-square tests of homogeneity (Pearson, no continuity correction) of the counts; "
        "for the ordered age bands also a chi-square test for linear trend (Cochran-Armitage, "
        "scores 0, 1, 2, ... in band order).",
        f"Where an expected count is under {minimum:g}, a 2 x 2 table gets Fisher's exact test "
        f"and a larger one a Monte Carlo p-value ({ci['monte_carlo_resamples']:,} tables with "
        f"the same margins, seed {ci['seed']}); method says which.",
        f"Reading: 'evidence of a difference' where p < {alpha:g}, otherwise 'no evidence of a "
        "difference' (which is not evidence that there is none).",
        f"Death and serious harm: the {label} count of deaths was not published; it is worked "
        "out from the published percentage and total, so it may be off by one.",
        *caveats,
    ]
    difference_notes = [
        f"Difference in percentage points: the {year} LCSPRs' percentage minus {label}'s "
        "(percentages of each group's total, from the counts, to one decimal place). Its "
        f"{level:.0%} interval is Newcombe's hybrid score interval (Wilson score intervals of "
        "each percentage combined), which assumes two independent samples.",
        "Reading: 'no evidence of a difference' where the interval includes 0.",
        f"The {label} count of deaths is worked out from the published percentage and total.",
        *caveats,
    ]
    test_columns = [
        "comparison", "test", "reference", "reference_basis", "n", "reference_total",
        "chi_square", "df", "p_value", "method", "monte_carlo_resamples", "min_expected",
        "expected_under_minimum", "reading", "display",
    ]  # fmt: skip
    difference_columns = [
        "comparison", "category", "observed", "n", "cohort_pct", "reference",
        "reference_count", "reference_total", "reference_pct", "difference_pp", "ci_lower",
        "ci_upper", "reading", "display",
    ]  # fmt: skip
    return [
        Table(
            reg.SCR_COMPARISON_TESTS,
            f"Comparison with {label}: tests of the two samples",
            pd.DataFrame(tests, columns=test_columns),
            notes,
        ),
        Table(
            reg.SCR_COMPARISON_DIFFERENCES,
            f"Comparison with {label}: differences in percentage points",
            pd.DataFrame(differences, columns=difference_columns),
            difference_notes,
        ),
    ]


# --- further breakdowns --------------------------------------------------------------


def _sex_columns(
    frame: pd.DataFrame, lcsprs: pd.DataFrame, column: str, categories: list[str]
) -> pd.DataFrame:
    frame = frame.copy()
    for sex in ("female", "male"):
        frame[f"n_{sex}"] = [
            int(((lcsprs[column] == c) & (lcsprs["lcspr_sex"] == sex)).sum()) for c in categories
        ] + [int((lcsprs["lcspr_sex"] == sex).sum())]
    frame["n_other_or_mixed"] = frame["n"] - frame["n_female"] - frame["n_male"]
    return frame


def harm_tables(
    lcsprs: pd.DataFrame, codebook: dict, rounding: str, ci: dict | None = None
) -> list[Table]:
    """Harm categories within deaths and within serious harm, with sex splits."""
    tables = []
    subcategory_of = codebook["harm_subcategory_of"]
    for incident, name in (
        ("death", reg.DEATH_CATEGORIES),
        ("serious harm", reg.SERIOUS_HARM_CATEGORIES),
    ):
        if incident not in codebook["harm_categories"]:
            continue
        subset = lcsprs.loc[lcsprs["incident_type"] == incident]
        categories = list(codebook["harm_categories"][incident])
        table = _breakdown(
            name,
            f"{incident.capitalize()}: category of {'death' if incident == 'death' else 'harm'}",
            "harm_category",
            subset["harm_category"],
            categories,
            len(subset),
            rounding,
            [
                "Sex is the index child's; 'other or mixed' includes reviews of several children "
                "of different sexes and sex not known."
            ],
            ci,
        )
        table.frame = _sex_columns(table.frame, subset, "harm_category", categories)
        if incident == "serious harm":
            group_rows = []
            for group, members in codebook["serious_harm_groups"].items():
                in_group = subset["harm_category"].isin(members)
                n = int(in_group.sum())
                group_rows.append(
                    {
                        "harm_category": f"{group} (all)",
                        "n": n,
                        "pct": percent(n, len(subset), rounding),
                        "n_female": int((in_group & (subset["lcspr_sex"] == "female")).sum()),
                        "n_male": int((in_group & (subset["lcspr_sex"] == "male")).sum()),
                    }
                )
            if group_rows:
                groups = pd.DataFrame(group_rows).astype({"pct": "Int64"})
                groups = _insert_interval(groups, "pct", groups["n"].tolist(), len(subset), ci)
                groups["n_other_or_mixed"] = groups["n"] - groups["n_female"] - groups["n_male"]
                groups = _with_display(groups.astype({"pct": "Int64"}))
                table.frame = pd.concat([table.frame, groups], ignore_index=True)
        tables.append(table)
    maltreatment = lcsprs.loc[lcsprs["harm_category"] == subcategory_of]
    subcategories = list(codebook["harm_subcategories"])
    tables.append(
        _breakdown(
            reg.MALTREATMENT_SUBCATEGORIES,
            f"Sub-categories of {subcategory_of}",
            "harm_subcategory",
            maltreatment["harm_subcategory"],
            subcategories,
            len(maltreatment),
            rounding,
            ci=ci,
        )
    )
    return tables


def subsample_table(lcsprs: pd.DataFrame, codebook: dict) -> Table:
    """Profile of the purposive in-depth sub-sample."""
    sub = lcsprs.loc[lcsprs["in_subsample"].fillna(False).astype(bool)]
    split = codebook["subsample_age_split"]
    rows = [{"characteristic": "all", "value": "LCSPRs", "n": len(sub)}]
    for incident in codebook["review_incident_types"]:
        rows.append(
            {
                "characteristic": "incident_type",
                "value": incident,
                "n": int((sub["incident_type"] == incident).sum()),
            }
        )
    for sex in ["male", "female", "mixed", "other", "not known"]:
        n = int((sub["lcspr_sex"] == sex).sum())
        if n or sex in ("male", "female"):
            rows.append({"characteristic": "sex", "value": sex, "n": n})
    ages = sub["age_years"]
    rows += [
        {"characteristic": "age", "value": f"under {split}", "n": int((ages < split).sum())},
        {"characteristic": "age", "value": f"{split} and over", "n": int((ages >= split).sum())},
        {
            "characteristic": "age",
            "value": "no index child",
            "n": int((~sub["has_index_child"]).sum()),
        },
    ]
    for incident, categories in codebook["harm_categories"].items():
        for category in categories:
            n = int(((sub["incident_type"] == incident) & (sub["harm_category"] == category)).sum())
            rows.append({"characteristic": f"{incident}: harm_category", "value": category, "n": n})
    subcategory_of = codebook["harm_subcategory_of"]
    for subcategory in codebook["harm_subcategories"]:
        n = int(
            (
                (sub["harm_category"] == subcategory_of) & (sub["harm_subcategory"] == subcategory)
            ).sum()
        )
        rows.append(
            {"characteristic": f"{subcategory_of}: subcategory", "value": subcategory, "n": n}
        )
    return Table(
        reg.SUBSAMPLE,
        "The purposive in-depth sub-sample",
        pd.DataFrame(rows),
        [
            "Sex is the index child's; for a review without an index child, its children's "
            "(mixed where they differ). Age is the index child's age at the incident."
        ],
    )


def race_subsample_table(lcsprs: pd.DataFrame, codebook: dict) -> Table:
    """The race, ethnicity and culture sub-sample by the children's background."""
    sub = lcsprs.loc[lcsprs["in_race_subsample"].fillna(False).astype(bool)]
    background = (
        sub["ethnic_group"]
        .astype("string")
        .where(~sub["any_minoritised_child"], "Black and other minoritised")
    )
    background = background.fillna("No index child")
    categories = (
        ["Black and other minoritised"]
        + [g for g in codebook["ethnic_groups"] if g not in codebook["minoritised_groups"]]
        + ["No index child"]
    )
    counts = background.value_counts()
    frame = pd.DataFrame(
        {"background": categories, "n": [int(counts.get(c, 0)) for c in categories]}
    )
    frame = pd.concat(
        [frame, pd.DataFrame({"background": ["Total"], "n": [len(sub)]})], ignore_index=True
    )
    return Table(
        reg.RACE_SUBSAMPLE,
        "The race, ethnicity and culture sub-sample",
        frame,
        [
            "'Black and other minoritised': any child in the review is of a Mixed, Asian, Black "
            "or Other ethnic group; otherwise the index child's group."
        ],
    )


def practice_themes_table(
    lcsprs: pd.DataFrame, codebook: dict, rounding: str, ci: dict | None = None
) -> Table:
    """How many LCSPRs addressed each of the Panel's six practice themes."""
    rows = []
    for column, label in codebook["practice_themes"].items():
        values = lcsprs[column].dropna().astype(bool) if column in lcsprs else pd.Series(dtype=bool)
        k, n = int(values.sum()), int(values.size)
        rows.append(
            {"theme": label, "n_addressed": k, "n_coded": n, "pct": percent(k, n, rounding)}
        )
    frame = pd.DataFrame(rows, columns=["theme", "n_addressed", "n_coded", "pct"]).astype(
        {"pct": "Int64"}
    )
    frame = _insert_interval(
        frame, "pct", frame["n_addressed"].tolist(), frame["n_coded"].tolist(), ci
    )
    return Table(reg.PRACTICE_THEMES, "Practice themes addressed by the LCSPRs", frame)


def data_sources_table(lcsprs: pd.DataFrame) -> Table:
    """Where each index child's sex, age and ethnicity came from."""
    index = lcsprs.loc[lcsprs["has_index_child"]]
    rows = []
    for column in ("sex", "age_years", "ethnicity"):
        flag = {"age_years": "age_from_sin"}.get(column, f"{column}_from_sin")
        from_sin = int(index[flag].sum())
        missing = int(index[column].isna().sum())
        rows.append(
            {
                "attribute": column,
                "n_index_children": len(index),
                "n_from_coding_schedule": len(index) - from_sin - missing,
                "n_from_sin": from_sin,
                "n_not_known": missing,
            }
        )
    notes = ["Taken from the SIN where the coding schedule left the value blank."]
    for column in ("sex", "ethnicity"):
        via = index.get(f"{column}_classification", pd.Series(dtype="string")).dropna()
        if len(via):
            # Names only: how many values each classification read is in reconciliation.csv.
            notes.append(
                f"Values of {column} written in a standard classification were read as codes: "
                + ", ".join(sorted(set(via)))
                + "."
            )
    return Table(
        reg.DATA_SOURCES,
        "Source of index children's characteristics",
        pd.DataFrame(rows),
        notes,
    )
