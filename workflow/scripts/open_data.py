"""Snakemake script: write one cohort's EES open-data files (data and metadata a table)."""

from pathlib import Path

from lcspr_stats.opendata import run_open_data
from lcspr_stats.stages import as_script

smk = snakemake  # noqa: F821 - provided by Snakemake
as_script(
    run_open_data,
    smk,
    year=int(smk.wildcards.year),
    config=smk.config,
    contents_in=smk.input.contents,
    folder=str(Path(smk.output.data[0]).parent),
)
