# Several cohorts in one run: their headline figures set beside the SCR periods.
# (A cohort with no LCSPRs stops the run before any job: preflight.smk.)


rule trends:
    input:
        code=package_code("trends.py"),
        key_figures=expand(f"{RESULTS}/{{year}}/key_figures.json", year=COHORTS),
        reference=reference_files,
    output:
        table=report(
            f"{RESULTS}/trends/trends.csv",
            caption="../report/trends_table.rst",
            category="Trends",
        ),
        periods=f"{RESULTS}/trends/periods.csv",
        png=report(
            f"{RESULTS}/trends/trends.png",
            caption="../report/trends_chart.rst",
            category="Trends",
        ),
        svg=f"{RESULTS}/trends/trends.svg",
    log:
        f"{LOGS}/trends.log",
    conda:
        "../envs/lcspr_stats.yaml"
    params:
        config=config_sections(
            "cohorts",
            "release",
            "reference",
        ),
    script:
        "../scripts/trends.py"
