# Release, documents: the accessible workbook, the written summary and the
# self-contained HTML report of a cohort, all read from the written tables.


rule workbook:
    input:
        settings=config_sections("release", "uncertainty", "reference"),
        code=package_code("workbook.py"),
        tables=expand(f"{RESULTS}/{{{{year}}}}/tables/{{name}}.csv", name=TABLES),
        contents=f"{RESULTS}/{{year}}/tables/contents.csv",
        notes=f"{RESULTS}/{{year}}/tables/notes.csv",
        key_figures=f"{RESULTS}/{{year}}/key_figures.json",
        labels=RELEASE_LABELS,
    output:
        report(
            f"{RESULTS}/{{year}}/lcspr_tables_{{year}}.xlsx",
            caption="../report/workbook.rst",
            category="Workbook",
        ),
    log:
        f"{LOGS}/{{year}}/workbook.log",
    conda:
        "../envs/lcspr_stats.yaml"
    script:
        "../scripts/workbook.py"


rule report:
    input:
        settings=config_sections("release", "uncertainty", "reference"),
        code=package_code("report.py"),
        tables=expand(f"{RESULTS}/{{{{year}}}}/tables/{{name}}.csv", name=TABLES),
        contents=f"{RESULTS}/{{year}}/tables/contents.csv",
        notes=f"{RESULTS}/{{year}}/tables/notes.csv",
        key_figures=f"{RESULTS}/{{year}}/key_figures.json",
        manifest=f"{RESULTS}/{{year}}/figures/figures.csv",
        png=expand(f"{RESULTS}/{{{{year}}}}/figures/{{name}}.png", name=FIGURES),
        data_quality=f"{RESULTS}/{{year}}/data_quality.csv",
        reconciliation=f"{RESULTS}/{{year}}/reconciliation.csv",
        workbook=f"{RESULTS}/{{year}}/lcspr_tables_{{year}}.xlsx",
        labels=RELEASE_LABELS,
    output:
        summary=report(
            f"{RESULTS}/{{year}}/summary.md",
            caption="../report/summary.rst",
            category="Summary",
        ),
        html=report(
            f"{RESULTS}/{{year}}/report.html",
            caption="../report/report.rst",
            category="Summary",
        ),
    log:
        f"{LOGS}/{{year}}/report.log",
    conda:
        "../envs/lcspr_stats.yaml"
    script:
        "../scripts/report.py"
