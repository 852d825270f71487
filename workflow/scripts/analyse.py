"""Snakemake script: read, check, link and derive one cohort, and make its tables."""

from pathlib import Path

from lcspr_stats.jobs import run_analysis
from lcspr_stats.stages import as_script

smk = snakemake  # noqa: F821 - provided by Snakemake
as_script(
    run_analysis,
    smk,
    year=int(smk.wildcards.year),
    config=smk.config,
    processed=str(Path(smk.output.lcsprs).parent),
    results=str(Path(smk.output.key_figures).parent),
)
