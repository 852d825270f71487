"""Breakdowns and cross-tabulations declared in the config's ``breakdowns:`` section.

A declaration names a population, a row variable and, for a
cross-tabulation, a column variable; this module checks it against the
codebook, builds its table (counts, percentages of the population with
Wilson intervals, a Total row) and gives the registry its
:class:`~lcspr_stats.registry.TableSpec`, so the table reaches
``tables/``, ``contents.csv``, the workbook, the report and the key figures,
under disclosure control, without code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from . import disclosure_shapes as shapes
from . import display
from .derive import percent
from .errors import InputError
from .table import Table


@dataclass(frozen=True)
class Variable:
    """A variable a declaration may break a population down by.

    Attributes
    ----------
    column : str
        Column of the derived LCSPR frame (and the table's row label column).
    categories : str
        Codebook key of its categories, in table order.
    missing : str or None
        Codebook key of the label a blank value is counted under (the label is
        added to the categories); None: blanks are not listed (the Total row
        still counts them, and disclosure control protects the difference).
    description : str
        What it is, for messages and the user guide.
    """

    column: str
    categories: str
    missing: str | None
    description: str


# Variables of the derived LCSPR frame, with the codebook key of their categories.
VARIABLES: dict[str, Variable] = {
    "review_type": Variable(
        "review_type", "review_types", "review_type_missing_label", "type of review"
    ),
    "incident_type": Variable(
        "incident_type", "review_incident_types", None, "death or serious harm"
    ),
    "harm_category": Variable(
        "harm_category", "harm_categories", None, "category of death or of serious harm"
    ),
    "published": Variable("published", "publication", None, "publication status"),
    "methodology": Variable("methodology", "methodology", None, "methodology declared"),
    "ethnic_group": Variable(
        "ethnic_group", "ethnic_groups", None, "ethnic group of the index child"
    ),
    "sex": Variable("sex", "sex", "not known", "sex of the index child"),
    "age_band": Variable("age_band", "age_bands", None, "age band of the index child"),
}

POPULATION_NAMES = {"lcsprs": "LCSPRs", "index_children": "index children"}


def _problem(declaration: dict, where: str, message: str) -> InputError:
    name = declaration.get("name", "?")
    return InputError(f"config breakdowns ({name}): {where}: {message}")


def variable_categories(variable: str, codebook: dict, declared: list | None = None) -> list[str]:
    """The categories of a variable, in table order (the declaration's, else the codebook's)."""
    spec = VARIABLES[variable]
    if declared:
        categories = [str(c) for c in declared]
    else:
        found = codebook.get(spec.categories, [])
        if spec.categories == "harm_categories":
            found = [c for members in found.values() for c in members]
        elif spec.categories == "age_bands":
            found = [band["label"] for band in found]
        categories = [str(c) for c in found]
    missing = _missing_label(variable, codebook)
    if missing is not None:
        categories.append(missing)
    return list(dict.fromkeys(categories))


def _missing_label(variable: str, codebook: dict) -> str | None:
    key = VARIABLES[variable].missing
    if key is None:
        return None
    return str(codebook.get(key, key))


def check_declaration(declaration: dict, codebook: dict) -> None:
    """Check one declaration against the variables and the codebook.

    Raises
    ------
    InputError
        Naming the declaration and what is wrong: an unknown population or
        variable, or a declared category that is not a code of its variable.
    """
    population = declaration.get("population")
    if population not in POPULATION_NAMES:
        raise _problem(
            declaration,
            "population",
            f"unknown population {population!r}; use one of: " + ", ".join(POPULATION_NAMES),
        )
    for axis in ("rows", "columns"):
        variable = declaration.get(axis)
        if variable is None and axis == "columns":
            continue
        if variable not in VARIABLES:
            raise _problem(
                declaration,
                axis,
                f"unknown variable {variable!r}; use one of: " + ", ".join(VARIABLES),
            )
        declared = declaration.get(f"{axis}_categories")
        if declared:
            known = variable_categories(variable, codebook)
            unknown = [c for c in declared if str(c) not in known]
            if unknown:
                raise _problem(
                    declaration,
                    f"{axis}_categories",
                    f"{', '.join(map(repr, unknown))} not a category of {variable} "
                    f"(the codebook's: {', '.join(known)})",
                )
    if declaration.get("columns") and declaration.get("columns") == declaration.get("rows"):
        raise _problem(declaration, "columns", "the column variable is the row variable")


def column_name(value: str, taken: set[str]) -> str:
    """``n_<value>`` in snake case, unique among ``taken``: ``serious harm``, ``n_serious_harm``."""
    stem = "n_" + (re.sub(r"[^0-9a-z]+", "_", value.lower()).strip("_") or "value")
    name, suffix = stem, 2
    while name in taken:
        name, suffix = f"{stem}_{suffix}", suffix + 1
    taken.add(name)
    return name


def _values(frame: pd.DataFrame, variable: str, codebook: dict) -> pd.Series:
    values = frame[VARIABLES[variable].column].astype("object")
    missing = _missing_label(variable, codebook)
    values = values.where(values.notna(), missing) if missing is not None else values
    return values.astype("string")


def build_breakdown(declaration: dict, ctx) -> Table:
    """The table of one declaration, for the cohort in ``ctx``.

    One-way: one row per category with ``n``, ``pct`` (of the population),
    its Wilson interval and ``display``, then a Total row. Cross-tabulation:
    a column ``n_<category>`` per column category before the row's ``n``.

    Parameters
    ----------
    declaration : dict
        One entry of the config's ``breakdowns``.
    ctx : lcspr_stats.registry.BuildContext
        The cohort's frames and settings.
    """
    from .tables import _insert_interval

    codebook = ctx.codebook
    population = ctx.population(declaration["population"])
    denominator = len(population)
    rows_variable = declaration["rows"]
    label = VARIABLES[rows_variable].column
    row_values = _values(population, rows_variable, codebook)
    categories = variable_categories(rows_variable, codebook, declaration.get("rows_categories"))
    frame = pd.DataFrame({label: categories})
    columns = declaration.get("columns")
    if columns:
        column_values = _values(population, columns, codebook)
        taken = {label, "n", "pct"}
        for value in variable_categories(columns, codebook, declaration.get("columns_categories")):
            name = column_name(value, taken)
            in_column = column_values == value
            frame[name] = [int(((row_values == c) & in_column).sum()) for c in categories]
    counts = row_values.value_counts()
    n = [int(counts.get(c, 0)) for c in categories]
    frame["n"] = n
    frame["pct"] = pd.array([percent(k, denominator, ctx.rounding) for k in n], dtype="Int64")
    frame = _insert_interval(frame, "pct", n, denominator, ctx.ci)
    total = {label: "Total", "n": denominator, "pct": 100 if denominator else None}
    for column in frame.columns:
        if column.startswith("n_"):
            total[column] = int(frame[column].sum()) if columns else None
    if columns:
        # A column's total counts every member of the population in it, listed row or not.
        for value, column in count_columns(declaration, codebook).items():
            total[column] = int((column_values == value).sum())
    frame = pd.concat([frame, pd.DataFrame([total]).astype({"pct": "Int64"})], ignore_index=True)
    for bound in ("pct_ci_lower", "pct_ci_upper"):
        frame[bound] = frame[bound].astype("Float64")
    frame["display"] = [display.n_pct(k, p) for k, p in zip(frame["n"], frame["pct"])]
    return Table(declaration["name"], declaration["title"], frame, _notes(declaration, codebook))


def count_columns(declaration: dict, codebook: dict) -> dict[str, str]:
    """Column category -> its count column, for a cross-tabulation (else empty)."""
    columns = declaration.get("columns")
    if not columns:
        return {}
    taken = {VARIABLES[declaration["rows"]].column, "n", "pct"}
    return {
        value: column_name(value, taken)
        for value in variable_categories(columns, codebook, declaration.get("columns_categories"))
    }


def _notes(declaration: dict, codebook: dict) -> list[str]:
    fields = {
        key: ", ".join(map(str, value)) if isinstance(value, list | tuple) else value
        for key, value in codebook.items()
        if isinstance(value, list | tuple | str | int | float)
    }
    notes = [str(note).format(**fields) for note in declaration.get("notes") or []]
    if declaration.get("columns"):
        population = POPULATION_NAMES[declaration["population"]]
        notes.append(
            f"Percentages are of all {population} of the cohort (the Total row); each column "
            f"counts the {population} of one {VARIABLES[declaration['columns']].description}."
        )
    return notes


def declared_spec(declaration: dict):
    """The registry's :class:`~lcspr_stats.registry.TableSpec` of one declaration."""
    from .registry import TableSpec

    label = VARIABLES[declaration["rows"]].column if declaration.get("rows") in VARIABLES else None
    population = declaration.get("population", "lcsprs")

    def build(ctx) -> Table:
        return build_breakdown(declaration, ctx)

    def shape(grid, table: Table, context: shapes.GridContext):
        columns = list(count_columns(declaration, context.codebook).values())
        if columns:
            return shapes.cross_tabulation(label, columns)(grid, table, context)
        return shapes.categories(label)(grid, table, context)

    def totals(cells: dict, context: shapes.GridContext) -> list:
        return [(population, cells.get("Total", {}).get("n"))]

    def redisplay(row: pd.Series, frame: pd.DataFrame) -> str:
        return display.n_pct(row["n"], row["pct"])

    return TableSpec(
        declaration["name"],
        population,
        build,
        shape=shape,
        totals=totals,
        redisplay=redisplay,
        key_figure=declaration.get("key_figure"),
        declared=declaration,
    )
