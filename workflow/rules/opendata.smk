# Release, open data: the EES open-data files of every table (data and
# metadata, checked against the standard's rules), read from the written tables.


rule open_data:
    input:
        settings=config_sections(
            "release.labels", "reference", "uncertainty", "breakdowns"
        ),
        code=package_code("open_data.py"),
        tables=expand(f"{RESULTS}/{{{{year}}}}/tables/{{name}}.csv", name=TABLES),
        contents=f"{RESULTS}/{{year}}/tables/contents.csv",
        labels=RELEASE_LABELS,
    output:
        data=expand(f"{RESULTS}/{{{{year}}}}/open_data/{{name}}.csv", name=TABLES),
        meta=expand(f"{RESULTS}/{{{{year}}}}/open_data/{{name}}.meta.csv", name=TABLES),
    log:
        f"{LOGS}/{{year}}/open_data.log",
    priority: 1
    conda:
        "../envs/lcspr_stats.yaml"
    script:
        "../scripts/open_data.py"


rule open_data_trends:
    input:
        settings=config_sections(
            "release.labels", "reference", "uncertainty", "breakdowns"
        ),
        code=package_code("open_data_trends.py"),
        tables=expand(
            f"{RESULTS}/{{year}}/tables/{{name}}.csv", year=COHORTS, name=TABLES
        ),
        contents=expand(f"{RESULTS}/{{year}}/tables/contents.csv", year=COHORTS),
        labels=RELEASE_LABELS,
    output:
        data=expand(f"{RESULTS}/trends/open_data/{{name}}.csv", name=TABLES),
        meta=expand(f"{RESULTS}/trends/open_data/{{name}}.meta.csv", name=TABLES),
    log:
        f"{LOGS}/open_data_trends.log",
    conda:
        "../envs/lcspr_stats.yaml"
    script:
        "../scripts/open_data_trends.py"
