# Last stage: results/<year>/manifest.json records the SHA-256 of every input
# and output of the cohort, the config, the software versions and the command.
# Include this file LAST: it hashes every output registered before it.
import sys

from lcspr_stats.manifest import cohort_inputs, command_line

# Outputs the tables rule writes beside the registered ones.
COHORT_OUTPUTS += [
    out
    for out in (
        f"{RESULTS}/{{year}}/reference_checks.csv",
        f"{RESULTS}/{{year}}/disclosure_check.csv",
    )
    if out not in COHORT_OUTPUTS
]
# Everything the manifest covers: the registry as it stands now.
MANIFEST_COVERS = list(COHORT_OUTPUTS)


rule manifest:
    input:
        outputs=MANIFEST_COVERS,
        inputs=lambda wildcards: cohort_inputs(config, wildcards.year),
    output:
        f"{RESULTS}/{{year}}/manifest.json",
    log:
        f"{LOGS}/{{year}}/manifest.log",
    conda:
        "../envs/lcspr_stats.yaml"
    params:
        # The command as typed (program path and in-repository paths made
        # relative), so two clones running the same command record the same.
        command=command_line(sys.argv),
    script:
        "../scripts/manifest.py"


COHORT_OUTPUTS += [f"{RESULTS}/{{year}}/manifest.json"]
