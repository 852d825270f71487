"""Statistical disclosure control of the tables and key figures (the GSS ``[c]`` convention).

Counts below a threshold are suppressed (primary suppression). Every table's
totals are written down as linear relations (a Total row is the sum of the
rows above it, a count of LCSPRs is the sum of its sex columns, a figure in
one table equals a total in another); a reader who knows the published cells
and these relations can solve for a suppressed one, so further cells are
suppressed (secondary suppression) until no suppressed cell, and no small
count that a table leaves implicit (the rows it does not list, the "not
commissioned" beside the "commissioned"), is determined by the rest. Whether
a cell is determined is decided exactly, by linear algebra on the relations.
Percentages of suppressed counts, or of suppressed denominators, are
suppressed too, and so are the statistics (median, range) of a suppressed N
and the goodness-of-fit tests (chi-square, p-value) of suppressed counts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .presentation import SUPPRESSED
from .tables import Table

CHECK_COLUMNS = ["output", "row", "column", "suppression", "reason"]


@dataclass(frozen=True)
class Cell:
    """One published number (or one a table leaves implicit).

    Attributes
    ----------
    output : str
        Table name, or ``key_figures``.
    row : str
        The row's label (``characteristic: value`` and ``measure: statistic``
        where a table needs two columns to name a row; the key for key figures).
    column : str
        The column (``value`` for key figures).
    """

    output: str
    row: str
    column: str


@dataclass
class _Relation:
    total: Cell
    parts: tuple[Cell, ...]
    kind: str  # "sum" (a total and its parts) or "equal" (one number shown twice)


@dataclass
class DisclosureGrid:
    """Every count of a cohort's outputs, the relations between them, and where each is shown."""

    values: dict[Cell, int] = field(default_factory=dict)
    hidden: set[Cell] = field(default_factory=set)
    relations: list[_Relation] = field(default_factory=list)
    # Where a published cell is written: (table name, row position, column).
    where: dict[Cell, tuple[str, int, str]] = field(default_factory=dict)
    # Percentages: (table name, row position, column) -> (count cell, denominator cell).
    percents: dict[tuple[str, int, str], tuple[Cell, Cell | None]] = field(default_factory=dict)
    # Statistics that describe the cases counted by cells (Table 3's median, range ...,
    # a goodness-of-fit test's chi-square): suppressed when any of the cells is.
    statistics: dict[tuple[str, int, str], tuple[Cell, ...]] = field(default_factory=dict)

    # --- building ----------------------------------------------------------------

    def count(self, table: str, position: int, row: str, column: str, value: object) -> Cell:
        """Register a published count."""
        cell = Cell(table, row, column)
        self.values[cell] = int(value)
        self.where[cell] = (table, position, column)
        return cell

    def implicit(self, table: str, row: str, column: str, value: int) -> Cell:
        """Register a count a table leaves implicit (never shown, but derivable)."""
        cell = Cell(table, row, column)
        self.values[cell] = int(value)
        self.hidden.add(cell)
        return cell

    def sum_of(self, total: Cell, parts: list[Cell], rest_label: str | None = None) -> None:
        """Record ``total = sum(parts)``, with an implicit cell for any remainder.

        A remainder (the rows a table does not list: blank or unusable values)
        is a count in its own right; it is registered as implicit so that a
        small one is protected like any other small count.
        """
        remainder = self.values[total] - sum(self.values[p] for p in parts)
        if remainder:
            label = rest_label or f"rows not listed under {total.row}"
            parts = [*parts, self.implicit(total.output, label, total.column, remainder)]
        self.relations.append(_Relation(total, tuple(parts), "sum"))

    def figure(self, key: str, value: int) -> Cell:
        """Register a key figure that no table shows."""
        cell = Cell("key_figures", key, "value")
        self.values[cell] = int(value)
        return cell

    def equal(self, first: Cell | None, second: Cell | None) -> None:
        """Record that two cells show the same number (ignored if either is absent)."""
        if first is None or second is None or first == second:
            return
        self.relations.append(_Relation(first, (second,), "equal"))

    def percent(self, table: str, position: int, column: str, count: Cell, of: Cell | None):
        """Register a percentage of ``count`` out of ``of``."""
        self.percents[(table, position, column)] = (count, of)


@dataclass
class DisclosureResult:
    """Tables and key figures after disclosure control, and the record of what was done."""

    tables: list[Table]
    key_figures: dict
    check: pd.DataFrame
    suppressed: set[Cell]
    grid: DisclosureGrid


# --- per-table structure ------------------------------------------------------------


def _rows(frame: pd.DataFrame, label: str) -> dict[str, int]:
    return {str(v): i for i, v in enumerate(frame[label])}


def _breakdown(
    grid: DisclosureGrid,
    table: Table,
    label: str,
    counts: list[str],
    *,
    total_label: str = "Total",
    pct: str | None = "pct",
    skip: Callable[[str], bool] = lambda row: False,
) -> dict[str, dict[str, Cell]]:
    """Rows of categories above a Total row, in one or more count columns."""
    frame = table.frame
    rows = _rows(frame, label)
    cells: dict[str, dict[str, Cell]] = {}
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


def _harm(grid: DisclosureGrid, table: Table, config: dict) -> dict[str, dict[str, Cell]]:
    """Harm categories with sex columns, and (serious harm) groups of categories."""
    sexes = [c for c in ("n_female", "n_male", "n_other_or_mixed") if c in table.frame.columns]
    cells = _breakdown(
        grid, table, "harm_category", ["n", *sexes], skip=lambda r: r.endswith(" (all)")
    )
    for row in cells.values():
        if sexes and all(s in row for s in sexes):
            grid.sum_of(row["n"], [row[s] for s in sexes])
    for group, members in config["codebook"].get("serious_harm_groups", {}).items():
        row = f"{group} (all)"
        if row in cells:
            for column, cell in cells[row].items():
                grid.sum_of(cell, [cells[m][column] for m in members if m in cells])
    # Group percentages are of the Total row (as the table prints them).
    return cells


def _table1(grid: DisclosureGrid, table: Table) -> dict[str, dict[str, Cell]]:
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


def _with_complement(
    grid: DisclosureGrid, table: Table, label: str, part: str, whole: str, pct: str | None
) -> dict[str, dict[str, Cell]]:
    """Rows of ``part`` out of ``whole``: the complement (whole - part) is implicit."""
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


def _table3(grid: DisclosureGrid, table: Table) -> dict[str, dict[str, Cell]]:
    frame = table.frame
    cells: dict[str, dict[str, Cell]] = {}
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
    return cells


def _reference_table(
    grid: DisclosureGrid, table: Table, label: str, year: int, parts: list[str] | None = None
) -> dict[str, dict[str, Cell]]:
    """Tables 4 and 5: only the cohort's columns are controlled (the SCR ones are published)."""
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


def _subsample(grid: DisclosureGrid, table: Table, config: dict) -> dict[str, dict[str, Cell]]:
    frame = table.frame
    cells: dict[str, dict[str, Cell]] = {}
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


def _race_subsample(grid: DisclosureGrid, table: Table) -> dict[str, dict[str, Cell]]:
    return _breakdown(grid, table, "background", ["n"], pct=None)


def _data_sources(grid: DisclosureGrid, table: Table) -> dict[str, dict[str, Cell]]:
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


def _generic(grid: DisclosureGrid, table: Table) -> dict[str, dict[str, Cell]]:
    """A table this module has no rules for: count columns, and a Total row if there is one."""
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
    return _breakdown(grid, table, label, counts, pct="pct" if "pct" in frame.columns else None)


def _duration_distribution(
    grid: DisclosureGrid, table: Table, n_cells: dict[str, Cell]
) -> dict[str, dict[str, Cell]]:
    """LCSPRs per span of weeks: each measure's bins add up to its N in Table 3."""
    frame = table.frame
    cells: dict[str, dict[str, Cell]] = {}
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


# Columns of a goodness-of-fit test computed from the observed counts (its chi-square,
# p-value and the text that prints them), and from their total only.
TEST_STATISTICS = ("chi_square", "p_value", "display")
TEST_TOTAL_STATISTICS = ("min_expected", "method")


def _comparison_cells(cells: dict) -> dict[str, tuple[dict[str, Cell], Cell | None]]:
    """The cohort's counts each goodness-of-fit comparison tests: per category, and the total."""
    age = {r: c["n"] for r, c in cells.get("table4_age", {}).items() if r != "Total"}
    harm = {r: c["n"] for r, c in cells.get("table5_death_serious_harm", {}).items()}
    age_total = cells.get("table4_age", {}).get("Total", {}).get("n")
    harm_total = harm.pop("Total", None)
    return {"age_band": (age, age_total), "death_serious_harm": (harm, harm_total)}


def _goodness_of_fit(grid: DisclosureGrid, tables: dict[str, Table], cells: dict) -> dict:
    """The observed counts of the tests are Tables 4 and 5's; the tests describe them.

    An observed count is the same number as its table cell, so it goes with
    it; a test's chi-square and p-value could be solved for a suppressed
    count, so they go with any suppressed count of the test, and the figures
    worked out from the total (expected counts) go with the total.
    """
    compared = _comparison_cells(cells)
    found: dict[str, dict[str, dict[str, Cell]]] = {}
    counts = tables.get("goodness_of_fit_counts")
    observed: dict[str, list[Cell]] = {}
    if counts is not None and {"comparison", "category", "observed"} <= set(counts.frame.columns):
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
            by_category, total = compared.get(comparison, ({}, None))
            grid.equal(by_category.get(category), cell)
            observed.setdefault(comparison, []).append(cell)
            if total is not None and "expected" in frame.columns:
                grid.statistics[(counts.name, position, "expected")] = (total,)
    tests = tables.get("goodness_of_fit")
    if tests is not None and {"comparison", "n"} <= set(tests.frame.columns):
        frame = tests.frame
        found[tests.name] = {}
        for position in range(len(frame)):
            comparison = str(frame.at[position, "comparison"])
            n = grid.count(tests.name, position, comparison, "n", frame.at[position, "n"])
            found[tests.name][comparison] = {"n": n}
            total = compared.get(comparison, ({}, None))[1]
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


# --- the whole grid ---------------------------------------------------------------


def build_grid(tables: list[Table], config: dict, year: int) -> tuple[DisclosureGrid, dict]:
    """Every count of the tables, with their relations within and between tables.

    Returns
    -------
    grid : DisclosureGrid
    cells : dict
        ``cells[table name][row label][column]`` -> :class:`Cell`.
    """
    grid = DisclosureGrid()
    cells: dict[str, dict[str, dict[str, Cell]]] = {}
    breakdowns = {
        "review_types": "review_type",
        "ethnic_groups": "ethnic_group",
        "index_child_sex": "sex",
        "maltreatment_death_subcategories": "harm_subcategory",
        "publication": "published",
        "methodology": "methodology",
    }
    for table in tables:
        name = table.name
        if name == "table1_year_of_incident":
            cells[name] = _table1(grid, table)
        elif name == "table2_rapid_reviews":
            cells[name] = _with_complement(
                grid,
                table,
                "year_received",
                "n_lcspr_commissioned",
                "n_rapid_reviews",
                "pct_commissioned",
            )
        elif name == "table3_durations":
            cells[name] = _table3(grid, table)
        elif name == "table4_age":
            cells[name] = _reference_table(grid, table, "age_band", year)
        elif name == "table5_death_serious_harm":
            cells[name] = _reference_table(
                grid, table, "category", year, parts=["Death", "Serious harm"]
            )
        elif name == "timeliness":
            cells[name] = _with_complement(grid, table, "measure", "n_within", "n", "pct")
        elif name in breakdowns and breakdowns[name] in table.frame.columns:
            cells[name] = _breakdown(grid, table, breakdowns[name], ["n"])
        elif name in ("death_categories", "serious_harm_categories"):
            cells[name] = _harm(grid, table, config)
        elif name == "subsample":
            cells[name] = _subsample(grid, table, config)
        elif name == "race_subsample":
            cells[name] = _race_subsample(grid, table)
        elif name == "practice_themes":
            cells[name] = _with_complement(grid, table, "theme", "n_addressed", "n_coded", "pct")
        elif name == "data_sources":
            cells[name] = _data_sources(grid, table)
        elif name == "duration_distribution" and {"measure", "weeks", "n"} <= set(
            table.frame.columns
        ):
            n_cells = {m: c["N"] for m, c in cells.get("table3_durations", {}).items()}
            cells[name] = _duration_distribution(grid, table, n_cells)
        elif name in ("goodness_of_fit", "goodness_of_fit_counts"):
            continue  # after Tables 4 and 5, whose counts they test (below)
        else:
            cells[name] = _generic(grid, table)
    cells.update(_goodness_of_fit(grid, {t.name: t for t in tables}, cells))

    def cell(name: str, row: str, column: str) -> Cell | None:
        return cells.get(name, {}).get(row, {}).get(column)

    # The same number shown in two tables.
    t5 = "table5_death_serious_harm"
    for other in ("review_types", "publication", "methodology"):
        grid.equal(cell(t5, "Total", "n"), cell(other, "Total", "n"))
    grid.equal(cell(t5, "Total", "n"), cell("table1_year_of_incident", "All LCSPRs", "n"))
    grid.equal(cell(t5, "Death", "n"), cell("death_categories", "Total", "n"))
    grid.equal(cell(t5, "Serious harm", "n"), cell("serious_harm_categories", "Total", "n"))
    subcategory_of = config["codebook"].get("harm_subcategory_of", "maltreatment-related death")
    grid.equal(
        cell("death_categories", subcategory_of, "n"),
        cell("maltreatment_death_subcategories", "Total", "n"),
    )
    index_total = cell("ethnic_groups", "Total", "n")
    grid.equal(index_total, cell("index_child_sex", "Total", "n"))
    for attribute in cells.get("data_sources", {}):
        grid.equal(index_total, cell("data_sources", attribute, "n_index_children"))
    age_sources = cells.get("data_sources", {}).get("age_years")
    t4_total = cell("table4_age", "Total", "n")
    if age_sources and t4_total:
        grid.sum_of(age_sources["n_index_children"], [t4_total, age_sources["n_not_known"]])
    timeliness = list(cells.get("timeliness", {}).values())
    for position, measure in enumerate(("incident_to_rapid_review", "rapid_review_to_lcspr")):
        if position < len(timeliness):
            grid.equal(cell("table3_durations", measure, "N"), timeliness[position]["n"])
    return grid, cells


def _primary(value: int, threshold: int, suppress_zeros: bool) -> bool:
    return 0 < abs(value) < threshold or (suppress_zeros and value == 0)


def recoverable(grid: DisclosureGrid, unknown: set[Cell]) -> set[Cell]:
    """The cells of ``unknown`` that the relations determine from the known cells.

    A cell is determined exactly when its unit vector lies in the row space of
    the relations restricted to the unknown cells (the known cells only move
    to the right-hand side). Tested with the projector onto that row space.
    """
    order = [c for c in grid.values if c in unknown]
    if not order:
        return set()
    column = {c: i for i, c in enumerate(order)}
    rows = []
    for relation in grid.relations:
        row = np.zeros(len(order))
        for c, coefficient in [(relation.total, 1.0)] + [(p, -1.0) for p in relation.parts]:
            if c in column:
                row[column[c]] += coefficient
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    matrix = np.array(rows)
    projector = np.linalg.pinv(matrix) @ matrix
    return {c for c in order if projector[column[c], column[c]] > 1 - 1e-8}


def suppress(
    grid: DisclosureGrid, threshold: int, suppress_zeros: bool = False
) -> tuple[set[Cell], dict[Cell, tuple[str, str]]]:
    """Choose the cells to suppress: primary, then secondary until none can be recovered.

    Secondary cells are chosen, for the first recoverable cell, from the
    relations it is in (then their neighbours): a copy of it shown elsewhere
    (which would give it away whatever else is hidden), else the known cell
    that is a total in the fewest relations, then the smallest, then the
    first in table order, so grand totals stay and the least is lost.

    Returns
    -------
    suppressed : set of Cell
        Published cells to show as ``[c]``.
    reasons : dict
        Cell -> (kind, reason) for the disclosure check.
    """
    reasons: dict[Cell, tuple[str, str]] = {}
    suppressed: set[Cell] = set()
    for cell, value in grid.values.items():
        if cell not in grid.hidden and _primary(value, threshold, suppress_zeros):
            suppressed.add(cell)
            what = "zero count (suppress_zeros is on)" if value == 0 else f"count below {threshold}"
            reasons[cell] = ("primary", what)
    sensitive_hidden = {
        c for c in grid.hidden if _primary(grid.values[c], threshold, suppress_zeros)
    }
    order = {c: i for i, c in enumerate(grid.values)}
    total_roles: dict[Cell, int] = {}
    for relation in grid.relations:
        if relation.kind == "sum":
            total_roles[relation.total] = total_roles.get(relation.total, 0) + 1
    unprotectable: set[Cell] = set()
    for _ in range(len(grid.values) + 1):
        exposed = recoverable(grid, suppressed | grid.hidden)
        exposed &= suppressed | sensitive_hidden
        exposed -= unprotectable
        if not exposed:
            break
        target = min(exposed, key=order.get)
        pick = _secondary_for(grid, target, suppressed, total_roles, order)
        if pick is None:
            unprotectable.add(target)
            continue
        suppressed.add(pick)
        reasons[pick] = ("secondary", f"so that {_describe(target)} cannot be worked out")
    for cell in unprotectable:
        if cell in suppressed:
            kind, why = reasons[cell]
            reasons[cell] = (kind, why + "; WARNING: still determined by the table's structure")
    return suppressed, reasons


def _secondary_for(
    grid: DisclosureGrid,
    target: Cell,
    suppressed: set[Cell],
    total_roles: dict[Cell, int],
    order: dict[Cell, int],
) -> Cell | None:
    unknown = suppressed | grid.hidden
    # The same number shown elsewhere must go in any case: hide that copy
    # first, before anything else is lost to protect the target.
    for relation in grid.relations:
        members = (relation.total, *relation.parts)
        if relation.kind == "equal" and target in members:
            twins = [m for m in members if m not in unknown]
            if twins:
                return min(twins, key=order.get)
    seen_cells, frontier = {target}, [target]
    seen_relations: set[int] = set()
    while frontier:
        candidates: set[Cell] = set()
        next_frontier = []
        for cell in frontier:
            for index, relation in enumerate(grid.relations):
                members = (relation.total, *relation.parts)
                if index in seen_relations or cell not in members:
                    continue
                seen_relations.add(index)
                for member in members:
                    if member not in unknown:
                        candidates.add(member)
                    elif member not in seen_cells:
                        seen_cells.add(member)
                        next_frontier.append(member)
        if candidates:
            return min(candidates, key=lambda c: (total_roles.get(c, 0), grid.values[c], order[c]))
        frontier = next_frontier
    return None


def _describe(cell: Cell) -> str:
    return f"{cell.output} '{cell.row}' ({cell.column})"


# --- applying it ------------------------------------------------------------------


def apply_disclosure_control(
    tables: list[Table], figures: dict, config: dict, year: int
) -> DisclosureResult:
    """Suppress small counts in the tables and key figures, as config says.

    Parameters
    ----------
    tables : list of Table
        From :func:`lcspr_stats.tables.build_tables`.
    figures : dict
        From :func:`lcspr_stats.tables.key_figures`.
    config : dict
        Validated config; ``disclosure_control`` says whether and how.
    year : int
        The cohort year.

    Returns
    -------
    DisclosureResult
        With control off, the tables and figures as given and a check frame
        saying so.
    """
    settings = config.get("disclosure_control") or {}
    if not settings.get("enabled", False):
        check = pd.DataFrame(
            [
                {
                    "output": "(all)",
                    "row": "",
                    "column": "",
                    "suppression": "none",
                    "reason": "disclosure control is off (disclosure_control.enabled: false)",
                }
            ],
            columns=CHECK_COLUMNS,
        )
        return DisclosureResult(tables, figures, check, set(), DisclosureGrid())
    threshold = int(settings.get("threshold", 5))
    suppress_zeros = bool(settings.get("suppress_zeros", False))
    grid, cells = build_grid(tables, config, year)
    mapping = _figure_cells(grid, cells, figures, config, year)
    suppressed, reasons = suppress(grid, threshold, suppress_zeros)
    out_tables, records = _apply_to_tables(tables, grid, suppressed, reasons)
    out_figures, figure_records = _apply_to_figures(figures, grid, mapping, suppressed, reasons)
    check = pd.DataFrame(records + figure_records, columns=CHECK_COLUMNS)
    return DisclosureResult(out_tables, out_figures, check, suppressed, grid)


def _apply_to_tables(
    tables: list[Table],
    grid: DisclosureGrid,
    suppressed: set[Cell],
    reasons: dict[Cell, tuple[str, str]],
) -> tuple[list[Table], list[dict]]:
    records: list[dict] = []
    hits: dict[str, list[tuple[int, str, str, str]]] = {}
    for cell in grid.values:
        if cell in suppressed and cell in grid.where:
            table, position, column = grid.where[cell]
            kind, why = reasons[cell]
            hits.setdefault(table, []).append((position, column, kind, why))
    for (table, position, column), (count, of) in grid.percents.items():
        if count in suppressed or (of is not None and of in suppressed):
            why = (
                "percentage of a suppressed count"
                if count in suppressed
                else "percentage of a suppressed total"
            )
            hits.setdefault(table, []).append((position, column, "percentage", why))
    for (table, position, column), counts in grid.statistics.items():
        if any(count in suppressed for count in counts):
            hits.setdefault(table, []).append(
                (position, column, "statistic", "describes the cases of a suppressed count")
            )
    by_name = {t.name: t for t in tables}
    for name, found in hits.items():
        columns = list(by_name[name].frame.columns) if name in by_name else []
        for position, column, kind, _why in list(found):
            for companion in _interval_columns(column, kind, columns):
                found.append(
                    (position, companion, "interval", f"interval of a suppressed {column}")
                )
    out = []
    for table in tables:
        if table.name not in hits:
            out.append(table)
            continue
        frame = table.frame.copy()
        labels = _row_labels(table)
        done = set()
        for position, column, kind, why in sorted(hits[table.name], key=lambda h: (h[0], h[1])):
            if (position, column) in done:
                continue
            done.add((position, column))
            frame[column] = frame[column].astype(object)
            frame.at[position, column] = SUPPRESSED
            records.append(
                {
                    "output": f"tables/{table.name}.csv",
                    "row": labels[position],
                    "column": column,
                    "suppression": kind,
                    "reason": why,
                }
            )
        frame = frame.astype(object).where(frame.notna(), None)
        _redisplay(table.name, frame)
        notes = [_scrub_note(note, table.name, frame) for note in table.notes]
        out.append(Table(table.name, table.title, frame, notes))
    return out, records


def _interval_columns(column: str, kind: str, columns: list[str]) -> list[str]:
    """Columns holding an interval around ``column`` (``pct_ci_lower`` beside ``pct`` ...).

    An interval around a suppressed percentage or median gives it away, so it
    goes with it.
    """
    found = [c for c in columns if c.startswith(f"{column}_ci_")]
    if kind == "statistic":
        found += [c for c in columns if c in ("ci_lower", "ci_upper")]
    return found


def _row_labels(table: Table) -> list[str]:
    frame = table.frame
    if table.name == "subsample":
        return [f"{c}: {v}" for c, v in zip(frame["characteristic"], frame["value"])]
    if table.name == "table3_durations":
        return [f"{m}: {s}" for m, s in zip(frame["measure"], frame["statistic"])]
    if table.name == "duration_distribution" and "weeks" in frame.columns:
        return [f"{m}: {w}" for m, w in zip(frame["measure"], frame["weeks"])]
    if table.name == "goodness_of_fit_counts" and "category" in frame.columns:
        return [f"{c}: {k}" for c, k in zip(frame["comparison"], frame["category"])]
    return [str(v) for v in frame[frame.columns[0]]]


def _is_c(value: object) -> bool:
    return isinstance(value, str) and value == SUPPRESSED


def _number(value: object) -> str:
    if _is_c(value):
        return SUPPRESSED
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _n_pct(n: object, pct: object) -> str:
    if _is_c(n):
        return SUPPRESSED
    if pct is None or (not isinstance(pct, str) and pd.isna(pct)):
        return _number(n)
    return f"{_number(n)} ({_number(pct)}%)" if not _is_c(pct) else f"{_number(n)} ({SUPPRESSED})"


def _redisplay(name: str, frame: pd.DataFrame) -> None:
    """Rewrite a table's ``display`` column from its (suppressed) numbers."""
    if "display" not in frame.columns:
        return
    for position in range(len(frame)):
        row = frame.iloc[position]
        if name == "table1_year_of_incident":
            if row["year_of_incident"] == "Total known":
                total = frame.loc[frame["year_of_incident"] == "All LCSPRs", "n"]
                shown = f"{_number(row['n'])}/{_number(total.iloc[0]) if len(total) else ''}"
            else:
                shown = _number(row["n"])
        elif name == "table2_rapid_reviews":
            shown = _n_pct(row["n_lcspr_commissioned"], row["pct_commissioned"])
        elif name == "timeliness":
            shown = f"{_number(row['pct'])}% ({_number(row['n_within'])} of {_number(row['n'])})"
            shown = shown.replace(f"{SUPPRESSED}%", SUPPRESSED)
        elif name == "table3_durations":
            if not _is_c(row["value"]):
                continue
            shown = SUPPRESSED
        elif "n" in frame.columns and "pct" in frame.columns:
            shown = _n_pct(row["n"], row["pct"])
        else:
            continue
        frame.iat[position, frame.columns.get_loc("display")] = shown


def _scrub_note(note: str, name: str, frame: pd.DataFrame) -> str:
    """Take a suppressed count out of a note that states it."""
    if name == "table1_year_of_incident":
        not_known = frame.loc[frame["year_of_incident"] == "Not known", "n"]
        if len(not_known) and _is_c(not_known.iloc[0]):
            return re.sub(r"not known for \d+ LCSPRs?", f"not known for {SUPPRESSED} LCSPRs", note)
    return note


# --- key figures ------------------------------------------------------------------


def _figure_cells(
    grid: DisclosureGrid, cells: dict, figures: dict, config: dict, year: int
) -> dict[tuple[str, ...], tuple[str, Cell | tuple[Cell, ...] | None, Cell | None]]:
    """Map each count or percentage in the key figures to the table cell(s) it shows.

    Figures that no table shows (``n_children``) become cells of their own;
    sums of table cells (``n_published``) become cells with their relation,
    so the grid knows everything a reader sees.
    """
    codebook = config["codebook"]

    def cell(name: str, row: str, column: str = "n") -> Cell | None:
        return cells.get(name, {}).get(row, {}).get(column)

    t1, t2, t5 = "table1_year_of_incident", "table2_rapid_reviews", "table5_death_serious_harm"
    total = cell(t5, "Total")
    mapping: dict[tuple[str, ...], tuple[str, Cell | tuple[Cell, ...] | None, Cell | None]] = {}

    def count(path: tuple[str, ...], target: Cell | None) -> None:
        mapping[path] = ("count", target, None)

    def pct(path: tuple[str, ...], of: Cell | None, among: Cell | None) -> None:
        mapping[path] = ("pct", of, among)

    count(("n_lcsprs",), total)
    count(("n_index_children",), cell("ethnic_groups", "Total"))
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
    for key, measure in (
        ("incident_to_rr_weeks", "incident_to_rapid_review"),
        ("rr_to_lcspr_weeks", "rapid_review_to_lcspr"),
    ):
        n_cell = cell("table3_durations", measure, "N")
        count((key, "n"), n_cell)
        for statistic in ("median", "min", "max", "range"):
            mapping[(key, statistic)] = ("statistic", n_cell, None)
    timely = list(cells.get("timeliness", {}).values())
    for position, (n_key, pct_key) in enumerate(
        (
            ("n_rr_within_15_working_days", "pct_rr_within_15_working_days"),
            ("n_lcspr_within_26_weeks", "pct_lcspr_within_26_weeks"),
        )
    ):
        if position < len(timely):
            count((n_key,), timely[position]["n_within"])
            pct((pct_key,), timely[position]["n_within"], timely[position]["n"])
    for key in figures.get("age_band_counts", {}):
        count(("age_band_counts", key), cell("table4_age", key))
    count(("n_age_known",), cell("table4_age", "Total"))
    for figure, table in (
        ("ethnic_group_counts", "ethnic_groups"),
        ("death_category_counts", "death_categories"),
        ("maltreatment_death_subcategory_counts", "maltreatment_death_subcategories"),
        ("serious_harm_category_counts", "serious_harm_categories"),
        ("review_type_counts", "review_types"),
        ("methodology_counts", "methodology"),
        ("race_subsample_background_counts", "race_subsample"),
    ):
        for key in figures.get(figure, {}):
            count((figure, key), cell(table, key))
    for key in figures.get("serious_harm_group_counts", {}):
        count(("serious_harm_group_counts", key), cell("serious_harm_categories", f"{key} (all)"))
    for attribute, key in (
        ("ethnicity", "n_ethnicity_from_sin"),
        ("sex", "n_sex_from_sin"),
        ("age_years", "n_age_from_sin"),
    ):
        count((key,), cell("data_sources", attribute, "n_from_sin"))
    for comparison, row in cells.get("goodness_of_fit", {}).items():
        n_cell = row["n"]
        _table, position, _column = grid.where[n_cell]
        members = grid.statistics.get(("goodness_of_fit", position, "chi_square"), (n_cell,))
        count(("goodness_of_fit", comparison, "n"), n_cell)
        for statistic in ("chi_square", "p_value"):
            mapping[("goodness_of_fit", comparison, statistic)] = ("statistic", members, None)
        for statistic in TEST_TOTAL_STATISTICS:
            mapping[("goodness_of_fit", comparison, statistic)] = ("statistic", (n_cell,), None)
    count(("n_subsample",), cell("subsample", "all: LCSPRs"))
    count(("n_race_subsample",), cell("race_subsample", "Total"))

    # Sums of table cells that no table shows.
    statuses = [cell("publication", s) for s in codebook.get("published_statuses", [])]
    if "n_published" in figures and all(statuses):
        published = grid.figure("n_published", figures["n_published"])
        grid.sum_of(published, [s for s in statuses if s is not None])
        count(("n_published",), published)
        pct(("pct_published",), published, total)
    not_stated = codebook.get("methodology_not_stated", "not stated")
    declared = [
        c["n"]
        for row, c in cells.get("methodology", {}).items()
        if row not in ("Total", not_stated) and "n" in c
    ]
    if "n_methodology_declared" in figures and declared:
        cell_declared = grid.figure("n_methodology_declared", figures["n_methodology_declared"])
        grid.sum_of(cell_declared, declared)
        count(("n_methodology_declared",), cell_declared)

    for key in figures.get("age_band_pcts", {}) or {}:
        pct(("age_band_pcts", key), cell("table4_age", key), cell("table4_age", "Total"))
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


def _count_like(path: tuple[str, ...]) -> bool:
    """A key figure that is a count by its name (not a setting such as a seed or a level)."""
    last = path[-1]
    return last == "n" or last.startswith("n_") or (len(path) > 1 and path[0].endswith("_counts"))


def _walk(figures: dict, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], object]]:
    found = []
    for key, value in figures.items():
        path = (*prefix, str(key))
        if isinstance(value, dict):
            found += _walk(value, path)
        else:
            found.append((path, value))
    return found


def _get(figures: dict, path: tuple[str, ...]) -> object:
    value: object = figures
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def _set(figures: dict, path: tuple[str, ...], value: object) -> None:
    target = figures
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


def _apply_to_figures(
    figures: dict,
    grid: DisclosureGrid,
    mapping: dict,
    suppressed: set[Cell],
    reasons: dict[Cell, tuple[str, str]],
) -> tuple[dict, list[dict]]:
    import copy

    out = copy.deepcopy(figures)
    records = []
    for path, (kind, target, other) in mapping.items():
        if _get(figures, path) is None:
            continue
        if kind == "count":
            if target is None or target not in suppressed:
                continue
            if target.output == "key_figures":
                suppression, why = reasons[target]
            else:
                suppression = "same"
                why = f"the same count is suppressed in tables/{target.output}.csv"
        elif kind == "statistic":
            counts = target if isinstance(target, tuple) else (target,)
            if not any(c is not None and c in suppressed for c in counts):
                continue
            suppression, why = "statistic", "describes the cases of a suppressed count"
        else:
            if not ((target is not None and target in suppressed) or (other in suppressed)):
                continue
            suppression, why = "percentage", "percentage of a suppressed count or total"
        _set(out, path, SUPPRESSED)
        records.append(
            {
                "output": "key_figures.json",
                "row": ".".join(path),
                "column": "value",
                "suppression": suppression,
                "reason": why,
            }
        )
    return out, records
