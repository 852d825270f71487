"""EES open-data files: every file of the bundled run passes the checker; the checker catches
each rule's breach; the files agree with the tables; across years; byte-identical.

Assumes the bundled 2021 cohort (one cohort, disclosure control off) and the
written tables it yields.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from conftest import load_default_config

from lcspr_stats.opendata import (
    META_COLUMNS,
    REQUIRED,
    across_years,
    check_open_data,
    cohort_open_data,
    indicator_name,
    no_total_reasons,
    open_data_table,
    read_text_csv,
    run_open_data,
    run_open_data_trends,
)

YEAR = 2021


@pytest.fixture(scope="module")
def open_data(bundled_run):
    return bundled_run / "open_data"


@pytest.fixture(scope="module")
def contents(bundled_run):
    return pd.read_csv(bundled_run / "tables" / "contents.csv")


def pair(folder, name):
    return read_text_csv(folder / f"{name}.csv"), read_text_csv(folder / f"{name}.meta.csv")


def test_every_table_has_a_data_and_a_metadata_file_and_nothing_else(open_data, contents):
    expected = sorted(f"{n}{ext}" for n in contents["table"] for ext in (".csv", ".meta.csv"))
    assert sorted(p.name for p in open_data.iterdir()) == expected


def test_every_open_data_file_of_the_bundled_run_passes_the_checker(open_data, contents):
    for name in contents["table"]:
        data, meta = pair(open_data, name)
        assert len(data) > 0, name
        assert check_open_data(data, meta, no_total_reasons(name)) == [], name


def test_every_filter_has_a_total_item_or_a_declared_reason(open_data, contents):
    # Issue 11: one filter column per breakdown, with a Total row.
    for name in contents["table"]:
        data, meta = pair(open_data, name)
        reasons = no_total_reasons(name)
        for column in meta.loc[meta["col_type"] == "Filter", "col_name"]:
            assert "Total" in set(data[column]) or reasons.get(column), (name, column)


def test_required_columns_hold_the_cohort_year_and_england(open_data):
    data, meta = pair(open_data, "ethnic_groups")
    assert list(data.columns[:5]) == list(REQUIRED)
    assert set(data["time_period"]) == {str(YEAR)}
    assert set(data["time_identifier"]) == {"Calendar year"}
    assert set(data["geographic_level"]) == {"National"}
    assert set(data["country_code"]) == {"E92000001"}
    assert set(data["country_name"]) == {"England"}
    assert list(meta.columns) == list(META_COLUMNS)


def test_year_of_incident_is_a_filter_not_the_time_period(open_data, table):
    data, meta = pair(open_data, "table1_year_of_incident")
    kinds = dict(zip(meta["col_name"], meta["col_type"]))
    assert kinds["year_of_incident"] == "Filter"
    written = table("table1_year_of_incident")
    # No new total is worked out: the table's own "All LCSPRs" row is the Total
    # item; "Total known" is a subtotal and keeps its label.
    labels = written["year_of_incident"].astype(str).replace({"All LCSPRs": "Total"})
    assert data["year_of_incident"].tolist() == labels.tolist()
    assert "Total known" in set(data["year_of_incident"])
    assert data["lcspr_count"].tolist() == written["n"].astype(str).tolist()
    assert meta.set_index("col_name").loc["year_of_incident", "filter_default"] == ""


def test_each_measures_duration_bins_total_is_table_3s_n(open_data, table):
    # Table 3's N is published and protected; the bins' percentages are of it.
    data, _ = pair(open_data, "duration_distribution")
    durations = table("table3_durations")
    totals = data.loc[data["weeks"] == "Total"].set_index("measure")
    assert len(totals) == 2
    for measure, label in (
        ("incident_to_rapid_review", "Incident to rapid review"),
        ("rapid_review_to_lcspr", "Rapid review to LCSPR"),
    ):
        n = durations.loc[
            (durations["measure"] == measure) & (durations["statistic"] == "N"), "value"
        ].iloc[0]
        assert totals.loc[label, "lcspr_count"] == str(int(n))
        assert totals.loc[label, "lcspr_percent"] == "100"
        assert totals.loc[label, ["weeks_from", "weeks_to"]].tolist() == ["z", "z"]


def test_a_suppressed_n_gives_a_suppressed_total(tmp_path, bundled_run):
    # The planted case: Table 3's N of the first measure suppressed.
    tables = tmp_path / "tables"
    shutil.copytree(bundled_run / "tables", tables)
    durations = read_text_csv(tables / "table3_durations.csv")
    durations.loc[0, ["value", "display"]] = "[c]"
    durations.to_csv(tables / "table3_durations.csv", index=False)
    items = {
        i.name: i for i in cohort_open_data(YEAR, load_default_config(), tables / "contents.csv")
    }
    data = items["duration_distribution"].data
    assert data.loc[data["weeks"] == "Total", "lcspr_count"].tolist()[0] == "c"


def test_the_sub_samples_row_of_all_is_its_total(open_data, table):
    data, _ = pair(open_data, "subsample")
    written = table("subsample")
    total = data.loc[(data["characteristic"] == "Total") & (data["value"] == "Total")]
    assert total["lcspr_count"].tolist() == [
        str(written.loc[written["characteristic"] == "all", "n"].iloc[0])
    ]
    assert "All" not in set(data["characteristic"]) and "LCSPRs" not in set(data["value"])


def test_indicators_repeat_the_tables_numbers_with_unit_and_decimal_places(open_data, table):
    data, meta = pair(open_data, "ethnic_groups")
    written = table("ethnic_groups")
    assert data["index_child_count"].tolist() == written["n"].astype(str).tolist()
    assert data["index_child_percent"].tolist() == written["pct"].astype(str).tolist()
    assert data.loc[data["ethnic_group"] == "Total", "index_child_percent_ci_lower"].tolist() == [
        "z"
    ]  # no interval for a total: not applicable
    described = meta.set_index("col_name")
    assert described.loc["index_child_percent", "indicator_unit"] == "%"
    assert described.loc["index_child_percent_ci_lower", "indicator_dp"] == "1"
    assert described.loc["index_child_count", "indicator_dp"] == "0"
    assert described.loc["index_child_count", "label"] == "Number"


def test_periods_beside_the_cohort_are_a_filter_and_unpublished_counts_not_available(
    open_data, table
):
    data, meta = pair(open_data, "table5_death_serious_harm")
    kinds = dict(zip(meta["col_name"], meta["col_type"]))
    assert kinds["period"] == "Filter"
    death = data.loc[data["category"] == "Death"].set_index("period")
    assert death.loc["SCRs 2017-19", "lcspr_count"] == "x"  # not published
    written = table("table5_death_serious_harm").set_index("category")
    assert death.loc[f"LCSPRs {YEAR}", "lcspr_count"] == str(written.loc["Death", "lcspr_2021_n"])
    assert death.loc["SCRs 2017-19", "lcspr_percent"] == str(
        written.loc["Death", "scr_2017_19_pct"]
    )


def test_suppressed_cells_are_c(tmp_path, bundled_run):
    tables = tmp_path / "tables"
    shutil.copytree(bundled_run / "tables", tables)
    frame = read_text_csv(tables / "ethnic_groups.csv")
    frame.loc[1, ["n", "pct", "pct_ci_lower", "pct_ci_upper", "display"]] = "[c]"
    frame.to_csv(tables / "ethnic_groups.csv", index=False)
    items = {
        i.name: i for i in cohort_open_data(YEAR, load_default_config(), tables / "contents.csv")
    }
    row = items["ethnic_groups"].data.iloc[1]
    assert row["index_child_count"] == row["index_child_percent"] == "c"
    assert check_open_data(items["ethnic_groups"].data, items["ethnic_groups"].meta) == []


def test_indicator_names_say_what_is_counted():
    assert indicator_name("n", "lcsprs") == "lcspr_count"
    assert indicator_name("pct", "lcsprs") == "lcspr_percent"
    assert indicator_name("n", "index_children") == "index_child_count"
    assert indicator_name("n_within", "lcsprs") == "within_count"
    assert indicator_name("pct_ci_lower", "rapid_reviews") == "rapid_review_percent_ci_lower"


def test_open_data_files_are_byte_identical_between_runs(bundled_run, tmp_path):
    contents = bundled_run / "tables" / "contents.csv"
    run_open_data(YEAR, load_default_config(), str(contents), str(tmp_path))
    for path in sorted(tmp_path.iterdir()):
        assert path.read_bytes() == (bundled_run / "open_data" / path.name).read_bytes(), path


def test_several_cohorts_give_one_file_a_table_across_years(bundled_run, tmp_path):
    # A second cohort: the bundled tables as if of 2022 (its own LCSPR columns).
    later = tmp_path / "2022" / "tables"
    shutil.copytree(bundled_run / "tables", later)
    for path in later.glob("*.csv"):
        path.write_text(path.read_text().replace("lcspr_2021_", "lcspr_2022_"))
    out = tmp_path / "trends"
    config = load_default_config()
    contents = [str(later / "contents.csv"), str(bundled_run / "tables" / "contents.csv")]
    run_open_data_trends([2022, 2021], config, contents, str(out))
    names = pd.read_csv(bundled_run / "tables" / "contents.csv")["table"]
    for name in names:
        data, meta = pair(out, name)
        assert check_open_data(data, meta, no_total_reasons(name)) == [], name
        assert data["time_period"].drop_duplicates().tolist() == ["2021", "2022"]
        single = read_text_csv(bundled_run / "open_data" / f"{name}.csv")
        assert len(data) == 2 * len(single)
    data, _ = pair(out, "table4_age")
    assert {"LCSPRs 2021", "LCSPRs 2022"} <= set(data["period"])


def test_across_years_marks_an_indicator_a_year_lacks_not_available(bundled_run):
    items = cohort_open_data(YEAR, load_default_config(), bundled_run / "tables" / "contents.csv")
    first = next(i for i in items if i.name == "ethnic_groups")
    fewer = type(first)(
        first.name,
        first.data.drop(columns="index_child_percent_ci_upper").assign(time_period="2022"),
        first.meta.loc[first.meta["col_name"] != "index_child_percent_ci_upper"],
    )
    joined = across_years([first, fewer])
    assert (
        joined.data.loc[joined.data["time_period"] == "2022"].iloc[0][
            "index_child_percent_ci_upper"
        ]
        == "x"
    )
    assert check_open_data(joined.data, joined.meta) == []


# --- the checker catches each rule's breach ----------------------------------------------


def _good() -> tuple[pd.DataFrame, pd.DataFrame]:
    data = pd.DataFrame(
        {
            "time_period": ["2021", "2021", "2021"],
            "time_identifier": ["Calendar year"] * 3,
            "geographic_level": ["National"] * 3,
            "country_code": ["E92000001"] * 3,
            "country_name": ["England"] * 3,
            "sex": ["Female", "Male", "Total"],
            "lcspr_count": ["40", "c", "84"],
            "lcspr_percent": ["48", "c", "100"],
        }
    )
    meta = pd.DataFrame(
        [
            ["sex", "Filter", "Sex", "", "", "", "", "", ""],
            ["lcspr_count", "Indicator", "Number", "", "", "0", "", "", ""],
            ["lcspr_percent", "Indicator", "Percentage", "", "%", "0", "", "", ""],
        ],
        columns=list(META_COLUMNS),
    )
    return data, meta


def _set(frame, column, row, value):
    frame = frame.copy()
    frame.loc[row, column] = value
    return frame


BREACHES = {
    "missing required column": (lambda d, m: (d.drop(columns="country_code"), m), "required"),
    "time period not YYYY": (lambda d, m: (_set(d, "time_period", 0, "2021/22"), m), "YYYY"),
    "wrong time identifier": (
        lambda d, m: (_set(d, "time_identifier", 0, "Academic year"), m),
        "time_identifier",
    ),
    "wrong geographic level": (
        lambda d, m: (_set(d, "geographic_level", 1, "Regional"), m),
        "geographic_level",
    ),
    "wrong country code": (lambda d, m: (_set(d, "country_code", 2, "K02000001"), m), "country"),
    "wrong country name": (lambda d, m: (_set(d, "country_name", 2, "UK"), m), "country_name"),
    "no Total row nor default": (lambda d, m: (_set(d, "sex", 2, "Other"), m), "no Total"),
    "total spelt otherwise": (
        lambda d, m: (_set(d, "sex", 2, "TOTAL"), _set(m, "filter_default", 0, "Male")),
        "spelt",
    ),
    "blank indicator cell": (lambda d, m: (_set(d, "lcspr_count", 0, ""), m), "blank indicator"),
    "text in an indicator": (lambda d, m: (_set(d, "lcspr_count", 0, "[c]"), m), "not a number"),
    "column without metadata": (
        lambda d, m: (d.assign(extra_count="1"), m),
        "no metadata row",
    ),
    "metadata without column": (lambda d, m: (d.drop(columns="lcspr_percent"), m), "not a column"),
    "name not snake_case": (
        lambda d, m: (
            d.rename(columns={"lcspr_count": "LCSPR count"}),
            _set(m, "col_name", 1, "LCSPR count"),
        ),
        "snake_case",
    ),
    "name too long": (
        lambda d, m: (
            d.rename(columns={"lcspr_count": "lcspr_" + "x" * 45}),
            _set(m, "col_name", 1, "lcspr_" + "x" * 45),
        ),
        "longer than 50",
    ),
    "no label": (lambda d, m: (d, _set(m, "label", 1, " ")), "no label"),
    "bad col_type": (lambda d, m: (d, _set(m, "col_type", 1, "Measure")), "col_type"),
    "unit on a filter": (lambda d, m: (d, _set(m, "indicator_unit", 0, "%")), "a filter has"),
    "unknown unit": (lambda d, m: (d, _set(m, "indicator_unit", 1, "people")), "indicator_unit"),
    "bad decimal places": (lambda d, m: (d, _set(m, "indicator_dp", 1, "")), "indicator_dp"),
    "hint on an indicator": (
        lambda d, m: (d, _set(m, "filter_hint", 1, "a hint")),
        "an indicator has",
    ),
    "repeated rows": (lambda d, m: (_set(d, "sex", 1, "Female"), m), "repeat"),
    "missing meta column": (lambda d, m: (d, m.drop(columns="indicator_dp")), "metadata columns"),
}


def test_the_good_example_passes():
    assert check_open_data(*_good()) == []


@pytest.mark.parametrize("breach", sorted(BREACHES))
def test_the_checker_catches_each_breach(breach):
    plant, expected = BREACHES[breach]
    problems = check_open_data(*plant(*_good()))
    assert problems, breach
    assert any(expected in p for p in problems), problems


def test_a_filter_without_total_passes_only_with_a_declared_reason_and_a_default():
    # The planted violation: a filter with no Total item (Female, Male, Other).
    data, meta = _good()
    data = _set(data, "sex", 2, "Other")
    assert any("no declared reason" in p for p in check_open_data(data, meta))
    assert any("no declared reason" in p for p in check_open_data(data, meta, {"sex": " "}))
    declared = {"sex": "a reason"}
    assert any("filter_default" in p for p in check_open_data(data, meta, declared))
    assert check_open_data(data, _set(meta, "filter_default", 0, "Male"), declared) == []
    # A declared reason of one filter does not excuse another.
    assert check_open_data(data, _set(meta, "filter_default", 0, "Male"), {"age": "x"}) != []


def test_a_table_without_rows_gives_one_row_not_applicable(bundled_run):
    # A cohort can lack a table's data (no durations): the file still has a row.
    from lcspr_stats.publish import read_labels
    from lcspr_stats.settings import Settings

    labels = read_labels(Settings.from_config(load_default_config()), YEAR)
    empty = pd.DataFrame(columns=["measure", "weeks_from", "weeks_to", "weeks", "n", "pct"])
    item = open_data_table("duration_distribution", "Durations", empty, "lcsprs", labels, YEAR)
    assert check_open_data(item.data, item.meta) == []
    assert item.data["measure"].tolist() == ["Total"]
    assert item.data["lcspr_count"].tolist() == item.data["lcspr_percent"].tolist() == ["z"]
