# Stage 3: the report's tables, every further breakdown, and the key figures.


rule tables:
    input:
        settings=config_sections(
            "codebook",
            "exclusions",
            "durations",
            "percent_rounding",
            "rapid_review_years",
            "reference",
            "uncertainty",
            "disclosure_control",
            "breakdowns",
            "release.duration_bin_weeks",
            "as_at_date",
            "cohorts",
        ),
        code=package_code("tables.py"),
        lcsprs=f"{PROCESSED}/{{year}}/lcsprs.pkl",
        rapid_reviews=f"{PROCESSED}/{{year}}/ingest/rapid_review_register.pkl",
        reference=reference_files,
    output:
        tables=expand(f"{RESULTS}/{{{{year}}}}/tables/{{name}}.csv", name=TABLES),
        notes=f"{RESULTS}/{{year}}/tables/notes.csv",
        contents=f"{RESULTS}/{{year}}/tables/contents.csv",
        reference_checks=f"{RESULTS}/{{year}}/reference_checks.csv",
        key_figures=f"{RESULTS}/{{year}}/key_figures.json",
        # What disclosure control suppressed, and why (config disclosure_control).
        disclosure=f"{RESULTS}/{{year}}/disclosure_check.csv",
    log:
        f"{LOGS}/{{year}}/tables.log",
    conda:
        "../envs/lcspr_stats.yaml"
    script:
        "../scripts/tables.py"
