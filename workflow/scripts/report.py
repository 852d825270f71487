"""Snakemake script: write one cohort's summary and HTML report."""

from lcspr_stats.publish import ReleaseFiles, run_report
from lcspr_stats.stages import as_script

smk = snakemake  # noqa: F821 - provided by Snakemake
as_script(
    run_report,
    smk,
    year=int(smk.wildcards.year),
    config=smk.config,
    files=ReleaseFiles.of_rule(smk),
    manifest_in=smk.input.manifest,
    data_quality_in=smk.input.data_quality,
    reconciliation_in=smk.input.reconciliation,
    workbook_in=smk.input.workbook,
    summary_out=smk.output.summary,
    html_out=smk.output.html,
)
