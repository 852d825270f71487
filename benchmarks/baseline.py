"""The raw work in one Python process: every stage of the pipeline called in turn, no Snakemake.

Used by the benchmark to measure what Snakemake adds. Run as
``python -m benchmarks.baseline CONFIG OUT_DIR``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from lcspr_stats.config import load_config
from lcspr_stats.jobs import run_analysis, run_report_and_manifest, run_workbooks
from lcspr_stats.opendata import run_open_data
from lcspr_stats.publish import ReleaseFiles, run_figures
from lcspr_stats.registry import TIME_TO_LCSPR_BY_YEAR
from lcspr_stats.stages import collect_less
from lcspr_stats.trends import run_trends

# The trends job's by-year curves: the table, then the chart as PNG and SVG.
EXTENSIONS = ("csv", "png", "svg")


def run_all_stages(config_path: str, out_dir: str) -> None:
    """Produce every output under ``out_dir`` the way the jobs do, in one process.

    The functions the workflow's jobs run (``lcspr_stats.jobs`` and the release stages:
    analysis, workbook and its ODS copy, open-data files, charts, summary, report and
    manifest, trends), called in turn. (With several cohorts the workflow also writes
    open-data files across years; the benchmark runs one.)
    """
    config = load_config(config_path)
    out = Path(out_dir)
    for year in config["cohorts"]:
        processed = out / "processed" / str(year)
        results = out / "results" / str(year)
        run_analysis(year, config, str(processed), str(results))
        files = ReleaseFiles(
            str(results / "tables"),
            str(results / "tables" / "contents.csv"),
            str(results / "tables" / "notes.csv"),
            str(results / "key_figures.json"),
        )
        workbook = str(results / f"lcspr_tables_{year}.xlsx")
        run_workbooks(year, config, files, workbook, str(results / f"lcspr_tables_{year}.ods"))
        run_open_data(
            year, config, str(results / "tables" / "contents.csv"), str(results / "open_data")
        )
        figures = str(results / "figures" / "figures.csv")
        run_figures(year, config, files, str(results / "figures"), figures)
        outputs = sorted(str(p) for p in results.rglob("*") if p.is_file())
        summary, html = str(results / "summary.md"), str(results / "report.html")
        run_report_and_manifest(
            year,
            config,
            files,
            figures_in=figures,
            data_quality_in=str(results / "data_quality.csv"),
            reconciliation_in=str(results / "reconciliation.csv"),
            workbook_in=workbook,
            summary_out=summary,
            html_out=html,
            inputs=[],
            outputs=[*outputs, summary, html],
            command="baseline",
            manifest_out=str(results / "manifest.json"),
        )
    trends = out / "results" / "trends"
    latest = max(config["cohorts"])
    run_trends(
        [str(out / "results" / str(y) / "key_figures.json") for y in config["cohorts"]],
        config,
        str(trends / "trends.csv"),
        str(trends / "periods.csv"),
        str(trends / "trends.png"),
        str(trends / "trends.svg"),
        # The latest cohort's Kaplan-Meier curves by year of rapid review, as the job draws.
        curves_in=str(out / "results" / str(latest) / "tables" / f"{TIME_TO_LCSPR_BY_YEAR}.csv"),
        curves_out=tuple(str(trends / f"{TIME_TO_LCSPR_BY_YEAR}.{ext}") for ext in EXTENSIONS),
    )


if __name__ == "__main__":
    collect_less()  # as every job does (lcspr_stats.stages.as_script)
    run_all_stages(sys.argv[1], sys.argv[2])
