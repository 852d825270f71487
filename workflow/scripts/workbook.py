"""Snakemake script: write one cohort's accessible workbook."""

from pathlib import Path

from lcspr_stats.publish import run_workbook
from lcspr_stats.stages import as_script

smk = snakemake  # noqa: F821 - provided by Snakemake
as_script(
    run_workbook,
    smk,
    year=int(smk.wildcards.year),
    config=smk.config,
    tables_dir=str(Path(smk.input.contents).parent),
    contents_in=smk.input.contents,
    notes_in=smk.input.notes,
    key_figures_in=smk.input.key_figures,
    workbook_out=smk.output[0],
)
