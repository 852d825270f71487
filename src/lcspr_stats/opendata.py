"""Open-data files to the explore education statistics (EES) standard, and their checker.

Each published table becomes a tidy CSV (one row per combination of its
filters, the indicators in their own columns) and a metadata CSV describing
every filter and indicator column. The files are made from the written table
CSVs, as every release output is, so they show the same numbers: no new
total is worked out here (that would escape disclosure control). Every
filter has a ``Total`` item: the table's own row of all rows (a ``Total``
row, or one the table labels otherwise, :data:`TOTAL_ROWS`, renamed
``Total``). A filter whose items are not parts of one whole (measures,
statistics, periods, a multi-response list) has no ``Total``: it is declared
with its reason in :data:`NO_TOTAL` and names its default item in the
metadata's ``filter_default`` column, as EES allows; the checker accepts a
filter without ``Total`` only when so declared.

The tables are converted generically, whatever the registry declares:

- filters are the text columns (the first column always; further columns
  only while the rows are not yet told apart); columns of published periods
  beside the cohort (``scr_2017_19_n``, ``lcspr_2021_pct``) are unpivoted
  into a ``period`` filter;
- every other shown column is an indicator, its unit ``%`` for a percentage
  and its decimal places those written;
- ``[c]`` becomes ``c`` (suppressed), a blank ``z`` (not applicable) or, in a
  published reference column, ``x`` (not available).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .determinism import atomic_write_text
from .display import SUPPRESSED
from .errors import InputError
from .presentation import HIDDEN_COLUMNS, Labels
from .registry import (
    DATA_SOURCES,
    DURATION_DISTRIBUTION,
    GOODNESS_OF_FIT,
    GOODNESS_OF_FIT_COUNTS,
    PRACTICE_THEMES,
    SUBSAMPLE,
    TABLE1,
    TABLE2,
    TABLE3,
    TIMELINESS,
)

log = logging.getLogger("lcspr_stats")

# The EES time and geography columns every data file starts with.
TIME_GEOGRAPHY = {
    "time_identifier": "Calendar year",
    "geographic_level": "National",
    "country_code": "E92000001",
    "country_name": "England",
}
REQUIRED = ("time_period", *TIME_GEOGRAPHY)
META_COLUMNS = (
    "col_name",
    "col_type",
    "label",
    "indicator_grouping",
    "indicator_unit",
    "indicator_dp",
    "filter_hint",
    "filter_grouping_column",
    "filter_default",
)
# Symbols of the standard: suppressed, not applicable, not available.
SYMBOL_SUPPRESSED, SYMBOL_NOT_APPLICABLE, SYMBOL_NOT_AVAILABLE = "c", "z", "x"
SYMBOLS = (SYMBOL_SUPPRESSED, SYMBOL_NOT_APPLICABLE, SYMBOL_NOT_AVAILABLE)
UNITS = ("", "%")
TOTAL = "Total"
MAX_NAME = 50
PERIOD = "period"
# A table's row of all its rows under the table's own label, per filter (the
# raw value of the table CSV): in open data it is the filter's ``Total`` item.
# Table 1's "All LCSPRs" is the registry's declared total of the population
# ``lcsprs``; its "Total known" is a subtotal (the LCSPRs whose year is known)
# and keeps its label. The sub-sample's "all: LCSPRs" row counts the sub-sample.
TOTAL_ROWS = {
    TABLE1: {"year_of_incident": "All LCSPRs"},
    SUBSAMPLE: {"characteristic": "all", "value": "LCSPRs"},
}
# Filters without a ``Total`` item, and why. No total is computed for them:
# their items are not parts of one whole, or the whole is published elsewhere.
_PERIODS = "periods are separate populations (SCR periods and the cohort), never added up"
_MEASURES = "each measure counts its own LCSPRs (those timed for it); measures are not added up"
NO_TOTAL_ANY = {PERIOD: _PERIODS}
NO_TOTAL = {
    TABLE2: {
        "year_received": "each year's rapid reviews are their own population; no total across "
        "years is published"
    },
    TABLE3: {
        "measure": _MEASURES,
        "statistic": "statistics of a duration (N, median, range) are not parts of a whole",
    },
    TIMELINESS: {
        "measure": _MEASURES,
        "expectation": "each expectation belongs to one measure; each row shows its own base",
    },
    PRACTICE_THEMES: {
        "theme": "multi-response: a review addresses several themes, so the rows do not add up; "
        "each row shows its base (reviews coded)"
    },
    DATA_SOURCES: {
        "attribute": "each row counts all index children for one attribute; rows are not parts "
        "of a whole"
    },
    DURATION_DISTRIBUTION: {"measure": _MEASURES},
    GOODNESS_OF_FIT: {
        column: "rows are statistical tests, not counts"
        for column in ("comparison", "reference", "reference_basis", "method")
    },
    GOODNESS_OF_FIT_COUNTS: {
        "comparison": "each comparison is a test of its own; comparisons are not added up",
        "category": "the observed and expected counts of a test; their totals are those of "
        "Tables 4 and 5",
    },
}
_SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


@dataclass(frozen=True)
class OpenData:
    """One table's open-data file and its metadata.

    Attributes
    ----------
    name : str
        File stem: ``<name>.csv`` and ``<name>.meta.csv``.
    data, meta : pandas.DataFrame
        The data and metadata files, every cell text.
    """

    name: str
    data: pd.DataFrame
    meta: pd.DataFrame


def _bins_total(frame: pd.DataFrame, folder: Path) -> pd.DataFrame:
    """The duration bins with each measure's ``Total`` row: Table 3's N of the measure.

    That N is published (Table 3) and protected (disclosure control records
    each measure's bins as adding up to it, and suppresses it as needed); the
    bins' percentages are of it, so its percentage is 100.
    """
    if frame.empty or not {"measure", "weeks", "n"} <= set(frame.columns):
        return frame
    durations = read_text_csv(folder / f"{TABLE3}.csv")
    counts = durations.loc[durations["statistic"] == "N"].set_index("measure")["value"]
    rows = []
    for measure, bins in frame.groupby("measure", sort=False):
        rows.append(bins)
        if measure not in counts.index:
            continue  # no published N: no Total (the checker then reports it)
        n = counts[measure]
        total = {c: "" for c in frame.columns} | {"measure": measure, "weeks": TOTAL}
        total["n"] = n if n == SUPPRESSED else str(int(float(n)))
        if "pct" in frame.columns:
            total["pct"] = "100"
        rows.append(pd.DataFrame([total], columns=frame.columns, dtype=object))
    return pd.concat(rows, ignore_index=True)


# Tables given a Total row from a figure another table publishes (never a new sum).
PUBLISHED_TOTALS = {DURATION_DISTRIBUTION: _bins_total}


def no_total_reasons(name: str) -> dict[str, str]:
    """The filters of table ``name`` declared without a ``Total`` item, with the reason.

    Parameters
    ----------
    name : str
        The table's name (file stem of its open-data file).

    Returns
    -------
    dict
        ``{filter column: reason}``, as :func:`check_open_data` takes it.
    """
    return NO_TOTAL_ANY | NO_TOTAL.get(name, {})


def _is_number(text: str) -> bool:
    return bool(_NUMBER.match(text))


def _is_text_column(values: pd.Series) -> bool:
    # Blanks, [c] and (in unpivoted columns) the standard's symbols are not text.
    shown = [v for v in values if v not in ("", SUPPRESSED, *SYMBOLS)]
    return any(not _is_number(v) for v in shown)


def snake_case(text: str) -> str:
    """A column name in snake_case (lower case, digits and single underscores)."""
    name = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return name if name[:1].isalpha() else f"n_{name}"


def _noun(population: str) -> str:
    # What a count counts, for the indicator's name (lcspr_count, index_child_count).
    if population.startswith("index_children"):
        return "index_child"
    if population.startswith("rapid_reviews"):
        return "rapid_review"
    return "lcspr"


def indicator_name(column: str, population: str) -> str:
    """The open-data name of an indicator column: ``n`` -> ``lcspr_count``, ``pct`` -> percent.

    Parameters
    ----------
    column : str
        The table's column name (``n``, ``pct_ci_lower``, ``n_within``).
    population : str
        The table's population in the registry (names what ``n`` counts).
    """
    parts = snake_case(column).split("_")
    noun = _noun(population)
    if parts[0] == "n":
        parts = [noun, "count"] if len(parts) == 1 else [*parts[1:], "count"]
    parts = ["percent" if p == "pct" else p for p in parts]
    if parts[0] == "percent":
        parts = [noun, *parts]
    return "_".join(parts)


def _cell(value: str, reference: bool) -> str:
    if value == SUPPRESSED:
        return SYMBOL_SUPPRESSED
    if value == "":
        return SYMBOL_NOT_AVAILABLE if reference else SYMBOL_NOT_APPLICABLE
    return value


def _decimals(values: list[str]) -> int:
    return max((len(v.split(".")[1]) for v in values if _is_number(v) and "." in v), default=0)


def _filters(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    """The filter columns: text columns, and leading ones until the rows are told apart."""
    filters = [columns[0]] + [c for c in columns[1:] if _is_text_column(frame[c])]
    for column in columns[1:]:
        if not frame.duplicated(subset=filters).any():
            break
        if column not in filters:
            filters.append(column)
    return [c for c in columns if c in filters]


def _unpivot(frame: pd.DataFrame, labels: Labels, year: int) -> tuple[pd.DataFrame, dict]:
    """Columns of periods (``scr_2017_19_pct``) as rows of a ``period`` filter.

    Returns the long frame and, per suffix, whether each period's column is
    published reference data (its blanks are not available).
    """
    split = {c: labels.split(c) for c in frame.columns}
    periods = list(dict.fromkeys(p[0] for p in split.values() if p))
    if not periods:
        return frame, {}
    keys = [c for c in frame.columns if not split[c]]
    suffixes = list(dict.fromkeys(p[1] for p in split.values() if p))
    rows = []
    for _, row in frame.iterrows():
        for prefix in periods:
            out = {c: row[c] for c in keys}
            out[PERIOD] = labels.prefixes[prefix]
            reference = prefix in labels.reference_prefixes
            for suffix in suffixes:
                column = f"{prefix}_{suffix}"
                value = row[column] if column in frame.columns else None
                # A statistic a period does not have (no interval of a published
                # figure) is not applicable; a blank published figure not available.
                if value is None:
                    out[suffix] = SYMBOL_NOT_APPLICABLE
                else:
                    out[suffix] = _cell(value, reference)
            rows.append(out)
    long = pd.DataFrame(rows, columns=[*keys, PERIOD, *suffixes], dtype=object)
    return long, {"default": labels.prefixes.get(f"lcspr_{year}")}


def open_data_table(
    name: str, title: str, frame: pd.DataFrame, population: str, labels: Labels, year: int
) -> OpenData:
    """One written table as an EES open-data file and its metadata.

    Parameters
    ----------
    name, title : str
        The table's name (file stem) and title (``contents.csv``).
    frame : pandas.DataFrame
        The table as written (``tables/<name>.csv``), read as text: every
        cell a string, blanks ``""``.
    population : str
        The table's population in the registry (names its counts).
    labels : Labels
        Readable headings and values (the metadata's labels, the filter items).
    year : int
        The cohort year: ``time_period``.

    Returns
    -------
    OpenData
    """
    frame = frame.astype(str).reset_index(drop=True)
    if frame.empty:
        # A cohort can lack a table's data (no durations, say): as in the
        # workbook, one row says not applicable (a file needs a row).
        frame = pd.DataFrame([[TOTAL] + [""] * (len(frame.columns) - 1)], columns=frame.columns)
    shown = frame[[c for c in frame.columns if c not in HIDDEN_COLUMNS]]
    long, period = _unpivot(shown, labels, year)
    columns = list(long.columns)
    filters = _filters(long, columns)
    if period:
        filters = [c for c in filters if c != PERIOD] + [PERIOD]
    indicators = [c for c in columns if c not in filters]
    data = pd.DataFrame({"time_period": [str(year)] * len(long)}, dtype=object)
    for column, value in TIME_GEOGRAPHY.items():
        data[column] = value
    meta = []
    for column in filters:
        own_total = TOTAL_ROWS.get(name, {}).get(column)
        items = [
            TOTAL
            if v == own_total
            else v
            if v == TOTAL or column == PERIOD
            else str(labels.value(name, column, v))
            for v in long[column]
        ]
        data[snake_case(column)] = items
        default = ""
        if TOTAL not in items:
            # A filter declared without a total (NO_TOTAL): the cohort's period or the first row.
            default = period["default"] if column == PERIOD and period["default"] else items[0]
        heading = "Period" if column == PERIOD else labels.heading(name, column)
        meta.append(
            {"col_name": snake_case(column), "col_type": "Filter", "label": heading}
            | {"filter_default": default}
        )
    for column in indicators:
        reference = labels.is_reference(column)
        values = [v if period else _cell(v, reference) for v in long[column]]
        out = indicator_name(column, population)
        data[out] = values
        meta.append(
            {
                "col_name": out,
                "col_type": "Indicator",
                "label": labels.heading(name, column),
                "indicator_unit": "%" if "pct" in column.split("_") else "",
                "indicator_dp": str(_decimals(values)),
            }
        )
    meta_frame = pd.DataFrame(meta, columns=META_COLUMNS, dtype=object).fillna("")
    return OpenData(name, data.reset_index(drop=True), meta_frame)


def across_years(files: list[OpenData]) -> OpenData:
    """One table's open-data files of several cohorts as one file across years.

    Rows follow the cohorts in the order given; an indicator one cohort's
    table lacks is ``x`` (not available) in its rows. The metadata is the
    union of the cohorts', in order of first appearance.
    """
    data = pd.concat([f.data for f in files], ignore_index=True).fillna(SYMBOL_NOT_AVAILABLE)
    meta = pd.concat([f.meta for f in files], ignore_index=True)
    meta = meta.drop_duplicates(subset="col_name", keep="last").set_index("col_name")
    order = [c for c in data.columns if c in meta.index]
    meta = meta.loc[order].reset_index()
    # The decimal places across years are the most any year shows.
    for i, row in meta.iterrows():
        if row["col_type"] == "Indicator":
            meta.at[i, "indicator_dp"] = str(_decimals(list(data[row["col_name"]])))
    return OpenData(files[0].name, data, meta[list(META_COLUMNS)])


def check_open_data(
    data: pd.DataFrame, meta: pd.DataFrame, no_total: dict[str, str] | None = None
) -> list[str]:
    """Every breach of the EES open-data rules in one data file and its metadata.

    Parameters
    ----------
    data, meta : pandas.DataFrame
        The data and metadata files, read as text (every cell a string,
        blanks ``""``).
    no_total : dict, optional
        ``{filter column: reason}``: the filters allowed no ``Total`` item
        (:func:`no_total_reasons`); each still needs a ``filter_default``
        among its items. By default every filter needs ``Total``.

    Returns
    -------
    list of str
        One line per problem; empty when the files follow the rules
        checked: the required columns and their allowed values, snake_case
        names of at most 50 characters, metadata rows matching the data's
        columns (filters and indicators only, each labelled), allowed units
        and decimal places, no blank indicator cell (numbers or ``c``,
        ``z``, ``x``), a ``Total`` item in each filter (or a declared reason
        and a default item), and one row per combination of time, geography
        and filters.
    """
    no_total = no_total or {}
    problems = []
    for column in REQUIRED:
        if column not in data.columns:
            problems.append(f"required column {column} is missing")
    if list(data.columns[: len(REQUIRED)]) != list(REQUIRED) and not problems:
        problems.append("the required columns do not come first, in order")
    if "time_period" in data:
        bad = sorted({v for v in data["time_period"] if not re.fullmatch(r"\d{4}", v)})
        if bad:
            problems.append(f"time_period is not YYYY: {', '.join(bad)}")
    for column, allowed in TIME_GEOGRAPHY.items():
        if column in data:
            bad = sorted(set(data[column]) - {allowed})
            if bad:
                problems.append(f"{column} must be {allowed!r}, found {', '.join(bad)}")
    for column in data.columns:
        if not _SNAKE.match(column):
            problems.append(f"column name {column!r} is not snake_case")
        if len(column) > MAX_NAME:
            problems.append(f"column name {column!r} is longer than {MAX_NAME} characters")
    missing_meta = [c for c in META_COLUMNS[:-1] if c not in meta.columns]
    if missing_meta:
        return [*problems, f"metadata columns missing: {', '.join(missing_meta)}"]
    described = list(meta["col_name"])
    expected = [c for c in data.columns if c not in REQUIRED]
    for column in expected:
        if column not in described:
            problems.append(f"column {column} has no metadata row")
    for column in described:
        if column not in expected:
            problems.append(f"metadata row {column} is not a column of the data")
    if len(set(described)) != len(described):
        problems.append("a column has more than one metadata row")
    filters = []
    for row in meta.itertuples(index=False):
        col, kind = row.col_name, row.col_type
        if kind not in ("Filter", "Indicator"):
            problems.append(f"{col}: col_type must be Filter or Indicator, not {kind!r}")
        if not str(row.label).strip():
            problems.append(f"{col}: no label")
        if col not in data.columns:
            continue
        values = list(data[col])
        if kind == "Indicator":
            if row.indicator_unit not in UNITS:
                problems.append(f"{col}: indicator_unit {row.indicator_unit!r} is not allowed")
            if not re.fullmatch(r"\d", str(row.indicator_dp)):
                problems.append(f"{col}: indicator_dp must be a whole number of places")
            if row.filter_hint or row.filter_grouping_column:
                problems.append(f"{col}: an indicator has no filter_hint or grouping column")
            blank = sum(v == "" for v in values)
            if blank:
                problems.append(f"{col}: {blank} blank indicator cells (use c, z or x)")
            bad = sorted({v for v in values if v and v not in SYMBOLS and not _is_number(v)})
            if bad:
                problems.append(f"{col}: not a number or c, z, x: {', '.join(bad[:5])}")
        elif kind == "Filter":
            filters.append(col)
            if row.indicator_unit or row.indicator_dp:
                problems.append(f"{col}: a filter has no indicator_unit or indicator_dp")
            if any(v == "" for v in values):
                problems.append(f"{col}: blank filter items")
            default = getattr(row, "filter_default", "")
            if TOTAL not in values:
                if not str(no_total.get(col, "")).strip():
                    problems.append(f"{col}: no Total item and no declared reason for none")
                elif default not in values:
                    problems.append(f"{col}: no Total item and no filter_default among its items")
            if any(v.lower() == "total" and v != TOTAL for v in values):
                problems.append(f"{col}: the total must be spelt {TOTAL!r}")
    keys = [c for c in (*REQUIRED, *filters) if c in data.columns]
    if keys and data.duplicated(subset=keys).any():
        problems.append("rows repeat a combination of time, geography and filters")
    return problems


def read_text_csv(path: str | Path) -> pd.DataFrame:
    """A CSV with every cell as text (blanks ``""``), as the checker reads it."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def write_open_data(item: OpenData, folder: str | Path) -> tuple[Path, Path]:
    """Write ``<name>.csv`` and ``<name>.meta.csv`` into ``folder``; their paths."""
    folder = Path(folder)
    paths = folder / f"{item.name}.csv", folder / f"{item.name}.meta.csv"
    for frame, path in zip((item.data, item.meta), paths):
        atomic_write_text(path, frame.to_csv(index=False, lineterminator="\n"))
    return paths


def cohort_open_data(year: int, config: dict, contents_in: str | Path) -> list[OpenData]:
    """Every table of one cohort listed in ``contents.csv``, as open data, in report order.

    Parameters
    ----------
    year : int
        The cohort year.
    config : dict or Settings
        The validated config (its labels file and SCR periods, its breakdowns).
    contents_in : str or Path
        The cohort's ``tables/contents.csv``; the table CSVs are beside it.
    """
    from .publish import read_labels
    from .registry import spec_of
    from .settings import Settings

    settings = Settings.from_config(config)
    labels = read_labels(settings, year)
    contents = read_text_csv(contents_in)
    out = []
    for name, title in zip(contents["table"], contents["title"]):
        path = Path(contents_in).parent / f"{name}.csv"
        if not path.exists():
            raise InputError("table listed in contents.csv is missing", file=str(path))
        population = spec_of(name, settings).population
        frame = read_text_csv(path)
        if name in PUBLISHED_TOTALS:
            frame = PUBLISHED_TOTALS[name](frame, path.parent)
        out.append(open_data_table(name, title, frame, population, labels, year))
    return out


def _checked(item: OpenData) -> OpenData:
    problems = check_open_data(item.data, item.meta, no_total_reasons(item.name))
    if problems:
        # A config-declared table can break a rule (a name too long, say).
        raise InputError(f"open-data file {item.name} breaks the EES rules: " + "; ".join(problems))
    return item


def run_open_data(year: int, config: dict, contents_in: str, folder: str) -> None:
    """Write ``<table>.csv`` and ``<table>.meta.csv`` of every table of a cohort into ``folder``.

    Each file pair is checked (:func:`check_open_data`) before it is written;
    the tables are those of ``contents_in`` (the cohort's ``contents.csv``).
    """
    items = cohort_open_data(year, config, contents_in)
    for item in items:
        write_open_data(_checked(item), folder)
    log.info("open data: %d tables", len(items))


def run_open_data_trends(
    years: list[int], config: dict, contents_in: list[str], folder: str
) -> None:
    """Write each table across every cohort of the run into ``folder`` (one file a table).

    Parameters
    ----------
    years : list of int
        The cohorts, in the order of ``contents_in``.
    config : dict or Settings
        The validated config.
    contents_in : list of str
        Each cohort's ``tables/contents.csv``.
    folder : str
        Where the files go (``results/trends/open_data``).
    """
    per_year = sorted(zip(years, contents_in), key=lambda pair: pair[0])
    cohorts = [cohort_open_data(year, config, f) for year, f in per_year]
    names = list(dict.fromkeys(item.name for items in cohorts for item in items))
    for name in names:
        found = [item for items in cohorts for item in items if item.name == name]
        write_open_data(_checked(across_years(found)), folder)
    log.info("open data across %d cohorts: %d tables", len(cohorts), len(names))
