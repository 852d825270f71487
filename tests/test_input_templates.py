"""The blank input templates `lcspr-stats init` writes: dropdowns, date checks, notes."""

from __future__ import annotations

import openpyxl
import pytest
from conftest import load_default_config
from openpyxl.utils import get_column_letter, range_boundaries

from lcspr_stats.cli import main
from lcspr_stats.config import check_config
from lcspr_stats.input_templates import template_workbook
from lcspr_stats.settings import Settings

# The codebook list each coded column must offer, named here (not taken from
# the code under test) so a wrong list in the template cannot pass.
EXPECTED_LISTS = {
    ("sins", "incident_type"): lambda book: book["sin_incident_types"],
    ("sins", "child_sex"): lambda book: book["sex"],
    ("sins", "child_ethnicity"): lambda book: list(book["ethnicity"]),
    ("rapid_reviews", "lcspr_decision"): lambda book: book["lcspr_decisions"],
    # Not a codebook list: the three statuses issue 10 defines.
    ("rapid_reviews", "lcspr_publication"): lambda book: [
        "published",
        "not to be published",
        "awaiting",
    ],
    ("reviews", "review_type"): lambda book: book["review_types"],
    ("reviews", "incident_type"): lambda book: book["review_incident_types"],
    ("reviews", "harm_category"): lambda book: list(
        dict.fromkeys(c for cats in book["harm_categories"].values() for c in cats)
    ),
    ("reviews", "harm_subcategory"): lambda book: book["harm_subcategories"],
    ("reviews", "published"): lambda book: book["publication"],
    ("reviews", "methodology"): lambda book: book["methodology"],
    ("children", "sex"): lambda book: book["sex"],
    ("children", "ethnicity"): lambda book: list(book["ethnicity"]),
}
YES_NO_COLUMNS = {
    ("reviews", "in_subsample"),
    ("reviews", "in_race_subsample"),
    ("children", "is_index_child"),
} | {("reviews", theme) for theme in load_default_config()["codebook"]["practice_themes"]}
DATE_COLUMNS = {
    ("sins", "incident_date"),
    ("sins", "notification_date"),
    ("rapid_reviews", "rr_date"),
    ("rapid_reviews", "lcspr_received_date"),
    ("reviews", "date_submitted"),
}


def validations_of(sheet, letter: str) -> list:
    """The data validations that cover a whole column below its header."""
    found = []
    for rule in sheet.data_validations.dataValidation:
        for cells in str(rule.sqref).split():
            min_col, min_row, max_col, max_row = range_boundaries(cells)
            if get_column_letter(min_col) == letter == get_column_letter(max_col):
                if min_row == 2 and max_row == 1_048_576:
                    found.append(rule)
    return found


def list_values(book, formula: str) -> list[str]:
    """The cells a list validation's range formula points at."""
    sheet_name, cells = formula.split("!")
    sheet = book[sheet_name.strip("'")]
    return [row[0].value for row in sheet[cells.replace("$", "")]]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    folder = tmp_path_factory.mktemp("init") / "review-2022"
    assert main(["init", str(folder), "--year", "2022"]) == 0
    return folder


@pytest.fixture(scope="module")
def templates(workspace):
    folder = workspace / "inputs" / "2022"
    return {
        "sins": openpyxl.load_workbook(folder / "sin_register.xlsx"),
        "rapid_reviews": openpyxl.load_workbook(folder / "rapid_review_register.xlsx"),
        "reviews": openpyxl.load_workbook(folder / "lcspr_coding_schedule.xlsx"),
        "children": openpyxl.load_workbook(folder / "lcspr_coding_schedule.xlsx"),
    }


def test_every_coded_column_has_a_dropdown_of_exactly_the_codebook_values(templates):
    codebook = load_default_config()["codebook"]
    checked = 0
    for (sheet_name, column), expected in EXPECTED_LISTS.items():
        book = templates[sheet_name]
        sheet = book[sheet_name]
        header = [cell.value for cell in sheet[1]]
        letter = get_column_letter(header.index(column) + 1)
        rules = validations_of(sheet, letter)
        assert len(rules) == 1, (sheet_name, column)
        rule = rules[0]
        assert rule.type == "list" and rule.allow_blank, (sheet_name, column)
        assert rule.showErrorMessage and rule.errorStyle == "stop"
        assert list_values(book, rule.formula1) == list(expected(codebook)), (sheet_name, column)
        checked += 1
    assert checked == len(EXPECTED_LISTS) == 13


def test_yes_no_columns_offer_yes_and_no(templates):
    for sheet_name, column in YES_NO_COLUMNS:
        book = templates[sheet_name]
        sheet = book[sheet_name]
        header = [cell.value for cell in sheet[1]]
        (rule,) = validations_of(sheet, get_column_letter(header.index(column) + 1))
        assert rule.type == "list"
        assert list_values(book, rule.formula1) == ["yes", "no"]


def test_date_columns_check_dates_and_show_them_uk_style(templates):
    for sheet_name, column in DATE_COLUMNS:
        sheet = templates[sheet_name][sheet_name]
        header = [cell.value for cell in sheet[1]]
        letter = get_column_letter(header.index(column) + 1)
        (rule,) = validations_of(sheet, letter)
        assert (rule.type, rule.operator) == ("date", "between")
        assert (rule.formula1, rule.formula2) == ("18264", "73051")  # 1950-01-01 .. 2100-12-31
        assert sheet.column_dimensions[letter].number_format == "dd/mm/yyyy"


def test_header_row_is_frozen_and_every_column_has_a_note(templates):
    expected_first = {
        "sins": "sin_id",
        "rapid_reviews": "rr_id",
        "reviews": "lcspr_id",
        "children": "lcspr_id",
    }
    for sheet_name, book in templates.items():
        sheet = book[sheet_name]
        assert sheet.freeze_panes == "A2"
        assert sheet.max_row == 1, "a template holds no data rows"
        assert sheet["A1"].value == expected_first[sheet_name]
        for cell in sheet[1]:
            assert cell.font.bold
            assert cell.comment is not None and len(cell.comment.text) > 20, cell.value
    note = templates["reviews"]["reviews"]["C1"].comment.text
    assert "cohort" in note and "Required in every row" in note


def test_ethnicity_codes_are_listed_with_their_labels(templates):
    codes = templates["children"]["codes"]
    header = [cell.value for cell in codes[1]]
    column = header.index("ethnicity") + 1
    assert header[column] == "ethnicity label"
    pairs = {
        codes.cell(row=r, column=column).value: codes.cell(row=r, column=column + 1).value
        for r in range(2, codes.max_row + 1)
        if codes.cell(row=r, column=column).value
    }
    assert pairs["WBRI"] == "White - British" and len(pairs) == 20


def test_the_config_init_writes_is_valid_and_points_at_the_templates(workspace):
    from lcspr_stats.config import load_config

    config = load_config(workspace / "config.yaml")
    assert config["cohorts"] == [2022]
    assert config["exclusions"] == []
    assert config["inputs"]["reviews"]["path"] == "inputs/{year}/lcspr_coding_schedule.xlsx"
    for path in config["reference"].values():
        assert (workspace / path).is_file()
    text = (workspace / "config.yaml").read_text()
    # The base config's explanations are kept, key by key.
    assert "# Percentages: whole numbers" in text and "# Bank holiday calendar" in text
    assert config["codebook"] == load_default_config()["codebook"]


def test_templates_are_byte_identical_each_time():
    codebook = Settings.from_config(check_config(load_default_config())).codebook
    sheets = {"reviews": "reviews", "children": "children"}
    assert template_workbook(sheets, codebook) == template_workbook(sheets, codebook)


def test_init_does_not_overwrite_without_force(workspace, capsys):
    assert main(["init", str(workspace), "--year", "2022"]) == 1
    assert "already exists" in capsys.readouterr().err
