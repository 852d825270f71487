"""Tables as released: readable headings and values, notes and shorthand symbols.

The workbook, the charts and the HTML report all read the written table CSVs
through this module, so they show the same numbers under the same labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .display import SUPPRESSED
from .table import Table

# Shorthand of the Government Analysis Function guidance for cells without a number.
NOT_AVAILABLE = "[x]"
NOT_APPLICABLE = "[z]"
SYMBOLS = {
    NOT_AVAILABLE: "[x] = not available (not published for this SCR period)",
    NOT_APPLICABLE: "[z] = not applicable (for example no interval for a total)",
    SUPPRESSED: "[c] = confidential: suppressed to protect small numbers (a small count, "
    "or a figure from which one could be worked out)",
}
# Shorthand every release explains, used or not; [c] is explained where it appears.
STANDING_SYMBOLS = (NOT_AVAILABLE, NOT_APPLICABLE)
# Text forms ("25 (30%)") and notes columns are replaced by number columns and
# note references in a released table.
HIDDEN_COLUMNS = ("display", "note")
_SUFFIXES = ("pct_ci_lower", "pct_ci_upper", "pct", "n")


@dataclass
class Labels:
    """Readable headings and values from the labels file and the SCR periods.

    Attributes
    ----------
    headings : dict
        ``(table, column) -> label``; table ``""`` applies to every table.
    values : dict
        ``(table, column, value) -> label``.
    prefixes : dict
        Column prefix (an SCR period such as ``scr_2017_19``, or
        ``lcspr_2021``) to its label (``SCRs 2017-19``, ``LCSPRs 2021``).
    reference_prefixes : set of str
        Prefixes of published reference columns: their blanks are "not available".
    level : str
        The confidence level as text, e.g. ``95%``.
    """

    headings: dict
    values: dict
    prefixes: dict
    reference_prefixes: set
    level: str

    def _fill(self, text: str) -> str:
        return text.replace("{level}", self.level)

    def split(self, column: str) -> tuple[str, str] | None:
        """``(prefix, suffix)`` of a column such as ``scr_2017_19_pct``, or None."""
        for prefix in self.prefixes:
            if column.startswith(prefix + "_") and column[len(prefix) + 1 :] in _SUFFIXES:
                return prefix, column[len(prefix) + 1 :]
        return None

    def heading(self, table: str, column: str) -> str:
        """The readable heading of a column."""
        for key in ((table, column), ("", column)):
            if key in self.headings:
                return self._fill(self.headings[key])
        parts = self.split(column)
        if parts:
            prefix, suffix = parts
            suffix_heading = self.heading(table, suffix)
            return f"{self.prefixes[prefix]}: {suffix_heading[:1].lower()}{suffix_heading[1:]}"
        return _humanise(column)

    def value(self, table: str, column: str, value: object) -> object:
        """The readable form of a cell value (numbers unchanged)."""
        if not isinstance(value, str):
            return value
        for key in ((table, column, value), ("", column, value)):
            if key in self.values:
                return self._fill(self.values[key])
        return _humanise(value) if value == value.lower() else value

    def is_reference(self, column: str) -> bool:
        """Whether a column holds published reference (SCR) figures."""
        parts = self.split(column)
        return bool(parts) and parts[0] in self.reference_prefixes


def _humanise(text: str) -> str:
    text = text.replace("_", " ")
    return text[:1].upper() + text[1:]


def level_text(level: float) -> str:
    """``0.95`` -> ``95%`` (``0.999`` -> ``99.9%``)."""
    return f"{100 * level:g}%"


def load_labels(labels: pd.DataFrame, periods: pd.DataFrame, year: int, level: float) -> Labels:
    """Build :class:`Labels` from the labels file and the SCR periods.

    Parameters
    ----------
    labels : pandas.DataFrame
        Columns ``table``, ``column``, ``value``, ``label``; a blank ``value``
        labels the column heading, a blank ``table`` applies to every table.
    periods : pandas.DataFrame
        ``scr_periods.csv`` (``period``, ``period_label``).
    year : int
        The cohort year (names the ``lcspr_<year>`` columns).
    level : float
        Confidence level of the intervals.
    """
    labels = labels.astype(object).fillna("").astype(str)
    headings = {
        (r.table, r.column): r.label for r in labels.itertuples() if r.value == "" and r.column
    }
    values = {(r.table, r.column, r.value): r.label for r in labels.itertuples() if r.value != ""}
    prefixes = dict(zip(periods["period"].astype(str), periods["period_label"].astype(str)))
    reference = set(prefixes)
    prefixes[f"lcspr_{year}"] = f"LCSPRs {year}"
    return Labels(headings, values, prefixes, reference, level_text(level))


@dataclass
class Presented:
    """A table ready to show: readable frame and where each note is referenced.

    Attributes
    ----------
    frame : pandas.DataFrame
        Readable headings and values; blanks replaced by ``[x]`` or ``[z]``.
    title_notes : list of int
        Indexes (into the table's notes) referenced from the title.
    column_notes : dict
        Heading -> note indexes referenced from that column heading.
    row_notes : dict
        Row position -> note indexes referenced from that row's first cell.
    symbols : list of str
        The shorthand symbols used in the frame.
    interval_columns : list of str
        Headings of the confidence-interval columns.
    """

    frame: pd.DataFrame
    title_notes: list[int]
    column_notes: dict
    row_notes: dict
    symbols: list[str]
    interval_columns: list[str]


def _note_label(note: str) -> str | None:
    match = re.match(r"^(.+?): ", note)
    return match.group(1) if match else None


def present(table: Table, labels: Labels) -> Presented:
    """A table's readable frame and the places its notes are referenced.

    A note that starts with a column group's label ("SCRs 2017-19: ...") is
    referenced from those columns' headings; one that starts with a row's
    label ("Incident to rapid review: ...") from that row's first cell (the
    row whose ``note`` column holds it, if the table has one); any other from
    the title.
    """
    raw = table.frame.reset_index(drop=True)
    shown = [c for c in raw.columns if c not in HIDDEN_COLUMNS]
    frame = pd.DataFrame(index=raw.index)
    symbols = set()
    for column in shown:
        heading = labels.heading(table.name, column)
        missing = NOT_AVAILABLE if labels.is_reference(column) else NOT_APPLICABLE
        cells = []
        for value in raw[column].astype(object):
            if pd.isna(value):
                cells.append(missing)
                symbols.add(missing)
            elif is_suppressed(value):
                cells.append(SUPPRESSED)
                symbols.add(SUPPRESSED)
            else:
                cells.append(labels.value(table.name, column, _plain(value)))
        frame[heading] = pd.Series(cells, index=raw.index, dtype=object)
    first = shown[0] if shown else None
    row_labels = [str(v) for v in frame.iloc[:, 0]] if first else []
    title_notes, column_notes, row_notes = [], {}, {}
    for i, note in enumerate(table.notes):
        label = _note_label(note)
        columns = [
            labels.heading(table.name, c)
            for c in shown
            if label and labels.split(c) and labels.prefixes[labels.split(c)[0]] == label
        ]
        rows = [r for r, text in enumerate(row_labels) if label and text == label]
        if "note" in raw and rows:
            flagged = [r for r in rows if str(raw.loc[r, "note"]).strip() not in ("", "nan")]
            rows = flagged or rows
        if columns:
            for heading in columns:
                column_notes.setdefault(heading, []).append(i)
        elif rows:
            row_notes.setdefault(rows[0], []).append(i)
        else:
            title_notes.append(i)
    intervals = [
        labels.heading(table.name, c) for c in shown if c.endswith(("ci_lower", "ci_upper"))
    ]
    return Presented(
        frame,
        title_notes,
        column_notes,
        row_notes,
        [s for s in SYMBOLS if s in symbols],
        intervals,
    )


def is_suppressed(value: object) -> bool:
    """Whether a cell or figure is ``[c]`` (withheld by disclosure control)."""
    return isinstance(value, str) and value == SUPPRESSED


def shows_suppressed(value: object) -> bool:
    """Whether text, or dicts and lists of it (key figures, say), show ``[c]`` anywhere."""
    if isinstance(value, str):
        return SUPPRESSED in value
    if isinstance(value, dict):
        return any(shows_suppressed(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(shows_suppressed(v) for v in value)
    return False


def number_or_none(value: object) -> float | None:
    """A cell as a float; None where there is no number to draw (blank or ``[c]``)."""
    if value is None or is_suppressed(value):
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
    value = float(value)
    return None if value != value else value


def restore_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns of numbers with ``[c]`` among them, read back as numbers and ``[c]``.

    A CSV column holding ``[c]`` is read as text; its other cells are turned
    back into numbers (ints where the column's numbers are all whole, as
    pandas reads a column without ``[c]``), so a count stays a number in the
    workbook and the charts.
    """
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype != object and not pd.api.types.is_string_dtype(values):
            continue
        hidden = values.astype(object).map(is_suppressed).astype(bool)
        if not hidden.any():
            continue
        rest = values[~hidden]
        numbers = pd.to_numeric(rest, errors="coerce")
        if (numbers.notna() != rest.notna()).any():
            continue  # a text column that happens to hold "[c]"
        restored = pd.Series(SUPPRESSED, index=values.index, dtype=object)
        restored[~hidden] = numbers.astype(object)
        out[column] = restored
    return out


def is_number(value: object) -> bool:
    """Whether a cell holds a number (not a bool, not text)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def numeric_columns(frame: pd.DataFrame) -> list[bool]:
    """Which columns hold numbers (and shorthand symbols or blanks) only."""
    out = []
    for column in frame.columns:
        values = [v for v in frame[column] if not (isinstance(v, str) and v in ("", *SYMBOLS))]
        out.append(bool(values) and all(is_number(v) for v in values))
    return out


def _plain(value: object) -> object:
    """Numpy scalars as Python numbers; whole floats of count columns stay floats."""
    if hasattr(value, "item"):
        return value.item()
    return value
