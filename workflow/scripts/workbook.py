"""Snakemake script: write one cohort's accessible workbook and its ODS copy."""

from lcspr_stats.jobs import run_workbooks
from lcspr_stats.publish import ReleaseFiles
from lcspr_stats.stages import as_script

smk = snakemake  # noqa: F821 - provided by Snakemake
as_script(
    run_workbooks,
    smk,
    year=int(smk.wildcards.year),
    config=smk.config,
    files=ReleaseFiles.of_rule(smk),
    workbook_out=smk.output.xlsx,
    ods_out=smk.output.ods,
)
