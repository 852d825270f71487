"""The raw work in one Python process: every stage of the pipeline called in turn, no Snakemake.

Used by the benchmark to measure what Snakemake adds. Run as
``python -m benchmarks.baseline CONFIG OUT_DIR``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from lcspr_stats import stages
from lcspr_stats.config import load_config
from lcspr_stats.manifest import run_manifest
from lcspr_stats.ods import run_ods
from lcspr_stats.opendata import run_open_data
from lcspr_stats.publish import ReleaseFiles, run_figures, run_report, run_workbook
from lcspr_stats.trends import run_trends


def run_all_stages(config_path: str, out_dir: str) -> None:
    """Produce every output under ``out_dir`` the way the rules do, in one process.

    The same stages as the workflow's jobs (tables, workbook and its ODS copy, open-data
    files, charts, summary and report, trends, manifest), called in turn. (With several
    cohorts the workflow also writes open-data files across years; the benchmark runs one.)
    """
    config = load_config(config_path)
    out = Path(out_dir)
    for year in config["cohorts"]:
        processed = out / "processed" / str(year)
        results = out / "results" / str(year)
        frames = {}
        quality = []
        for source in stages.SOURCES:
            frames[source] = str(processed / "ingest" / f"{source}.pkl")
            quality.append(str(processed / "ingest" / f"{source}.quality.csv"))
            stages.run_ingest(source, year, config, frames[source], quality[-1])
        stages.run_derive(
            year,
            config,
            frames,
            quality,
            str(processed / "lcsprs.pkl"),
            str(processed / "children.pkl"),
            str(results / "data_quality.csv"),
            str(results / "reconciliation.csv"),
        )
        stages.run_tables(
            year,
            config,
            str(processed / "lcsprs.pkl"),
            frames["rapid_review_register"],
            str(results / "tables"),
            str(results / "key_figures.json"),
            str(results / "tables" / "notes.csv"),
            str(results / "reference_checks.csv"),
            str(results / "tables" / "contents.csv"),
            str(results / "disclosure_check.csv"),
        )
        files = ReleaseFiles(
            str(results / "tables"),
            str(results / "tables" / "contents.csv"),
            str(results / "tables" / "notes.csv"),
            str(results / "key_figures.json"),
        )
        workbook = str(results / f"lcspr_tables_{year}.xlsx")
        run_workbook(year, config, files, workbook)
        run_ods(workbook, str(results / f"lcspr_tables_{year}.ods"))
        run_open_data(
            year, config, str(results / "tables" / "contents.csv"), str(results / "open_data")
        )
        figures = str(results / "figures" / "figures.csv")
        run_figures(year, config, files, str(results / "figures"), figures)
        run_report(
            year,
            config,
            files,
            figures,
            str(results / "data_quality.csv"),
            str(results / "reconciliation.csv"),
            workbook,
            str(results / "summary.md"),
            str(results / "report.html"),
        )
        outputs = sorted(str(p) for p in results.rglob("*") if p.is_file())
        run_manifest(year, config, [], outputs, "baseline", str(results / "manifest.json"))
    trends = out / "results" / "trends"
    run_trends(
        [str(out / "results" / str(y) / "key_figures.json") for y in config["cohorts"]],
        config,
        str(trends / "trends.csv"),
        str(trends / "periods.csv"),
        str(trends / "trends.png"),
        str(trends / "trends.svg"),
    )


if __name__ == "__main__":
    run_all_stages(sys.argv[1], sys.argv[2])
