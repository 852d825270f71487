"""Standard classifications shipped as reference data: ethnicity, sex, yes/no as sources write them.

The registers write ethnicity as DfE school-census codes or labels, ONS census
categories (2001, 2011, 2021) or NHS Data Dictionary ethnic category codes;
sex as M/F, Boy/Girl, NHS codes; yes/no in many spellings. The file
``classifications.csv`` beside the SCR reference files (``data/reference/``)
maps each of them to the contract's value and names the source of its
wording. This module reads it and recognises values through it. The
codebook's own codes and labels, and the config's ``synonyms``, come first:
the shipped file only reads what they leave unknown.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import InputError

# Where the file is looked for is settled without pandas (the workflow asks while parsing).
from .settings import CLASSIFICATIONS_FILE, classifications_path  # noqa: F401

#: Its columns.
COLUMNS = ("attribute", "classification", "code", "group_prefix", "label", "maps_to", "source")
#: The attributes it may classify.
ATTRIBUTES = ("ethnicity", "sex", "yes_no")
#: How the ONS and NHS wordings join the group prefix to the category.
PREFIX_JOINS = (": ", " - ", "/", " ")
#: Suffix of the clean frame's column naming the classification that read a value.
VIA_SUFFIX = "_classification"
#: The status of a reconciliation row counting values read through a classification.
RECONCILIATION_STATUS = "classified"

# Hyphens, dashes and minus signs that stand for "-" in a label.
_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d]")


def match_key(value: object) -> str:
    """The key a value is matched on: case, dash variants and spacing ignored.

    Non-breaking and repeated spaces count as one space; spaces around ``-``,
    ``/``, ``:`` and ``,`` do not count.

    >>> match_key("Asian or Asian British \u2013  Indian")
    'asian or asian british-indian'
    >>> match_key("Gypsy / Roma") == match_key("gypsy/roma")
    True
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as a number (99, 1) reads as 99.0 from a sheet
    text = unicodedata.normalize("NFKC", str(value))
    text = _DASHES.sub("-", text).casefold()
    text = " ".join(text.split())
    return re.sub(r"\s*([-/:,])\s*", r"\1", text)


@dataclass(frozen=True)
class Match:
    """What a value is read as, and through which classification."""

    value: str
    classification: str


@dataclass(frozen=True)
class Classifications:
    """The shipped classifications, as lookups per attribute.

    Attributes
    ----------
    path : str
        The file read ("" when there is none).
    table : pandas.DataFrame
        Its rows (for the tests and the docs).
    lookup : dict
        Attribute -> match key -> :class:`Match`.
    """

    path: str
    table: pd.DataFrame
    lookup: Mapping[str, Mapping[str, Match]]

    def recognise(self, attribute: str, value: object) -> Match | None:
        """The :class:`Match` of one value, or None when no classification knows it."""
        return self.lookup.get(attribute, {}).get(match_key(value))


EMPTY = Classifications("", pd.DataFrame(columns=list(COLUMNS)), {})


def row_keys(row: Mapping) -> list[str]:
    """Every written form a row of the file stands for (before :func:`match_key`).

    Its code, its label, and the label after its group prefix joined by
    ``": "``, ``" - "``, ``"/"`` or a space.
    """
    forms = [row["code"], row["label"]]
    if row["group_prefix"]:
        forms += [f"{row['group_prefix']}{join}{row['label']}" for join in PREFIX_JOINS]
    return [f for f in forms if f]


def load(path: str | Path) -> Classifications:
    """Read the classifications file, or :data:`EMPTY` when there is none.

    Raises
    ------
    InputError
        The file lacks a column, names an unknown attribute, or one written
        form maps to two different values (naming both rows).
    """
    path = Path(path)
    if not path.is_file():
        return EMPTY
    stat = path.stat()
    return _load(str(path), stat.st_mtime_ns, stat.st_size)


@functools.cache
def _load(path: str, _mtime: int, _size: int) -> Classifications:
    # Cached per file version: every source of every cohort looks values up here.
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    lacking = [c for c in COLUMNS if c not in table.columns]
    if lacking:
        raise InputError(
            f"classifications file lacks the column(s) {', '.join(lacking)}; expected: "
            + ", ".join(COLUMNS),
            file=path,
        )
    table = table.apply(lambda column: column.str.strip())
    lookup: dict[str, dict[str, Match]] = {}
    first_row: dict[tuple[str, str], int] = {}
    for position, row in enumerate(table.to_dict("records")):
        number = position + 2  # the header is row 1
        attribute = row["attribute"]
        if attribute not in ATTRIBUTES:
            raise InputError(
                f"unknown attribute '{attribute}'; expected one of {', '.join(ATTRIBUTES)}",
                file=path,
                row=number,
                column="attribute",
            )
        if not row["maps_to"] or not row["label"] or not row["classification"]:
            raise InputError(
                "each row needs a classification, a label and maps_to", file=path, row=number
            )
        keys = lookup.setdefault(attribute, {})
        for form in row_keys(row):
            key = match_key(form)
            known = keys.get(key)
            if known is None:
                keys[key] = Match(row["maps_to"], row["classification"])
                first_row[attribute, key] = number
            elif known.value != row["maps_to"]:
                raise InputError(
                    f"'{form}' maps to '{row['maps_to']}' here but to '{known.value}' in row "
                    f"{first_row[attribute, key]}; one written form must mean one value",
                    file=path,
                    row=number,
                )
    return Classifications(path, table, lookup)


def recognise_series(
    series: pd.Series, attribute: str, classifications: Classifications, known: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """Read the values ``known`` leaves unrecognised through the shipped classifications.

    Parameters
    ----------
    series : pandas.Series
        Cells as read.
    attribute : str
        ``ethnicity``, ``sex`` or ``yes_no``.
    classifications : Classifications
    known : pandas.Series of bool
        True where the codebook or the config's synonyms already read the cell
        (or it is blank): those are left alone.

    Returns
    -------
    values : pandas.Series
        The value each recognised cell stands for (missing elsewhere).
    via : pandas.Series
        The classification that recognised it (missing elsewhere).
    """
    values = pd.Series(pd.NA, index=series.index, dtype="string")
    via = pd.Series(pd.NA, index=series.index, dtype="string")
    todo = ~known.fillna(False).astype(bool) & series.notna()
    if not todo.any() or attribute not in classifications.lookup:
        return values, via
    codes, uniques = pd.factorize(series[todo])
    matches = [classifications.recognise(attribute, u) for u in uniques]
    found = pd.Series([m.value if m else pd.NA for m in matches], dtype="string")
    names = pd.Series([m.classification if m else pd.NA for m in matches], dtype="string")
    values[todo] = found.array.take(codes)
    via[todo] = names.array.take(codes)
    return values, via


def classify_column(
    attribute: str,
    cells: pd.Series,
    values: pd.Series,
    allowed: list[str] | tuple[str, ...],
    classifications: Classifications,
    synonyms: Mapping[str, str] | None = None,
) -> tuple[pd.Series, pd.Series]:
    """Read the cells the codebook left unknown through the shipped classifications.

    Parameters
    ----------
    attribute : str
        ``ethnicity`` or ``sex``.
    cells : pandas.Series
        The column as read.
    values : pandas.Series
        The codebook's reading of it (codes; an unknown value as written).
    allowed : sequence of str
        The codebook's codes: a value already among them is left alone.
    classifications : Classifications
    synonyms : Mapping, optional
        The config's synonyms, applied first (the team's additions win).

    Returns
    -------
    values : pandas.Series
        ``values`` with recognised cells replaced by their code.
    via : pandas.Series
        The classification each replaced cell was read through (missing elsewhere).
    """
    values = values.copy()
    todo = ~values.isin(allowed) & cells.notna()
    if synonyms and attribute == "ethnicity" and todo.any():
        # The codebook's synonyms reach ethnicity too: a team's own spellings of a code.
        # Looked up once per distinct value (a register repeats a handful of spellings).
        mapping = {match_key(k): str(v).upper() for k, v in synonyms.items()}
        codes, uniques = pd.factorize(cells[todo])
        spelled = pd.Series([mapping.get(match_key(u), pd.NA) for u in uniques], dtype="string")
        mapped = pd.Series(spelled.array.take(codes), index=cells[todo].index)
        take = mapped.isin(allowed)
        values[take[take].index] = mapped[take]
    known = values.isin(allowed) | values.isna()
    found, via = recognise_series(cells, attribute, classifications, known)
    hit = found.notna()
    values[hit] = found[hit]
    return values, via


def yes_no_cells(
    cells: pd.Series,
    yes_values: tuple[str, ...],
    no_values: tuple[str, ...],
    classifications: Classifications,
) -> tuple[pd.Series, pd.Series]:
    """Yes/no cells with the shipped spellings rewritten as the codebook's first yes or no.

    Returns
    -------
    cells : pandas.Series
        Ready for :func:`lcspr_stats.clean.parse_yes_no`.
    via : pandas.Series
        The classification a rewritten cell was read through (missing elsewhere).
    """
    text = cells.astype("string").str.strip().str.lower().str.replace(r"\s+", " ", regex=True)
    known = text.isin([v.lower() for v in (*yes_values, *no_values)]) | text.isna() | (text == "")
    found, via = recognise_series(cells, "yes_no", classifications, known)
    if not found.notna().any():
        return cells, via
    cells = cells.astype(object).copy()
    cells[(found == "yes").fillna(False).astype(bool)] = yes_values[0]
    cells[(found == "no").fillna(False).astype(bool)] = no_values[0]
    return cells, via


def reconciliation_rows(frames: Mapping[str, pd.DataFrame], info: Mapping) -> pd.DataFrame:
    """Reconciliation rows: per source and column, the values read through each classification.

    They are not part of "read = used + excluded": status
    :data:`RECONCILIATION_STATUS` says how values were read, not where rows went.

    Parameters
    ----------
    frames : Mapping
        Source name -> clean frame (with its ``*_classification`` columns, if any).
    info : Mapping
        Source name -> :class:`lcspr_stats.join.SourceInfo` (file and sheet).

    Returns
    -------
    pandas.DataFrame
        ``source, file, sheet, status, reason, rows`` (no rows when nothing was
        read through a shipped classification).
    """
    rows = []
    for source, frame in frames.items():
        for column in [c for c in frame.columns if str(c).endswith(VIA_SUFFIX)]:
            counts = frame[column].dropna().value_counts(sort=False).sort_index()
            for name, count in counts.items():
                rows.append(
                    {
                        "source": source,
                        "file": info[source].file,
                        "sheet": info[source].sheet,
                        "status": RECONCILIATION_STATUS,
                        "reason": f"{column[: -len(VIA_SUFFIX)]}: read through the {name} "
                        "classification (valid values)",
                        "rows": int(count),
                    }
                )
    return pd.DataFrame(rows, columns=["source", "file", "sheet", "status", "reason", "rows"])
