# lcspr-stats: the annual review of LCSPRs, from coded spreadsheets to tables.
# Stages live in workflow/rules/; all logic lives in src/lcspr_stats/.
from snakemake.utils import min_version, validate

from lcspr_stats.config import SCHEMA_PATH
from lcspr_stats.preflight import exit_on_config_errors
from lcspr_stats.guard import exit_on_unsafe_config, exit_on_unsafe_yaml
from lcspr_stats.workflow_plan import (
    checked_config_key,
    remember_checked_config,
    restore_checked_config,
)

min_version("9.0")

# Before anything walks the config: refuse a YAML alias bomb (issue 14).
exit_on_unsafe_yaml(["config.yaml", *workflow.config_settings.configfiles])


configfile: "config.yaml"


# A config that passed the schema before (the same values, types and key order,
# with this package and these tools) gets back its checked form unchecked
# (lcspr_stats.workflow_plan).
CONFIG_KEY = checked_config_key(config)
if not restore_checked_config(config, CONFIG_KEY):
    # A broken config stops here in our words (its file, each key's path from 1).
    exit_on_config_errors(
        config, workflow.configfiles[-1] if workflow.configfiles else "config"
    )
    validate(config, str(SCHEMA_PATH))
    remember_checked_config(config, CONFIG_KEY)
# What the schema lets through: years such as 2021.0, unsafe output folders.
exit_on_unsafe_config(config)


include: "workflow/rules/common.smk"
include: "workflow/rules/preflight.smk"
include: "workflow/rules/analyse.smk"
include: "workflow/rules/trends.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/workbook.smk"
include: "workflow/rules/opendata.smk"
# Keep last: the report job's manifest hashes every output registered above.
include: "workflow/rules/report.smk"


rule all:
    default_target: True
    input:
        all_outputs(),
