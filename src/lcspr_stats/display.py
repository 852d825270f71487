"""The text forms of counts and percentages ("185 (41%)", "[c]"), built in this one place.

The tables stage writes them into ``display`` columns, disclosure control
writes them again from the suppressed numbers, and the charts label bars with
them; all three call these functions.
"""

from __future__ import annotations

import pandas as pd

SUPPRESSED = "[c]"


def is_c(value: object) -> bool:
    """Whether a cell is suppressed (``[c]``)."""
    return isinstance(value, str) and value == SUPPRESSED


def is_blank(value: object) -> bool:
    """Whether a cell is empty (None, NaN, NA); ``[c]`` is not blank."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def number(value: object) -> str:
    """A count or whole percentage as text: ``12``, ``[c]``, or ``""`` for a blank."""
    if is_c(value):
        return SUPPRESSED
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def n_pct(n: object, pct: object) -> str:
    """``185 (41%)``; ``185`` without a percentage; ``[c]`` or ``185 ([c])`` when suppressed."""
    if is_c(n):
        return SUPPRESSED
    if is_blank(pct):
        return number(n)
    return f"{number(n)} ({SUPPRESSED})" if is_c(pct) else f"{number(n)} ({number(pct)}%)"


def part_of(k: object, n: object) -> str:
    """``81/84``: a part of a whole, as Table 1 prints its known total."""
    return f"{number(k)}/{number(n)}"


def pct_of(pct: object, k: object, n: object) -> str:
    """``41% (34 of 83)``, with ``[c]`` (never ``[c]%``) for a suppressed share."""
    return f"{number(pct)}% ({number(k)} of {number(n)})".replace(f"{SUPPRESSED}%", SUPPRESSED)


def weeks(statistic: str, value: object) -> str:
    """A duration statistic in weeks: the median to two decimals, ``Under 1 week``."""
    if is_c(value):
        return SUPPRESSED
    if is_blank(value):
        return ""
    value = float(value)
    if statistic == "N":
        return number(value)
    if statistic == "Median":
        return f"{value:.2f}"
    if statistic == "Minimum" and value < 1:
        return "Under 1 week"
    return f"{value:g}"
