"""Snakemake script: write one cohort's accessible workbook."""

from lcspr_stats.publish import ReleaseFiles, run_workbook
from lcspr_stats.stages import as_script

smk = snakemake  # noqa: F821 - provided by Snakemake
as_script(
    run_workbook,
    smk,
    year=int(smk.wildcards.year),
    config=smk.config,
    files=ReleaseFiles.of_rule(smk),
    workbook_out=smk.output[0],
)
