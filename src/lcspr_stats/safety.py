"""Keeping text written to CSV from running as a formula when a spreadsheet opens it."""

from __future__ import annotations

import re

import pandas as pd

# A cell starting with one of these is read as a formula by Excel, LibreOffice
# and Google Sheets (OWASP, "CSV Injection"); tab and carriage return too.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A plain number ("-3", "+4.5") cannot be a formula, so it is left as it is.
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def neutralise_text(value: object) -> object:
    """Prefix a ``'`` to text that a spreadsheet would run as a formula.

    Parameters
    ----------
    value : object
        A cell. Anything but text is returned unchanged.

    Returns
    -------
    object
        ``"'=1+2"`` for ``"=1+2"``; text that is safe, and non-text, as given.

    Examples
    --------
    >>> neutralise_text("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_text("-3"), neutralise_text("1-5"), neutralise_text(7)
    ('-3', '1-5', 7)
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        if _PLAIN_NUMBER.fullmatch(value):
            return value
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Neutralise every text cell of ``frame`` (see :func:`neutralise_text`).

    Numeric, boolean and date columns are untouched; a copy is returned only
    when a text column needed it.
    """
    out = frame
    for position in range(frame.shape[1]):
        series = frame.iloc[:, position]
        if not (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)):
            continue
        text = series.astype("string")
        risky = text.str.startswith(FORMULA_TRIGGERS).fillna(False)
        if not risky.any():
            continue
        if out is frame:
            out = frame.copy()
        out.iloc[:, position] = series.map(neutralise_text)
    return out
