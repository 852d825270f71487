"""Every input format the contract accepts reads to the same clean frames as .xlsx."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import pytest
from conftest import load_default_config
from tiny_cohort import tiny_frames

from lcspr_stats.io import column_letter, read_source, write_xlsx
from lcspr_stats.settings import Settings
from lcspr_stats.validate import clean_source

SETTINGS = Settings.from_config(load_default_config())
SHEETS = {
    "sin_register": "sins",
    "rapid_review_register": "rapid_reviews",
    "reviews": "reviews",
    "children": "children",
}


def clean_from(path, source: str, sheet: str = "") -> pd.DataFrame:
    frame, quality = clean_source(read_source(path, sheet or SHEETS[source]), source, SETTINGS)
    assert quality.empty, quality.to_string()
    return frame


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """Each source's clean frame from .xlsx: what every other format must give."""
    folder = tmp_path_factory.mktemp("xlsx")
    out = {}
    for source, frame in tiny_frames().items():
        path = folder / f"{source}.xlsx"
        write_xlsx({SHEETS[source]: frame}, path)
        out[source] = clean_from(path, source)
    return out


def as_text(frame: pd.DataFrame, date_format: str = "%Y-%m-%d") -> pd.DataFrame:
    """The frame as an export would write it: dates as text."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime(date_format)
    return out


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("source", sorted(SHEETS))
def test_csv_in_each_encoding(source, encoding, reference, tmp_path):
    path = tmp_path / f"{source}.csv"
    as_text(tiny_frames()[source]).to_csv(path, index=False, encoding=encoding)
    pd.testing.assert_frame_equal(clean_from(path, source), reference[source])


def test_windows_1252_accents_survive(tmp_path):
    frame = tiny_frames()["sin_register"]
    frame.loc[0, "partnership"] = "Bromley – Café partnership"
    path = tmp_path / "sins.csv"
    as_text(frame).to_csv(path, index=False, encoding="cp1252")
    assert clean_from(path, "sin_register")["partnership"].iloc[0] == "Bromley – Café partnership"
    assert "\ufeff" not in path.read_bytes().decode("cp1252")


def test_utf8_bom_does_not_reach_the_first_header(tmp_path):
    path = tmp_path / "sins.csv"
    as_text(tiny_frames()["sin_register"]).to_csv(path, index=False, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert read_source(path, "").frame.columns[0] == "sin_id"


@pytest.mark.parametrize("source", sorted(SHEETS))
def test_xls(source, reference, tmp_path):
    import xlwt

    frame = tiny_frames()[source]
    book = xlwt.Workbook()
    sheet = book.add_sheet(SHEETS[source])
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for col, name in enumerate(frame.columns):
        sheet.write(0, col, name)
    for row, values in enumerate(frame.itertuples(index=False), start=1):
        for col, value in enumerate(values):
            if isinstance(value, pd.Timestamp):
                sheet.write(row, col, value.to_pydatetime(), date_style)
            elif pd.notna(value):
                sheet.write(row, col, value.item() if hasattr(value, "item") else value)
    path = tmp_path / f"{source}.xls"
    book.save(str(path))
    pd.testing.assert_frame_equal(clean_from(path, source), reference[source])


@pytest.mark.parametrize("source", sorted(SHEETS))
def test_ods(source, reference, tmp_path):
    path = tmp_path / f"{source}.ods"
    tiny_frames()[source].to_excel(path, sheet_name=SHEETS[source], index=False, engine="odf")
    pd.testing.assert_frame_equal(clean_from(path, source), reference[source])


def test_spss_with_value_labels(reference, tmp_path):
    import pyreadstat

    reviews = tiny_frames()["reviews"]
    codes = {
        "incident_type": {1.0: "death", 2.0: "serious harm"},
        "published": {
            1.0: "published",
            2.0: "published anonymously",
            3.0: "executive summary only",
            4.0: "not published",
        },
        "in_subsample": {1.0: "yes", 0.0: "no"},
        "in_race_subsample": {1.0: "yes", 0.0: "no"},
    }
    coded = reviews.copy()
    for column, labels in codes.items():
        lookup = {label: code for code, label in labels.items()}
        lookup.update({"Y": 1.0})  # the tiny cohort writes one yes as "Y"
        coded[column] = coded[column].map(lookup).astype(float)
    coded["harm_subcategory"] = coded["harm_subcategory"].fillna("")
    coded["review_type"] = coded["review_type"].fillna("")
    path = tmp_path / "reviews.sav"
    pyreadstat.write_sav(coded, str(path), variable_value_labels=codes)
    pd.testing.assert_frame_equal(clean_from(path, "reviews"), reference["reviews"])


@pytest.mark.parametrize(
    "form",
    [
        "real",
        "serial",
        "serial_text",
        "iso",
        "uk",
        "uk_single_digits",
        "uk_long",
    ],
)
def test_dates_in_every_form(form, reference, tmp_path):
    frame = tiny_frames()["rapid_review_register"].astype(object)
    dates = tiny_frames()["rapid_review_register"]["rr_date"]
    frame["rr_date"] = {
        "real": [d.to_pydatetime() for d in dates],
        "serial": [(d - pd.Timestamp("1899-12-30")).days for d in dates],
        "serial_text": [str((d - pd.Timestamp("1899-12-30")).days) for d in dates],
        "iso": [f"{d:%Y-%m-%d}" for d in dates],
        "uk": [f"{d:%d/%m/%Y}" for d in dates],
        "uk_single_digits": [f"{d.day}/{d.month}/{d.year}" for d in dates],
        "uk_long": [f"{d.day} {d:%B %Y}" for d in dates],
    }[form]
    path = tmp_path / "rr.xlsx"
    write_xlsx({"rapid_reviews": frame}, path)
    got = clean_from(path, "rapid_review_register")
    pd.testing.assert_series_equal(got["rr_date"], reference["rapid_review_register"]["rr_date"])


def test_day_first_is_the_default_and_config_can_change_it(tmp_path):
    frame = tiny_frames()["rapid_review_register"].astype(object)
    frame["rr_date"] = ["01/02/2021", "03/04/2020", "05/06/2019", "07/08/2020"]
    path = tmp_path / "rr.xlsx"
    write_xlsx({"rapid_reviews": frame}, path)
    table = read_source(path, "rapid_reviews")
    day_first, _ = clean_source(table, "rapid_review_register", SETTINGS)
    month_first, _ = clean_source(
        table, "rapid_review_register", replace(SETTINGS, dates_day_first=False)
    )
    assert day_first["rr_date"].iloc[0] == pd.Timestamp("2021-02-01")
    assert month_first["rr_date"].iloc[0] == pd.Timestamp("2021-01-02")


def test_headers_match_ignoring_case_and_spaces_in_a_real_file(reference, tmp_path):
    frame = tiny_frames()["sin_register"].rename(
        columns={
            "sin_id": "  SIN ID ",
            "child_age_years": "Child Age Years",
            "partnership": "PARTNERSHIP",
        }
    )
    path = tmp_path / "sins.xlsx"
    write_xlsx({"SINS": frame}, path)  # the sheet name matches ignoring case too
    pd.testing.assert_frame_equal(clean_from(path, "sin_register"), reference["sin_register"])


def test_blank_rows_and_padding_columns_are_not_records(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "rapid_reviews"
    sheet.append(["rr_id", "sin_id", "rr_date", "lcspr_decision", None])
    sheet.append(["R1", "S1", dt.datetime(2021, 1, 13), "commissioned", None])
    sheet.append([None, None, None, None, None])
    sheet.append(["R2", "S2", dt.datetime(2020, 3, 20), "pending", None])
    path = tmp_path / "rr.xlsx"
    book.save(path)
    frame = clean_from(path, "rapid_review_register")
    assert frame["rr_id"].tolist() == ["R1", "R2"]
    assert frame["source_row"].tolist() == [2, 4]  # the row numbers a user sees


def test_column_letters():
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 701, 702)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]
