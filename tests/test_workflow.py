"""The Snakemake workflow: lint-clean, runs on other files and years, stops cleanly on bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml
from conftest import ROOT, config_into, load_default_config, run_snakemake
from tiny_cohort import tiny_frames, write_tiny_inputs

from lcspr_stats.io import write_xlsx


def tiny_config(tmp, year):
    paths = write_tiny_inputs(tmp, year)
    config = load_default_config()
    config["cohorts"] = [year]
    config["exclusions"] = []
    for source, path in paths.items():
        config["inputs"][source]["path"] = path
    return config


def test_snakemake_lint_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--lint"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_another_cohort_and_year_by_config_alone(tmp_path):
    configfile = config_into(tmp_path, tiny_config(tmp_path, 2022))
    result = run_snakemake(configfile)
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads((tmp_path / "results" / "2022" / "key_figures.json").read_text())
    assert figures["cohort_year"] == 2022
    assert figures["n_lcsprs"] == 4
    assert figures["incident_year_counts"] == {"2021": 2}
    assert figures["rr_received_by_year"] == {"2021": 2, "2022": 1}
    # The release outputs are made for any year, from that year's figures.
    results = tmp_path / "results" / "2022"
    assert (results / "lcspr_tables_2022.xlsx").stat().st_size > 0
    assert (results / "figures" / "age_by_period.png").stat().st_size > 0
    summary = (results / "summary.md").read_text(encoding="utf-8")
    assert "There were 4 LCSPRs in total" in summary and "calendar year 2022" in summary
    assert "LCSPRs submitted in 2022" in (results / "report.html").read_text(encoding="utf-8")


def test_missing_column_stops_with_a_clear_message_and_no_results(tmp_path):
    config = tiny_config(tmp_path, 2021)
    frames = tiny_frames()
    write_xlsx(
        {"sins": frames["sin_register"].drop(columns=["incident_type"])},
        tmp_path / "sin_register.xlsx",
    )
    result = run_snakemake(config_into(tmp_path, config))
    assert result.returncode != 0
    assert "sheet 'sins', column 'incident_type': required column missing" in result.stderr
    assert "Traceback" not in result.stderr
    results = tmp_path / "results"
    assert not results.exists() or not any(p.is_file() for p in results.rglob("*"))


def test_missing_sheet_is_named(tmp_path):
    config = tiny_config(tmp_path, 2021)
    config["inputs"]["sin_register"]["sheet"] = "notifications"
    result = run_snakemake(config_into(tmp_path, config))
    assert result.returncode != 0
    assert "sheet 'notifications': sheet not found; the file has: sins" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_cohort_without_any_duration_still_gets_its_workbook(tmp_path):
    config = tiny_config(tmp_path, 2021)
    frames = tiny_frames()
    # No incident dates: no durations, so the duration tables have no rows.
    frames["sin_register"]["incident_date"] = None
    # and no rapid review of a cohort child: no rapid-review-to-LCSPR weeks either.
    frames["rapid_review_register"]["sin_id"] = "S9"
    write_xlsx({"sins": frames["sin_register"]}, tmp_path / "sin_register.xlsx")
    write_xlsx(
        {"rapid_reviews": frames["rapid_review_register"]}, tmp_path / "rapid_review_register.xlsx"
    )
    result = run_snakemake(config_into(tmp_path, config))
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "results" / "2021" / "lcspr_tables_2021.xlsx").stat().st_size > 0


def jobs_to_rerun(configfile) -> set[str]:
    """The rules a dry run would run (Snakemake's job stats), for a config as given."""
    result = run_snakemake(configfile, "-n")
    assert result.returncode == 0, result.stderr[-2000:]
    stats = result.stdout.split("Job stats:")[-1] if "Job stats:" in result.stdout else ""
    found = set()
    for line in stats.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit() and parts[0] not in ("job", "total"):
            found.add(parts[0])
    return found - {"all"}


# The workbook job writes the ODS copy too; the report job, the manifest.
RELEASE = {"figures", "workbook", "report", "trends"}
# The open-data files read the tables (and labels), not the release settings.
TABLES_DOWNSTREAM = RELEASE | {"open_data"}
# One job per cohort reads, links and tabulates (lcspr_stats.jobs.run_analysis).
FROM_ANALYSIS = {"analyse"} | TABLES_DOWNSTREAM


@pytest.mark.parametrize(
    "edit, expected",
    [
        (
            lambda c: c["disclosure_control"].update(enabled=True, threshold=10),
            FROM_ANALYSIS,
        ),
        (lambda c: c["durations"].update(rr_within_working_days=20), FROM_ANALYSIS),
        (lambda c: c.update(strict=True), FROM_ANALYSIS),
        (lambda c: c["exclusions"][0].update(reason="Another reason."), FROM_ANALYSIS),
        (lambda c: c["release"].update(title="Another title"), RELEASE),
    ],
    ids=["disclosure", "threshold", "strict", "exclusion-reason", "release-title"],
)
def test_a_config_edit_reruns_the_jobs_that_read_it(bundled_run, tmp_path, edit, expected):
    # Assumes the bundled run is complete and up to date (nothing to do without an edit);
    # each rule lists the config sections it reads among its inputs (config_sections).
    config = yaml.safe_load((bundled_run.parents[1] / "config.yaml").read_text(encoding="utf-8"))
    unchanged = tmp_path / "same.yaml"
    unchanged.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    assert jobs_to_rerun(unchanged) == set()
    edit(config)
    edited = tmp_path / "edited.yaml"
    edited.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    assert jobs_to_rerun(edited) == expected
