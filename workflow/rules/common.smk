# Helpers shared by the rules: paths and the list of final outputs.

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


def source_path(wildcards):
    """The input file of one source for one cohort year."""
    return config["inputs"][wildcards.source]["path"].replace("{year}", wildcards.year)


def reference_files(wildcards):
    """The SCR reference tables printed beside the cohort."""
    return list(config["reference"].values())


def all_outputs():
    """Final outputs of every cohort."""
    outputs = []
    for year in COHORTS:
        base = f"{RESULTS}/{year}"
        outputs += [
            f"{base}/key_figures.json",
            f"{base}/data_quality.csv",
            f"{base}/reconciliation.csv",
            f"{base}/tables/notes.csv",
        ]
        outputs += [f"{base}/tables/{name}.csv" for name in TABLES]
    return outputs
