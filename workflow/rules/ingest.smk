# Stage 1: read each source, check it against the contract, clean it.


rule ingest:
    input:
        settings=config_sections(
            "inputs",
            "strict",
            "dates_day_first",
            "plausible_dates",
            "max_input_bytes",
            "max_unzipped_bytes",
            "codebook",
            "as_at_date",
            "cohorts",
        ),
        source=source_path,
        classifications=classifications_file,
        code=package_code("ingest.py"),
    output:
        frame=f"{PROCESSED}/{{year}}/ingest/{{source}}.pkl",
        quality=f"{PROCESSED}/{{year}}/ingest/{{source}}.quality.csv",
    log:
        f"{LOGS}/{{year}}/ingest_{{source}}.log",
    conda:
        "../envs/lcspr_stats.yaml"
    script:
        "../scripts/ingest.py"
