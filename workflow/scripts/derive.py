"""Snakemake script: link one cohort's sources and derive its fields."""

from lcspr_stats.stages import SOURCES, as_script, run_derive

smk = snakemake  # noqa: F821 - provided by Snakemake
as_script(
    run_derive,
    smk,
    year=int(smk.wildcards.year),
    config=smk.config,
    frames_in=dict(zip(SOURCES, smk.input.frames)),
    quality_in=list(smk.input.quality),
    lcsprs_out=smk.output.lcsprs,
    children_out=smk.output.children,
    quality_out=smk.output.quality,
    reconciliation_out=smk.output.reconciliation,
    quality_unmasked_out=smk.output.quality_unmasked,
)
