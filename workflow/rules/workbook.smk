# Release, workbooks: the accessible workbook of a cohort and its ODS copy,
# converted from the written workbook in the same job.


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
        xlsx=report(
            f"{RESULTS}/{{year}}/lcspr_tables_{{year}}.xlsx",
            caption="../report/workbook.rst",
            category="Workbook",
        ),
        ods=f"{RESULTS}/{{year}}/lcspr_tables_{{year}}.ods",
    log:
        f"{LOGS}/{{year}}/workbook.log",
    priority: 2
    conda:
        "../envs/lcspr_stats.yaml"
    script:
        "../scripts/workbook.py"
