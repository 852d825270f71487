# Last stage: results/<year>/manifest.json records the SHA-256 of every input
# and output of the cohort, the config, the software versions and the command.
# Include this file LAST: it hashes every output registered before it.
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

# Everything the manifest covers: the cohort's final outputs, and every file
# any rule above writes into results/<year>/.
MANIFEST_COVERS = list(
    dict.fromkeys(
        cohort_outputs(manifest=False) + year_outputs(workflow.rules, RESULTS)
    )
)


rule manifest:
    input:
        # The manifest records the whole config: any edit reruns it.
        settings=config_section_file(config, f"{PROCESSED}/config"),
        code=package_code("manifest.py"),
        outputs=MANIFEST_COVERS,
        inputs=lambda wildcards: cohort_inputs(config, wildcards.year),
    output:
        f"{RESULTS}/{{year}}/manifest.json",
    log:
        f"{LOGS}/{{year}}/manifest.log",
    conda:
        "../envs/lcspr_stats.yaml"
    script:
        "../scripts/manifest.py"
