# Stage 1: read each source, check it against the contract, clean it.


rule ingest:
    input:
        source=source_path,
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
