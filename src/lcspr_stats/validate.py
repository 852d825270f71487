"""The input contract: column specs per source, and checks that turn cells into clean frames."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from . import clean
from .errors import InputError
from .io import SourceTable, spreadsheet_row
from .sources import LCSPR_PUBLICATION

if TYPE_CHECKING:
    from .settings import Codebook, Settings

QUALITY_COLUMNS = ["file", "sheet", "row", "column", "value", "rule", "action"]
RECEIVED_AFTER_AS_AT = "LCSPR received after the as-at date"
VALUE_SET_MISSING = "row kept; value set to missing"
# A sum or label row a user left below the records: one problem for the row, not one per cell.
TOTAL_ROW_RULE = "a total row, not a record"
TOTAL_ROW_ACTION = "row left out"
# What the id cell of such a row may say (compared trimmed and lower-cased); blank also counts.
TOTAL_WORDS = frozenset({"total", "totals", "sum", "all", "grand total"})
# At most this many rows at the bottom are taken for totals (a total, a grand total, a note).
MAX_TOTAL_ROWS = 3


@dataclass(frozen=True)
class ColumnSpec:
    """One column of the contract.

    Attributes
    ----------
    name : str
        Normalised header.
    kind : str
        ``id``, ``text``, ``date``, ``code``, ``integer``, ``yesno`` or ``ethnicity``.
    required : bool
        The column must be present (fatal if not).
    not_blank : bool
        Every row must have a value (a blank is a per-value problem).
    codes : tuple of str
        Allowed codes for ``code`` columns.
    low, high : int
        Allowed range for ``integer`` columns.
    classified : str
        The shipped classification its values may also be written in
        (:mod:`lcspr_stats.classifications`): ``ethnicity`` or ``sex``; ""
        for none (yes/no columns always read the shipped yes/no spellings).
    """

    name: str
    kind: str
    required: bool = True
    not_blank: bool = False
    codes: tuple[str, ...] = field(default_factory=tuple)
    low: int | None = None
    high: int | None = None
    classified: str = ""


def source_specs(codebook: Codebook) -> dict[str, list[ColumnSpec]]:
    """The contract's columns for each source, with codes from the codebook."""
    all_harm = tuple(dict.fromkeys(c for cats in codebook.harm_categories.values() for c in cats))
    sex = codebook.sex
    ethnicity = tuple(codebook.ethnicity)
    themes = [ColumnSpec(name, "yesno", required=False) for name in codebook.practice_themes]
    return {
        "sin_register": [
            ColumnSpec("sin_id", "id", not_blank=True),
            ColumnSpec("partnership", "text", not_blank=True),
            ColumnSpec("incident_date", "date"),
            ColumnSpec("notification_date", "date", not_blank=True),
            ColumnSpec("incident_type", "code", not_blank=True, codes=codebook.sin_incident_types),
            ColumnSpec("child_sex", "code", required=False, codes=sex, classified="sex"),
            ColumnSpec("child_age_years", "integer", required=False, low=0, high=17),
            ColumnSpec(
                "child_ethnicity",
                "ethnicity",
                required=False,
                codes=ethnicity,
                classified="ethnicity",
            ),
        ],
        "rapid_review_register": [
            ColumnSpec("rr_id", "id", not_blank=True),
            ColumnSpec("sin_id", "text", not_blank=True),
            ColumnSpec("rr_date", "date", not_blank=True),
            ColumnSpec("lcspr_decision", "code", not_blank=True, codes=codebook.lcspr_decisions),
            ColumnSpec("lcspr_received_date", "date", required=False),
            ColumnSpec("lcspr_publication", "code", required=False, codes=LCSPR_PUBLICATION),
        ],
        "reviews": [
            ColumnSpec("lcspr_id", "id", not_blank=True),
            ColumnSpec("partnership", "text", not_blank=True),
            ColumnSpec("date_submitted", "date", not_blank=True),
            ColumnSpec("review_type", "code", required=False, codes=codebook.review_types),
            ColumnSpec("n_children", "integer", not_blank=True, low=1, high=10_000),
            ColumnSpec(
                "incident_type",
                "code",
                not_blank=True,
                codes=codebook.review_incident_types,
            ),
            ColumnSpec("harm_category", "code", not_blank=True, codes=all_harm),
            ColumnSpec(
                "harm_subcategory",
                "code",
                required=False,
                codes=codebook.harm_subcategories,
            ),
            ColumnSpec("published", "code", not_blank=True, codes=codebook.publication),
            ColumnSpec("methodology", "code", not_blank=True, codes=codebook.methodology),
            ColumnSpec("in_subsample", "yesno", not_blank=True),
            ColumnSpec("in_race_subsample", "yesno", not_blank=True),
            *themes,
        ],
        "children": [
            ColumnSpec("lcspr_id", "text", not_blank=True),
            ColumnSpec("child_ref", "text", not_blank=True),
            ColumnSpec("is_index_child", "yesno", not_blank=True),
            ColumnSpec("sin_id", "text", required=False),
            ColumnSpec("sex", "code", required=False, codes=sex, classified="sex"),
            ColumnSpec("age_years", "integer", required=False, low=0, high=17),
            ColumnSpec(
                "ethnicity", "ethnicity", required=False, codes=ethnicity, classified="ethnicity"
            ),
        ],
    }


# The columns that identify a row, for the duplicate check.
ID_COLUMNS = {
    "sin_register": ["sin_id"],
    "rapid_review_register": ["rr_id"],
    "reviews": ["lcspr_id"],
    "children": ["lcspr_id", "child_ref"],
}


def quality_frame(rows: list[dict] | None = None) -> pd.DataFrame:
    """An empty (or filled) data-quality frame with the report's columns."""
    frame = pd.DataFrame(rows or [], columns=QUALITY_COLUMNS)
    return frame.astype({"row": "Int64"})


def quality_rows(
    table: SourceTable, index: pd.Index, column: str, values: pd.Series, rule: str, action: str
) -> pd.DataFrame:
    """Data-quality rows for the cells of ``column`` at ``index``."""
    original = table.original_columns.get(column, column)
    frame = pd.DataFrame(
        {
            "file": table.file,
            "sheet": table.sheet,
            "row": spreadsheet_row(index),
            "column": original,
            "value": [show_value(v) for v in values.loc[index]],
            "rule": rule,
            "action": action,
        }
    )
    return frame.astype({"row": "Int64"})


def show_value(value: object) -> str:
    """A cell as the data-quality report shows it: dates as ``2021-03-04``, blanks as ``""``."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and value != value:  # NaN
        return ""
    if isinstance(value, dt.datetime):
        # Not through pandas: a day such as 31/12/9999 is outside its range.
        whole_day = (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0)
        day = f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
        return day if whole_day else f"{day} {value:%H:%M:%S}"
    if isinstance(value, dt.date):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def check_columns(table: SourceTable, specs: list[ColumnSpec], source: str = "") -> list[str]:
    """Stop if a required column is missing; return the unknown extra columns.

    The message lists the headings found and, where one is close, asks "did
    you mean ...?" with the ``columns:`` lines to paste into the config
    (:func:`lcspr_stats.columns.missing_columns_message`).
    """
    present = set(table.frame.columns)
    missing = [s.name for s in specs if s.required and s.name not in present]
    if missing:
        from .columns import missing_columns_message

        expected = [s.name for s in specs if s.required]
        raise InputError(
            missing_columns_message(table, source, missing, expected),
            file=table.file,
            sheet=table.sheet,
            column=", ".join(missing),
        )
    known = {s.name for s in specs}
    return [c for c in table.frame.columns if c not in known]


def column_warnings(
    table: SourceTable, specs: list[ColumnSpec], extras: list[str], source: str
) -> pd.DataFrame:
    """Data-quality rows about whole columns (:func:`lcspr_stats.columns.column_warning_rows`)."""
    from .columns import column_warning_rows

    optional = [s.name for s in specs if not s.required]
    blank = {
        name: clean.all_blank(table.frame[name]) for name in optional if name in table.frame.columns
    }
    return quality_frame(column_warning_rows(table, source, optional, extras, blank))


def check_duplicates(table: SourceTable, frame: pd.DataFrame, id_columns: list[str]) -> None:
    """Stop on a duplicated id, naming both spreadsheet rows.

    The id itself is not put in the message: messages reach the terminal and
    the logs, which carry no ids (the rows say where to look).
    """
    keys = frame[id_columns]
    if keys.isna().any(axis=1).all():
        return
    keyed = keys.dropna()
    dup = keyed.duplicated(keep=False)
    if dup.any():
        first_key = tuple(keyed[dup].iloc[0])
        rows = keyed.index[dup & (keyed == pd.Series(first_key, index=id_columns)).all(axis=1)]
        shown = spreadsheet_row(rows[:2])
        label = " / ".join(table.original_columns.get(c, c) for c in id_columns)
        n_ids = len(keyed[dup].drop_duplicates())
        more = f" ({n_ids} ids are duplicated in all)" if n_ids > 1 else ""
        raise InputError(
            f"duplicate id in rows {shown[0]} and {shown[1]}{more}; each {label} must be unique",
            file=table.file,
            sheet=table.sheet,
            column=label,
        )


def pandera():
    """``pandera.pandas``, imported without the data synthesis it would build on hypothesis.

    pandera takes half a second to import, so only the analysis imports it.
    At its first validation it also imports its strategies module, and that
    imports hypothesis whenever hypothesis is installed (it is, as a test
    tool, in the pinned environment): 0.2-0.3 s more per process (issue 12),
    for strategies that only generate example data, which no run does. So
    pandera's strategies are imported here while ``sys.modules`` names
    hypothesis as missing (``None``, which makes Python's import raise
    ``ModuleNotFoundError``), and pandera records that hypothesis is absent.
    Validation is unchanged. The mark is removed at once, so a later
    ``import hypothesis`` (in the tests) works. If hypothesis is already
    imported, nothing is hidden.

    Returns
    -------
    module
        ``pandera.pandas``.
    """
    import pandera.pandas as pa

    if "pandera.strategies.pandas_strategies" not in sys.modules:
        hide = "hypothesis" not in sys.modules
        if hide:
            sys.modules["hypothesis"] = None
        try:
            import pandera.strategies.pandas_strategies  # noqa: F401
        finally:
            if hide and sys.modules.get("hypothesis", 0) is None:
                del sys.modules["hypothesis"]
    return pa


def _value_schema(specs: list[ColumnSpec], source: str, codebook: Codebook):
    """The pandera schema of value rules for one source (after parsing)."""
    pa = pandera()

    columns = {}
    for spec in specs:
        checks = []
        if spec.kind in ("code", "ethnicity") and spec.codes:
            checks.append(pa.Check.isin(list(spec.codes), error="unknown code"))
        if spec.kind == "integer" and spec.low is not None:
            checks.append(
                pa.Check.in_range(spec.low, spec.high, error=f"out of range {spec.low}-{spec.high}")
            )
        if spec.not_blank:
            checks.append(
                pa.Check(lambda s: s.notna(), name="required value missing", ignore_na=False)
            )
        columns[spec.name] = pa.Column(checks=checks, nullable=True, required=False)
    frame_checks = []
    if source == "sin_register":
        frame_checks.append(
            pa.Check(
                lambda d: ~(d["notification_date"] < d["incident_date"]).fillna(False),
                name="notification before incident",
            )
        )
    if source == "rapid_review_register":
        frame_checks += [
            pa.Check(
                lambda d: ~(d["lcspr_received_date"] < d["rr_date"]).fillna(False),
                name="LCSPR received before the rapid review",
            ),
            pa.Check(
                lambda d: (
                    ~(
                        d["lcspr_received_date"].notna()
                        & d["lcspr_decision"].notna()
                        & (d["lcspr_decision"] != "commissioned")
                    ).fillna(False)
                ),
                name="LCSPR received on a rapid review not commissioned",
            ),
        ]
    if source == "reviews":
        pairs = {
            (incident, category)
            for incident, categories in codebook.harm_categories.items()
            for category in categories
        }

        incident_types = {incident for incident, _category in pairs}
        categories = {category for _incident, category in pairs}

        def category_fits(d: pd.DataFrame) -> pd.Series:
            # Only known codes are compared: an unknown one is reported on its own.
            known = d["incident_type"].isin(incident_types) & d["harm_category"].isin(categories)
            fits = pd.Series(
                [(i, c) in pairs for i, c in zip(d["incident_type"], d["harm_category"])],
                index=d.index,
            )
            return ~known | fits

        subcategory_of = codebook.harm_subcategory_of
        frame_checks += [
            pa.Check(category_fits, name="harm category not of the incident type"),
            pa.Check(
                lambda d: (
                    d["harm_subcategory"].isna()
                    | (d["harm_category"] == subcategory_of).fillna(True)
                ),
                name=f"sub-category given for a category other than {subcategory_of}",
            ),
        ]
    return pa.DataFrameSchema(columns, checks=frame_checks, name=source)


# For row-level rules: which column is reported and set missing.
FRAME_RULE_COLUMN = {
    "notification before incident": "incident_date",
    "harm category not of the incident type": "harm_category",
    "LCSPR received before the rapid review": "lcspr_received_date",
    "LCSPR received on a rapid review not commissioned": "lcspr_received_date",
}


def _rule_column(rule: str) -> str | None:
    if rule in FRAME_RULE_COLUMN:
        return FRAME_RULE_COLUMN[rule]
    if rule.startswith("sub-category given"):
        return "harm_subcategory"
    return None


def clean_source(
    table: SourceTable, source: str, settings: Settings
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Turn one sheet as read into a typed frame and its data-quality rows.

    Fatal problems (a required column missing, a duplicate id) raise
    :class:`InputError`. A bad value keeps its row: the value becomes missing
    and a data-quality row says where it was, what it was and which rule it
    broke.

    Parameters
    ----------
    table : SourceTable
        The sheet as read by :func:`lcspr_stats.io.read_source`.
    source : str
        One of ``sin_register``, ``rapid_review_register``, ``reviews``, ``children``.
    settings : Settings
        The run's settings: the codebook, and ``dates_day_first`` (how to read
        ``01/02/2021`` text dates).

    Returns
    -------
    frame : pandas.DataFrame
        One row per input row (index = position in the sheet), the contract's
        columns typed, plus ``source_row`` (spreadsheet row number).
    quality : pandas.DataFrame
        Data-quality rows (see :data:`QUALITY_COLUMNS`).
    """
    from . import classifications as shipped
    from .columns import apply_mapping

    codebook = settings.codebook
    specs = source_specs(codebook)[source]
    table = apply_mapping(table, settings.inputs[source].columns)
    extras = check_columns(table, specs, source)
    raw = table.frame
    classes = shipped.load(settings.classifications_path)
    problems: list[pd.DataFrame] = [column_warnings(table, specs, extras, source)]
    synonyms = codebook.synonyms
    out = pd.DataFrame(index=raw.index)
    for spec in specs:
        if spec.name not in raw.columns:
            dtype = {"date": "datetime64[ns]", "integer": "Int64", "yesno": "boolean"}
            out[spec.name] = pd.Series(pd.NA, index=raw.index, dtype=dtype.get(spec.kind, "string"))
            continue
        cells = raw[spec.name]
        bad = via = None
        if spec.kind in ("id", "text"):
            values = clean.normalise_text(cells)
        elif spec.kind == "code":
            values = clean.normalise_code(cells, synonyms)
            if spec.classified:
                values, via = shipped.classify_column(
                    spec.classified, cells, values, spec.codes, classes
                )
        elif spec.kind == "ethnicity":
            values = clean.normalise_ethnicity(cells, codebook.ethnicity)
            values, via = shipped.classify_column(
                "ethnicity", cells, values, spec.codes, classes, synonyms
            )
        elif spec.kind == "date":
            values, bad, implausible = clean.read_dates(
                cells, dayfirst=settings.dates_day_first, years=settings.plausible_dates.years
            )
            bad_rule = "unparseable date"
            if implausible.any():
                rule = clean.date_rule(settings.plausible_dates.years)
                problems.append(
                    quality_rows(
                        table, raw.index[implausible], spec.name, cells, rule, VALUE_SET_MISSING
                    )
                )
        elif spec.kind == "integer":
            values, bad = clean.parse_integers(cells)
            bad_rule = "not a whole number"
        elif spec.kind == "yesno":
            cells, via = shipped.yes_no_cells(
                cells, codebook.yes_values, codebook.no_values, classes
            )
            values, bad = clean.parse_yes_no(cells, codebook.yes_values, codebook.no_values)
            bad_rule = "not yes or no"
        else:  # pragma: no cover - specs are fixed above
            raise ValueError(spec.kind)
        if bad is not None and bad.any():
            problems.append(
                quality_rows(table, raw.index[bad], spec.name, cells, bad_rule, VALUE_SET_MISSING)
            )
        out[spec.name] = values
        if via is not None and via.notna().any():
            # Which classification read a value: for the reconciliation and data_sources.
            out[f"{spec.name}{shipped.VIA_SUFFIX}"] = via
    candidates = total_row_candidates(raw, ID_COLUMNS[source][0])
    # A "Total" in the id cells of two trailing rows is no duplicate id.
    check_duplicates(table, out.loc[~candidates], ID_COLUMNS[source])
    out, schema_problems = _apply_value_rules(out, specs, source, table, codebook)
    formulas = formula_problems(table, [s.name for s in specs if s.name in raw.columns])
    if len(formulas):
        # A formula cell is reported as such, not as a blank required value.
        unsaved = set(zip(formulas["row"], formulas["column"]))
        blank = schema_problems["rule"] == "required value missing"
        at = pd.Series(list(zip(schema_problems["row"], schema_problems["column"])), dtype=object)
        schema_problems = schema_problems.loc[~(blank & at.isin(unsaved)).to_numpy()]
        problems.append(formulas)
    problems.append(schema_problems)
    if source == "rapid_review_register":
        problems.append(_received_after_as_at(out, table, settings))
    out["source_row"] = spreadsheet_row(out.index)
    quality = (
        pd.concat([p for p in problems if len(p)], ignore_index=True)
        if any(len(p) for p in problems)
        else quality_frame()
    )
    return leave_out_total_rows(out, quality, candidates, table, ID_COLUMNS[source][0])


def total_row_candidates(raw: pd.DataFrame, id_column: str) -> pd.Series:
    """The last non-empty rows of a sheet whose id cell is blank or a word like ``Total``.

    Read from the bottom up: empty rows are passed over, and the first row
    whose id cell holds anything else ends the search, so a blank id in the
    middle of the records is never taken for a total. More than
    :data:`MAX_TOTAL_ROWS` such rows, or no record above them, and none is
    taken.

    Parameters
    ----------
    raw : pandas.DataFrame
        The sheet as read (normalised headers).
    id_column : str
        The source's id column (its first, for the children sheet).

    Returns
    -------
    pandas.Series
        Boolean, indexed as ``raw``.
    """
    found = pd.Series(False, index=raw.index)
    if id_column not in raw.columns or raw.empty:
        return found
    # Row by row from the bottom (the search stops at the first record, so a
    # million-row register costs a row or two, not a pass over every cell).
    for position in reversed(raw.index):
        cells = raw.loc[[position]].astype(object).T.iloc[:, 0]
        if clean.blank_mask(cells).all():
            continue
        word = clean.normalise_text(cells.loc[[id_column]]).str.lower().iloc[0]
        if pd.isna(word) or word in TOTAL_WORDS:
            found[position] = True
            if found.sum() > MAX_TOTAL_ROWS:
                break
            continue
        # A record above them: they are the sheet's last rows, below its records.
        return found
    # Every row, or more than a few, without an id: not totals but a broken sheet,
    # whose rows are reported cell by cell.
    return pd.Series(False, index=raw.index)


def leave_out_total_rows(
    out: pd.DataFrame,
    quality: pd.DataFrame,
    candidates: pd.Series,
    table: SourceTable,
    id_column: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Report a trailing total row once and leave it out, instead of a problem per cell.

    A candidate (:func:`total_row_candidates`) is a total row only if it is
    not a valid record: some cell outside its id column broke a rule. (A last
    record that only lacks its id stays a record, reported as such.) Its cell
    problems are replaced by one row, its values are set missing, and the
    ``total_row`` column marks it so the reconciliation counts it as left out.

    Returns
    -------
    out : pandas.DataFrame
        With the boolean ``total_row``.
    quality : pandas.DataFrame
        The cell problems of total rows replaced by one row each.
    """
    out["total_row"] = False
    if not candidates.any() or quality.empty:
        return out, quality
    original_id = table.original_columns.get(id_column, id_column)
    rows = spreadsheet_row(candidates.index[candidates])
    row_of = dict(zip(rows, candidates.index[candidates]))
    numbers = quality["row"]
    outside_id = numbers.notna() & (quality["column"] != original_id)
    broken = {int(n) for n in numbers[outside_id & numbers.isin(rows)]}
    if not broken:
        return out, quality
    positions = [row_of[n] for n in sorted(broken)]
    contract = [c for c in out.columns if c not in ("source_row", "total_row")]
    for column in contract:
        out.loc[positions, column] = pd.NA
    out.loc[positions, "total_row"] = True
    kept = quality.loc[~numbers.isin(sorted(broken)).fillna(False).astype(bool)]
    totals = quality_frame(
        [
            {
                "file": table.file,
                "sheet": table.sheet,
                "row": n,
                "column": original_id,
                "value": show_value(table.frame.loc[row_of[n], id_column]),
                "rule": TOTAL_ROW_RULE,
                "action": TOTAL_ROW_ACTION,
            }
            for n in sorted(broken)
        ]
    )
    return out, pd.concat([kept, totals], ignore_index=True)


def formula_problems(table: SourceTable, columns: list[str]) -> pd.DataFrame:
    """One data-quality row per formula cell without a saved value in ``columns``."""
    from .formulas import FORMULA_ACTION, FORMULA_RULE

    rows = sorted(cell for cell in table.formula_cells if cell[1] in columns)
    rows = [(index, column) for index, column in rows if index in table.frame.index]
    if not rows:
        return quality_frame()
    return quality_frame(
        [
            {
                "file": table.file,
                "sheet": table.sheet,
                "row": int(spreadsheet_row([index])[0]),
                "column": table.original_columns.get(column, column),
                "value": "",
                "rule": FORMULA_RULE,
                "action": FORMULA_ACTION,
            }
            for index, column in rows
        ]
    )


def _received_after_as_at(frame: pd.DataFrame, table: SourceTable, settings: Settings):
    """A row per LCSPR received after the as-at date: kept, and counted as open at that date."""
    late = (frame["lcspr_received_date"] > pd.Timestamp(settings.as_at())).fillna(False)
    if not late.any():
        return quality_frame()
    return quality_rows(
        table,
        frame.index[late],
        "lcspr_received_date",
        frame["lcspr_received_date"],
        RECEIVED_AFTER_AS_AT,
        "row kept; the review counts as open at the as-at date",
    )


def _apply_value_rules(
    frame: pd.DataFrame,
    specs: list[ColumnSpec],
    source: str,
    table: SourceTable,
    codebook: Codebook,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run the pandera value rules; each failing value is reported and set missing."""
    pa = pandera()

    schema = _value_schema(specs, source, codebook)
    try:
        schema.validate(frame, lazy=True)
        return frame, quality_frame()
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    cases = cases[cases["index"].notna()]
    frame = frame.copy()
    raw = table.frame
    reports = []
    for (column, check), group in cases.groupby(["column", "check"], sort=False):
        rule = str(check)
        column = _rule_column(rule) or column
        index = pd.Index(sorted(set(group["index"].astype(int))))
        blank = rule == "required value missing"
        shown = raw[column] if column in raw.columns else frame[column]
        if blank and column in raw.columns:
            # A cell that was filled but unreadable is already reported as such.
            index = index[clean.blank_mask(raw.loc[index, column]).to_numpy()]
            if index.empty:
                continue
        action = "row kept; value missing" if blank else VALUE_SET_MISSING
        reports.append(quality_rows(table, index, column, shown, rule, action))
        if not blank:
            frame.loc[index, column] = pd.NA
    quality = pd.concat(reports, ignore_index=True) if reports else quality_frame()
    quality = quality.drop_duplicates().sort_values(["row", "column"], kind="stable")
    return frame, quality.reset_index(drop=True)
