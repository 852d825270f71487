"""The one table class every stage passes around: a name, a title, a frame and its notes."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Table:
    """One output table with its title and notes.

    The tables stage builds them (:mod:`lcspr_stats.registry`) and the release
    stages read them back from the CSVs (:mod:`lcspr_stats.publish`).

    Attributes
    ----------
    name : str
        File stem, e.g. ``table1_year_of_incident`` (declared in the registry).
    title : str
        The title a reader sees.
    frame : pandas.DataFrame
        Counts and percentages as numbers; ``display`` columns hold the
        report's text form where it differs.
    notes : list of str
        Notes printed under the table.
    """

    name: str
    title: str
    frame: pd.DataFrame
    notes: list[str] = field(default_factory=list)
