# Several cohorts in one run: each cohort must have LCSPRs (checked before any
# job starts), and their headline figures are set beside the SCR periods.

from lcspr_stats.check import check_cohorts_have_lcsprs
from lcspr_stats.errors import InputError

if workflow.is_main_process:
    try:
        check_cohorts_have_lcsprs(config)
    except InputError as error:
        raise WorkflowError(error.render()) from None


rule trends:
    input:
        code=package_code("trends"),
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
    script:
        "../scripts/trends.py"


RUN_OUTPUTS += [
    f"{RESULTS}/trends/trends.csv",
    f"{RESULTS}/trends/periods.csv",
    f"{RESULTS}/trends/trends.png",
    f"{RESULTS}/trends/trends.svg",
]
