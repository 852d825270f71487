# Release, charts: every chart of a cohort as PNG and SVG, with its alt text
# (figures.csv), drawn from the written tables.
from lcspr_stats.settings import labels_path

# The SCR periods and the labels file (if any) every release output reads.
RELEASE_LABELS = [
    config["reference"]["scr_periods"],
    *filter(None, [labels_path(config)]),
]


rule figures:
    input:
        settings=config_sections(
            "release",
            "uncertainty",
            "reference",
        ),
        code=package_code("figures.py"),
        tables=expand(f"{RESULTS}/{{{{year}}}}/tables/{{name}}.csv", name=TABLES),
        contents=f"{RESULTS}/{{year}}/tables/contents.csv",
        notes=f"{RESULTS}/{{year}}/tables/notes.csv",
        key_figures=f"{RESULTS}/{{year}}/key_figures.json",
        labels=RELEASE_LABELS,
    output:
        png=[
            report(
                f"{RESULTS}/{{year}}/figures/{name}.png",
                caption="../report/figure.rst",
                category="Charts",
                labels={"chart": name.replace("_", " ")},
            )
            for name in FIGURES
        ],
        svg=expand(f"{RESULTS}/{{{{year}}}}/figures/{{name}}.svg", name=FIGURES),
        manifest=f"{RESULTS}/{{year}}/figures/figures.csv",
    log:
        f"{LOGS}/{{year}}/figures.log",
    # The longest release job starts first on a free core, so the report (which waits
    # for the charts, workbook and open data) can start sooner.
    priority: 3
    conda:
        "../envs/lcspr_stats.yaml"
    script:
        "../scripts/figures.py"
