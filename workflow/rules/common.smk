# Helpers shared by the rules: paths and the list of final outputs.
from pathlib import Path

from lcspr_stats.codedeps import script_code

SOURCES = ["sin_register", "rapid_review_register", "reviews", "children"]
PROCESSED = config["processed_dir"]
RESULTS = config["results_dir"]
LOGS = config["logs_dir"]
COHORTS = [str(year) for year in config["cohorts"]]

# Every table the tables rule writes (names of results/<year>/tables/*.csv).
TABLES = [
    "table1_year_of_incident",
    "table2_rapid_reviews",
    "table3_durations",
    "table4_age",
    "table5_death_serious_harm",
    "timeliness",
    "review_types",
    "ethnic_groups",
    "index_child_sex",
    "death_categories",
    "serious_harm_categories",
    "maltreatment_death_subcategories",
    "publication",
    "methodology",
    "subsample",
    "race_subsample",
    "practice_themes",
    "data_sources",
]


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


def source_path(wildcards):
    """The input file of one source for one cohort year."""
    return config["inputs"][wildcards.source]["path"].replace("{year}", wildcards.year)


def reference_files(wildcards):
    """The SCR reference tables printed beside the cohort."""
    return list(config["reference"].values())


# Final outputs per cohort, as templates with {year}. Each stage's rule file
# appends its own (COHORT_OUTPUTS += [...]) so stages stay independent.
COHORT_OUTPUTS = [
    f"{RESULTS}/{{year}}/key_figures.json",
    f"{RESULTS}/{{year}}/data_quality.csv",
    f"{RESULTS}/{{year}}/reconciliation.csv",
    f"{RESULTS}/{{year}}/tables/notes.csv",
    *[f"{RESULTS}/{{year}}/tables/{name}.csv" for name in TABLES],
]
# Final outputs across cohorts (no {year}).
RUN_OUTPUTS = []


def all_outputs():
    """Final outputs of every cohort, and of the run as a whole."""
    return expand(COHORT_OUTPUTS, year=COHORTS) + RUN_OUTPUTS
