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

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .display import SUPPRESSED
from .settings import Settings
from .table import Table

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
    # The first cell, in report order, that counts each population (the
    # registry's ``totals``); every other such cell is recorded equal to it.
    populations: dict[str, Cell] = field(default_factory=dict)

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


# --- the whole grid ---------------------------------------------------------------


def build_grid(
    tables: list[Table], settings: Settings | dict, year: int
) -> tuple[DisclosureGrid, dict]:
    """Every count of the tables, with their relations within and between tables.

    Each table's cells and inner relations come from the shape its registry
    declaration names (:mod:`lcspr_stats.disclosure_shapes`); cells that count
    the same population (the registry's ``totals``) are recorded as equal,
    whichever tables show them, and then each declaration's further relations.

    Returns
    -------
    grid : DisclosureGrid
    cells : dict
        ``cells[table name][row label][column]`` -> :class:`Cell`.

    Raises
    ------
    KeyError
        For a table the registry does not declare.
    """
    from .disclosure_shapes import GridContext
    from .registry import spec_of

    settings = Settings.from_config(settings)
    grid = DisclosureGrid()
    context = GridContext(settings, year, {}, {t.name: t for t in tables})
    cells = context.cells
    specs = [(spec_of(table.name, settings), table) for table in tables]
    # Tables whose shape reads other tables' cells (the comparison tests) go last.
    for late in (False, True):
        for spec, table in specs:
            if spec.late != late or spec.shape is None:
                continue
            found = spec.shape(grid, table, context)
            if spec.shapes_several:
                cells.update(found)
            else:
                cells[spec.name] = found
    # The same population counted in two tables: the same number.
    anchors = grid.populations
    for spec, _table in specs:
        if spec.name not in cells:
            continue
        for population, cell in spec.totals(cells[spec.name], context):
            if cell is None:
                continue
            if population in anchors:
                grid.equal(anchors[population], cell)
            else:
                anchors[population] = cell
    for spec, _table in specs:
        if spec.relations is not None:
            spec.relations(grid, cells, context)
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
    tables: list[Table], figures: dict, settings: Settings | dict, year: int
) -> DisclosureResult:
    """Suppress small counts in the tables and key figures, as config says.

    Parameters
    ----------
    tables : list of Table
        From :func:`lcspr_stats.tables.build_tables`.
    figures : dict
        From :func:`lcspr_stats.tables.key_figures`.
    settings : Settings or dict
        The run's settings (or a validated config); ``disclosure`` says whether and how.
    year : int
        The cohort year.

    Returns
    -------
    DisclosureResult
        With control off, the tables and figures as given and a check frame
        saying so.
    """
    settings = Settings.from_config(settings)
    control = settings.disclosure
    if not control.enabled:
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
    from .keyfigures import figure_cells

    threshold, suppress_zeros = control.threshold, control.suppress_zeros
    grid, cells = build_grid(tables, settings, year)
    mapping = figure_cells(grid, cells, figures, settings, year)
    suppressed, reasons = suppress(grid, threshold, suppress_zeros)
    out_tables, records = _apply_to_tables(tables, settings, grid, suppressed, reasons)
    out_figures, figure_records = _apply_to_figures(figures, grid, mapping, suppressed, reasons)
    check = pd.DataFrame(records + figure_records, columns=CHECK_COLUMNS)
    return DisclosureResult(out_tables, out_figures, check, suppressed, grid)


def _apply_to_tables(
    tables: list[Table],
    settings: Settings,
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
    from .registry import spec_of

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
        spec = spec_of(table.name, settings)
        frame = table.frame.copy()
        labels = spec.row_label(table.frame)
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
        _redisplay(spec, frame)
        notes = [spec.scrub_note(note, frame) if spec.scrub_note else note for note in table.notes]
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


def _redisplay(spec, frame: pd.DataFrame) -> None:
    """Rewrite a table's ``display`` column from its (suppressed) numbers."""
    if "display" not in frame.columns or spec.redisplay is None:
        return
    at = frame.columns.get_loc("display")
    for position in range(len(frame)):
        shown = spec.redisplay(frame.iloc[position], frame)
        if shown is not None:
            frame.iat[position, at] = shown


# --- key figures ------------------------------------------------------------------


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
