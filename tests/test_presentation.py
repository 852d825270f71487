"""Readable tables: headings, values, shorthand and where notes are referenced."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import ROOT, load_default_config

from lcspr_stats.errors import InputError
from lcspr_stats.presentation import (
    NOT_APPLICABLE,
    NOT_AVAILABLE,
    load_labels,
    numeric_columns,
    present,
)
from lcspr_stats.publish import labels_path, read_labels
from lcspr_stats.settings import Settings
from lcspr_stats.table import Table
from lcspr_stats.workbook import numbered_titles

PERIODS = pd.DataFrame(
    {"period": ["scr_2014_17", "scr_2017_19"], "period_label": ["SCRs 2014-17", "SCRs 2017-19"]}
)


@pytest.fixture(scope="module")
def labels():
    frame = pd.read_csv(ROOT / "data" / "reference" / "output_labels.csv", keep_default_na=False)
    return load_labels(frame, PERIODS, 2021, 0.95)


def test_headings_of_grouped_columns_name_the_period(labels):
    assert labels.heading("table4_age", "scr_2017_19_n") == "SCRs 2017-19: number"
    assert (
        labels.heading("table4_age", "lcspr_2021_pct_ci_lower")
        == "LCSPRs 2021: percentage 95% CI lower bound"
    )
    assert labels.heading("table2_rapid_reviews", "year_received") == "Year received"
    assert labels.heading("any", "unlabelled_column") == "Unlabelled column"


def test_values_are_labelled_or_capitalised(labels):
    assert labels.value("x", "methodology", "silp").startswith("SILP")
    assert labels.value("x", "measure", "incident_to_rapid_review") == "Incident to rapid review"
    assert labels.value("x", "harm_category", "fatal physical abuse") == "Fatal physical abuse"
    assert labels.value("x", "background", "White British") == "White British"
    assert labels.value("x", "n", 3) == 3


def test_blanks_become_shorthand_and_notes_find_their_place(labels):
    table = Table(
        "table5_death_serious_harm",
        "Table 5: Death and serious harm",
        pd.DataFrame(
            {
                "category": ["Total", "Death"],
                "scr_2017_19_n": [235, None],
                "scr_2017_19_pct": [100, 56],
                "lcspr_2021_n": [84, 33],
                "lcspr_2021_pct_ci_lower": [None, 29.5],
                "display": ["84", "33 (39%)"],
            }
        ),
        ["SCRs 2017-19: covers 2.5 years.", "Death: a row note.", "A general note."],
    )
    shown = present(table, labels)
    assert "display" not in " ".join(shown.frame.columns).lower()
    assert shown.frame.iloc[1, 1] == NOT_AVAILABLE  # a published figure not published
    assert shown.frame.iloc[0, 4] == NOT_APPLICABLE  # no interval for a total
    assert shown.column_notes == {
        "SCRs 2017-19: number": [0],
        "SCRs 2017-19: percentage": [0],
    }
    assert shown.row_notes == {1: [1]}
    assert shown.title_notes == [2]
    assert shown.symbols == [NOT_AVAILABLE, NOT_APPLICABLE]
    assert numeric_columns(shown.frame) == [False, True, True, True, True]


def test_sheets_are_numbered_on_from_the_reports_tables():
    tables = [
        Table("a", "Table 1: First", pd.DataFrame()),
        Table("b", "Table 2: Second", pd.DataFrame()),
        Table("c", "Types of review", pd.DataFrame()),
    ]
    assert numbered_titles(tables) == [
        ("Table_1", "Table 1: First"),
        ("Table_2", "Table 2: Second"),
        ("Table_3", "Table 3: Types of review"),
    ]


def test_labels_file_defaults_to_the_one_beside_the_scr_periods(tmp_path):
    periods = tmp_path / "reference" / "scr_periods.csv"
    periods.parent.mkdir()
    PERIODS.assign(note="").to_csv(periods, index=False)
    # Settings need a whole config: the shipped one, pointed at these periods.
    config = load_default_config()
    config["reference"]["scr_periods"] = str(periods)
    config["release"]["labels"] = None
    # None beside the periods: headings fall back to the column names.
    assert labels_path(config) is None
    labels = read_labels(Settings.from_config(config), 2021)
    assert labels.heading("table4_age", "lcspr_2021_n") == "LCSPRs 2021: n"
    assert labels.heading("any", "year_received") == "Year received"
    (periods.parent / "output_labels.csv").write_text(
        "table,column,value,label\n,n,,Number\n", encoding="utf-8"
    )
    assert labels_path(config) == str(periods.parent / "output_labels.csv")
    assert read_labels(Settings.from_config(config), 2021).heading("x", "lcspr_2021_n") == (
        "LCSPRs 2021: number"
    )
    config["release"]["labels"] = str(tmp_path / "missing.csv")
    with pytest.raises(InputError, match="labels file not found"):
        read_labels(Settings.from_config(config), 2021)


# --- suppressed cells ([c], disclosure control) ------------------------------------------------


def test_a_column_with_c_is_read_back_as_numbers_and_c(tmp_path):
    from lcspr_stats.presentation import SUPPRESSED, restore_numbers
    from lcspr_stats.publish import read_csv

    path = tmp_path / "t.csv"
    path.write_text(
        "group,n,pct,value,note\na,12,48,76.0,x\nb,[c],[c],[c],[c]\nc,13,52,,y\n", encoding="utf-8"
    )
    frame = restore_numbers(read_csv(path))
    assert frame["n"].tolist() == [12, SUPPRESSED, 13]
    assert all(isinstance(v, int) for v in frame["n"] if v != SUPPRESSED)
    assert frame["value"].tolist()[:2] == [76.0, SUPPRESSED] and pd.isna(frame["value"][2])
    # A text column holding [c] stays text.
    assert frame["note"].tolist() == ["x", SUPPRESSED, "y"]
    assert frame["group"].tolist() == ["a", "b", "c"]


def test_c_is_shorthand_in_a_column_of_numbers(labels):
    from lcspr_stats.presentation import SUPPRESSED

    table = Table(
        "review_types",
        "Review types",
        pd.DataFrame(
            {"review_type": ["single child", "thematic"], "n": [12, SUPPRESSED], "pct": [80, None]}
        ),
    )
    shown = present(table, labels)
    assert shown.frame.iloc[1, 1] == SUPPRESSED
    assert SUPPRESSED in shown.symbols and NOT_APPLICABLE in shown.symbols
    assert numeric_columns(shown.frame) == [False, True, True]
