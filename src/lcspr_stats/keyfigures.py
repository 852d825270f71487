"""The key figures of a cohort (``key_figures.json``) and the table cells each one shows.

:func:`key_figures` reads the built tables through the registry's constants
(and the counts each declared table yields); :func:`figure_cells` tells
disclosure control which table cell each figure repeats, so a figure is
suppressed with its cell.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import registry as reg
from . import uncertainty
from .derive import percent
from .disclosure import Cell, DisclosureGrid, _count_like, _get, _walk
from .disclosure_shapes import TEST_TOTAL_STATISTICS
from .pipeline import pipeline_key_figures, pipeline_stage_of
from .settings import Settings
from .survival import survival_key_figures, survival_row_of
from .table import Table

# The order of the keys in key_figures.json. A key not listed (a table
# declared in config) follows them, in the order the tables come.
KEY_ORDER = [
    "cohort_year",
    "n_lcsprs",
    "n_children",
    "n_index_children",
    "n_deaths",
    "pct_deaths",
    "n_serious_harm",
    "pct_serious_harm",
    "incident_year_counts",
    "n_incident_year_known",
    "pct_incident_in_previous_year",
    "rr_received_by_year",
    "lcspr_commissioned_by_year",
    "pct_commissioned_by_year",
    "rr_pending_by_year",
    "rr_decided_by_year",
    "pct_commissioned_of_decided_by_year",
    "incident_to_rr_weeks",
    "rr_to_lcspr_weeks",
    "incident_to_rr_weeks_bases",
    "rr_to_lcspr_weeks_bases",
    "n_rr_within_15_working_days",
    "pct_rr_within_15_working_days",
    "n_lcspr_within_26_weeks",
    "pct_lcspr_within_26_weeks",
    "lcspr_pipeline",
    "lcspr_time_to_completion",
    "n_rr_timed_working_days",
    "n_lcspr_timed_days",
    "n_rr_within_15_working_days_threshold",
    "pct_rr_within_15_working_days_threshold",
    "n_lcspr_within_26_weeks_threshold",
    "pct_lcspr_within_26_weeks_threshold",
    "age_band_counts",
    "n_age_known",
    "ethnic_group_counts",
    "n_ethnicity_from_sin",
    "n_sex_from_sin",
    "n_age_from_sin",
    "death_category_counts",
    "maltreatment_death_subcategory_counts",
    "serious_harm_category_counts",
    "serious_harm_group_counts",
    "review_type_counts",
    "n_published",
    "pct_published",
    "methodology_counts",
    "n_methodology_declared",
    "n_subsample",
    "n_race_subsample",
    "race_subsample_background_counts",
]


def _count_columns(spec: reg.TableSpec, settings: Settings) -> dict[str, str]:
    """A declared cross-tabulation's column category -> count column (else empty)."""
    from .breakdowns import count_columns

    return count_columns(spec.declared, settings.codebook.raw) if spec.declared else {}


def yielded_counts(table: Table, spec: reg.TableSpec, settings: Settings) -> dict:
    """The counts a table yields as its key figure: ``{row: n}`` (or ``{row: {column: n}}``).

    Total rows and groups of categories (``... (all)``) are left out.
    """
    frame = table.frame
    label = frame.columns[0]
    body = frame.loc[
        ~frame[label].astype(str).isin(["Total"]) & ~frame[label].astype(str).str.endswith("(all)")
    ]
    columns = _count_columns(spec, settings)
    if columns:
        return {
            str(row[label]): {value: int(row[column]) for value, column in columns.items()}
            for _, row in body.iterrows()
        }
    return {str(k): int(v) for k, v in zip(body[label], body["n"])}


def _ordered(figures: dict) -> dict:
    known = [k for k in KEY_ORDER if k in figures]
    return {k: figures[k] for k in known + [k for k in figures if k not in KEY_ORDER]}


def key_figures(
    tables: list[Table], lcsprs: pd.DataFrame, settings: Settings | dict, year: int
) -> dict:
    """The flat dictionary of headline figures written to ``key_figures.json``.

    ``settings`` may be a validated config (it is turned into :class:`Settings`).
    """
    settings = Settings.from_config(settings)
    codebook = settings.codebook.raw
    rounding = settings.percent_rounding
    by_name = {t.name: t.frame for t in tables}
    specs = {s.name: s for s in reg.table_specs(settings)}
    yielded = {
        specs[t.name].key_figure: yielded_counts(t, specs[t.name], settings)
        for t in tables
        if t.name in specs and specs[t.name].key_figure
    }

    n = len(lcsprs)
    index = lcsprs.loc[lcsprs["has_index_child"]]
    deaths = int((lcsprs["incident_type"] == "death").sum())
    harm = int((lcsprs["incident_type"] == "serious harm").sum())
    t1 = by_name[reg.TABLE1]
    years_only = t1.loc[t1["year_of_incident"].str.fullmatch(r"\d{4}")]
    incident_year_counts = {
        y: int(c) for y, c in zip(years_only["year_of_incident"], years_only["n"])
    }
    known = int(sum(incident_year_counts.values()))
    t2 = by_name[reg.TABLE2]
    t3 = by_name[reg.TABLE3]
    timely = by_name[reg.TIMELINESS].set_index("measure")
    rr_timely = timely.iloc[0]
    lcspr_timely = timely.iloc[1]

    def weeks(measure: str) -> dict:
        rows = t3.loc[t3["measure"] == measure].set_index("statistic")["value"]

        def num(v: object) -> float | int | None:
            if pd.isna(v):
                return None
            v = float(v)
            return int(v) if v.is_integer() else v

        return {
            "n": int(rows["N"]),
            "median": None if pd.isna(rows["Median"]) else float(rows["Median"]),
            "min": num(rows["Minimum"]),
            "max": num(rows["Maximum"]),
            "range": num(rows["Range"]),
        }

    def bases(measure: str) -> dict:
        # The LCSPRs with both dates (in order) before the named exclusions, and those
        # excluded by name: n = n_with_both_dates - excluded_by_name.
        start, end, early, excluded = {
            "incident_to_rapid_review": (
                "incident_date", "rr_date", "rr_before_incident", "excluded_incident_to_rr"
            ),
            "rapid_review_to_lcspr": (
                "rr_date", "date_submitted", "lcspr_before_rr", "excluded_rr_to_lcspr"
            ),
        }[measure]  # fmt: skip
        if not {start, end, early, excluded} <= set(lcsprs.columns):
            return {}
        both = lcsprs[start].notna() & lcsprs[end].notna() & ~lcsprs[early].astype(bool)
        return {
            "n_with_both_dates": int(both.sum()),
            "excluded_by_name": int((both & lcsprs[excluded].notna()).sum()),
        }

    is_published = lcsprs["published"].isin(codebook["published_statuses"])
    harm_frame = by_name[reg.SERIOUS_HARM_CATEGORIES]
    groups = harm_frame.loc[harm_frame["harm_category"].str.endswith("(all)")]
    race = by_name[reg.RACE_SUBSAMPLE]
    sub = by_name[reg.SUBSAMPLE]

    figures = {
        "cohort_year": year,
        "n_lcsprs": n,
        "n_children": int(lcsprs["n_children"].sum()),
        "n_index_children": len(index),
        "n_deaths": deaths,
        "pct_deaths": percent(deaths, n, rounding),
        "n_serious_harm": harm,
        "pct_serious_harm": percent(harm, n, rounding),
        "incident_year_counts": incident_year_counts,
        "n_incident_year_known": known,
        "pct_incident_in_previous_year": percent(
            incident_year_counts.get(str(year - 1), 0), known, rounding
        ),
        "rr_received_by_year": {
            str(y): int(v) for y, v in zip(t2["year_received"], t2["n_rapid_reviews"])
        },
        "lcspr_commissioned_by_year": {
            str(y): int(v) for y, v in zip(t2["year_received"], t2["n_lcspr_commissioned"])
        },
        "pct_commissioned_by_year": {
            str(y): None if pd.isna(v) else int(v)
            for y, v in zip(t2["year_received"], t2["pct_commissioned"])
        },
        **_decisions(t2),
        "incident_to_rr_weeks": weeks("incident_to_rapid_review"),
        "rr_to_lcspr_weeks": weeks("rapid_review_to_lcspr"),
        # Beside the published dicts, which keep their keys.
        "incident_to_rr_weeks_bases": bases("incident_to_rapid_review"),
        "rr_to_lcspr_weeks_bases": bases("rapid_review_to_lcspr"),
        "n_rr_within_15_working_days": int(rr_timely["n_within"]),
        "pct_rr_within_15_working_days": None
        if pd.isna(rr_timely["pct"])
        else int(rr_timely["pct"]),
        "n_lcspr_within_26_weeks": int(lcspr_timely["n_within"]),
        "pct_lcspr_within_26_weeks": None
        if pd.isna(lcspr_timely["pct"])
        else int(lcspr_timely["pct"]),
        **_thresholds(settings),
        "n_rr_timed_working_days": int(rr_timely["n"]),
        "n_lcspr_timed_days": int(lcspr_timely["n"]),
        "age_band_counts": {
            b["label"]: int((index["age_band"] == b["label"]).sum()) for b in codebook["age_bands"]
        },
        "n_age_known": int(index["age_band"].notna().sum()),
        "n_ethnicity_from_sin": int(index["ethnicity_from_sin"].sum()),
        "n_sex_from_sin": int(index["sex_from_sin"].sum()),
        "n_age_from_sin": int(index["age_from_sin"].sum()),
        "serious_harm_group_counts": {
            g.removesuffix(" (all)"): int(v) for g, v in zip(groups["harm_category"], groups["n"])
        },
        "n_published": int(is_published.sum()),
        "pct_published": percent(int(is_published.sum()), n, rounding),
        "n_methodology_declared": int(
            (
                lcsprs["methodology"].notna()
                & (lcsprs["methodology"] != codebook["methodology_not_stated"])
            ).sum()
        ),
        "n_subsample": int(sub.loc[sub["characteristic"] == "all", "n"].iloc[0]),
        "n_race_subsample": int(race.loc[race["background"] == "Total", "n"].iloc[0]),
    }
    # The race sub-sample's counts leave out backgrounds with no LCSPR.
    race_counts = yielded.get("race_subsample_background_counts")
    if race_counts is not None:
        yielded["race_subsample_background_counts"] = {b: v for b, v in race_counts.items() if v}
    figures.update(yielded)
    figures.update(uncertainty_figures(by_name, lcsprs, settings, year))
    figures.update(pipeline_key_figures(by_name.get(reg.REVIEW_PIPELINE), settings.as_at()))
    figures.update(
        survival_key_figures(by_name.get(reg.TIME_TO_LCSPR), figures["rr_to_lcspr_weeks"]["median"])
    )
    return _ordered(figures)


def _decisions(t2: pd.DataFrame) -> dict:
    """Table 2's pending and decided rapid reviews, and commissioned of decided, by year."""
    if not {"n_pending", "n_decided", "pct_of_decided"} <= set(t2.columns):
        return {}
    years = [str(y) for y in t2["year_received"]]
    return {
        "rr_pending_by_year": {y: int(v) for y, v in zip(years, t2["n_pending"])},
        "rr_decided_by_year": {y: int(v) for y, v in zip(years, t2["n_decided"])},
        "pct_commissioned_of_decided_by_year": {
            y: None if pd.isna(v) else int(v) for y, v in zip(years, t2["pct_of_decided"])
        },
    }


def _thresholds(settings: Settings) -> dict:
    """Companions of the timeliness keys: the threshold each one was counted with.

    The keys keep their published names (``..._15_working_days``,
    ``..._26_weeks``) whatever the config says; these say what was used.
    """
    durations = settings.durations
    rr = {
        "working_days": int(durations.rr_within_working_days),
        "counted_from": durations.rr_clock_start,
    }
    lcspr = {
        "days": int(durations.lcspr_within_days),
        "weeks": round(int(durations.lcspr_within_days) / 7, 1),
    }
    return {
        "n_rr_within_15_working_days_threshold": rr,
        "pct_rr_within_15_working_days_threshold": dict(rr),
        "n_lcspr_within_26_weeks_threshold": lcspr,
        "pct_lcspr_within_26_weeks_threshold": dict(lcspr),
    }


def _bounds(lower: object, upper: object) -> dict | None:
    if pd.isna(lower) or pd.isna(upper):
        return None
    return {"lower": float(lower), "upper": float(upper)}


def uncertainty_figures(
    by_name: dict[str, pd.DataFrame], lcsprs: pd.DataFrame, settings: Settings, year: int
) -> dict:
    """Key figures of uncertainty: intervals of the headline percentages and medians, tests.

    Every interval is read from the tables (so the JSON, the CSVs and the
    workbook agree); only ``pct_published_ci`` is computed here, as no table
    holds the published share as one row.
    """
    ci = settings.uncertainty.as_dict()
    durations = settings.durations
    codebook = settings.codebook.raw
    t1 = by_name[reg.TABLE1].set_index("year_of_incident")
    t2 = by_name[reg.TABLE2]
    t3 = by_name[reg.TABLE3]
    t4 = by_name[reg.TABLE4].set_index("age_band")
    t5 = by_name[reg.TABLE5].set_index("category")
    timely = by_name[reg.TIMELINESS]
    pct, lower, upper = (
        f"lcspr_{year}_pct",
        f"lcspr_{year}_pct_ci_lower",
        f"lcspr_{year}_pct_ci_upper",
    )

    def median_ci(measure: str) -> dict | None:
        row = t3.loc[(t3["measure"] == measure) & (t3["statistic"] == "Median")].iloc[0]
        bounds = _bounds(row["ci_lower"], row["ci_upper"])
        if bounds is not None and pd.notna(row.get("ci_coverage", pd.NA)):
            bounds["coverage"] = float(row["ci_coverage"])
        return bounds

    previous = str(year - 1)
    published = int(lcsprs["published"].isin(codebook["published_statuses"]).sum())
    bands = [b["label"] for b in codebook["age_bands"]]
    tests = by_name.get(reg.GOODNESS_OF_FIT, pd.DataFrame())
    return {
        "uncertainty": {
            "confidence_level": ci["confidence_level"],
            "interval_method": "Wilson score",
            "interval_decimals": ci["interval_decimals"],
            "median_interval_method": "percentile bootstrap"
            if ci["median_interval"] == "bootstrap"
            else "exact (order statistics)",
            "bootstrap_resamples": ci["bootstrap_resamples"],
            "seed": ci["seed"],
        },
        "rr_expected_working_days": int(durations.rr_within_working_days),
        "lcspr_expected_weeks": round(int(durations.lcspr_within_days) / 7, 1),
        "pct_deaths_ci": _bounds(t5.loc["Death", lower], t5.loc["Death", upper]),
        "pct_serious_harm_ci": _bounds(
            t5.loc["Serious harm", lower], t5.loc["Serious harm", upper]
        ),
        "pct_incident_in_previous_year_ci": _bounds(
            t1.loc[previous, "pct_ci_lower"], t1.loc[previous, "pct_ci_upper"]
        )
        if previous in t1.index
        else None,
        "pct_commissioned_by_year_ci": {
            str(y): _bounds(lo, hi)
            for y, lo, hi in zip(
                t2["year_received"],
                t2["pct_commissioned_ci_lower"],
                t2["pct_commissioned_ci_upper"],
            )
        },
        "pct_commissioned_of_decided_by_year_ci": {
            str(y): _bounds(lo, hi)
            for y, lo, hi in zip(
                t2["year_received"],
                t2["pct_of_decided_ci_lower"],
                t2["pct_of_decided_ci_upper"],
            )
        }
        if "pct_of_decided_ci_lower" in t2.columns
        else {},
        "pct_rr_within_15_working_days_ci": _bounds(
            timely["pct_ci_lower"].iloc[0], timely["pct_ci_upper"].iloc[0]
        ),
        "pct_lcspr_within_26_weeks_ci": _bounds(
            timely["pct_ci_lower"].iloc[1], timely["pct_ci_upper"].iloc[1]
        ),
        "pct_published_ci": _bounds(
            *uncertainty.wilson_interval(
                published, len(lcsprs), ci["confidence_level"], ci["interval_decimals"]
            )
        ),
        "age_band_pcts": {
            b: None if pd.isna(t4.loc[b, pct]) else int(t4.loc[b, pct]) for b in bands
        },
        "age_band_pct_ci": {b: _bounds(t4.loc[b, lower], t4.loc[b, upper]) for b in bands},
        "incident_to_rr_weeks_median_ci": median_ci("incident_to_rapid_review"),
        "rr_to_lcspr_weeks_median_ci": median_ci("rapid_review_to_lcspr"),
        "scr_comparison": _scr_comparison(by_name),
        "goodness_of_fit": {
            row.comparison: {
                "reference": row.reference,
                "n": int(row.n),
                "chi_square": float(row.chi_square),
                "df": int(row.df),
                "p_value": float(row.p_value),
                "method": row.method,
                "monte_carlo_resamples": int(row.monte_carlo_resamples),
                "min_expected": float(row.min_expected),
                "n_expected_under_minimum": int(row.n_expected_under_minimum),
            }
            for row in tests.itertuples()
        },
    }


def _scr_comparison(by_name: dict[str, pd.DataFrame]) -> dict:
    """The two-sample comparison with an SCR period: each test, and each difference in points."""
    tests = by_name.get(reg.SCR_COMPARISON_TESTS, pd.DataFrame())
    differences = by_name.get(reg.SCR_COMPARISON_DIFFERENCES, pd.DataFrame())
    return {
        "tests": {
            row.comparison: {
                "test": row.test,
                "reference": row.reference,
                "n": int(row.n),
                "reference_total": int(row.reference_total),
                "chi_square": float(row.chi_square),
                "df": int(row.df),
                "p_value": float(row.p_value),
                "method": row.method,
                "min_expected": float(row.min_expected),
                "reading": row.reading,
            }
            for row in tests.itertuples()
        },
        "differences": {
            f"{row.comparison}: {row.category}": {
                "observed": int(row.observed),
                "n": int(row.n),
                "reference_count": int(row.reference_count),
                "reference_total": int(row.reference_total),
                "difference_pp": float(row.difference_pp),
                "ci_lower": float(row.ci_lower),
                "ci_upper": float(row.ci_upper),
                "reading": row.reading,
            }
            for row in differences.itertuples()
        },
    }


def figure_cells(
    grid: DisclosureGrid, cells: dict, figures: dict, settings: Settings, year: int
) -> dict[tuple[str, ...], tuple[str, Cell | tuple[Cell, ...] | None, Cell | None]]:
    """Map each count or percentage in the key figures to the table cell(s) it shows.

    Figures that no table shows (``n_children``) become cells of their own;
    sums of table cells (``n_published``) become cells with their relation,
    so the grid knows everything a reader sees.
    """
    codebook = settings.codebook.raw
    specs = reg.table_specs(settings)

    def cell(name: str, row: str, column: str = "n") -> Cell | None:
        return cells.get(name, {}).get(row, {}).get(column)

    t1, t2, t5 = reg.TABLE1, reg.TABLE2, reg.TABLE5
    total = cell(t5, "Total")
    index_total = grid.populations.get("index_children")
    mapping: dict[tuple[str, ...], tuple[str, Cell | tuple[Cell, ...] | None, Cell | None]] = {}

    def count(path: tuple[str, ...], target: Cell | None) -> None:
        mapping[path] = ("count", target, None)

    def pct(path: tuple[str, ...], of: Cell | None, among: Cell | None) -> None:
        mapping[path] = ("pct", of, among)

    count(("n_lcsprs",), total)
    count(("n_index_children",), index_total)
    count(("n_deaths",), cell(t5, "Death"))
    pct(("pct_deaths",), cell(t5, "Death"), total)
    count(("n_serious_harm",), cell(t5, "Serious harm"))
    pct(("pct_serious_harm",), cell(t5, "Serious harm"), total)
    for key in figures.get("incident_year_counts", {}):
        count(("incident_year_counts", key), cell(t1, key))
    known = cell(t1, "Total known")
    count(("n_incident_year_known",), known)
    previous = cell(t1, str(year - 1))
    pct(("pct_incident_in_previous_year",), previous, known)
    for key in figures.get("rr_received_by_year", {}):
        received = cell(t2, key, "n_rapid_reviews")
        commissioned = cell(t2, key, "n_lcspr_commissioned")
        count(("rr_received_by_year", key), received)
        count(("lcspr_commissioned_by_year", key), commissioned)
        pct(("pct_commissioned_by_year", key), commissioned, received)
        pending = cell(t2, key, "n_pending")
        decided = cell(t2, key, "n_decided")
        if key in (figures.get("rr_decided_by_year") or {}):
            count(("rr_pending_by_year", key), pending)
            count(("rr_decided_by_year", key), decided)
            pct(("pct_commissioned_of_decided_by_year", key), commissioned, decided)
    for key, measure in (
        ("incident_to_rr_weeks", "incident_to_rapid_review"),
        ("rr_to_lcspr_weeks", "rapid_review_to_lcspr"),
    ):
        n_cell = cell(reg.TABLE3, measure, "N")
        count((key, "n"), n_cell)
        for statistic in ("median", "min", "max", "range"):
            mapping[(key, statistic)] = ("statistic", n_cell, None)
        # n = n_with_both_dates - excluded_by_name. The number excluded by name is
        # public (Table 3's note says it), so the total goes with n.
        if n_cell is not None and "n_with_both_dates" in (figures.get(f"{key}_bases") or {}):
            mapping[(f"{key}_bases", "n_with_both_dates")] = ("statistic", (n_cell,), None)
    timely = list(cells.get(reg.TIMELINESS, {}).values())
    for position, (n_key, pct_key) in enumerate(
        (
            ("n_rr_within_15_working_days", "pct_rr_within_15_working_days"),
            ("n_lcspr_within_26_weeks", "pct_lcspr_within_26_weeks"),
        )
    ):
        if position < len(timely):
            count((n_key,), timely[position]["n_within"])
            count(
                (("n_rr_timed_working_days", "n_lcspr_timed_days")[position],),
                timely[position]["n"],
            )
            pct((pct_key,), timely[position]["n_within"], timely[position]["n"])
    for key in figures.get("age_band_counts", {}):
        count(("age_band_counts", key), cell(reg.TABLE4, key))
    count(("n_age_known",), cell(reg.TABLE4, "Total"))
    yields = {s.key_figure: s for s in specs if s.key_figure}
    for figure in sorted(yields, key=_key_position):
        spec = yields[figure]
        columns = _count_columns(spec, settings)
        for key, value in (figures.get(figure) or {}).items():
            if columns and isinstance(value, dict):
                for column_value, column in columns.items():
                    count((figure, key, column_value), cell(spec.name, key, column))
            else:
                count((figure, key), cell(spec.name, key))
    for key in figures.get("serious_harm_group_counts", {}):
        count(("serious_harm_group_counts", key), cell(reg.SERIOUS_HARM_CATEGORIES, f"{key} (all)"))
    for attribute, key in (
        ("ethnicity", "n_ethnicity_from_sin"),
        ("sex", "n_sex_from_sin"),
        ("age_years", "n_age_from_sin"),
    ):
        count((key,), cell(reg.DATA_SOURCES, attribute, "n_from_sin"))
    for comparison, row in cells.get(reg.GOODNESS_OF_FIT, {}).items():
        n_cell = row["n"]
        _table, position, _column = grid.where[n_cell]
        members = grid.statistics.get((reg.GOODNESS_OF_FIT, position, "chi_square"), (n_cell,))
        count(("goodness_of_fit", comparison, "n"), n_cell)
        for statistic in ("chi_square", "p_value"):
            mapping[("goodness_of_fit", comparison, statistic)] = ("statistic", members, None)
        for statistic in TEST_TOTAL_STATISTICS:
            mapping[("goodness_of_fit", comparison, statistic)] = ("statistic", (n_cell,), None)
    for key, stage in pipeline_stage_of(figures.get("lcspr_pipeline")).items():
        count(("lcspr_pipeline", *key), cell(reg.REVIEW_PIPELINE, stage))
    pct(
        ("lcspr_pipeline", "pct_completed"),
        cell(reg.REVIEW_PIPELINE, "completed"),
        cell(reg.REVIEW_PIPELINE, "initiated"),
    )
    km = cells.get(reg.TIME_TO_LCSPR, {})
    km_members = tuple(c["n"] for r, c in km.items() if not r.startswith("at risk"))
    for key, row in survival_row_of(figures.get("lcspr_time_to_completion")).items():
        if row is None:
            mapping[("lcspr_time_to_completion", *key)] = ("statistic", km_members, None)
        else:
            count(("lcspr_time_to_completion", *key), cell(reg.TIME_TO_LCSPR, row))
    comparison = figures.get("scr_comparison") or {}
    for name, row in cells.get(reg.SCR_COMPARISON_TESTS, {}).items():
        n_cell = row["n"]
        _table, position, _column = grid.where[n_cell]
        members = grid.statistics.get((reg.SCR_COMPARISON_TESTS, position, "p_value"), (n_cell,))
        for statistic in (comparison.get("tests") or {}).get(name, {}):
            if statistic == "n":
                count(("scr_comparison", "tests", name, "n"), n_cell)
            elif not statistic.startswith("reference") and statistic not in ("test", "df"):
                mapping[("scr_comparison", "tests", name, statistic)] = ("statistic", members, None)
    for name, row in cells.get(reg.SCR_COMPARISON_DIFFERENCES, {}).items():
        k, n_cell = row["observed"], row["n"]
        for statistic in (comparison.get("differences") or {}).get(name, {}):
            path = ("scr_comparison", "differences", name, statistic)
            if statistic in ("observed", "n"):
                count(path, k if statistic == "observed" else n_cell)
            elif not statistic.startswith("reference"):
                mapping[path] = ("statistic", (k, n_cell), None)
    count(("n_subsample",), cell(reg.SUBSAMPLE, "all: LCSPRs"))
    count(("n_race_subsample",), cell(reg.RACE_SUBSAMPLE, "Total"))

    # Sums of table cells that no table shows.
    publication = reg.declared_with(settings, "published")
    methodology = reg.declared_with(settings, "methodology")
    statuses = [
        cell(publication.name, s) if publication else None for s in codebook["published_statuses"]
    ]
    if "n_published" in figures and all(statuses):
        published = grid.figure("n_published", figures["n_published"])
        grid.sum_of(published, [s for s in statuses if s is not None])
        count(("n_published",), published)
        pct(("pct_published",), published, total)
    not_stated = codebook["methodology_not_stated"]
    declared = [
        c["n"]
        for row, c in (cells.get(methodology.name, {}) if methodology else {}).items()
        if row not in ("Total", not_stated) and "n" in c
    ]
    if "n_methodology_declared" in figures and declared:
        cell_declared = grid.figure("n_methodology_declared", figures["n_methodology_declared"])
        grid.sum_of(cell_declared, declared)
        count(("n_methodology_declared",), cell_declared)

    for key in figures.get("age_band_pcts", {}) or {}:
        pct(("age_band_pcts", key), cell(reg.TABLE4, key), cell(reg.TABLE4, "Total"))
        for bound in ("lower", "upper"):
            mapping[("age_band_pct_ci", key, bound)] = mapping[("age_band_pcts", key)]
    # Intervals around a figure go with it: pct_deaths_ci.lower with pct_deaths,
    # incident_to_rr_weeks_median_ci.upper with incident_to_rr_weeks.median.
    for path, target in list(mapping.items()):
        if target[0] == "pct":
            interval = (f"{path[0]}_ci", *path[1:])
        elif target[0] == "statistic" and path[-1] == "median":
            interval = (f"{path[0]}_median_ci",)
        else:
            continue
        bounds = _get(figures, interval)
        if isinstance(bounds, dict):
            for bound in bounds:
                mapping[(*interval, str(bound))] = target
    # Any other count (n_..., ....n, ..._counts.<key>) stands alone: primary only.
    for path, value in _walk(figures):
        if path in mapping or not _count_like(path):
            continue
        if isinstance(value, int | np.integer) and not isinstance(value, bool):
            count(path, grid.figure(".".join(path), int(value)))
    # Figures mapped to a cell no table has (a table renamed) stand alone too.
    for path, (kind, target, _other) in list(mapping.items()):
        value = _get(figures, path)
        if kind == "count" and target is None and isinstance(value, int | np.integer):
            mapping[path] = ("count", grid.figure(".".join(path), int(value)), None)
    return mapping


def _key_position(key: str) -> int:
    return KEY_ORDER.index(key) if key in KEY_ORDER else len(KEY_ORDER)
