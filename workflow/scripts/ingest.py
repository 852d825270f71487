"""Snakemake script: read one source, check it against the contract, clean it."""

from lcspr_stats.stages import as_script, run_ingest

as_script(
    run_ingest,
    snakemake,  # noqa: F821 - provided by Snakemake
    source=snakemake.wildcards.source,  # noqa: F821
    year=int(snakemake.wildcards.year),  # noqa: F821
    config=snakemake.config,  # noqa: F821
    frame_out=snakemake.output.frame,  # noqa: F821
    quality_out=snakemake.output.quality,  # noqa: F821
)
