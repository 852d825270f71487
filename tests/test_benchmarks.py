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
            "version": run.Timing(0.8, 50.0, ""),
            "touch_jobs": 3,
            "total_jobs": 7,
            "ratios": {"cold_over_baseline": 1.25, "noop_over_version": 1.5},
        },
        "validate": timing,
        "reference": "abc1234",
        "side_by_side": {
            "current": timing,
            "reference": run.Timing(2.5, 100.0, ""),
            "current_over_reference": 0.4,
        },
        "scales": {
            (1_000, "xlsx"): {"run": timing},
            (10_000, "xlsx"): {
                "run": run.Timing(5.0, 120.0, ""),
                "read": run.Timing(2.0, 90.0, ""),
                "ratio": 2.5,
            },
        },
    }
    out = tmp_path / "performance.md"
    run.write_report(results, out)
    text = out.read_text()
    assert "| cold full run" in text and "1,000 -> 10,000 rows took 5.0x" in text
    # Each target is judged on its same-round ratio, not on the seconds.
    assert "| cold run / one-process baseline | | 1.25 | <= 1.3 | met |" in text
    assert "| no-op rerun / bare `snakemake --version` | | 1.50 | <= 1.3 | **not met** |" in text
    assert "Ratio this tree / reference: 0.40 (target <= 0.5: met)." in text
    assert "| 10,000 | xlsx | 5.00 | 120 | 2.00 | 2.50 |" in text


def test_ratios_pair_timings_of_the_same_round():
    slow = [run.Timing(s, 0, "") for s in (10.0, 2.0, 3.0)]
    fast = [run.Timing(s, 0, "") for s in (5.0, 2.0, 1.0)]
    # per round: 2.0, 1.0, 3.0 -> median 2.0 (the ratio of medians would be 3.0 / 2.0 = 1.5)
    assert run.median_ratio(slow, fast) == 2.0


def test_reference_tree_unpacks_a_commit(tmp_path):
    tree = run.reference_tree("HEAD", tmp_path / "ref")
    assert (tree / "benchmarks" / "baseline.py").exists()
    assert (tree / "src" / "lcspr_stats" / "__init__.py").exists()


def test_bare_read_reads_every_sheet_of_the_inputs(small, tmp_path):
    inputs = write_scaled(small, tmp_path / "inputs", "xlsx")
    timing = run.bare_calamine_read(inputs)
    assert timing.seconds > 0 and timing.peak_mib > 0


def test_snakemakes_own_floor_is_a_cold_run_then_a_no_op(tmp_path):
    # The two-job workflow of echoes: the cold run makes both files, the rerun nothing.
    cold, noop = run.bare_workflow(tmp_path / "bare")
    assert run.jobs_run(cold.output) == 3 and run.jobs_run(noop.output) == 0
    assert (tmp_path / "bare" / "b.txt").read_text() == "a\n"
