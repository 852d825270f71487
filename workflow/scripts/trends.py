"""Snakemake script: the headline figures across cohorts, as a table and a chart."""

from lcspr_stats.stages import as_script
from lcspr_stats.trends import run_trends

smk = snakemake  # noqa: F821 - provided by Snakemake
as_script(
    run_trends,
    smk,
    key_figures_in=list(smk.input.key_figures),
    config=smk.config,
    table_out=smk.output.table,
    periods_out=smk.output.periods,
    png_out=smk.output.png,
    svg_out=smk.output.svg,
    curves_in=smk.input.curves,
    curves_out=(smk.output.curves, smk.output.curves_png, smk.output.curves_svg),
)
