# Stage 2: join the sources for one cohort and derive durations, bands, groups.


rule derive:
    input:
        settings=config_sections(
            "codebook",
            "exclusions",
            "durations",
            "strict",
            "rapid_review_years",
        ),
        code=package_code("derive.py"),
        frames=expand(f"{PROCESSED}/{{{{year}}}}/ingest/{{source}}.pkl", source=SOURCES),
        quality=expand(
            f"{PROCESSED}/{{{{year}}}}/ingest/{{source}}.quality.csv", source=SOURCES
        ),
    output:
        lcsprs=f"{PROCESSED}/{{year}}/lcsprs.pkl",
        children=f"{PROCESSED}/{{year}}/children.pkl",
        quality=f"{RESULTS}/{{year}}/data_quality.csv",
        reconciliation=f"{RESULTS}/{{year}}/reconciliation.csv",
        # The data-quality report with every value (restricted: not in results/).
        quality_unmasked=f"{PROCESSED}/{{year}}/data_quality_unmasked.csv",
    log:
        f"{LOGS}/{{year}}/derive.log",
    conda:
        "../envs/lcspr_stats.yaml"
    script:
        "../scripts/derive.py"
