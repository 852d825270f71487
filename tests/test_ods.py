"""The ODS copy of the workbook: the same sheets and cells as the xlsx, a valid ODF package,
byte-identical between runs.

Assumes the bundled 2021 run's workbook (``lcspr_tables_2021.xlsx``) and its ODS
copy beside it. LibreOffice opening the ODS is tested with the xlsx in
test_release.py (where LibreOffice is installed).
"""

from __future__ import annotations

import math
import zipfile

import openpyxl
import pandas as pd
import pytest

from lcspr_stats.ods import workbook_to_ods

YEAR = 2021


@pytest.fixture(scope="module")
def paths(bundled_run):
    return bundled_run / f"lcspr_tables_{YEAR}.xlsx", bundled_run / f"lcspr_tables_{YEAR}.ods"


def cells(frame: pd.DataFrame) -> list[list]:
    """Rows of cell values, blanks as None, trailing blank rows and columns dropped."""
    rows = [
        [None if (isinstance(v, float) and math.isnan(v)) else v for v in row]
        for row in frame.astype(object).itertuples(index=False)
    ]
    rows = [r[: max((i + 1 for i, v in enumerate(r) if v is not None), default=0)] for r in rows]
    while rows and not rows[-1]:
        rows.pop()
    return rows


def same(a: object, b: object) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(a) == float(b)
    return a == b


def test_ods_has_the_sheets_of_the_xlsx_in_order(paths):
    xlsx, ods = paths
    book = openpyxl.load_workbook(xlsx)
    sheets = pd.read_excel(ods, sheet_name=None, header=None, engine="odf")
    assert list(sheets) == book.sheetnames
    assert book.sheetnames[:3] == ["Cover", "Contents", "Notes"]


def test_every_cell_of_the_ods_is_the_cell_of_the_xlsx(paths):
    xlsx, ods = paths
    ours = pd.read_excel(xlsx, sheet_name=None, header=None, engine="openpyxl")
    theirs = pd.read_excel(ods, sheet_name=None, header=None, engine="odf")
    compared = 0
    for name, frame in ours.items():
        expected, found = cells(frame), cells(theirs[name])
        assert len(found) == len(expected), name
        for row, (want, got) in enumerate(zip(expected, found)):
            assert len(got) == len(want), (name, row)
            for column, (a, b) in enumerate(zip(want, got)):
                assert same(a, b), (name, row, column, a, b)
                compared += a is not None
    assert compared > 500  # titles, notes and every table's cells were compared


def test_titles_and_notes_are_in_the_ods(paths):
    xlsx, ods = paths
    theirs = pd.read_excel(ods, sheet_name=None, header=None, engine="odf")
    contents = pd.read_csv(xlsx.parent / "tables" / "contents.csv")
    assert theirs["Table_1"].iat[0, 0].startswith(contents["title"].iloc[0])
    notes = pd.read_csv(xlsx.parent / "tables" / "notes.csv")["note"]
    shown = set(theirs["Notes"].iloc[:, 1].dropna())
    assert set(notes) <= shown


def test_ods_is_a_valid_odf_package(paths):
    _, ods = paths
    with zipfile.ZipFile(ods) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype"
        assert first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        assert {"content.xml", "styles.xml", "meta.xml", "META-INF/manifest.xml"} <= set(
            archive.namelist()
        )
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist())
        assert b"2000-01-01T00:00:00" in archive.read("meta.xml")  # document date pinned


def test_ods_is_byte_identical_between_runs(paths):
    xlsx, ods = paths
    again = workbook_to_ods(xlsx.read_bytes())
    assert again == workbook_to_ods(xlsx.read_bytes())
    assert again == ods.read_bytes()
