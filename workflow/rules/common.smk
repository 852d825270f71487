# Helpers shared by the rules: paths and the list of final outputs.
import sys
from pathlib import Path

from lcspr_stats.codedeps import script_code
from lcspr_stats.errors import InputError
from lcspr_stats.figures import FIGURES
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


SCRIPTS = Path(workflow.basedir) / "workflow" / "scripts"


def package_code(script):
    """The package files a rule's script can run, to list among its inputs.

    Computed from the imports of the script and of the package
    (lcspr_stats.codedeps), templates included: editing one reruns the jobs
    that can run it and only those; Snakemake's own code trigger sees only
    the thin script. Give the script's name, as in the rule's script:.
    """
    return script_code(SCRIPTS / script)


def config_sections(*keys):
    """The parts of the config a job reads, declared as its ``params``.

    Snakemake reruns a job whose params changed, so editing a threshold, the
    codebook, an exclusion or disclosure control reruns exactly the jobs that
    read it (and those downstream), not nothing. A key may name a part of a
    section (``release.duration_bin_weeks``).
    """
    found = {}
    for key in keys:
        value = config
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        found[key] = value
    return found


def source_path(wildcards):
    """The input file of one source for one cohort year."""
    return config["inputs"][wildcards.source]["path"].replace("{year}", wildcards.year)


def reference_files(wildcards):
    """The SCR reference tables printed beside the cohort."""
    return list(config["reference"].values())


def open_data_files(folder):
    """The EES open-data files of every table (data, then metadata) in ``folder``."""
    return [f"{folder}/{name}{ext}" for name in TABLES for ext in (".csv", ".meta.csv")]


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
    ]


def all_outputs():
    """Final outputs of every cohort, and of the run as a whole."""
    return expand(cohort_outputs(), year=COHORTS) + run_outputs()
