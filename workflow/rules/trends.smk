# Several cohorts in one run: their headline figures set beside the SCR periods.
# (A cohort with no LCSPRs stops the run before any job: preflight.smk.)


rule trends:
    input:
        settings=config_sections(
            "cohorts",
            "release",
            "reference",
            "durations",
        ),
        code=package_code("trends.py"),
        key_figures=expand(f"{RESULTS}/{{year}}/key_figures.json", year=COHORTS),
        reference=reference_files,
        # The latest cohort's Kaplan-Meier curves by year of rapid review.
        curves=f"{RESULTS}/{max(COHORTS)}/tables/{TIME_TO_LCSPR_BY_YEAR}.csv",
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
        curves=f"{RESULTS}/trends/{TIME_TO_LCSPR_BY_YEAR}.csv",
        curves_png=f"{RESULTS}/trends/{TIME_TO_LCSPR_BY_YEAR}.png",
        curves_svg=f"{RESULTS}/trends/{TIME_TO_LCSPR_BY_YEAR}.svg",
    log:
        f"{LOGS}/trends.log",
    conda:
        "../envs/lcspr_stats.yaml"
    script:
        "../scripts/trends.py"
