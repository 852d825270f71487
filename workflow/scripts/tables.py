"""Snakemake script: make one cohort's tables and key figures."""

from pathlib import Path

from lcspr_stats.stages import as_script, run_tables

smk = snakemake  # noqa: F821 - provided by Snakemake
as_script(
    run_tables,
    smk,
    year=int(smk.wildcards.year),
    config=smk.config,
    lcsprs_in=smk.input.lcsprs,
    rapid_reviews_in=smk.input.rapid_reviews,
    tables_dir=str(Path(smk.output.key_figures).parent / "tables"),
    key_figures_out=smk.output.key_figures,
    notes_out=smk.output.notes,
    reference_checks_out=smk.output.reference_checks,
    contents_out=smk.output.contents,
    disclosure_out=smk.output.disclosure,
)
