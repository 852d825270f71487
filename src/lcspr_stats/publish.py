"""Release stages as file-in, file-out functions: workbook, charts, summary and HTML report.

The thin edges of :mod:`workbook`, :mod:`figures`, :mod:`summary` and
:mod:`report`. Each reads only what the tables stage wrote (table CSVs,
``contents.csv``, ``notes.csv``, ``key_figures.json``) so every output shows
the same numbers.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd

from . import uncertainty
from .determinism import atomic_write_bytes, atomic_write_text
from .errors import InputError
from .presentation import Labels, ReleaseTable, load_labels, restore_numbers

log = logging.getLogger("lcspr_stats")


def read_csv(path: str | Path) -> pd.DataFrame:
    """A CSV written by the pipeline: only empty cells are missing ("NA" is text)."""
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def read_release_tables(
    tables_dir: str | Path, contents_in: str | Path, notes_in: str | Path
) -> list[ReleaseTable]:
    """Every table listed in ``contents.csv``, in order, with its notes.

    Cells suppressed by disclosure control stay ``[c]``; the numbers beside
    them are numbers (:func:`lcspr_stats.presentation.restore_numbers`).
    """
    contents = read_csv(contents_in)
    notes = read_csv(notes_in)
    tables = []
    for name, title in zip(contents["table"], contents["title"]):
        path = Path(tables_dir) / f"{name}.csv"
        if not path.exists():
            raise InputError("table listed in contents.csv is missing", file=str(path))
        own = notes.loc[notes["table"] == name].sort_values("note_number")
        frame = restore_numbers(read_csv(path))
        tables.append(ReleaseTable(name, title, frame, own["note"].astype(str).tolist()))
    return tables


def read_key_figures(path: str | Path) -> dict:
    """``key_figures.json`` as a dict."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


LABELS_FILE = "output_labels.csv"


def labels_path(config: dict) -> str | None:
    """The labels file of a run: ``release.labels``, else the one beside the SCR periods.

    Returns None when the config names none and there is none beside
    ``reference.scr_periods`` (a workspace with its own reference folder may
    not have copied it): headings then fall back to the column names.
    """
    named = (config.get("release") or {}).get("labels")
    if named:
        return str(named)
    beside = Path(config["reference"]["scr_periods"]).parent / LABELS_FILE
    return str(beside) if beside.is_file() else None


def read_labels(config: dict, year: int) -> Labels:
    """The labels file and SCR periods named in the config, as :class:`Labels`."""
    path = labels_path(config)
    if path is None:
        log.warning("no %s beside the SCR reference files: headings are column names", LABELS_FILE)
        labels = pd.DataFrame(columns=["table", "column", "value", "label"])
    elif not Path(path).is_file():
        raise InputError("labels file not found (release.labels in the config)", file=path)
    else:
        labels = read_csv(path)
    periods = read_csv(config["reference"]["scr_periods"])
    level = uncertainty.settings(config)["confidence_level"]
    return load_labels(labels, periods, year, level)


def run_workbook(
    year: int,
    config: dict,
    tables_dir: str,
    contents_in: str,
    notes_in: str,
    key_figures_in: str,
    workbook_out: str,
) -> None:
    """Write the accessible workbook of one cohort."""
    from .workbook import build_workbook

    tables = read_release_tables(tables_dir, contents_in, notes_in)
    data = build_workbook(
        tables,
        read_labels(config, year),
        config.get("release") or {},
        read_key_figures(key_figures_in),
    )
    atomic_write_bytes(workbook_out, data)
    log.info("workbook: %d tables, %d bytes", len(tables), len(data))


def run_figures(
    year: int,
    config: dict,
    tables_dir: str,
    contents_in: str,
    notes_in: str,
    key_figures_in: str,
    figures_dir: str,
    manifest_out: str,
) -> None:
    """Draw every chart of one cohort: PNG and SVG files, and a manifest with alt text."""
    from .figures import draw_charts

    release = config.get("release") or {}
    tables = read_release_tables(tables_dir, contents_in, notes_in)
    charts = draw_charts(
        tables,
        read_labels(config, year),
        read_key_figures(key_figures_in),
        release.get("source", ""),
        int(release.get("figure_dpi", 150)),
    )
    rows = []
    for chart, png, svg in charts:
        atomic_write_bytes(Path(figures_dir) / f"{chart.name}.png", png)
        atomic_write_bytes(Path(figures_dir) / f"{chart.name}.svg", svg)
        rows.append(
            {
                "figure": chart.name,
                "title": chart.title,
                "alt_text": chart.alt_text,
                "table": chart.table,
                "png": f"{chart.name}.png",
                "svg": f"{chart.name}.svg",
            }
        )
    manifest = pd.DataFrame(rows, columns=["figure", "title", "alt_text", "table", "png", "svg"])
    atomic_write_text(manifest_out, manifest.to_csv(index=False, lineterminator="\n"))
    log.info("figures: %d charts", len(rows))


def run_report(
    year: int,
    config: dict,
    tables_dir: str,
    contents_in: str,
    notes_in: str,
    key_figures_in: str,
    manifest_in: str,
    data_quality_in: str,
    reconciliation_in: str,
    workbook_in: str,
    summary_out: str,
    html_out: str,
) -> None:
    """Write the summary (Markdown) and the self-contained HTML report of one cohort."""
    from .report import ChartFile, render_report, report_context
    from .summary import render_summary, summary_context, summary_sections

    key_figures = read_key_figures(key_figures_in)
    context = summary_context(key_figures, config)
    atomic_write_text(summary_out, render_summary(context))
    figures_dir = Path(manifest_in).parent
    manifest = read_csv(manifest_in)
    charts = [
        ChartFile(
            row.figure,
            row.title,
            row.alt_text,
            row.table,
            (figures_dir / row.png).read_bytes(),
            row.png,
            row.svg,
        )
        for row in manifest.itertuples()
    ]
    html = render_report(
        report_context(
            read_release_tables(tables_dir, contents_in, notes_in),
            read_labels(config, year),
            charts,
            summary_sections(context),
            key_figures,
            read_csv(data_quality_in),
            read_csv(reconciliation_in),
            config.get("release") or {},
            # Linked by name: the report and the workbook sit in the same folder.
            Path(workbook_in).name,
        )
    )
    atomic_write_text(html_out, html)
    log.info("report: %d charts, %d bytes", len(charts), len(html))
