"""The raw work in one Python process: every stage of the pipeline called in turn, no Snakemake.

Used by the benchmark to measure what Snakemake adds. Run as
``python -m benchmarks.baseline CONFIG OUT_DIR``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from lcspr_stats import stages
from lcspr_stats.config import load_config


def run_all_stages(config_path: str, out_dir: str) -> None:
    """Produce one cohort's outputs under ``out_dir`` the way the rules do, in one process."""
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
        )


if __name__ == "__main__":
    run_all_stages(sys.argv[1], sys.argv[2])
