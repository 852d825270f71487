"""Release stages as file-in, file-out functions: workbook, charts, summary and HTML report.

The thin edges of :mod:`workbook`, :mod:`figures`, :mod:`summary` and
:mod:`report`. Each reads only what the tables stage wrote (table CSVs,
``contents.csv``, ``notes.csv``, ``key_figures.json``) so every output shows
the same numbers.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .determinism import atomic_write_bytes, atomic_write_text
from .errors import InputError
from .presentation import Labels, load_labels, restore_numbers
from .settings import LABELS_FILE, Settings, labels_path  # noqa: F401 - re-exported
from .settings import Release as ReleaseSettings
from .table import Table

log = logging.getLogger("lcspr_stats")


def read_csv(path: str | Path) -> pd.DataFrame:
    """A CSV written by the pipeline: only empty cells are missing ("NA" is text)."""
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def read_release_tables(
    tables_dir: str | Path, contents_in: str | Path, notes_in: str | Path
) -> list[Table]:
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
        tables.append(Table(name, title, frame, own["note"].astype(str).tolist()))
    return tables


def read_key_figures(path: str | Path) -> dict:
    """``key_figures.json`` as a dict."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def read_labels(settings: Settings, year: int) -> Labels:
    """The labels file and SCR periods named in the settings, as :class:`Labels`."""
    path = labels_path(settings)
    if path is None:
        log.warning("no %s beside the SCR reference files: headings are column names", LABELS_FILE)
        labels = pd.DataFrame(columns=["table", "column", "value", "label"])
    elif not Path(path).is_file():
        raise InputError("labels file not found (release.labels in the config)", file=path)
    else:
        labels = read_csv(path)
    periods = read_csv(settings.reference.scr_periods)
    return load_labels(labels, periods, year, settings.uncertainty.confidence_level)


@dataclass(frozen=True)
class ReleaseFiles:
    """The files of the tables stage that every release output reads.

    Attributes
    ----------
    tables_dir : str
        Folder of the table CSVs.
    contents, notes, key_figures : str
        ``contents.csv``, ``notes.csv`` and ``key_figures.json``.
    """

    tables_dir: str
    contents: str
    notes: str
    key_figures: str

    @classmethod
    def of_rule(cls, smk: object) -> ReleaseFiles:
        """From a Snakemake rule's ``contents``, ``notes`` and ``key_figures`` inputs.

        The table CSVs are the ones beside ``contents.csv``.
        """
        contents = str(smk.input.contents)
        return cls(
            str(Path(contents).parent), contents, str(smk.input.notes), str(smk.input.key_figures)
        )


@dataclass
class Release:
    """What a release output shows: the tables, their labels, the key figures, the settings.

    Attributes
    ----------
    tables : list of Table
        Every table, in report order.
    labels : Labels
        Readable headings and values.
    key_figures : dict
        ``key_figures.json``.
    settings : lcspr_stats.settings.Release
        The ``release`` section of the settings.
    """

    tables: list[Table]
    labels: Labels
    key_figures: dict
    settings: ReleaseSettings


def read_release(year: int, settings: Settings, files: ReleaseFiles) -> Release:
    """Read the tables, labels and key figures of one cohort, as the tables stage wrote them."""
    return Release(
        read_release_tables(files.tables_dir, files.contents, files.notes),
        read_labels(settings, year),
        read_key_figures(files.key_figures),
        settings.release,
    )


def run_workbook(
    year: int, config: dict | Settings, files: ReleaseFiles, workbook_out: str
) -> None:
    """Write the accessible workbook of one cohort (``config``: the validated config)."""
    from .workbook import build_workbook

    release = read_release(year, Settings.from_config(config), files)
    data = build_workbook(release.tables, release.labels, release.settings, release.key_figures)
    atomic_write_bytes(workbook_out, data)
    log.info("workbook: %d tables, %d bytes", len(release.tables), len(data))


def run_figures(
    year: int, config: dict | Settings, files: ReleaseFiles, figures_dir: str, manifest_out: str
) -> None:
    """Draw every chart of one cohort: PNG and SVG files, and a manifest with alt text."""
    from .figures import draw_charts

    release = read_release(year, Settings.from_config(config), files)
    charts = draw_charts(
        release.tables,
        release.labels,
        release.key_figures,
        release.settings.source,
        release.settings.figure_dpi,
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
    config: dict | Settings,
    files: ReleaseFiles,
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

    settings = Settings.from_config(config)
    release = read_release(year, settings, files)
    context = summary_context(release.key_figures, settings)
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
            release.tables,
            release.labels,
            charts,
            summary_sections(context),
            release.key_figures,
            read_csv(data_quality_in),
            read_csv(reconciliation_in),
            release.settings,
            # Linked by name: the report and the workbook sit in the same folder.
            Path(workbook_in).name,
        )
    )
    atomic_write_text(html_out, html)
    log.info("report: %d charts, %d bytes", len(charts), len(html))
