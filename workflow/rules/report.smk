# Last stage: the written summary and the self-contained HTML report of a cohort,
# read from the written tables and charts; then results/<year>/manifest.json,
# the SHA-256 of every input and output of the cohort, the config, the software
# versions and the command. Include this file LAST: the manifest hashes every
# output registered before it.
import os
import sys

from lcspr_stats.manifest import (
    COMMAND_VARIABLE,
    cohort_inputs,
    command_line,
    year_outputs,
)

# The command as typed (program path and in-repository paths made relative),
# handed to the job through the environment: as a param it would make every
# new command line (a dry run, another --cores) re-run this rule. A job that
# parses the workflow again (on a cluster) keeps the submitting command.
os.environ.setdefault(COMMAND_VARIABLE, command_line(sys.argv))

# The report job's own documents, which the manifest covers too.
DOCUMENTS = [f"{RESULTS}/{{year}}/summary.md", f"{RESULTS}/{{year}}/report.html"]

# Everything else the manifest covers: the cohort's final outputs, and every
# file any rule above writes into results/<year>/.
MANIFEST_COVERS = [
    output
    for output in dict.fromkeys(
        cohort_outputs(manifest=False) + year_outputs(workflow.rules, RESULTS)
    )
    if output not in DOCUMENTS
]


rule report:
    input:
        # The manifest records the whole config: any edit reruns this job.
        settings=config_section_file(config, SECTIONS),
        code=package_code("report.py"),
        tables=expand(f"{RESULTS}/{{{{year}}}}/tables/{{name}}.csv", name=TABLES),
        contents=f"{RESULTS}/{{year}}/tables/contents.csv",
        notes=f"{RESULTS}/{{year}}/tables/notes.csv",
        key_figures=f"{RESULTS}/{{year}}/key_figures.json",
        figures=f"{RESULTS}/{{year}}/figures/figures.csv",
        png=expand(f"{RESULTS}/{{{{year}}}}/figures/{{name}}.png", name=FIGURES),
        data_quality=f"{RESULTS}/{{year}}/data_quality.csv",
        reconciliation=f"{RESULTS}/{{year}}/reconciliation.csv",
        workbook=f"{RESULTS}/{{year}}/lcspr_tables_{{year}}.xlsx",
        labels=RELEASE_LABELS,
        outputs=MANIFEST_COVERS,
        inputs=lambda wildcards: cohort_inputs(config, wildcards.year),
    output:
        summary=report(
            DOCUMENTS[0],
            caption="../report/summary.rst",
            category="Summary",
        ),
        html=report(
            DOCUMENTS[1],
            caption="../report/report.rst",
            category="Summary",
        ),
        manifest=f"{RESULTS}/{{year}}/manifest.json",
    log:
        f"{LOGS}/{{year}}/report.log",
    conda:
        "../envs/lcspr_stats.yaml"
    script:
        "../scripts/report.py"
