# Check every input of every cohort before any job runs: bad input stops the
# run with one message listing every problem, and nothing is written.
# Good input is read, cleaned and linked here once, and the ingest and derive
# jobs take that work (lcspr_stats.handoff) instead of reading it again.
from lcspr_stats.preflight import exit_if_input_files_missing, exit_on_input_errors

# While parsing (cheap: no file is read unless one is missing or unusable),
# so a missing input is reported in our words, with every other problem,
# rather than by Snakemake's planner one file at a time.
exit_if_input_files_missing(config, log_dir=LOGS)


onstart:
    # Read, check and link every cohort's inputs (and, with strict: true,
    # refuse any per-value problem) once, before the first job; then leave
    # the clean frames and linked cohorts in processed/<year>/checked/ for
    # this run's ingest and derive jobs.
    exit_on_input_errors(
        config,
        log_dir=LOGS,
        hand_off_to_jobs=True,
        config_file=(
            workflow.configfiles[-1] if workflow.configfiles else "config.yaml"
        ),
    )
