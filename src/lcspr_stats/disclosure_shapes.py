"""The shapes of tables for disclosure control: which cells a table shows and how they add up.

Each shape registers a table's counts in a
:class:`~lcspr_stats.disclosure.DisclosureGrid` with the relations within
the table (a Total row is the sum of the rows above it, a whole is a part
and its complement) and returns the cells by row label and column. The
registry (:mod:`lcspr_stats.registry`) says which shape each table has;
relations between tables come from the registry's populations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from .disclosure import Cell, DisclosureGrid
from .settings import Settings
from .table import Table

Cells = dict[str, dict[str, Cell]]


@dataclass
class GridContext:
    """What a shape may read besides its own table.

    Attributes
    ----------
    settings : Settings
        The run's settings.
    year : int
        Cohort year (names the cohort's columns of Tables 4 and 5).
    cells : dict
        ``cells[table][row][column]`` of the tables shaped so far.
    tables : dict
        Every table of the run, by name.
    """

    settings: Settings
    year: int
    cells: dict[str, Cells] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)

    @property
    def codebook(self):
        """The codebook as configured (a read-only mapping)."""
        return self.settings.codebook.raw


def _rows(frame: pd.DataFrame, label: str) -> dict[str, int]:
    return {str(v): i for i, v in enumerate(frame[label])}


def breakdown(
    grid: DisclosureGrid,
    table: Table,
    label: str,
    counts: list[str],
    *,
    total_label: str = "Total",
    pct: str | None = "pct",
    skip: Callable[[str], bool] = lambda row: False,
) -> Cells:
    """Rows of categories above a Total row, in one or more count columns."""
    frame = table.frame
    rows = _rows(frame, label)
    cells: Cells = {}
    for row, position in rows.items():
        cells[row] = {
            c: grid.count(table.name, position, row, c, frame.at[position, c])
            for c in counts
            if pd.notna(frame.at[position, c])
        }
    if total_label in rows:
        parts = [r for r in rows if r != total_label and not skip(r)]
        for column in counts:
            grid.sum_of(cells[total_label][column], [cells[r][column] for r in parts])
        if pct and pct in frame.columns:
            for row, position in rows.items():
                if pd.notna(frame.at[position, pct]):
                    grid.percent(
                        table.name,
                        position,
                        pct,
                        cells[row][counts[0]],
                        cells[total_label][counts[0]],
                    )
    return cells


def categories(label: str, pct: str | None = "pct") -> Callable:
    """A one-way breakdown: categories in ``label``, counts in ``n``, a Total row."""

    def shape(grid: DisclosureGrid, table: Table, context: GridContext) -> Cells:
        if label not in table.frame.columns:
            return generic(grid, table, context)
        return breakdown(grid, table, label, ["n"], pct=pct)

    return shape


def cross_tabulation(label: str, columns: list[str]) -> Callable:
    """Rows by columns: each row's ``n`` is the sum of its column counts, and the
    Total row of every column the sum of the rows (both margins)."""

    def shape(grid: DisclosureGrid, table: Table, context: GridContext) -> Cells:
        cells = breakdown(grid, table, label, ["n", *columns])
        for row in cells.values():
            if all(c in row for c in columns):
                grid.sum_of(row["n"], [row[c] for c in columns])
        return cells

    return shape


def harm_categories(grid: DisclosureGrid, table: Table, context: GridContext) -> Cells:
    """Harm categories with sex columns, and (serious harm) groups of categories."""
    sexes = [c for c in ("n_female", "n_male", "n_other_or_mixed") if c in table.frame.columns]
    cells = breakdown(
        grid, table, "harm_category", ["n", *sexes], skip=lambda r: r.endswith(" (all)")
    )
    for row in cells.values():
        if sexes and all(s in row for s in sexes):
            grid.sum_of(row["n"], [row[s] for s in sexes])
    for group, members in context.codebook["serious_harm_groups"].items():
        row = f"{group} (all)"
        if row in cells:
            for column, cell in cells[row].items():
                grid.sum_of(cell, [cells[m][column] for m in members if m in cells])
    # Group percentages are of the Total row (as the table prints them).
    return cells


def known_and_not_known(grid: DisclosureGrid, table: Table, context: GridContext) -> Cells:
    """Table 1: years, their known total, the not known, and all LCSPRs."""
    frame = table.frame
    rows = _rows(frame, "year_of_incident")
    cells = {
        row: {"n": grid.count(table.name, i, row, "n", frame.at[i, "n"])} for row, i in rows.items()
    }
    years = [r for r in rows if r.isdigit()]
    if "Total known" in rows:
        known = cells["Total known"]["n"]
        grid.sum_of(known, [cells[y]["n"] for y in years])
        for row in [*years, "Total known"]:
            grid.percent(table.name, rows[row], "pct", cells[row]["n"], known)
        if "All LCSPRs" in rows and "Not known" in rows:
            grid.sum_of(cells["All LCSPRs"]["n"], [known, cells["Not known"]["n"]])
    return cells


def part_of_whole(label: str, part: str, whole: str, pct: str | None) -> Callable:
    """Rows of ``part`` out of ``whole``: the complement (whole - part) is implicit."""

    def shape(grid: DisclosureGrid, table: Table, context: GridContext) -> Cells:
        frame = table.frame
        cells = {}
        for position, row in enumerate(frame[label].astype(str)):
            k = grid.count(table.name, position, row, part, frame.at[position, part])
            n = grid.count(table.name, position, row, whole, frame.at[position, whole])
            grid.sum_of(n, [k], rest_label=f"{row}: {whole} minus {part}")
            if pct and pd.notna(frame.at[position, pct]):
                grid.percent(table.name, position, pct, k, n)
            cells[row] = {part: k, whole: n}
        return cells

    return shape


def decisions_by_year(grid: DisclosureGrid, table: Table, context: GridContext) -> Cells:
    """Table 2: received = decided + pending (+ no valid decision); decided = commissioned
    + not commissioned (implicit); commissioned as a share of received and of decided."""
    frame = table.frame
    cells = {}
    for position, row in enumerate(frame["year_received"].astype(str)):

        def count(column: str, position: int = position, row: str = row) -> Cell:
            return grid.count(table.name, position, row, column, frame.at[position, column])

        k, n = count("n_lcspr_commissioned"), count("n_rapid_reviews")
        pending, decided = count("n_pending"), count("n_decided")
        grid.sum_of(n, [decided, pending], rest_label=f"{row}: received with no valid decision")
        grid.sum_of(decided, [k], rest_label=f"{row}: not commissioned")
        for pct, of in (("pct_commissioned", n), ("pct_of_decided", decided)):
            if pd.notna(frame.at[position, pct]):
                grid.percent(table.name, position, pct, k, of)
        cells[row] = {
            "n_lcspr_commissioned": k,
            "n_rapid_reviews": n,
            "n_pending": pending,
            "n_decided": decided,
        }
    return cells


def measure_statistics(grid: DisclosureGrid, table: Table, context: GridContext) -> Cells:
    """Table 3: each measure's N, and statistics (median, range ...) that describe it."""
    frame = table.frame
    cells: Cells = {}
    n_cells: dict[str, Cell] = {}
    for position in range(len(frame)):
        measure, statistic = str(frame.at[position, "measure"]), frame.at[position, "statistic"]
        if statistic == "N":
            cell = grid.count(
                table.name, position, f"{measure}: N", "value", frame.at[position, "value"]
            )
            n_cells[measure] = cell
            cells[measure] = {"N": cell}
    for position in range(len(frame)):
        measure, statistic = str(frame.at[position, "measure"]), frame.at[position, "statistic"]
        if statistic != "N" and measure in n_cells:
            grid.statistics[(table.name, position, "value")] = (n_cells[measure],)
            # The median's interval and its coverage (which gives N away) go with N too.
            for column in ("ci_lower", "ci_upper", "ci_coverage"):
                if column in frame.columns and pd.notna(frame.at[position, column]):
                    grid.statistics[(table.name, position, column)] = (n_cells[measure],)
    return cells


def reference_beside_cohort(label: str, parts: list[str] | None = None) -> Callable:
    """Tables 4 and 5: only the cohort's columns are controlled (the SCR ones are published)."""

    def shape(grid: DisclosureGrid, table: Table, context: GridContext) -> Cells:
        year = context.year
        n_col, pct_col = f"lcspr_{year}_n", f"lcspr_{year}_pct"
        frame = table.frame
        rows = _rows(frame, label)
        cells = {
            row: {"n": grid.count(table.name, i, row, n_col, frame.at[i, n_col])}
            for row, i in rows.items()
            if pd.notna(frame.at[i, n_col])
        }
        if "Total" in cells:
            listed = parts if parts is not None else [r for r in cells if r != "Total"]
            grid.sum_of(cells["Total"]["n"], [cells[r]["n"] for r in listed if r in cells])
            for row, i in rows.items():
                if row in cells and pd.notna(frame.at[i, pct_col]):
                    grid.percent(table.name, i, pct_col, cells[row]["n"], cells["Total"]["n"])
        return cells

    return shape


def characteristics(grid: DisclosureGrid, table: Table, context: GridContext) -> Cells:
    """The sub-sample profile: each characteristic's values add up to its population."""
    frame = table.frame
    cells: Cells = {}
    groups: dict[str, list[Cell]] = {}
    for position in range(len(frame)):
        characteristic, value = (
            str(frame.at[position, "characteristic"]),
            str(frame.at[position, "value"]),
        )
        row = f"{characteristic}: {value}"
        cell = grid.count(table.name, position, row, "n", frame.at[position, "n"])
        cells[row] = {"n": cell}
        groups.setdefault(characteristic, []).append(cell)
    everyone = cells.get(next((r for r in cells if r.startswith("all: ")), ""), {}).get("n")
    for characteristic, members in groups.items():
        total = None
        if characteristic in ("incident_type", "sex", "age"):
            total = everyone
        elif characteristic.endswith(": harm_category"):
            incident = characteristic.removesuffix(": harm_category")
            total = cells.get(f"incident_type: {incident}", {}).get("n")
        elif characteristic.endswith(": subcategory"):
            category = characteristic.removesuffix(": subcategory")
            owners = [r for r in cells if r.endswith(f": harm_category: {category}")]
            if len(owners) == 1:
                total = cells[owners[0]]["n"]
        if total is not None:
            grid.sum_of(total, members)
    return cells


def sources_of_values(grid: DisclosureGrid, table: Table, context: GridContext) -> Cells:
    """Per attribute: index children = from the coding schedule + from the SIN + not known."""
    frame = table.frame
    parts = ["n_from_coding_schedule", "n_from_sin", "n_not_known"]
    cells = {}
    for position, row in enumerate(frame["attribute"].astype(str)):
        whole = grid.count(
            table.name, position, row, "n_index_children", frame.at[position, "n_index_children"]
        )
        found = {p: grid.count(table.name, position, row, p, frame.at[position, p]) for p in parts}
        grid.sum_of(whole, list(found.values()))
        cells[row] = {"n_index_children": whole, **found}
    return cells


def generic(grid: DisclosureGrid, table: Table, context: GridContext) -> Cells:
    """Count columns (``n``, ``n_...``) and a Total row if there is one."""
    frame = table.frame
    label = frame.columns[0]
    counts = [
        c
        for c in frame.columns
        if (c == "n" or str(c).startswith("n_")) and pd.api.types.is_numeric_dtype(frame[c])
    ]
    if not counts:
        return {}
    if frame[label].astype(str).duplicated().any():
        cells = {}
        for position in range(len(frame)):
            row = f"row {position + 1}"
            cells[row] = {
                c: grid.count(table.name, position, row, c, frame.at[position, c])
                for c in counts
                if pd.notna(frame.at[position, c])
            }
            if "pct" in frame.columns and "n" in cells[row] and pd.notna(frame.at[position, "pct"]):
                grid.percent(table.name, position, "pct", cells[row]["n"], None)
        return cells
    return breakdown(grid, table, label, counts, pct="pct" if "pct" in frame.columns else None)


def bins_of(durations: str) -> Callable:
    """LCSPRs per span of weeks: each measure's bins add up to its N in ``durations``."""

    def shape(grid: DisclosureGrid, table: Table, context: GridContext) -> Cells:
        if not {"measure", "weeks", "n"} <= set(table.frame.columns):
            return generic(grid, table, context)
        n_cells = {m: c["N"] for m, c in context.cells.get(durations, {}).items()}
        frame = table.frame
        cells: Cells = {}
        bins: dict[str, list[Cell]] = {}
        for position in range(len(frame)):
            measure = str(frame.at[position, "measure"])
            row = f"{measure}: {frame.at[position, 'weeks']}"
            cell = grid.count(table.name, position, row, "n", frame.at[position, "n"])
            cells[row] = {"n": cell}
            bins.setdefault(measure, []).append(cell)
            if "pct" in frame.columns and pd.notna(frame.at[position, "pct"]):
                grid.percent(table.name, position, "pct", cell, n_cells.get(measure))
        for measure, members in bins.items():
            if measure in n_cells:
                grid.sum_of(n_cells[measure], members)
        return cells

    return shape


# Columns of a goodness-of-fit test computed from the observed counts (its chi-square,
# p-value and the text that prints them), and from their total only.
TEST_STATISTICS = ("chi_square", "p_value", "display")
TEST_TOTAL_STATISTICS = ("min_expected", "method")


def comparison_tests(age: str, harm: str, counts_name: str) -> Callable:
    """The comparison with an SCR period: its observed counts are the cohort's in ``age``
    and ``harm``; its tests describe them.

    An observed count is the same number as its table cell, so it goes with
    it; a test's chi-square and p-value could be solved for a suppressed
    count, so they go with any suppressed count of the test, and the figures
    worked out from the total (expected counts) go with the total. Returns
    the cells of both the tests and ``counts_name``.
    """

    def compared(cells: dict) -> dict[str, tuple[dict[str, Cell], Cell | None]]:
        ages = {r: c["n"] for r, c in cells.get(age, {}).items() if r != "Total"}
        harms = {r: c["n"] for r, c in cells.get(harm, {}).items()}
        age_total = cells.get(age, {}).get("Total", {}).get("n")
        harm_total = harms.pop("Total", None)
        return {"age_band": (ages, age_total), "death_serious_harm": (harms, harm_total)}

    def shape(grid: DisclosureGrid, tests: Table, context: GridContext) -> dict[str, Cells]:
        by_comparison = compared(context.cells)
        found: dict[str, Cells] = {}
        counts = context.tables.get(counts_name)
        observed: dict[str, list[Cell]] = {}
        if counts is not None and {"comparison", "category", "observed"} <= set(
            counts.frame.columns
        ):
            frame = counts.frame
            found[counts.name] = {}
            for position in range(len(frame)):
                comparison = str(frame.at[position, "comparison"])
                category = str(frame.at[position, "category"])
                row = f"{comparison}: {category}"
                cell = grid.count(
                    counts.name, position, row, "observed", frame.at[position, "observed"]
                )
                found[counts.name][row] = {"observed": cell}
                by_category, total = by_comparison.get(comparison, ({}, None))
                grid.equal(by_category.get(category), cell)
                observed.setdefault(comparison, []).append(cell)
                if total is not None and "expected" in frame.columns:
                    grid.statistics[(counts.name, position, "expected")] = (total,)
        if {"comparison", "n"} <= set(tests.frame.columns):
            frame = tests.frame
            found[tests.name] = {}
            for position in range(len(frame)):
                comparison = str(frame.at[position, "comparison"])
                n = grid.count(tests.name, position, comparison, "n", frame.at[position, "n"])
                found[tests.name][comparison] = {"n": n}
                total = by_comparison.get(comparison, ({}, None))[1]
                grid.equal(total, n)
                members = (n, *observed.get(comparison, []))
                for column in TEST_STATISTICS:
                    if column in frame.columns:
                        grid.statistics[(tests.name, position, column)] = members
                for column in TEST_TOTAL_STATISTICS:
                    if column in frame.columns:
                        grid.statistics[(tests.name, position, column)] = (n,)
                # A count by its name, though of categories, not children: primary only.
                if "n_expected_under_minimum" in frame.columns:
                    found[tests.name][comparison]["n_expected_under_minimum"] = grid.count(
                        tests.name,
                        position,
                        comparison,
                        "n_expected_under_minimum",
                        frame.at[position, "n_expected_under_minimum"],
                    )
        return found

    return shape


def review_pipeline(grid: DisclosureGrid, table: Table, context: GridContext) -> Cells:
    """The review pipeline: completed = the years received = published + not + awaiting;
    initiated = completed + still open = in progress + published + not to be published."""
    frame = table.frame
    cells: Cells = {}
    for position, stage in enumerate(frame["stage"].astype(str)):
        if pd.notna(frame.at[position, "n"]):
            cells[stage] = {
                "n": grid.count(table.name, position, stage, "n", frame.at[position, "n"])
            }

    def n(stage: str) -> Cell | None:
        return cells.get(stage, {}).get("n")

    initiated, completed = n("initiated"), n("completed")
    years = [c["n"] for stage, c in cells.items() if stage.startswith("received ")]
    statuses = [n(s) for s in ("published", "not to be published", "awaiting")]
    still_open = None
    if completed is not None and initiated is not None:
        # The reviews still open (initiated less completed) are a count of their own.
        still_open = grid.implicit(
            table.name,
            "initiated: still open",
            "n",
            grid.values[initiated] - grid.values[completed],
        )
        grid.sum_of(initiated, [completed, still_open])
        position = frame.index[frame["stage"] == "completed"][0]
        if pd.notna(frame.at[position, "pct"]):
            grid.percent(table.name, int(position), "pct", completed, initiated)
    if completed is not None and years:
        grid.sum_of(completed, years, rest_label="completed: year received not known")
    if completed is not None and all(s is not None for s in statuses):
        grid.sum_of(completed, statuses)
        # In progress = initiated - published - not to be published, written as the
        # equivalent still open + awaiting, so that hiding one publication count
        # with its complement does not hide the whole table.
        if still_open is not None and n("in progress") is not None:
            grid.sum_of(n("in progress"), [still_open, statuses[2]])
    return cells


def kaplan_meier_summary(grid: DisclosureGrid, table: Table, context: GridContext) -> Cells:
    """Reviews = events + censored; the median and shares describe all three; the numbers
    at risk are counts of their own."""
    frame = table.frame
    cells: Cells = {}
    members = []
    for position, statistic in enumerate(frame["statistic"].astype(str)):
        if pd.notna(frame.at[position, "n"]):
            cell = grid.count(table.name, position, statistic, "n", frame.at[position, "n"])
            cells[statistic] = {"n": cell}
            if not statistic.startswith("at risk"):
                members.append(cell)
    if len(members) == 3:
        grid.sum_of(members[0], members[1:])
    for position in range(len(frame)):
        if pd.isna(frame.at[position, "n"]) and pd.notna(frame.at[position, "value"]):
            grid.statistics[(table.name, position, "value")] = tuple(members)
    return cells


def kaplan_meier_curve(grid: DisclosureGrid, table: Table, context: GridContext) -> Cells:
    """The numbers at risk of one curve (or one per ``rr_year``): each the one before less
    the reviews that completed or were censored in between (a count of its own)."""
    frame = table.frame
    cells: Cells = {}
    group = frame["rr_year"].astype(str) + ": " if "rr_year" in frame.columns else ""
    labels = group + frame["weeks"].astype(str) + " weeks"
    previous: Cell | None = None
    for position in range(len(frame)):
        if frame.at[position, "weeks"] == 0:
            previous = None
        if pd.isna(frame.at[position, "n_at_risk"]):
            continue
        row = str(labels.iloc[position])
        cell = grid.count(table.name, position, row, "n_at_risk", frame.at[position, "n_at_risk"])
        cells[row] = {"n_at_risk": cell}
        if previous is not None:
            grid.sum_of(previous, [cell], rest_label=f"{row}: left the risk set since")
        previous = cell
    return cells


# Columns of the two-sample comparison computed from the cohort's counts.
TWO_SAMPLE_TEST_STATISTICS = (
    "chi_square",
    "p_value",
    "method",
    "monte_carlo_resamples",
    "min_expected",
    "expected_under_minimum",
    "reading",
    "display",
)
TWO_SAMPLE_DIFFERENCE_STATISTICS = (
    "cohort_pct",
    "difference_pp",
    "ci_lower",
    "ci_upper",
    "reading",
    "display",
)


def two_sample_comparison(age: str, harm: str, differences_name: str) -> Callable:
    """The two-sample comparison with an SCR period: tests, and differences in points.

    The cohort's counts are its cells in ``age`` and ``harm`` (the SCR counts
    are published). A test's statistic, p-value and reading could be solved
    for a suppressed count, so they go with every cohort count of the test;
    a difference goes with its count and its total. The ``n`` of a test or a
    difference is its table's total. Returns the cells of both tables.
    """

    def compared(cells: dict) -> dict[str, tuple[dict[str, Cell], Cell | None]]:
        ages = {r: c["n"] for r, c in cells.get(age, {}).items() if r != "Total"}
        harms = {r: c["n"] for r, c in cells.get(harm, {}).items()}
        age_total = cells.get(age, {}).get("Total", {}).get("n")
        harm_total = harms.pop("Total", None)
        return {
            "age_band": (ages, age_total),
            "age_band_trend": (ages, age_total),
            "death_serious_harm": (harms, harm_total),
            "death_share": (harms, harm_total),
        }

    def shape(grid: DisclosureGrid, tests: Table, context: GridContext) -> dict[str, Cells]:
        by_comparison = compared(context.cells)
        found: dict[str, Cells] = {tests.name: {}}
        frame = tests.frame
        for position in range(len(frame)):
            comparison = str(frame.at[position, "comparison"])
            by_category, total = by_comparison.get(comparison, ({}, None))
            n = grid.count(tests.name, position, comparison, "n", frame.at[position, "n"])
            grid.equal(total, n)
            found[tests.name][comparison] = {"n": n}
            members = (n, *by_category.values())
            for column in TWO_SAMPLE_TEST_STATISTICS:
                if column in frame.columns:
                    grid.statistics[(tests.name, position, column)] = members
        differences = context.tables.get(differences_name)
        if differences is not None:
            frame = differences.frame
            found[differences.name] = {}
            for position in range(len(frame)):
                comparison = str(frame.at[position, "comparison"])
                category = str(frame.at[position, "category"])
                row = f"{comparison}: {category}"
                by_category, total = by_comparison.get(comparison, ({}, None))
                k = grid.count(
                    differences.name, position, row, "observed", frame.at[position, "observed"]
                )
                n = grid.count(differences.name, position, row, "n", frame.at[position, "n"])
                grid.equal(by_category.get(category), k)
                grid.equal(total, n)
                found[differences.name][row] = {"observed": k, "n": n}
                for column in TWO_SAMPLE_DIFFERENCE_STATISTICS:
                    if column in frame.columns:
                        grid.statistics[(differences.name, position, column)] = (k, n)
        return found

    return shape
