"""The table registry: every table of a cohort declared once, in report order.

A table is declared here (the report's fixed tables, built by a function of
:mod:`lcspr_stats.tables`) or in the config's ``breakdowns:`` section (simple
breakdowns and cross-tabulations, built by :mod:`lcspr_stats.breakdowns`).
Everything else iterates over :func:`table_specs`: the Snakemake targets,
``contents.csv``, the workbook, disclosure control, the summary and report,
and the tests. No other module spells a table's name: they use the constants
below, or a spec's ``name``.

A declaration says, besides how the table is built:

- its *population* and which of its cells count a population (``totals``):
  every cell that counts the same population shows the same number, so
  disclosure control records them as equal and a cell suppressed in one
  table cannot be worked out from another table by subtraction;
- its *shape* for disclosure control (:mod:`lcspr_stats.disclosure_shapes`):
  the cells it shows and how they add up within the table;
- how its rows are named in ``disclosure_check.csv``, how its ``display``
  text is rewritten after suppression, and the key figure it yields.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property

import pandas as pd

from . import disclosure_shapes as shapes
from . import display
from .errors import InputError
from .settings import Settings
from .table import Table

# The report's fixed tables (file stems of results/<year>/tables/*.csv).
TABLE1 = "table1_year_of_incident"
TABLE2 = "table2_rapid_reviews"
TABLE3 = "table3_durations"
TABLE4 = "table4_age"
TABLE5 = "table5_death_serious_harm"
TIMELINESS = "timeliness"
DEATH_CATEGORIES = "death_categories"
SERIOUS_HARM_CATEGORIES = "serious_harm_categories"
MALTREATMENT_SUBCATEGORIES = "maltreatment_death_subcategories"
SUBSAMPLE = "subsample"
RACE_SUBSAMPLE = "race_subsample"
PRACTICE_THEMES = "practice_themes"
DATA_SOURCES = "data_sources"
DURATION_DISTRIBUTION = "duration_distribution"
GOODNESS_OF_FIT = "goodness_of_fit"
GOODNESS_OF_FIT_COUNTS = "goodness_of_fit_counts"
REVIEW_PIPELINE = "review_pipeline"
TIME_TO_LCSPR = "time_to_lcspr"
TIME_TO_LCSPR_CURVE = "time_to_lcspr_curve"
TIME_TO_LCSPR_BY_YEAR = "time_to_lcspr_by_rr_year"
SCR_COMPARISON_TESTS = "scr_comparison_tests"
SCR_COMPARISON_DIFFERENCES = "scr_comparison_differences"

# Populations a table can count (``population`` of a declaration).
POPULATIONS = {
    "lcsprs": "LCSPRs of the cohort",
    "index_children": "index children of the cohort's LCSPRs",
    "rapid_reviews": "rapid reviews in the Panel's register",
    "deaths": "LCSPRs of a death",
    "serious_harm": "LCSPRs of serious harm",
    "maltreatment_deaths": "LCSPRs of a death in the sub-categorised harm category",
    "index_children_age_known": "index children whose age is known",
    "timed_incident_to_rapid_review": "LCSPRs with an incident-to-rapid-review duration",
    "timed_rapid_review_to_lcspr": "LCSPRs with a rapid-review-to-LCSPR duration",
    "subsample": "the in-depth sub-sample",
    "race_subsample": "the race, ethnicity and culture sub-sample",
    "reference": "the published SCR figures beside the cohort",
    "comparison": "the cohort's counts compared with an SCR period",
    "lcsprs_initiated": "LCSPRs initiated (commissioned rapid reviews) by the as-at date",
    "lcsprs_completed": "LCSPRs initiated and received by the Panel by the as-at date",
}


class BuildContext:
    """What a table is built from: the cohort's frames, the reference data and the config.

    Parameters
    ----------
    lcsprs : pandas.DataFrame
        One row per LCSPR with derived fields.
    rapid_reviews : pandas.DataFrame
        The clean rapid review register.
    reference_ages, reference_harm, periods : pandas.DataFrame
        The SCR reference data.
    settings : Settings or dict
        The run's settings (a validated config is turned into them).
    year : int
        The cohort year.
    rr_years : list of int
        Years of Table 2.
    """

    def __init__(
        self,
        lcsprs: pd.DataFrame,
        rapid_reviews: pd.DataFrame,
        reference_ages: pd.DataFrame,
        reference_harm: pd.DataFrame,
        periods: pd.DataFrame,
        settings: Settings | dict,
        year: int,
        rr_years: list[int],
    ) -> None:
        settings = Settings.from_config(settings)
        self.lcsprs = lcsprs
        self.rapid_reviews = rapid_reviews
        self.reference_ages = reference_ages
        self.reference_harm = reference_harm
        self.periods = periods
        self.settings = settings
        self.year = year
        self.rr_years = rr_years
        # Table builders take the codebook as a mapping (as configured) and the
        # uncertainty settings as the ``ci`` mapping.
        self.codebook = settings.codebook.raw
        self.rounding = settings.percent_rounding
        self.ci = settings.uncertainty.as_dict()
        self.built: dict[str, Table] = {}
        self._groups: dict[str, list[Table]] = {}

    @cached_property
    def index_children(self) -> pd.DataFrame:
        """The LCSPRs that have an index child (one row per index child)."""
        return self.lcsprs.loc[self.lcsprs["has_index_child"]]

    def population(self, name: str) -> pd.DataFrame:
        """The rows a declared breakdown counts."""
        return {"lcsprs": self.lcsprs, "index_children": self.index_children}[name]

    def group(self, key: str, make: Callable[[], list[Table]]) -> list[Table]:
        """Tables made together by one function (harm tables, the comparison), made once."""
        if key not in self._groups:
            self._groups[key] = make()
        return self._groups[key]


def _build():
    """The table builders (:mod:`lcspr_stats.tables`), imported when first used: they
    import the registry's names, so the registry cannot import them first."""
    from . import tables

    return tables


def _from_group(key: str, make: Callable[[BuildContext], list[Table]], name: str):
    def built(ctx: BuildContext) -> Table | None:
        found = [t for t in ctx.group(key, lambda: make(ctx)) if t.name == name]
        return found[0] if found else None

    return built


@dataclass(frozen=True)
class TableSpec:
    """The declaration of one table.

    Attributes
    ----------
    name : str
        File stem of ``tables/<name>.csv`` and key in every output.
    population : str
        What its counts count (a key of :data:`POPULATIONS`).
    build : callable
        ``build(ctx: BuildContext) -> Table | None`` (None: the table does not
        apply to this cohort's codebook and is left out).
    shape : callable or None
        ``shape(grid, table, context) -> cells``: registers the table's cells
        and within-table relations for disclosure control
        (:mod:`lcspr_stats.disclosure_shapes`).
    totals : callable
        ``totals(cells, context) -> [(population, cell), ...]``: the cells that
        count a whole population; all cells of one population are equal.
    relations : callable or None
        ``relations(grid, cells, context)``: further relations with other tables.
    late : bool
        Shaped after every other table (it reads their cells).
    shapes_several : bool
        Its shape registers the cells of other tables too and returns
        ``{table: cells}`` (the comparison tests and their counts).
    row_label : callable
        Row names of ``disclosure_check.csv``, from the frame.
    redisplay : callable or None
        ``redisplay(row, frame) -> str | None``: the ``display`` text of a row
        after suppression (None keeps it).
    scrub_note : callable or None
        ``scrub_note(note, frame) -> str``: a note without a suppressed count.
    key_figure : str or None
        Name of the counts the table yields in ``key_figures.json``
        (``{row: n}``, or ``{row: {column: n}}`` for a cross-tabulation).
    declared : dict or None
        The config declaration, for a table declared in config.
    applies : callable
        ``applies(settings) -> bool``: whether the run makes the table at all
        (a table behind a config option; its CSV is then not a target).
    """

    name: str
    population: str
    build: Callable[[BuildContext], Table | None]
    shape: Callable | None = None
    totals: Callable = field(default=lambda cells, context: [])
    relations: Callable | None = None
    late: bool = False
    shapes_several: bool = False
    row_label: Callable[[pd.DataFrame], list[str]] = field(
        default=lambda frame: [str(v) for v in frame[frame.columns[0]]]
    )
    redisplay: Callable | None = None
    scrub_note: Callable | None = None
    key_figure: str | None = None
    declared: dict | None = None
    applies: Callable[[Settings], bool] = field(default=lambda settings: True)


def _total(population: str, row: str = "Total", column: str = "n") -> Callable:
    """``totals`` of a table whose ``row`` counts ``population``."""

    def totals(cells: dict, context: shapes.GridContext) -> list:
        return [(population, cells.get(row, {}).get(column))]

    return totals


def _joined(*columns: str) -> Callable[[pd.DataFrame], list[str]]:
    return lambda frame: [
        ": ".join(str(v) for v in values) for values in zip(*(frame[c] for c in columns))
    ]


def _n_pct_display(row: pd.Series, frame: pd.DataFrame) -> str | None:
    if "n" in frame.columns and "pct" in frame.columns:
        return display.n_pct(row["n"], row["pct"])
    return None


# --- the report's fixed tables ---------------------------------------------------------


def _table1_display(row: pd.Series, frame: pd.DataFrame) -> str:
    if row["year_of_incident"] == "Total known":
        total = frame.loc[frame["year_of_incident"] == "All LCSPRs", "n"]
        return display.part_of(row["n"], total.iloc[0] if len(total) else None)
    return display.number(row["n"])


def _table1_scrub(note: str, frame: pd.DataFrame) -> str:
    import re

    not_known = frame.loc[frame["year_of_incident"] == "Not known", "n"]
    if len(not_known) and display.is_c(not_known.iloc[0]):
        return re.sub(
            r"not known for \d+ LCSPRs?", f"not known for {display.SUPPRESSED} LCSPRs", note
        )
    return note


def _timeliness_totals(cells: dict, context: shapes.GridContext) -> list:
    # Rows in the order of Table 3's measures: each row's n counts the LCSPRs timed.
    rows = list(cells.values())
    return [
        (population, rows[position]["n"])
        for position, population in enumerate(
            ("timed_incident_to_rapid_review", "timed_rapid_review_to_lcspr")
        )
        if position < len(rows)
    ]


def _data_sources_totals(cells: dict, context: shapes.GridContext) -> list:
    return [("index_children", row["n_index_children"]) for row in cells.values()]


def _data_sources_relations(grid, cells: dict, context: shapes.GridContext) -> None:
    # Children whose age is known (Table 4's total) and those whose age is not
    # known make up all index children.
    age_sources = cells.get(DATA_SOURCES, {}).get("age_years")
    t4_total = cells.get(TABLE4, {}).get("Total", {}).get("n")
    if age_sources and t4_total:
        grid.sum_of(age_sources["n_index_children"], [t4_total, age_sources["n_not_known"]])


def _harm_group(ctx: BuildContext) -> list[Table]:
    return _build().harm_tables(ctx.lcsprs, ctx.codebook, ctx.rounding, ctx.ci)


def _comparison_group(ctx: BuildContext) -> list[Table]:
    return _build().goodness_of_fit_tables(
        ctx.built[TABLE4].frame, ctx.built[TABLE5].frame, ctx.periods, ctx.year, ctx.ci
    )


def _scr_comparison_group(ctx: BuildContext) -> list[Table]:
    return _build().scr_comparison_tables(
        ctx.built[TABLE4].frame,
        ctx.built[TABLE5].frame,
        ctx.periods,
        ctx.year,
        ctx.rounding,
        ctx.ci,
    )


def _fixed_shares(settings: Settings) -> bool:
    return settings.uncertainty.goodness_of_fit_assuming_fixed_scr_shares


def _table4(ctx: BuildContext) -> Table:
    return _build().table4_age(
        ctx.index_children,
        ctx.reference_ages,
        ctx.periods,
        ctx.codebook["age_bands"],
        ctx.year,
        ctx.rounding,
        ctx.ci,
    )


def _table5(ctx: BuildContext) -> Table:
    return _build().table5_death_serious_harm(
        ctx.lcsprs, ctx.reference_harm, ctx.periods, ctx.year, ctx.rounding, ctx.ci
    )


def _duration_distribution(ctx: BuildContext) -> Table:
    bins = ctx.settings.release.duration_bin_weeks
    return _build().duration_distribution(
        ctx.lcsprs,
        {
            "incident_to_rapid_review": bins.incident_to_rapid_review,
            "rapid_review_to_lcspr": bins.rapid_review_to_lcspr,
        },
        ctx.settings.durations.weeks,
        ctx.rounding,
    )


def _review_pipeline(ctx: BuildContext) -> Table:
    from .pipeline import pipeline_table

    return pipeline_table(
        REVIEW_PIPELINE, ctx.rapid_reviews, ctx.lcsprs, ctx.settings.as_at(), ctx.rounding
    )


def _survival_group(ctx: BuildContext) -> list[Table]:
    from . import survival
    from .pipeline import as_at_text, available_columns, follow_up

    as_at = ctx.settings.as_at()
    follow = follow_up(ctx.rapid_reviews, ctx.lcsprs, as_at)
    available = "lcspr_received_date" in available_columns(ctx.rapid_reviews)
    level = ctx.settings.uncertainty.confidence_level
    words = as_at_text(as_at)
    return [
        survival.km_table(
            TIME_TO_LCSPR,
            follow,
            words,
            available,
            level,
            ctx.settings.uncertainty.interval_decimals,
            survival.share_weeks(ctx.settings.durations.lcspr_within_days / 7),
        ),
        survival.curve_table(TIME_TO_LCSPR_CURVE, follow, words, available, level),
        survival.curves_by_year_table(TIME_TO_LCSPR_BY_YEAR, follow, words, available, level),
    ]


def _curve_relations(grid, cells: dict, context: shapes.GridContext) -> None:
    # The summary's numbers at risk are the curve's at the same weeks.
    summary = cells.get(TIME_TO_LCSPR, {})
    for row, cell in cells.get(TIME_TO_LCSPR_CURVE, {}).items():
        weeks = row.removesuffix(" weeks")
        grid.equal(summary.get(f"at risk at {weeks} weeks", {}).get("n"), cell["n_at_risk"])


def _year_curves_relations(grid, cells: dict, context: shapes.GridContext) -> None:
    # Each year's reviews at 0 weeks add up to every LCSPR initiated.
    starts = [
        c["n_at_risk"]
        for r, c in cells.get(TIME_TO_LCSPR_BY_YEAR, {}).items()
        if r.endswith(": 0 weeks")
    ]
    initiated = cells.get(REVIEW_PIPELINE, {}).get("initiated", {}).get("n")
    if starts and initiated is not None:
        grid.sum_of(initiated, starts)


def _subcategory_of(context: shapes.GridContext) -> str:
    return context.codebook["harm_subcategory_of"]


# The fixed tables in report order. A config declaration with ``after:`` goes
# in between (see :func:`table_specs`).
FIXED: list[TableSpec] = [
    TableSpec(
        TABLE1,
        "lcsprs",
        lambda ctx: _build().table1_year_of_incident(ctx.lcsprs, ctx.year, ctx.rounding, ctx.ci),
        shape=shapes.known_and_not_known,
        totals=_total("lcsprs", "All LCSPRs"),
        redisplay=_table1_display,
        scrub_note=_table1_scrub,
    ),
    TableSpec(
        TABLE2,
        "rapid_reviews",
        lambda ctx: _build().table2_rapid_reviews(
            ctx.rapid_reviews, ctx.rr_years, ctx.rounding, ctx.ci
        ),
        shape=shapes.decisions_by_year,
        redisplay=lambda row, frame: display.n_pct(
            row["n_lcspr_commissioned"], row["pct_commissioned"]
        ),
    ),
    TableSpec(
        TABLE3,
        "lcsprs",
        lambda ctx: _build().table3_durations(
            ctx.lcsprs, [e.as_dict() for e in ctx.settings.exclusions], ctx.ci
        ),
        shape=shapes.measure_statistics,
        totals=lambda cells, context: [
            (f"timed_{measure}", cells[measure]["N"] if measure in cells else None)
            for measure in ("incident_to_rapid_review", "rapid_review_to_lcspr")
        ],
        row_label=_joined("measure", "statistic"),
        redisplay=lambda row, frame: display.SUPPRESSED if display.is_c(row["value"]) else None,
    ),
    TableSpec(
        TABLE4,
        "index_children_age_known",
        _table4,
        shape=shapes.reference_beside_cohort("age_band"),
        totals=_total("index_children_age_known"),
    ),
    TableSpec(
        TABLE5,
        "lcsprs",
        _table5,
        shape=shapes.reference_beside_cohort("category", parts=["Death", "Serious harm"]),
        totals=lambda cells, context: [
            ("lcsprs", cells.get("Total", {}).get("n")),
            ("deaths", cells.get("Death", {}).get("n")),
            ("serious_harm", cells.get("Serious harm", {}).get("n")),
        ],
    ),
    TableSpec(
        TIMELINESS,
        "lcsprs",
        lambda ctx: _build().timeliness(ctx.lcsprs, ctx.settings.durations, ctx.rounding, ctx.ci),
        shape=shapes.part_of_whole("measure", "n_within", "n", "pct"),
        totals=_timeliness_totals,
        redisplay=lambda row, frame: display.pct_of(row["pct"], row["n_within"], row["n"]),
    ),
    TableSpec(
        REVIEW_PIPELINE,
        "lcsprs_initiated",
        _review_pipeline,
        shape=shapes.review_pipeline,
        totals=lambda cells, context: [
            ("lcsprs_initiated", cells.get("initiated", {}).get("n")),
            ("lcsprs_completed", cells.get("completed", {}).get("n")),
        ],
        redisplay=lambda row, frame: (
            row["display"] if display.is_blank(row["n"]) else display.n_pct(row["n"], row["pct"])
        ),
    ),
    TableSpec(
        TIME_TO_LCSPR,
        "lcsprs_initiated",
        _from_group("survival", _survival_group, TIME_TO_LCSPR),
        shape=shapes.kaplan_meier_summary,
        totals=lambda cells, context: [
            ("lcsprs_initiated", cells.get("rapid reviews", {}).get("n")),
            ("lcsprs_completed", cells.get("LCSPRs received (events)", {}).get("n")),
        ],
        redisplay=lambda row, frame: (
            display.SUPPRESSED if display.is_c(row["n"]) or display.is_c(row["value"]) else None
        ),
    ),
    TableSpec(
        TIME_TO_LCSPR_CURVE,
        "lcsprs_initiated",
        _from_group("survival", _survival_group, TIME_TO_LCSPR_CURVE),
        shape=shapes.kaplan_meier_curve,
        totals=_total("lcsprs_initiated", "0 weeks", "n_at_risk"),
        relations=_curve_relations,
        row_label=lambda frame: [f"{w} weeks" for w in frame["weeks"]],
    ),
    TableSpec(
        TIME_TO_LCSPR_BY_YEAR,
        "lcsprs_initiated",
        _from_group("survival", _survival_group, TIME_TO_LCSPR_BY_YEAR),
        shape=shapes.kaplan_meier_curve,
        relations=_year_curves_relations,
        row_label=lambda frame: [
            f"{y}: {w} weeks" for y, w in zip(frame["rr_year"], frame["weeks"], strict=True)
        ],
    ),
    TableSpec(
        DEATH_CATEGORIES,
        "deaths",
        _from_group("harm", _harm_group, DEATH_CATEGORIES),
        shape=shapes.harm_categories,
        totals=lambda cells, context: [
            ("deaths", cells.get("Total", {}).get("n")),
            ("maltreatment_deaths", cells.get(_subcategory_of(context), {}).get("n")),
        ],
        redisplay=_n_pct_display,
        key_figure="death_category_counts",
    ),
    TableSpec(
        SERIOUS_HARM_CATEGORIES,
        "serious_harm",
        _from_group("harm", _harm_group, SERIOUS_HARM_CATEGORIES),
        shape=shapes.harm_categories,
        totals=_total("serious_harm"),
        redisplay=_n_pct_display,
        key_figure="serious_harm_category_counts",
    ),
    TableSpec(
        MALTREATMENT_SUBCATEGORIES,
        "maltreatment_deaths",
        _from_group("harm", _harm_group, MALTREATMENT_SUBCATEGORIES),
        shape=shapes.categories("harm_subcategory"),
        totals=_total("maltreatment_deaths"),
        redisplay=_n_pct_display,
        key_figure="maltreatment_death_subcategory_counts",
    ),
    TableSpec(
        SUBSAMPLE,
        "subsample",
        lambda ctx: _build().subsample_table(ctx.lcsprs, ctx.codebook),
        shape=shapes.characteristics,
        row_label=_joined("characteristic", "value"),
    ),
    TableSpec(
        RACE_SUBSAMPLE,
        "race_subsample",
        lambda ctx: _build().race_subsample_table(ctx.lcsprs, ctx.codebook),
        shape=shapes.categories("background", pct=None),
        key_figure="race_subsample_background_counts",
    ),
    TableSpec(
        PRACTICE_THEMES,
        "lcsprs",
        lambda ctx: _build().practice_themes_table(ctx.lcsprs, ctx.codebook, ctx.rounding, ctx.ci),
        shape=shapes.part_of_whole("theme", "n_addressed", "n_coded", "pct"),
    ),
    TableSpec(
        DATA_SOURCES,
        "index_children",
        lambda ctx: _build().data_sources_table(ctx.lcsprs),
        shape=shapes.sources_of_values,
        totals=_data_sources_totals,
        relations=_data_sources_relations,
    ),
    TableSpec(
        DURATION_DISTRIBUTION,
        "lcsprs",
        _duration_distribution,
        shape=shapes.bins_of(TABLE3),
        row_label=lambda frame: (
            _joined("measure", "weeks")(frame)
            if "weeks" in frame.columns
            else [str(v) for v in frame[frame.columns[0]]]
        ),
    ),
    TableSpec(
        SCR_COMPARISON_TESTS,
        "comparison",
        _from_group("scr_comparison", _scr_comparison_group, SCR_COMPARISON_TESTS),
        shape=shapes.two_sample_comparison(TABLE4, TABLE5, SCR_COMPARISON_DIFFERENCES),
        late=True,
        shapes_several=True,
    ),
    TableSpec(
        SCR_COMPARISON_DIFFERENCES,
        "comparison",
        _from_group("scr_comparison", _scr_comparison_group, SCR_COMPARISON_DIFFERENCES),
        # Shaped with the tests (two_sample_comparison above).
        shape=None,
        late=True,
        row_label=lambda frame: (
            _joined("comparison", "category")(frame)
            if "category" in frame.columns
            else [str(v) for v in frame[frame.columns[0]]]
        ),
    ),
    TableSpec(
        GOODNESS_OF_FIT,
        "comparison",
        _from_group("comparison", _comparison_group, GOODNESS_OF_FIT),
        shape=shapes.comparison_tests(TABLE4, TABLE5, GOODNESS_OF_FIT_COUNTS),
        late=True,
        shapes_several=True,
        applies=_fixed_shares,
    ),
    TableSpec(
        GOODNESS_OF_FIT_COUNTS,
        "comparison",
        _from_group("comparison", _comparison_group, GOODNESS_OF_FIT_COUNTS),
        # Shaped with the tests (comparison_tests above), whose counts they are.
        shape=None,
        late=True,
        applies=_fixed_shares,
        row_label=lambda frame: (
            _joined("comparison", "category")(frame)
            if "category" in frame.columns
            else [str(v) for v in frame[frame.columns[0]]]
        ),
    ),
]


def table_specs(settings: Settings | dict) -> list[TableSpec]:
    """Every table of a run, in report order: the fixed ones and those the config declares.

    A declaration with ``after: <table>`` follows that table (in the order
    declared); one without follows every other table.

    Parameters
    ----------
    settings : Settings or dict
        The run's settings (its ``breakdowns``), or a validated config.

    Returns
    -------
    list of TableSpec

    Raises
    ------
    InputError
        For a declaration with an unknown variable or category, or a name
        already taken.
    """
    return list(_specs(Settings.from_config(settings)))


@cache
def _specs(settings: Settings) -> tuple[TableSpec, ...]:
    from .breakdowns import check_declaration, declared_spec

    specs = [spec for spec in FIXED if spec.applies(settings)]
    for declaration in settings.breakdowns:
        check_declaration(declaration, settings.codebook.raw)
        spec = declared_spec(declaration)
        names = [s.name for s in specs]
        if spec.name in names:
            raise InputError(
                f"config breakdowns ({spec.name}): name: a table of that name exists already"
            )
        after = declaration.get("after")
        specs.insert(names.index(after) + 1 if after in names else len(specs), spec)
    return tuple(specs)


def table_names(settings: Settings | dict) -> list[str]:
    """The names of every table of a run, in report order (the CSVs the analysis job writes)."""
    return [spec.name for spec in table_specs(settings)]


def spec_of(name: str, settings: Settings | dict) -> TableSpec:
    """The declaration of one table.

    Raises
    ------
    KeyError
        For a table the registry does not declare.
    """
    for spec in table_specs(settings):
        if spec.name == name:
            return spec
    raise KeyError(f"table {name!r} is not declared in the table registry")


def declared_with(settings: Settings | dict, rows: str) -> TableSpec | None:
    """The config-declared one-way breakdown of all LCSPRs by the variable ``rows``, if any."""
    for spec in table_specs(settings):
        d = spec.declared
        if d and d["rows"] == rows and not d.get("columns") and d["population"] == "lcsprs":
            return spec
    return None


def build_tables(
    lcsprs: pd.DataFrame,
    rapid_reviews: pd.DataFrame,
    reference_ages: pd.DataFrame,
    reference_harm: pd.DataFrame,
    periods: pd.DataFrame,
    settings: Settings | dict,
    year: int,
    rr_years: list[int],
) -> list[Table]:
    """Every table of a cohort, in report order (the registry's).

    Parameters
    ----------
    lcsprs : pandas.DataFrame
        One row per LCSPR with derived fields (:func:`lcspr_stats.derive.derive_fields`).
    rapid_reviews : pandas.DataFrame
        The clean rapid review register.
    reference_ages, reference_harm, periods : pandas.DataFrame
        The SCR reference data.
    settings : Settings or dict
        The run's settings (a validated config is turned into them).
    year : int
        The cohort year.
    rr_years : list of int
        Years of Table 2.
    """
    ctx = BuildContext(
        lcsprs, rapid_reviews, reference_ages, reference_harm, periods, settings, year, rr_years
    )
    tables = []
    for spec in table_specs(ctx.settings):
        table = spec.build(ctx)
        if table is None:
            continue
        ctx.built[spec.name] = table
        tables.append(table)
    return tables
