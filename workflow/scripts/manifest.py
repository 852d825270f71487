"""Snakemake script: write one cohort's provenance manifest."""

import os

from lcspr_stats.manifest import COMMAND_VARIABLE, run_manifest
from lcspr_stats.stages import as_script

smk = snakemake  # noqa: F821 - provided by Snakemake
as_script(
    run_manifest,
    smk,
    year=int(smk.wildcards.year),
    config=dict(smk.config),
    inputs=list(smk.input.inputs),
    outputs=list(smk.input.outputs),
    command=os.environ.get(COMMAND_VARIABLE, "snakemake (command not recorded)"),
    manifest_out=smk.output[0],
)
