"""The benchmark's generator and timing harness work at the smallest scale (so they cannot rot)."""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT))

from benchmarks import run  # noqa: E402
from benchmarks.scale import scaled_cohort, write_scaled  # noqa: E402


@pytest.fixture(scope="module")
def small():
    return scaled_cohort(1_000)


def test_scaled_registers_have_the_asked_size_and_hold_their_links(small):
    assert len(small["sins"]) == 1_000
    assert small["sins"]["sin_id"].is_unique and small["rapid_reviews"]["rr_id"].is_unique
    assert small["reviews"]["lcspr_id"].is_unique
    assert small["rapid_reviews"]["sin_id"].isin(small["sins"]["sin_id"]).all()
    linked = small["children"]["sin_id"].dropna()
    assert linked.isin(small["sins"]["sin_id"]).all()
    assert small["children"]["lcspr_id"].isin(small["reviews"]["lcspr_id"]).all()
    # proportionate to the bundled cohort: about 0.9 rapid reviews, 0.05 LCSPRs per SIN
    assert 0.8 < len(small["rapid_reviews"]) / 1_000 < 1.0
    assert 0.03 < len(small["reviews"]) / 1_000 < 0.07


def test_scaling_up_replicates_with_new_ids():
    big = scaled_cohort(4_000)
    assert len(big["sins"]) == 4_000
    assert big["sins"]["sin_id"].is_unique
    assert big["children"]["sin_id"].dropna().isin(big["sins"]["sin_id"]).all()


def test_harness_times_a_run_of_the_pipeline(small, tmp_path):
    inputs = write_scaled(small, tmp_path / "inputs", "csv")
    configfile = run.make_config(tmp_path, inputs)
    # --nolock: other tests run Snakemake in the repository folder at the same time (xdist).
    timing = run.timed(run.snakemake_command(configfile, "--nolock"))
    assert timing.seconds > 0 and timing.peak_mib > 0
    assert run.jobs_run(timing.output) >= 6
    noop = run.timed(run.snakemake_command(configfile, "--nolock"))
    assert run.jobs_run(noop.output) == 0
    assert (tmp_path / "results" / "2021" / "key_figures.json").exists()


def test_report_is_written(tmp_path):
    timing = run.Timing(1.0, 100.0, "")
    results = {
        "repeats": 1,
        "scale_repeats": 1,
        "bundled": {
            "cold": timing,
            "noop": timing,
            "touch": timing,
            "baseline": timing,
            "touch_jobs": 3,
            "total_jobs": 7,
        },
        "scales": {(1_000, "xlsx"): timing, (10_000, "xlsx"): run.Timing(5.0, 120.0, "")},
    }
    out = tmp_path / "performance.md"
    run.write_report(results, out)
    text = out.read_text()
    assert "| cold full run" in text and "1,000 -> 10,000 rows took 5.0x" in text
