"""Snakemake script: write one cohort's provenance manifest."""

from lcspr_stats.manifest import run_manifest
from lcspr_stats.stages import as_script

smk = snakemake  # noqa: F821 - provided by Snakemake
as_script(
    run_manifest,
    smk,
    year=int(smk.wildcards.year),
    config=dict(smk.config),
    inputs=list(smk.input.inputs),
    outputs=list(smk.input.outputs),
    command=smk.params.command,
    manifest_out=smk.output[0],
)
