"""End to end with disclosure control on: every output written, no small count, [c] explained.

One run of the pipeline on the bundled cohort with a threshold of 10 (so the
summary, the age chart and a goodness-of-fit test meet [c] too), and one
rerun of the release rules to show their files are the same bytes.
"""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest
from conftest import config_into, load_default_config, run_snakemake

from lcspr_stats.presentation import SUPPRESSED, SYMBOLS

# Its tests share a module fixture that runs the pipeline: keep them on one xdist worker,
# so that run is made once (pyproject: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("test_disclosure_release")

THRESHOLD = 10
YEAR = 2021
RELEASE_RULES = ["figures", "workbook", "report", "trends"]


@pytest.fixture(scope="module")
def controlled(tmp_path_factory):
    """Run the whole pipeline with disclosure control on; return (config file, results/)."""
    tmp = tmp_path_factory.mktemp("controlled")
    config = load_default_config()
    config["disclosure_control"] = {
        "enabled": True,
        "threshold": THRESHOLD,
        "suppress_zeros": False,
    }
    configfile = config_into(tmp, config)
    result = run_snakemake(configfile)
    assert result.returncode == 0, result.stderr[-4000:]
    return configfile, tmp / "results"


def files_under(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def release_files(results) -> dict[str, bytes]:
    """The workbook, charts, summary, report and trends of a run, by path."""
    cohort = results / str(YEAR)
    paths = [
        cohort / f"lcspr_tables_{YEAR}.xlsx",
        cohort / "summary.md",
        cohort / "report.html",
        *sorted((cohort / "figures").iterdir()),
        *sorted((results / "trends").iterdir()),
    ]
    return {str(p.relative_to(results)): p.read_bytes() for p in paths}


def test_every_output_is_written(controlled, bundled_run):
    _, results = controlled
    assert files_under(results) == files_under(bundled_run.parent)


def count_columns(frame: pd.DataFrame) -> list[str]:
    """The cohort's count columns (SCR reference columns are published figures)."""
    return [
        c
        for c in frame.columns
        if c in ("n", "observed")
        or c.startswith("n_")
        or (c.startswith("lcspr_") and c.endswith("_n"))
    ]


def small(value: str) -> bool:
    return value not in ("", SUPPRESSED) and 0 < float(value) < THRESHOLD


def test_no_table_or_key_figure_holds_a_small_count(controlled):
    _, results = controlled
    cohort = results / str(YEAR)
    shown = []
    for path in sorted((cohort / "tables").glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        columns = count_columns(frame)
        if "statistic" in frame.columns:  # Table 3: its N is a count
            frame = frame.loc[frame["statistic"] == "N"].rename(columns={"value": "N"})
            columns = ["N"]
        shown += [f"{path.name} {c}={v}" for c in columns for v in frame[c] if small(v)]

    def counts(node: dict, path: str = ""):
        for key, value in node.items():
            where = f"{path}.{key}" if path else key
            if isinstance(value, dict):
                if key.endswith("_weeks"):  # medians and ranges are weeks, not counts
                    value = {"n": value["n"]}
                yield from counts(value, where)
            elif key == "n" or key.startswith("n_") or path.split(".")[0].endswith("_counts"):
                yield where, value

    figures = json.loads((cohort / "key_figures.json").read_text(encoding="utf-8"))
    shown += [f"key_figures {k}={v}" for k, v in counts(figures) if small(str(v))]
    trends = pd.read_csv(results / "trends" / "trends.csv", dtype=str, keep_default_na=False)
    trends = trends.loc[trends["measure"].str.startswith("n_")]
    shown += [
        f"trends {m}={v}" for m, v in zip(trends["measure"], trends[f"lcspr_{YEAR}"]) if small(v)
    ]
    assert shown == []
    assert figures["age_band_counts"]["6-10"] == SUPPRESSED  # 6 children: suppressed


def test_trends_carry_the_cohorts_suppressed_figures(controlled):
    _, results = controlled
    figures = json.loads((results / str(YEAR) / "key_figures.json").read_text(encoding="utf-8"))
    trends = pd.read_csv(results / "trends" / "trends.csv", dtype=str, keep_default_na=False)
    column = trends.set_index(["measure", "category"])[f"lcspr_{YEAR}"]
    for band, count in figures["age_band_counts"].items():
        assert column[("n_age_band", band)] == str(count), band
    assert column[("n_age_band", "6-10")] == SUPPRESSED
    assert column[("pct_age_band", "6-10")] == SUPPRESSED


def test_workbook_explains_c_and_keeps_numbers_numeric(controlled):
    _, results = controlled
    book = openpyxl.load_workbook(results / str(YEAR) / f"lcspr_tables_{YEAR}.xlsx")
    cover = " ".join(str(v) for (v,) in book["Cover"].iter_rows(max_col=1, values_only=True) if v)
    assert SYMBOLS[SUPPRESSED] in cover
    numeric_with_c = 0
    for sheet in book.worksheets[3:]:
        # Column A holds the title and notes above the table; from B on, a heading, then data.
        for column in sheet.iter_cols(min_col=2, values_only=True):
            body = [v for v in column if v is not None][1:]
            if SUPPRESSED in body and any(isinstance(v, int | float) for v in body):
                numeric_with_c += 1
                # Numbers stay numbers beside [c]; the only text is shorthand.
                assert all(isinstance(v, int | float) or v in SYMBOLS for v in body), body
    assert numeric_with_c > 10
    sheet = next(s for s in book.worksheets[3:] if s["A1"].value.startswith("Table 4:"))
    rows = [r for r in sheet.iter_rows(values_only=True) if r[0] == "Under 1"]
    assert isinstance(rows[0][-4], int)  # the cohort's count beside [c] shares


def test_summary_and_report_show_c_never_c_percent(controlled):
    _, results = controlled
    cohort = results / str(YEAR)
    summary = (cohort / "summary.md").read_text(encoding="utf-8")
    report = (cohort / "report.html").read_text(encoding="utf-8")
    assert SUPPRESSED in summary and f"{SUPPRESSED}%" not in summary
    assert SYMBOLS[SUPPRESSED] in summary
    assert f"{SUPPRESSED}%" not in report
    assert 'id="disclosure-control"' in report and SYMBOLS[SUPPRESSED] in report
    assert f"<td>{SUPPRESSED}</td>" in report


def test_charts_say_what_is_suppressed(controlled):
    _, results = controlled
    manifest = pd.read_csv(results / str(YEAR) / "figures" / "figures.csv")
    alt = manifest.set_index("figure")["alt_text"]
    assert "then [c] in the 2021 LCSPRs" in alt["age_by_period"]
    for name in ("age_by_period", "lcsprs_by_incident_year", "death_categories"):
        assert "suppressed to protect confidentiality" in alt[name], name
    assert "[c]%" not in " ".join(alt)


def test_a_second_run_of_the_release_is_byte_identical(controlled):
    configfile, results = controlled
    first = release_files(results)
    stamps = {p: (results / p).stat().st_mtime_ns for p in first}
    result = run_snakemake(configfile, "--forcerun", *RELEASE_RULES)
    assert result.returncode == 0, result.stderr[-3000:]
    second = release_files(results)
    assert sorted(second) == sorted(first)
    assert all((results / p).stat().st_mtime_ns != stamps[p] for p in first), "rewritten"
    assert [p for p in first if first[p] != second[p]] == []
