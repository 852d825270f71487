"""Snakemake script: draw one cohort's charts (PNG, SVG) and their alt text."""

from pathlib import Path

from lcspr_stats.publish import ReleaseFiles, run_figures
from lcspr_stats.stages import as_script

smk = snakemake  # noqa: F821 - provided by Snakemake
as_script(
    run_figures,
    smk,
    year=int(smk.wildcards.year),
    config=smk.config,
    files=ReleaseFiles.of_rule(smk),
    figures_dir=str(Path(smk.output.manifest).parent),
    manifest_out=smk.output.manifest,
)
