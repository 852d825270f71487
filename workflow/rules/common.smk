# Helpers shared by the rules: paths and the list of final outputs.
import sys
from pathlib import Path

import lcspr_stats
from lcspr_stats.figures import FIGURES
from lcspr_stats.errors import InputError
from lcspr_stats.registry import table_names
from lcspr_stats.sources import SOURCES

PROCESSED = config["processed_dir"]
RESULTS = config["results_dir"]
LOGS = config["logs_dir"]
COHORTS = [str(year) for year in config["cohorts"]]

# Every table the tables job writes (names of results/<year>/tables/*.csv), the
# table registry's, with those the config declares (lcspr_stats.registry).
# A declaration with an unknown variable or category stops here, in one line.
try:
    TABLES = table_names(config)
except InputError as error:
    print(f"ERROR {error.render()}", file=sys.stderr)
    sys.exit(1)


wildcard_constraints:
    year=r"\d{4}",
    source="|".join(SOURCES),


PACKAGE_DIR = Path(lcspr_stats.__file__).parent


def package_code(*modules):
    """Source files of the package a job runs, to list among its inputs.

    Editing one reruns the jobs that use it and only those; Snakemake's own
    code trigger sees only the thin script. Every stage builds its settings
    with ``settings`` (from ``config``), so those two are always listed.
    """
    listed = dict.fromkeys([*modules, "settings", "config"])
    return [str(PACKAGE_DIR / f"{module}.py") for module in listed]


def source_path(wildcards):
    """The input file of one source for one cohort year."""
    return config["inputs"][wildcards.source]["path"].replace("{year}", wildcards.year)


def reference_files(wildcards):
    """The SCR reference tables printed beside the cohort."""
    return list(config["reference"].values())


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
        f"{RESULTS}/{{year}}/summary.md",
        f"{RESULTS}/{{year}}/report.html",
        f"{RESULTS}/{{year}}/reference_checks.csv",
        f"{RESULTS}/{{year}}/disclosure_check.csv",
        *([f"{RESULTS}/{{year}}/manifest.json"] if manifest else []),
    ]


def run_outputs():
    """Final outputs across the cohorts of a run (no {year})."""
    return [
        f"{RESULTS}/trends/trends.csv",
        f"{RESULTS}/trends/periods.csv",
        f"{RESULTS}/trends/trends.png",
        f"{RESULTS}/trends/trends.svg",
    ]


def all_outputs():
    """Final outputs of every cohort, and of the run as a whole."""
    return expand(cohort_outputs(), year=COHORTS) + run_outputs()
