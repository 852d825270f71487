# Stage 1, one job per cohort: read each source and check it against the contract
# (or take what the check before the first job read), link the sources and derive
# durations, bands and groups, then make the report's tables, every further
# breakdown and the key figures (lcspr_stats.jobs.run_analysis).


rule analyse:
    input:
        sources=cohort_sources,
        classifications=classifications_file,
        reference=reference_files,
        settings=config_sections(
            # Reading and checking the sources.
            "inputs",
            "strict",
            "dates_day_first",
            "plausible_dates",
            "max_input_bytes",
            "max_unzipped_bytes",
            # Linking and deriving.
            "codebook",
            "exclusions",
            "durations",
            "rapid_review_years",
            "as_at_date",
            "cohorts",
            # The tables.
            "percent_rounding",
            "reference",
            "uncertainty",
            "disclosure_control",
            "breakdowns",
            "release.duration_bin_weeks",
        ),
        code=package_code("analyse.py"),
    output:
        frames=expand(f"{PROCESSED}/{{{{year}}}}/ingest/{{source}}.pkl", source=SOURCES),
        source_quality=expand(
            f"{PROCESSED}/{{{{year}}}}/ingest/{{source}}.quality.csv", source=SOURCES
        ),
        lcsprs=f"{PROCESSED}/{{year}}/lcsprs.pkl",
        children=f"{PROCESSED}/{{year}}/children.pkl",
        # The data-quality report with every value (restricted: not in results/).
        quality_unmasked=f"{PROCESSED}/{{year}}/data_quality_unmasked.csv",
        quality=f"{RESULTS}/{{year}}/data_quality.csv",
        reconciliation=f"{RESULTS}/{{year}}/reconciliation.csv",
        tables=expand(f"{RESULTS}/{{{{year}}}}/tables/{{name}}.csv", name=TABLES),
        notes=f"{RESULTS}/{{year}}/tables/notes.csv",
        contents=f"{RESULTS}/{{year}}/tables/contents.csv",
        reference_checks=f"{RESULTS}/{{year}}/reference_checks.csv",
        key_figures=f"{RESULTS}/{{year}}/key_figures.json",
        # What disclosure control suppressed, and why (config disclosure_control).
        disclosure=f"{RESULTS}/{{year}}/disclosure_check.csv",
    log:
        f"{LOGS}/{{year}}/analyse.log",
    conda:
        "../envs/lcspr_stats.yaml"
    script:
        "../scripts/analyse.py"
