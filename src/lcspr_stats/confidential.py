"""Keeping ids, names and dates out of results/: the masked data-quality report."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pandas as pd

from . import clean
from .io import normalise_header
from .validate import source_specs

if TYPE_CHECKING:
    from .settings import Codebook

WITHHELD = "[withheld]"
# Column kinds whose bad values are short codes or numbers, safe to show.
SHOWN_KINDS = frozenset({"code", "ethnicity", "yesno", "integer"})
# Columns whose values identify a case or a partnership.
ID_COLUMNS = ("sin_id", "rr_id", "lcspr_id", "child_ref", "partnership")
# A shown value longer than this is more likely free text than a mistyped code.
MAX_SHOWN_LENGTH = 40
_MONTH_AND_NUMBER = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b.*\d|\d.*\b"
    r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b",
    re.IGNORECASE,
)
_DATE_LIKE = re.compile(r"\d{1,4}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{1,4}")


def shown_columns(codebook: Codebook) -> frozenset[str]:
    """Normalised names of the columns whose bad values may be shown in results/.

    A column qualifies when it is a code, ethnicity, yes/no or whole-number
    column in every source that has it; ids, free text (partnership) and
    dates never do.
    """
    kinds: dict[str, set[str]] = {}
    for specs in source_specs(codebook).values():
        for spec in specs:
            kinds.setdefault(spec.name, set()).add(spec.kind)
    return frozenset(name for name, found in kinds.items() if found <= SHOWN_KINDS)


def identifying_values(frames: dict[str, pd.DataFrame]) -> frozenset[str]:
    """Every id and partnership name in the clean input frames, lower case."""
    found: set[str] = set()
    for frame in frames.values():
        for column in ID_COLUMNS:
            if column in frame.columns:
                # Distinct values first: a register holds a million ids.
                values = pd.Series(frame[column].dropna().unique()).astype("string")
                found.update(values.str.strip().str.lower().tolist())
    found.discard("")
    return frozenset(found)


def looks_like_a_date(value: str) -> bool:
    """True for text a reader could take as a date (any form the reader accepts, and more)."""
    if _DATE_LIKE.search(value) or _MONTH_AND_NUMBER.search(value):
        return True
    _dates, bad = clean.parse_dates(pd.Series([value], dtype=object))
    return not bool(bad.iloc[0])


def mask_quality(
    quality: pd.DataFrame, codebook: Codebook, identifiers: frozenset[str] | set[str]
) -> pd.DataFrame:
    """The data-quality report fit for results/: values that could identify are withheld.

    The value of a problem is kept only where it is in a code, ethnicity,
    yes/no or whole-number column and is short, not date-like and holds no id
    or partnership name from the inputs; otherwise it reads ``[withheld]``.
    Every other column (file, sheet, row, column, rule, action) is kept, so
    the row can still be found and fixed; the unmasked report is written
    outside results/.

    Parameters
    ----------
    quality : pandas.DataFrame
        Data-quality rows (:data:`lcspr_stats.validate.QUALITY_COLUMNS`).
    codebook : Codebook
        The run's codebook (to know each column's kind).
    identifiers : set of str
        Lower-case ids and names (:func:`identifying_values`).

    Returns
    -------
    pandas.DataFrame
        A copy with ``value`` masked.
    """
    shown = shown_columns(codebook)
    out = quality.copy()
    values = out["value"].astype("string").fillna("")

    def safe(value: str, column: str) -> str:
        if value == "":
            return ""
        if normalise_header(column) not in shown:
            return WITHHELD
        lowered = value.strip().lower()
        if (
            len(value) > MAX_SHOWN_LENGTH
            or lowered in identifiers
            or contains_identifier(lowered, identifiers)
            or looks_like_a_date(value)
        ):
            return WITHHELD
        return value

    out["value"] = [safe(v, str(c)) for v, c in zip(values, out["column"])]
    return out


_WORD = re.compile(r"\w+")


def contains_identifier(text: str, identifiers: frozenset[str] | set[str]) -> bool:
    """True if an identifier (3+ characters) stands in ``text`` as whole words.

    Every run of whole words in ``text`` is looked up in the set: a shown
    value is at most :data:`MAX_SHOWN_LENGTH` characters, so there are few
    runs, and the cost does not grow with the number of identifiers (a
    million SIN ids would make a regex of them take minutes and gigabytes).
    """
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    return any(
        len(part) >= 3 and part in identifiers
        for i, (start, _) in enumerate(spans)
        for _, end in spans[i:]
        for part in (text[start:end],)
    )
