"""A whole new year, played as an analyst would with the lcspr-stats command.

init a 2022 workspace, fill its templates with a synthetic 2022 cohort, bring
last year's (2021) files along for the trends, validate, run, and check every
output and the trends table. The pipeline runs once, on both cohorts.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
import shutil

import openpyxl
import pandas as pd
import published_2021 as published
import pytest
import yaml
from conftest import ROOT, load_default_config

from lcspr_stats.cli import main
from lcspr_stats.derive import percent
from lcspr_stats.registry import table_names

# Its tests share a module fixture that runs the pipeline: keep them on one xdist worker,
# so that run is made once (pyproject: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("test_cli_new_year")

SEED = 11
SHEETS = {
    "sin_register.xlsx": ["sins"],
    "rapid_review_register.xlsx": ["rapid_reviews"],
    "lcspr_coding_schedule.xlsx": ["reviews", "children"],
}
# Every table of the registry (with the config's declared ones), and the notes.
TABLES = [*table_names(load_default_config()), "notes"]
CORE_OUTPUTS = [
    "key_figures.json",
    "data_quality.csv",
    "reconciliation.csv",
    "reference_checks.csv",
    *[f"tables/{name}.csv" for name in TABLES],
]


def cell(value):
    """A frame value as openpyxl should write it (blank, int, date or text)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def fill_template(template, source_workbook) -> dict[str, int]:
    """Append every row of the source workbook's sheets under the template's header."""
    book = openpyxl.load_workbook(template)
    rows = {}
    for sheet_name in SHEETS[template.name]:
        frame = pd.read_excel(source_workbook, sheet_name=sheet_name, engine="calamine")
        sheet = book[sheet_name]
        header = [c.value for c in sheet[1]]
        assert set(frame.columns) <= set(header), (
            "the synthetic cohort has a column the template lacks"
        )
        for values in frame.reindex(columns=header).itertuples(index=False):
            sheet.append([cell(v) for v in values])
        rows[sheet_name] = len(frame)
    book.save(template)
    return rows


@pytest.fixture(scope="module")
def new_year(tmp_path_factory):
    """The workspace after init, fill, validate and run; with what each step said."""
    tmp = tmp_path_factory.mktemp("new_year")
    workspace = tmp / "review-2022"
    said = {}

    def step(name, *argv):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(list(argv))
        said[name] = (status, out.getvalue(), err.getvalue())
        assert status == 0, f"{name}: {err.getvalue()}{out.getvalue()[-2000:]}"

    step("init", "init", str(workspace), "--year", "2022")
    synthetic = tmp / "synthetic-2022"
    step("synth", "synth", "--year", "2022", "--seed", str(SEED), str(synthetic))

    filled = {}
    for name in SHEETS:
        filled.update(fill_template(workspace / "inputs" / "2022" / name, synthetic / name))

    # Last year's cohort joins the run for the trends: its files and exclusions.
    last_year = workspace / "inputs" / "2021"
    last_year.mkdir(parents=True)
    for name in SHEETS:
        shutil.copyfile(ROOT / "data" / "raw" / "synthetic_2021" / name, last_year / name)
    config_path = workspace / "config.yaml"
    text = config_path.read_text(encoding="utf-8")
    exclusions = yaml.safe_dump(
        {"exclusions": load_default_config()["exclusions"]}, sort_keys=False
    )
    text = text.replace("cohorts: [2022]", "cohorts: [2021, 2022]")
    text = text.replace("exclusions: []\n", exclusions)
    config_path.write_text(text, encoding="utf-8")

    step("validate", "validate", "--config", str(config_path))
    step("run", "run", "--config", str(config_path), "--cores", "2")
    step("again", "run", "--config", str(config_path), "--dry-run")
    return {"workspace": workspace, "said": said, "filled": filled}


def test_validate_summarises_both_cohorts(new_year):
    status, out, err = new_year["said"]["validate"]
    filled = new_year["filled"]
    assert "Cohort 2021" in out and "Cohort 2022" in out
    assert f"LCSPRs submitted in 2022: {filled['reviews']}" in out
    assert f"{filled['sins']:,}  inputs/2022/sin_register.xlsx, sheet 'sins'" in out
    assert "No fatal problems" in out and err == ""


def test_run_shows_progress_and_where_the_results_are(new_year):
    status, out, err = new_year["said"]["run"]
    steps = [
        tuple(int(n) for n in m.groups()) for m in re.finditer(r"(\d+) of (\d+) steps done", out)
    ]
    assert steps[0][0] == 1 and steps[-1][0] == steps[-1][1] == len(steps)
    assert "(100%)" in out
    workspace = new_year["workspace"].resolve()
    assert str(workspace / "results" / "2022") in out
    assert str(workspace / "results" / "trends") in out


def test_results_2022_has_every_output(new_year):
    results = new_year["workspace"] / "results"
    for name in CORE_OUTPUTS:
        assert (results / "2022" / name).is_file(), name
    # Every file of the 2021 cohort exists for 2022 too (whatever outputs the workflow grows).
    as_2021 = {
        str(p.relative_to(results / "2021")).replace("2021", "YEAR")
        for p in (results / "2021").rglob("*")
        if p.is_file()
    }
    as_2022 = {
        str(p.relative_to(results / "2022")).replace("2022", "YEAR")
        for p in (results / "2022").rglob("*")
        if p.is_file()
    }
    assert as_2021 == as_2022
    # A second run has nothing to do: every output the workflow declares exists.
    status, out, _ = new_year["said"]["again"]
    assert "Nothing to be done" in out


def test_2022_figures_come_from_the_filled_templates(new_year):
    results = new_year["workspace"] / "results"
    figures = json.loads((results / "2022" / "key_figures.json").read_text())
    assert figures["cohort_year"] == 2022
    assert figures["n_lcsprs"] == new_year["filled"]["reviews"]
    assert figures["n_children"] == new_year["filled"]["children"]
    reconciliation = pd.read_csv(results / "2022" / "reconciliation.csv")
    read = reconciliation.loc[reconciliation["status"] == "read"].set_index("source")["rows"]
    assert read["sin_register"] == new_year["filled"]["sins"]
    assert read["rapid_review_register"] == new_year["filled"]["rapid_reviews"]
    assert (reconciliation.loc[reconciliation["status"] == "check", "rows"] == 0).all()
    # The synthetic registers cover the years of Table 2.
    assert set(figures["rr_received_by_year"]) == {"2021", "2022"}
    assert all(n > 300 for n in figures["rr_received_by_year"].values())


def test_trends_show_2021_and_2022_side_by_side(new_year):
    results = new_year["workspace"] / "results"
    trends = pd.read_csv(results / "trends" / "trends.csv", keep_default_na=False, dtype=str)
    columns = list(trends.columns)
    assert columns[-2:] == ["lcspr_2021", "lcspr_2022"]
    assert columns[3] == "scr_2005_07" and "scr_2017_19" in columns
    rows = trends.set_index(["measure", "category"])

    def value(measure, year, category=""):
        text = rows.loc[(measure, category), f"lcspr_{year}"]
        return float(text)

    # 2021: the published figures.
    assert value("n_reviews", 2021) == published.N_LCSPRS
    assert value("pct_deaths", 2021) == published.PCT_DEATHS
    for band, (n, pct) in published.AGE_BANDS.items():
        assert value("n_age_band", 2021, band) == n
        assert value("pct_age_band", 2021, band) == pct
    assert value("median_incident_to_rr_weeks", 2021) == published.INCIDENT_TO_RR["median"]
    assert value("median_rr_to_lcspr_weeks", 2021) == published.RR_TO_LCSPR["median"]

    # 2022: the cohort's own key figures.
    figures = json.loads((results / "2022" / "key_figures.json").read_text())
    assert value("n_reviews", 2022) == figures["n_lcsprs"] != published.N_LCSPRS
    assert value("n_deaths", 2022) == figures["n_deaths"]
    assert value("pct_deaths", 2022) == figures["pct_deaths"]
    for band, n in figures["age_band_counts"].items():
        assert value("n_age_band", 2022, band) == n
        assert value("pct_age_band", 2022, band) == percent(n, figures["n_age_known"])
    assert value("median_rr_to_lcspr_weeks", 2022) == figures["rr_to_lcspr_weeks"]["median"]

    # The SCR columns are the published reference figures.
    assert rows.loc[("n_reviews", ""), "scr_2014_17"] == "373"
    assert rows.loc[("pct_age_band", "1-5"), "scr_2007_09"] == "22"
    periods = pd.read_csv(results / "trends" / "periods.csv")
    assert periods["period"].tolist()[-2:] == ["lcspr_2021", "lcspr_2022"]
    for chart in ("trends.png", "trends.svg"):
        assert (results / "trends" / chart).stat().st_size > 10_000


def test_open_data_across_2021_and_2022_passes_the_checker(new_year):
    from lcspr_stats.opendata import check_open_data, no_total_reasons, read_text_csv

    folder = new_year["workspace"] / "results" / "trends" / "open_data"
    names = sorted(p.name[: -len(".meta.csv")] for p in folder.glob("*.meta.csv"))
    assert names == sorted(table_names(load_default_config()))
    for name in names:
        data = read_text_csv(folder / f"{name}.csv")
        meta = read_text_csv(folder / f"{name}.meta.csv")
        assert check_open_data(data, meta, no_total_reasons(name)) == [], name
        assert data["time_period"].drop_duplicates().tolist() == ["2021", "2022"], name
