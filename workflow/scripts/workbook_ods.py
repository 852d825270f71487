"""Snakemake script: write the ODS copy of one cohort's workbook."""

from lcspr_stats.ods import run_ods
from lcspr_stats.stages import as_script

smk = snakemake  # noqa: F821 - provided by Snakemake
as_script(run_ods, smk, workbook_in=smk.input.workbook, ods_out=smk.output[0])
