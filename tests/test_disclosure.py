"""Disclosure control: no small count shown, no suppressed cell recoverable, off by default."""

from __future__ import annotations

import copy
import json

import numpy as np
import pandas as pd
import pytest
from conftest import load_default_config

from lcspr_stats.config import check_config
from lcspr_stats.disclosure import (
    SUPPRESSED,
    Cell,
    apply_disclosure_control,
    build_grid,
)
from lcspr_stats.stages import run_tables
from lcspr_stats.table import Table


def config_with(**settings) -> dict:
    config = check_config(load_default_config())
    config["disclosure_control"] = {"enabled": True, "threshold": 5, **settings}
    return config


def determined(grid, unknown: set[Cell]) -> set[Cell]:
    """Independent check: unknown cells whose value the relations fix (rank test per cell)."""
    order = [c for c in grid.values if c in unknown]
    column = {c: i for i, c in enumerate(order)}
    rows = []
    for relation in grid.relations:
        row = np.zeros(len(order))
        for cell, sign in [(relation.total, 1)] + [(p, -1) for p in relation.parts]:
            if cell in column:
                row[column[cell]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    found = set()
    for cell in order:
        unit = np.zeros(len(order))
        unit[column[cell]] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.add(cell)
    return found


def breakdown(counts: list[int], name: str = "review_types", label: str = "review_type") -> Table:
    from lcspr_stats.tables import _breakdown

    values = pd.Series([f"k{i}" for i, n in enumerate(counts) for _ in range(n)])
    return _breakdown(
        name, "t", label, values, [f"k{i}" for i in range(len(counts))], sum(counts), "half_up"
    )


def test_one_small_cell_takes_the_next_smallest_with_it():
    table = breakdown([10, 3, 12])
    result = apply_disclosure_control([table], {}, config_with(), 2021)
    frame = result.tables[0].frame.set_index("review_type")
    assert frame["n"].tolist() == [SUPPRESSED, SUPPRESSED, 12, 25]
    assert frame["pct"].tolist()[:2] == [SUPPRESSED, SUPPRESSED]
    assert frame["display"].tolist() == [SUPPRESSED, SUPPRESSED, "12 (48%)", "25 (100%)"]
    check = result.check.set_index(["row", "column"])
    assert check.loc[("k1", "n"), "suppression"] == "primary"
    assert check.loc[("k0", "n"), "suppression"] == "secondary"
    assert check.loc[("k1", "pct"), "suppression"] == "percentage"


def test_no_suppression_needed_leaves_the_table_alone():
    table = breakdown([10, 7, 12])
    result = apply_disclosure_control([table], {}, config_with(), 2021)
    assert result.tables[0] is table
    assert result.check.empty


def test_zeros_are_shown_unless_configured():
    table = breakdown([10, 0, 12, 9])
    kept = apply_disclosure_control([table], {}, config_with(), 2021).tables[0]
    assert kept is table
    hidden = apply_disclosure_control([table], {}, config_with(suppress_zeros=True), 2021)
    # The zero, and the smallest other row (9) so it cannot be worked out from the Total.
    assert hidden.tables[0].frame["n"].tolist() == [10, SUPPRESSED, 12, SUPPRESSED, 31]


def test_a_small_implicit_remainder_is_protected():
    # 3 LCSPRs of 25 have no sub-category: Total - listed rows would give them away.
    from lcspr_stats.tables import _breakdown

    values = pd.Series(["a"] * 10 + ["b"] * 12)
    table = _breakdown(
        "maltreatment_death_subcategories",
        "t",
        "harm_subcategory",
        values,
        ["a", "b"],
        25,
        "half_up",
    )
    result = apply_disclosure_control([table], {}, config_with(), 2021)
    assert result.tables[0].frame["n"].tolist().count(SUPPRESSED) == 1
    assert determined(result.grid, result.suppressed | result.grid.hidden) == set()


def test_off_by_default_changes_nothing():
    config = check_config(load_default_config())
    assert config["disclosure_control"]["enabled"] is False
    table = breakdown([10, 3, 12])
    result = apply_disclosure_control([table], {"n_lcsprs": 3}, config, 2021)
    assert result.tables[0] is table and result.key_figures == {"n_lcsprs": 3}
    assert result.check["suppression"].tolist() == ["none"]


# --- the bundled cohort, with control on ----------------------------------------------


def controlled_run(bundled_run, tmp, uncertainty: dict | None = None, **settings):
    processed = bundled_run.parents[1] / "processed" / "2021"
    config = config_with(**settings)
    config["uncertainty"].update(uncertainty or {})
    results = tmp / "results"
    run_tables(
        2021,
        config,
        str(processed / "lcsprs.pkl"),
        str(processed / "ingest" / "rapid_review_register.pkl"),
        str(results / "tables"),
        str(results / "key_figures.json"),
        str(results / "tables" / "notes.csv"),
        str(results / "reference_checks.csv"),
        disclosure_out=str(results / "disclosure_check.csv"),
    )
    return results, config


def tables_of(bundled_run, config) -> list[Table]:
    from lcspr_stats.config import rapid_review_years
    from lcspr_stats.registry import build_tables

    processed = bundled_run.parents[1] / "processed" / "2021"
    ref = config["reference"]
    return build_tables(
        pd.read_pickle(processed / "lcsprs.pkl"),
        pd.read_pickle(processed / "ingest" / "rapid_review_register.pkl"),
        pd.read_csv(ref["scr_age_bands"]),
        pd.read_csv(ref["scr_death_serious_harm"]),
        pd.read_csv(ref["scr_periods"]),
        config,
        2021,
        rapid_review_years(config, 2021),
    )


def count_columns(frame: pd.DataFrame) -> list[str]:
    """Columns of counts of the cohort (the SCR reference columns are published figures)."""
    return [
        c
        for c in frame.columns
        if (c == "n" or c.startswith("n_") or (c.startswith("lcspr_") and c.endswith("_n")))
        or c == "observed"  # goodness_of_fit_counts: the cohort's counts again
    ]


@pytest.mark.parametrize("suppress_zeros", [False, True])
def test_no_small_count_is_shown(bundled_run, tmp_path, suppress_zeros):
    results, _ = controlled_run(bundled_run, tmp_path, suppress_zeros=suppress_zeros)
    shown_small = []
    for path in sorted((results / "tables").glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        columns = count_columns(frame)
        if "statistic" in frame.columns:  # Table 3: N is a count
            frame = frame.loc[frame["statistic"] == "N"].assign(N=lambda f: f["value"])
            columns = ["N"]
        for column in columns:
            for value in frame[column]:
                if value in ("", SUPPRESSED):
                    continue
                n = float(value)
                if n < 5 and (n != 0 or suppress_zeros):
                    shown_small.append(f"{path.name} {column}={value}")
    figures = json.loads((results / "key_figures.json").read_text())

    def walk(node, path=""):
        for key, value in node.items():
            where = f"{path}.{key}" if path else key
            if isinstance(value, dict):
                if key.endswith("_weeks"):
                    value = {"n": value["n"]}  # medians and ranges are weeks, not counts
                yield from walk(value, where)
            elif key == "n" or key.startswith("n_") or path.split(".")[0].endswith("_counts"):
                yield where, value  # counts by name (not settings such as a seed)

    for where, value in walk(figures):
        if isinstance(value, int) and (0 < value < 5 or (suppress_zeros and value == 0)):
            shown_small.append(f"key_figures {where}={value}")
    assert shown_small == []
    assert SUPPRESSED in (results / "tables" / "ethnic_groups.csv").read_text()


def test_no_suppressed_cell_can_be_worked_out(bundled_run, tmp_path):
    results, config = controlled_run(bundled_run, tmp_path)
    grid, _cells = build_grid(tables_of(bundled_run, config), config, 2021)
    # The relations are true of the real numbers (so they are the ones a reader has).
    for relation in grid.relations:
        assert grid.values[relation.total] == sum(grid.values[p] for p in relation.parts)
    # Read back which cells the written files show as [c].
    shown_c = set()
    for cell, (table, position, column) in grid.where.items():
        frame = pd.read_csv(results / "tables" / f"{table}.csv", dtype=str, keep_default_na=False)
        if frame.at[position, column] == SUPPRESSED:
            shown_c.add(cell)
    assert len(shown_c) > 10
    protected = shown_c | {c for c in grid.hidden if 0 < abs(grid.values[c]) < 5}
    assert determined(grid, shown_c | grid.hidden) & protected == set()


def test_percentages_and_displays_of_suppressed_counts_are_suppressed(bundled_run, tmp_path):
    results, _ = controlled_run(bundled_run, tmp_path)
    for name in ("ethnic_groups", "review_types", "methodology", "death_categories"):
        frame = pd.read_csv(results / "tables" / f"{name}.csv", dtype=str, keep_default_na=False)
        hidden = frame["n"] == SUPPRESSED
        assert hidden.any(), name
        assert (frame.loc[hidden, "pct"] == SUPPRESSED).all()
        assert (frame.loc[hidden, "display"] == SUPPRESSED).all()
    t1 = pd.read_csv(results / "tables" / "table1_year_of_incident.csv", dtype=str)
    notes = pd.read_csv(results / "tables" / "notes.csv")
    if (t1.loc[t1["year_of_incident"] == "Not known", "n"] == SUPPRESSED).all():
        assert not notes["note"].str.contains(r"not known for \d", regex=True).any()


def test_disclosure_check_lists_every_suppressed_cell(bundled_run, tmp_path):
    results, _ = controlled_run(bundled_run, tmp_path)
    check = pd.read_csv(results / "disclosure_check.csv", dtype=str, keep_default_na=False)
    kinds = {"primary", "secondary", "percentage", "statistic", "interval", "same"}
    assert set(check["suppression"]) <= kinds
    n_c = 0
    for path in (results / "tables").glob("*.csv"):
        n_c += (pd.read_csv(path, dtype=str, keep_default_na=False) == SUPPRESSED).to_numpy().sum()
    display_c = 0
    for path in (results / "tables").glob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if "display" in frame.columns:
            display_c += (frame["display"] == SUPPRESSED).sum()
    listed = check.loc[check["output"].str.startswith("tables/")]
    assert len(listed) == n_c - display_c  # every [c] but the display text is listed
    figures = (results / "key_figures.json").read_text().count(f'"{SUPPRESSED}"')
    assert len(check.loc[check["output"] == "key_figures.json"]) == figures
    # It says why, never what.
    assert not check["reason"].str.contains(r"\b[1-4]\b", regex=True).any()


def test_the_bundled_run_has_control_off(bundled_run):
    check = pd.read_csv(bundled_run / "disclosure_check.csv")
    assert check["suppression"].tolist() == ["none"]
    for path in bundled_run.rglob("*.csv"):
        assert SUPPRESSED not in path.read_text(), path


def test_threshold_is_configurable(bundled_run, tmp_path):
    results, _ = controlled_run(bundled_run, tmp_path, threshold=10)
    frame = pd.read_csv(results / "tables" / "ethnic_groups.csv", dtype=str)
    shown = [int(v) for v in frame["n"] if v != SUPPRESSED]
    assert all(v >= 10 or v == 0 for v in shown)
    config = copy.deepcopy(load_default_config())
    config["disclosure_control"] = {"enabled": True, "threshold": 0}
    from lcspr_stats.errors import InputError

    with pytest.raises(InputError):
        check_config(config)


def test_goodness_of_fit_counts_and_tests_go_with_their_table_cells(bundled_run, tmp_path):
    """The tests' observed counts are Table 4's and 5's; a test of a [c] count is [c] too.
    (The goodness of fit against fixed SCR shares is made only when the config asks.)"""
    results, _ = controlled_run(
        bundled_run,
        tmp_path,
        uncertainty={"goodness_of_fit_assuming_fixed_scr_shares": True},
        threshold=10,
    )
    tables = results / "tables"
    t4 = pd.read_csv(tables / "table4_age.csv", dtype=str).set_index("age_band")
    counts = pd.read_csv(tables / "goodness_of_fit_counts.csv", dtype=str)
    ages = counts.loc[counts["comparison"] == "age_band"].set_index("category")
    assert t4.loc["6-10", "lcspr_2021_n"] == SUPPRESSED  # 6 children, under 10
    for band, observed in ages["observed"].items():
        assert observed == t4.loc[band, "lcspr_2021_n"], band
    # The total is hidden, so the expected counts (total x share) are too.
    assert t4.loc["Total", "lcspr_2021_n"] == SUPPRESSED
    assert (ages["expected"] == SUPPRESSED).all()
    tests = pd.read_csv(tables / "goodness_of_fit.csv", dtype=str).set_index("comparison")
    for column in ("n", "chi_square", "p_value", "display"):
        assert tests.loc["age_band", column] == SUPPRESSED, column
        assert tests.loc["death_serious_harm", column] != SUPPRESSED, column
    figures = json.loads((results / "key_figures.json").read_text())
    assert figures["goodness_of_fit"]["age_band"]["chi_square"] == SUPPRESSED
    assert figures["goodness_of_fit"]["age_band"]["p_value"] == SUPPRESSED
    assert isinstance(figures["goodness_of_fit"]["death_serious_harm"]["p_value"], float)
    # A copy shown elsewhere is hidden first: Table 4 loses only the small band, the
    # band that would give it away, and the total (as without the tests).
    hidden = t4.index[(t4["lcspr_2021_n"] == SUPPRESSED) & (t4.index != "Total")]
    assert sorted(hidden) == ["1-5", "6-10"]


def test_two_sample_comparison_goes_with_the_cohort_counts(bundled_run, tmp_path):
    """Threshold 10 hides two age bands and Table 4's total: every age test and age
    difference is [c] (each could be solved for a hidden count); the death/serious harm test
    and the death share's difference, of counts all shown, stay."""
    results, _ = controlled_run(bundled_run, tmp_path, threshold=10)
    tables = results / "tables"
    t4 = pd.read_csv(tables / "table4_age.csv", dtype=str).set_index("age_band")
    assert t4.loc["Total", "lcspr_2021_n"] == SUPPRESSED
    tests = pd.read_csv(tables / "scr_comparison_tests.csv", dtype=str).set_index("comparison")
    for column in ("n", "chi_square", "p_value", "reading", "display"):
        for comparison in ("age_band", "age_band_trend"):
            assert tests.loc[comparison, column] == SUPPRESSED, (comparison, column)
        assert tests.loc["death_serious_harm", column] != SUPPRESSED, column
    # The SCR side is published: never suppressed.
    assert (tests["reference_total"] == "235").all()
    differences = pd.read_csv(tables / "scr_comparison_differences.csv", dtype=str)
    ages = differences.loc[differences["comparison"] == "age_band"].set_index("category")
    for band, observed in ages["observed"].items():
        assert observed == t4.loc[band, "lcspr_2021_n"], band
    assert (ages[["difference_pp", "ci_lower", "ci_upper", "reading"]] == SUPPRESSED).all().all()
    death = differences.loc[differences["comparison"] == "death_share"].iloc[0]
    assert death["difference_pp"] != SUPPRESSED and death["reference_count"] == "132"
    figures = json.loads((results / "key_figures.json").read_text())
    compared = figures["scr_comparison"]
    assert compared["tests"]["age_band"]["p_value"] == SUPPRESSED
    assert isinstance(compared["tests"]["death_serious_harm"]["p_value"], float)
    assert compared["differences"]["age_band: 6-10"]["observed"] == SUPPRESSED
    assert compared["differences"]["age_band: 6-10"]["difference_pp"] == SUPPRESSED
    assert isinstance(compared["differences"]["death_share: Death"]["ci_lower"], float)


def test_the_recoverability_check_can_fail():
    # Suppressing only the small cell leaves it equal to Total minus the rest.
    grid, cells = build_grid([breakdown([10, 3, 12])], config_with(), 2021)
    small = cells["review_types"]["k1"]["n"]
    assert determined(grid, {small}) == {small}
    assert determined(grid, {small, cells["review_types"]["k0"]["n"]}) == set()


# --- intervals and distributions (columns and tables the release adds) ------------------


def table5(deaths: int, harm: int) -> Table:
    total = deaths + harm
    frame = pd.DataFrame(
        {
            "category": ["Total", "Death", "Serious harm"],
            "lcspr_2021_n": [total, deaths, harm],
            "lcspr_2021_pct": [100, round(100 * deaths / total), round(100 * harm / total)],
            "lcspr_2021_pct_ci_lower": [None, 1.0, 60.0],
            "lcspr_2021_pct_ci_upper": [None, 30.0, 99.0],
        }
    )
    return Table("table5_death_serious_harm", "t5", frame)


def test_an_interval_goes_with_its_suppressed_percentage():
    figures = {
        "n_deaths": 3,
        "pct_deaths": 12,
        "pct_deaths_ci": {"lower": 1.0, "upper": 30.0},
        "pct_serious_harm": 88,
        "pct_serious_harm_ci": {"lower": 60.0, "upper": 99.0},
    }
    result = apply_disclosure_control([table5(3, 22)], figures, config_with(), 2021)
    frame = result.tables[0].frame.set_index("category")
    assert frame.loc["Death"].tolist() == [SUPPRESSED] * 4
    assert frame.loc["Serious harm"].tolist() == [SUPPRESSED] * 4  # secondary, with its pct
    assert result.key_figures["pct_deaths_ci"] == {"lower": SUPPRESSED, "upper": SUPPRESSED}
    assert result.key_figures["n_deaths"] == SUPPRESSED
    assert set(result.check["suppression"]) >= {"primary", "secondary", "interval"}


def test_a_duration_distribution_adds_up_to_its_n():
    t3 = pd.DataFrame(
        {
            "measure": ["incident_to_rapid_review"] * 2,
            "statistic": ["N", "Median"],
            "value": [20.0, 3.0],
            "ci_lower": [None, 2.0],
            "ci_upper": [None, 4.0],
            "display": ["20", "3.00"],
            "note": ["", ""],
        }
    )
    bins = pd.DataFrame(
        {
            "measure": ["incident_to_rapid_review"] * 3,
            "weeks_from": [0, 1, 2],
            "weeks_to": [1, 2, 3],
            "weeks": ["Under 1", "1", "2"],
            "n": [2, 8, 10],
            "pct": [10, 40, 50],
        }
    )
    tables = [
        Table("table3_durations", "t3", t3),
        Table("duration_distribution", "d", bins),
    ]
    result = apply_disclosure_control(tables, {}, config_with(), 2021)
    shown = result.tables[1].frame
    assert shown["n"].tolist() == [SUPPRESSED, SUPPRESSED, 10]  # 2, and 8 so 20 - 10 hides it
    assert shown["pct"].tolist() == [SUPPRESSED, SUPPRESSED, 50]
    assert determined(result.grid, result.suppressed | result.grid.hidden) == set()
    # A small N takes its median and the median's interval with it.
    t3_small = t3.assign(value=[4.0, 3.0])
    bins_small = bins.assign(n=[1, 1, 2], pct=[25, 25, 50])
    small = apply_disclosure_control(
        [
            Table("table3_durations", "t3", t3_small),
            Table("duration_distribution", "d", bins_small),
        ],
        {},
        config_with(),
        2021,
    )
    median = small.tables[0].frame.iloc[1]
    assert [median["value"], median["ci_lower"], median["ci_upper"]] == [SUPPRESSED] * 3
