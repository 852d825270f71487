"""The self-contained HTML report of a run: summary, every table and chart, data checks."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from . import __version__
from .presentation import (
    SUPPRESSED,
    SYMBOLS,
    Labels,
    numeric_columns,
    present,
    shows_suppressed,
)
from .summary import TEMPLATES
from .table import Table
from .workbook import numbered_titles

if TYPE_CHECKING:
    from .settings import Release as ReleaseSettings


@dataclass
class ChartFile:
    """A chart as the report shows it: title, alt text, PNG bytes and file names."""

    name: str
    title: str
    alt_text: str
    table: str
    png: bytes
    png_file: str
    svg_file: str


def cell(value: object, decimals: int | None = None) -> str:
    """A table cell as text: whole numbers without ``.0``, others as written.

    ``decimals`` fixes the decimal places (interval bounds: 50.0, not 50).
    """
    if isinstance(value, float):
        if decimals is not None:
            return f"{value:.{decimals}f}"
        return f"{int(value)}" if value.is_integer() else f"{value:g}"
    return str(value)


def html_table(frame: pd.DataFrame, fixed: dict | None = None) -> dict:
    """Headings, rows (as text) and alignment of a frame, for the template.

    A column of numbers (and shorthand symbols) is right-aligned so digits
    line up; a column of text is left-aligned.
    """
    numeric = numeric_columns(frame)
    places = [(fixed or {}).get(column) for column in frame.columns]
    return {
        "headings": [str(c) for c in frame.columns],
        "numeric": numeric,
        "rows": [
            [cell(v, d) for v, d in zip(row, places)] for row in frame.itertuples(index=False)
        ],
    }


def _raw_table(frame: pd.DataFrame) -> dict:
    """A frame shown as written (data checks): blanks stay blank."""
    return html_table(frame.astype(object).where(frame.notna(), ""))


def report_context(
    tables: list[Table],
    labels: Labels,
    charts: list[ChartFile],
    summary: list[tuple[str, list[str]]],
    key_figures: dict,
    data_quality: pd.DataFrame,
    reconciliation: pd.DataFrame,
    release: ReleaseSettings,
    workbook_file: str,
) -> dict:
    """Everything the report template shows, as plain text and numbers.

    Where disclosure control has suppressed any figure, ``suppressed`` holds
    the explanation of ``[c]`` shown at the top of the page (and each table
    with a ``[c]`` lists it under the table). ``release`` is the ``release``
    section of the settings.
    """
    # As the tables stage recorded them with the key figures it made the intervals for.
    interval_decimals = int(key_figures["uncertainty"]["interval_decimals"])
    shown_tables = []
    suppressed = False
    for table, (sheet, title) in zip(tables, numbered_titles(tables)):
        presented = present(table, labels)
        suppressed = suppressed or SUPPRESSED in presented.symbols
        shown_tables.append(
            {
                "id": table.name,
                "sheet": sheet,
                "title": title,
                "notes": table.notes,
                "symbols": [SYMBOLS[s] for s in presented.symbols],
                **html_table(
                    presented.frame,
                    {h: interval_decimals for h in presented.interval_columns},
                ),
            }
        )
    suppressed = suppressed or shows_suppressed(key_figures)
    year = key_figures["cohort_year"]
    return {
        "title": f"{release.title}: LCSPRs submitted in {year}",
        "year": year,
        "notice": release.data_notice,
        "suppressed": SYMBOLS[SUPPRESSED] if suppressed else "",
        "source": release.source,
        "producer": release.producer,
        "summary": summary,
        "charts": [
            {
                "id": f"figure-{c.name}",
                "title": c.title,
                "alt": c.alt_text,
                # Suppression left nothing to draw: the report says so in words.
                "nothing_left": c.alt_text.startswith("Nothing is left to draw"),
                "table": c.table,
                "table_title": next(
                    (t["title"] for t in shown_tables if t["id"] == c.table), c.table
                ),
                "src": "data:image/png;base64," + base64.b64encode(c.png).decode("ascii"),
                "png_file": c.png_file,
                "svg_file": c.svg_file,
            }
            for c in charts
        ],
        "tables": shown_tables,
        "data_quality": _raw_table(data_quality),
        "n_quality": len(data_quality),
        "reconciliation": _raw_table(reconciliation),
        "workbook_file": workbook_file,
        "version": __version__,
    }


def render_report(context: dict) -> str:
    """The HTML page (escaped, self-contained: styles inline, charts embedded)."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return environment.get_template("report.html.j2").render(**context)
