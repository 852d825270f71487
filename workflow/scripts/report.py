"""Snakemake script: write one cohort's summary and HTML report, then its manifest."""

import os

from lcspr_stats.jobs import run_report_and_manifest
from lcspr_stats.manifest import COMMAND_VARIABLE
from lcspr_stats.publish import ReleaseFiles
from lcspr_stats.stages import as_script

smk = snakemake  # noqa: F821 - provided by Snakemake
as_script(
    run_report_and_manifest,
    smk,
    year=int(smk.wildcards.year),
    config=dict(smk.config),
    files=ReleaseFiles.of_rule(smk),
    figures_in=smk.input.figures,
    data_quality_in=smk.input.data_quality,
    reconciliation_in=smk.input.reconciliation,
    workbook_in=smk.input.workbook,
    summary_out=smk.output.summary,
    html_out=smk.output.html,
    inputs=list(smk.input.inputs),
    outputs=[*smk.input.outputs, smk.output.summary, smk.output.html],
    command=os.environ.get(COMMAND_VARIABLE, "snakemake (command not recorded)"),
    manifest_out=smk.output.manifest,
)
