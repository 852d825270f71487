"""The broken-input corpus: every case ends in its exact expected outcome, never a traceback."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from broken_inputs import (
    BASELINE,
    CASES,
    FATAL,
    LEFT_OUT,
    PER_VALUE,
    Case,
    expected_rows,
    expected_text,
    run_in_process,
    run_snakemake,
)
from scan_outputs import needles, scan

from lcspr_stats.check import check_inputs
from lcspr_stats.confidential import WITHHELD
from lcspr_stats.config import check_config
from lcspr_stats.errors import InputError
from lcspr_stats.preflight import preflight

BY_NAME = {case.name: case for case in CASES}
SOURCE_OF_SHEET = {
    "sins": "sin_register",
    "rapid_reviews": "rapid_review_register",
    "reviews": "reviews",
    "children": "children",
    "": "sin_register",  # the one CSV case is the SIN register
}


def rows_of(frame: pd.DataFrame) -> set[tuple]:
    """Data-quality rows as tuples (a blank row number as None)."""
    out = set()
    for row in frame.itertuples(index=False, name=None):
        file, sheet, number, column, value, rule, action = row
        out.add(
            (
                file,
                "" if pd.isna(sheet) else sheet,
                None if pd.isna(number) else int(number),
                column,
                "" if pd.isna(value) else str(value),
                rule,
                action,
            )
        )
    return out


def test_the_corpus_has_at_least_forty_cases():
    assert len(CASES) >= 40
    assert len(BY_NAME) == len(CASES)
    assert len(FATAL) >= 20 and len(PER_VALUE) >= 20
    assert all((c.message is None) != (not c.problems) for c in CASES)


@pytest.mark.parametrize("case", FATAL, ids=lambda c: c.name)
def test_fatal_case_stops_with_its_exact_message(case: Case, tmp_path):
    config = case.build(tmp_path)
    expected = expected_text(case.message, tmp_path)
    with pytest.raises(InputError) as error:
        check_config(config)
        preflight(config)
    assert str(error.value) == expected
    assert "Traceback" not in str(error.value)
    # Nothing was written beside the inputs.
    assert not (tmp_path / "results").exists()


@pytest.mark.parametrize("case", PER_VALUE, ids=lambda c: c.name)
def test_per_value_case_keeps_the_row_and_reports_it(case: Case, tmp_path):
    config = check_config(case.build(tmp_path))
    check = check_inputs(config, 2021)  # not fatal
    baseline = expected_rows(Case("baseline", None, problems=(BASELINE,)), tmp_path)
    assert rows_of(check.quality) - baseline == expected_rows(case, tmp_path)

    # Every row is kept; a value broken in place is set to missing.
    for _file, sheet, row, column, _value, _rule, action in expected_rows(case, tmp_path):
        source = SOURCE_OF_SHEET[sheet]
        frame = check.frames[source]
        assert len(frame) == check.rows_read[source]
        if action in ("row kept; value set to missing", LEFT_OUT):
            position = frame.index[frame["source_row"] == row][0]
            assert pd.isna(frame.loc[position, column.lower()])
        if action == LEFT_OUT:
            # The LCSPR is in no cohort, and the reconciliation gives the same reason.
            assert row not in set(check.cohort.lcsprs["source_row"])
            reasons = check.cohort.reconciliation.set_index(["source", "reason"])["rows"]
            assert reasons[("reviews", "left out of the 2021 cohort: no valid date_submitted")] == 1

    # The whole pipeline runs; results/ has the masked report, processed/ the full one.
    results = run_in_process(tmp_path, config)
    unmasked = pd.read_csv(
        tmp_path / "processed" / "2021" / "data_quality_unmasked.csv",
        dtype=str,
        keep_default_na=False,
    )
    masked = pd.read_csv(results / "data_quality.csv", dtype=str, keep_default_na=False)
    assert len(masked) == len(unmasked) == len(check.quality)
    keys = ["file", "sheet", "row", "column", "rule", "action"]
    assert masked[keys].equals(unmasked[keys])
    shown = masked["value"] == unmasked["value"].map(
        lambda v: "'" + v if v.startswith(("=", "+", "@")) else v
    )
    assert (shown | (masked["value"] == WITHHELD)).all()

    # Every row of every source is accounted for.
    recon = pd.read_csv(results / "reconciliation.csv")
    for source, group in recon.groupby("source"):
        read = group.loc[group["status"] == "read", "rows"].sum()
        used_or_excluded = group.loc[group["status"].isin(["used", "excluded"]), "rows"].sum()
        assert read == used_or_excluded == check.rows_read[source], source

    # Nothing identifying reached results/.
    assert scan(results, needles(check.frames)) == []


MASKED = {
    # Dates, ids and links are withheld; codes typed wrongly are shown.
    "unparseable_date_text": WITHHELD,
    "rapid_review_before_incident": WITHHELD,
    "child_links_to_no_sin": WITHHELD,
    "unknown_incident_type": "explosion",
    "age_over_17": "18",
    "id_typed_into_a_code_cell": WITHHELD,  # 'L2' is an LCSPR id
    "formula_in_a_code_cell": '\'=HYPERLINK("http://x")',  # shown, but neutralised
}


@pytest.mark.parametrize("name", sorted(MASKED))
def test_masked_values_in_results(name, tmp_path):
    case = BY_NAME[name]
    results = run_in_process(tmp_path, case.build(tmp_path))
    masked = pd.read_csv(results / "data_quality.csv", dtype=str, keep_default_na=False)
    (_file, _sheet, row, column, _value, rule, _action) = next(iter(case.problems))
    hit = masked.loc[
        (masked["row"] == str(row)) & (masked["column"] == column) & (masked["rule"] == rule)
    ]
    assert hit["value"].tolist() == [MASKED[name]]


# One case of each way a run can stop, through the real command: one clear
# message on the terminal, no traceback, nothing in results/.
THROUGH_SNAKEMAKE = [
    "missing_file",  # found while the workflow is parsed
    "missing_column_sins",  # found by the check before the first job
    "billion_laughs",
    "several_fatal_at_once",
    "strict_mode_lists_every_problem",
]


@pytest.mark.parametrize("name", THROUGH_SNAKEMAKE)
def test_snakemake_stops_cleanly(name, tmp_path):
    case = BY_NAME[name]
    config = case.build(tmp_path)
    result = run_snakemake(tmp_path, config)
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "Traceback" not in output
    assert "RuleException" not in output and "Error in rule" not in output
    assert f"ERROR {expected_text(case.message, tmp_path)}\n" in result.stderr
    assert "lcspr-stats stopped before writing anything to results/." in result.stderr
    results = tmp_path / "results"
    assert not results.exists() or not any(p.is_file() for p in results.rglob("*"))


def test_snakemake_refuses_a_config_that_fails_its_schema(tmp_path):
    config = BY_NAME["config_bad_choice"].build(tmp_path)
    result = run_snakemake(tmp_path, config)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "'fortnights' is not one of ['completed', 'exact']" in result.stderr
    assert not (tmp_path / "results").exists()


def test_snakemake_keeps_bad_values_and_reports_them(tmp_path):
    case = BY_NAME["two_index_children"]
    result = run_snakemake(tmp_path, case.build(tmp_path))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stdout + result.stderr
    quality = pd.read_csv(tmp_path / "results" / "2021" / "data_quality.csv")
    assert sorted(quality.loc[quality["rule"].str.startswith("two or more"), "row"]) == [3, 4]
    figures = json.loads((tmp_path / "results" / "2021" / "key_figures.json").read_text())
    assert figures["n_index_children"] == 2  # L2 now has none: L1 and L4 remain
