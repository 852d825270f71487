# lcspr-stats: the annual review of LCSPRs, from coded spreadsheets to tables.
# Stages live in workflow/rules/; all logic lives in src/lcspr_stats/.
from snakemake.utils import min_version, validate

from lcspr_stats.config import SCHEMA_PATH
from lcspr_stats.preflight import exit_on_config_errors

min_version("9.0")


configfile: "config.yaml"


# A broken config stops here in our words (its file, each key's path from 1).
exit_on_config_errors(
    config, workflow.configfiles[-1] if workflow.configfiles else "config"
)
validate(config, str(SCHEMA_PATH))


include: "workflow/rules/common.smk"
include: "workflow/rules/preflight.smk"
include: "workflow/rules/ingest.smk"
include: "workflow/rules/derive.smk"
include: "workflow/rules/tables.smk"
include: "workflow/rules/trends.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/opendata.smk"
# Keep last: the manifest hashes every output registered above.
include: "workflow/rules/manifest.smk"


rule all:
    default_target: True
    input:
        all_outputs(),
