# Helpers shared by the rules: paths and the list of final outputs.
import sys
from pathlib import Path

from lcspr_stats.errors import InputError
from lcspr_stats.settings import classifications_path
from lcspr_stats.shutdown import cancel_scheduler_timers
from lcspr_stats.sources import SOURCES
from lcspr_stats.workflow_plan import SECTIONS_DIR, config_section_file, workflow_plan

PROCESSED = config["processed_dir"]
RESULTS = config["results_dir"]
LOGS = config["logs_dir"]
COHORTS = [str(year) for year in config["cohorts"]]
SCRIPTS = Path(workflow.basedir) / "workflow" / "scripts"
# The config-section files (config_sections below): beside the plan, not in processed/,
# so parsing writes nothing into the run's folders.
SECTIONS = str(SECTIONS_DIR)

# The run's plan (lcspr_stats.workflow_plan), kept between runs while the config
# and the package are unchanged, so parsing imports no pandas:
# - TABLES: every table the tables job writes (names of results/<year>/tables/*.csv),
#   the table registry's with those the config declares (lcspr_stats.registry);
# - FIGURES: every chart of a cohort (lcspr_stats.figures);
# - each script's package code (package_code below).
# A declaration with an unknown variable or category stops here, in one line.
try:
    PLAN = workflow_plan(config, SCRIPTS)
except InputError as error:
    print(f"ERROR {error.render()}", file=sys.stderr)
    sys.exit(1)
TABLES = PLAN.tables
FIGURES = PLAN.figures
TIME_TO_LCSPR_BY_YEAR = PLAN.time_to_lcspr_by_year


wildcard_constraints:
    year=r"\d{4}",


def package_code(script):
    """The package files a rule's script can run, to list among its inputs.

    Computed from the imports of the script and of the package
    (lcspr_stats.codedeps), templates included: editing one reruns the jobs
    that can run it and only those; Snakemake's own code trigger sees only
    the thin script. Give the script's name, as in the rule's script:.
    """
    return PLAN.code[script]


def config_sections(*keys):
    """The parts of the config a job reads, as a file among its inputs.

    Editing a threshold, the codebook, an exclusion or disclosure control
    reruns exactly the jobs that read it (and those downstream), not nothing:
    the parts are kept in a file named by their digest
    (lcspr_stats.workflow_plan.config_section_file), which changes when they
    do. (Snakemake's params would do it too, but checking them imports pandas
    in every run.) A key may name a part of a section
    (``release.duration_bin_weeks``).
    """
    found = {}
    for key in keys:
        value = config
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        found[key] = value
    return config_section_file(found, SECTIONS)


def cohort_sources(wildcards):
    """The input files of one cohort year, each once (one workbook may hold two sources)."""
    paths = [
        config["inputs"][source]["path"].replace("{year}", wildcards.year)
        for source in SOURCES
    ]
    return list(dict.fromkeys(paths))


def reference_files(wildcards):
    """The SCR reference tables printed beside the cohort."""
    return list(config["reference"].values())


def open_data_files(folder):
    """The EES open-data files of every table (data, then metadata) in ``folder``."""
    return [f"{folder}/{name}{ext}" for name in TABLES for ext in (".csv", ".meta.csv")]


def classifications_file(wildcards):
    """The shipped classifications the ingest jobs read values through (none if absent)."""
    path = classifications_path(config["reference"]["scr_periods"])
    return [str(path)] if path.is_file() else []


def cohort_outputs(manifest=True):
    """Every final output of one cohort, as templates with {year}, in manifest order."""
    return [
        f"{RESULTS}/{{year}}/key_figures.json",
        f"{RESULTS}/{{year}}/data_quality.csv",
        f"{RESULTS}/{{year}}/reconciliation.csv",
        f"{RESULTS}/{{year}}/tables/notes.csv",
        *[f"{RESULTS}/{{year}}/tables/{name}.csv" for name in TABLES],
        *[
            f"{RESULTS}/{{year}}/figures/{name}.{ext}"
            for name in FIGURES
            for ext in ("png", "svg")
        ],
        f"{RESULTS}/{{year}}/figures/figures.csv",
        f"{RESULTS}/{{year}}/lcspr_tables_{{year}}.xlsx",
        f"{RESULTS}/{{year}}/lcspr_tables_{{year}}.ods",
        f"{RESULTS}/{{year}}/summary.md",
        f"{RESULTS}/{{year}}/report.html",
        f"{RESULTS}/{{year}}/reference_checks.csv",
        f"{RESULTS}/{{year}}/disclosure_check.csv",
        *open_data_files(f"{RESULTS}/{{year}}/open_data"),
        *([f"{RESULTS}/{{year}}/manifest.json"] if manifest else []),
    ]


def run_outputs():
    """Final outputs across the cohorts of a run (no {year})."""
    return [
        f"{RESULTS}/trends/trends.csv",
        f"{RESULTS}/trends/periods.csv",
        f"{RESULTS}/trends/trends.png",
        f"{RESULTS}/trends/trends.svg",
        # Each table across the years, when the run has several cohorts.
        *(open_data_files(f"{RESULTS}/trends/open_data") if len(COHORTS) > 1 else []),
        f"{RESULTS}/trends/{TIME_TO_LCSPR_BY_YEAR}.csv",
        f"{RESULTS}/trends/{TIME_TO_LCSPR_BY_YEAR}.png",
        f"{RESULTS}/trends/{TIME_TO_LCSPR_BY_YEAR}.svg",
    ]


def all_outputs():
    """Final outputs of every cohort, and of the run as a whole."""
    return expand(cohort_outputs(), year=COHORTS) + run_outputs()


# When the run is over, exit at once rather than up to a second later, when
# Snakemake's last job-rate timer would end (lcspr_stats.shutdown).
onsuccess:
    cancel_scheduler_timers()


onerror:
    cancel_scheduler_timers()
