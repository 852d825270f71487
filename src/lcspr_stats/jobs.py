"""What each workflow job runs: the stage functions, composed one job to a cohort's step.

Every job pays a fresh Python process and its imports (pandas, pandera,
scipy, matplotlib: most of a second each time) before it does any work, so
stages are split into jobs only where the split buys a useful rerun or work
side by side on two cores (issue 12):

- one analysis job per cohort reads (or takes from the check before the
  first job) every source, links and derives the cohort, and makes its
  tables: every input, and most of the config, feeds all three, so separate
  jobs bought nothing but start-ups on the critical path;
- the workbook job writes the ODS copy straight after the workbook it is
  converted from;
- the report job writes the manifest last, once every other output of the
  cohort is written, as the separate manifest job did.

The charts, the open-data files and the trends stay jobs of their own: they
run side by side, and editing release settings reruns them without the
analysis. The file layout is the rules' (``workflow/rules/*.smk``).
"""

from __future__ import annotations

from pathlib import Path

from .settings import Settings
from .sources import SOURCES

#: The folder of the clean frames under ``processed/<year>``.
INGEST = "ingest"


def source_files(processed: str | Path, source: str) -> tuple[str, str]:
    """One source's clean frame and data-quality file under ``processed/<year>``."""
    folder = Path(processed) / INGEST
    return str(folder / f"{source}.pkl"), str(folder / f"{source}.quality.csv")


def run_analysis(year: int, config: dict | Settings, processed: str, results: str) -> None:
    """Read, check and clean every source of a cohort, link and derive it, make its tables.

    The three stages of :mod:`lcspr_stats.stages` in turn, with the same
    files between them as when each was a job: under ``processed`` the clean
    frames (``ingest/<source>.pkl``) and linked cohort (``lcsprs.pkl``,
    ``children.pkl``, ``data_quality_unmasked.csv``); under ``results`` the
    data-quality and reconciliation reports, the tables, notes, contents,
    reference checks, disclosure check and key figures.

    Parameters
    ----------
    year : int
        The cohort year.
    config : dict or Settings
        The validated config.
    processed, results : str
        The cohort's folders: ``<processed_dir>/<year>`` and ``<results_dir>/<year>``.
    """
    from .stages import run_derive, run_ingest, run_tables

    processed_dir, results_dir = Path(processed), Path(results)
    frames, quality = {}, []
    for source in SOURCES:
        frames[source], source_quality = source_files(processed_dir, source)
        quality.append(source_quality)
        run_ingest(source, year, config, frames[source], source_quality)
    run_derive(
        year,
        config,
        frames,
        quality,
        str(processed_dir / "lcsprs.pkl"),
        str(processed_dir / "children.pkl"),
        str(results_dir / "data_quality.csv"),
        str(results_dir / "reconciliation.csv"),
        str(processed_dir / "data_quality_unmasked.csv"),
    )
    tables = results_dir / "tables"
    run_tables(
        year,
        config,
        str(processed_dir / "lcsprs.pkl"),
        frames["rapid_review_register"],
        str(tables),
        str(results_dir / "key_figures.json"),
        str(tables / "notes.csv"),
        str(results_dir / "reference_checks.csv"),
        str(tables / "contents.csv"),
        str(results_dir / "disclosure_check.csv"),
    )


def run_workbooks(
    year: int, config: dict | Settings, files, workbook_out: str, ods_out: str
) -> None:
    """The accessible workbook, then its ODS copy (converted from the written workbook).

    Parameters
    ----------
    year : int
        The cohort year.
    config : dict or Settings
        The validated config.
    files : lcspr_stats.publish.ReleaseFiles
        The written tables, contents, notes and key figures.
    workbook_out, ods_out : str
        Paths of the ``.xlsx`` and the ``.ods``.
    """
    from .ods import run_ods
    from .publish import run_workbook

    run_workbook(year, config, files, workbook_out)
    run_ods(workbook_out, ods_out)


def run_report_and_manifest(
    year: int,
    config: dict | Settings,
    files,
    *,
    figures_in: str,
    data_quality_in: str,
    reconciliation_in: str,
    workbook_in: str,
    summary_out: str,
    html_out: str,
    inputs: list[str],
    outputs: list[str],
    command: str,
    manifest_out: str,
) -> None:
    """The summary and HTML report, then the manifest of every input and output of the cohort.

    The manifest comes last because it records the SHA-256 of every output,
    the summary and report included (``outputs`` lists them).

    Parameters
    ----------
    year : int
        The cohort year.
    config : dict or Settings
        The validated config (the manifest records all of it).
    files : lcspr_stats.publish.ReleaseFiles
        The written tables, contents, notes and key figures.
    figures_in, data_quality_in, reconciliation_in, workbook_in : str
        The charts' list (``figures.csv``), the data-quality and reconciliation
        reports and the workbook, which the report links to.
    summary_out, html_out : str
        Paths of ``summary.md`` and ``report.html``.
    inputs, outputs : list of str
        What the manifest covers: the cohort's input files, and its outputs.
    command : str
        The command as typed, for the manifest.
    manifest_out : str
        Path of ``manifest.json``.
    """
    from .manifest import run_manifest
    from .publish import run_report

    run_report(
        year,
        config,
        files,
        figures_in,
        data_quality_in,
        reconciliation_in,
        workbook_in,
        summary_out,
        html_out,
    )
    run_manifest(year, config, inputs, outputs, command, manifest_out)
