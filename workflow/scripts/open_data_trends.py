"""Snakemake script: write each table's EES open-data file across every cohort of the run."""

from pathlib import Path

from lcspr_stats.opendata import run_open_data_trends
from lcspr_stats.stages import as_script

smk = snakemake  # noqa: F821 - provided by Snakemake
as_script(
    run_open_data_trends,
    smk,
    years=[int(year) for year in smk.config["cohorts"]],
    config=smk.config,
    contents_in=list(smk.input.contents),
    folder=str(Path(smk.output.data[0]).parent),
)
