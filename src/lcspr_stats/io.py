"""Reading input spreadsheets and writing files: the only module that touches input files."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .determinism import FIXED_DATETIME, atomic_write_bytes, normalise_zip
from .errors import InputError

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
TEXT_SUFFIXES = {".csv"}
SPSS_SUFFIXES = {".sav", ".zsav"}
SUPPORTED_SUFFIXES = EXCEL_SUFFIXES | TEXT_SUFFIXES | SPSS_SUFFIXES

# Encodings tried in turn for CSV: exports from Excel on Windows are often cp1252.
CSV_ENCODINGS = ("utf-8-sig", "cp1252")


@dataclass(frozen=True)
class SourceTable:
    """One sheet as read, with where it came from.

    Attributes
    ----------
    frame : pandas.DataFrame
        Cells as read (objects), columns renamed to their normalised names.
    file : str
        The path as given in config (what the user will recognise).
    sheet : str
        The sheet name, or "" for a CSV or SPSS file.
    original_columns : dict
        Normalised name -> header as written in the file.
    """

    frame: pd.DataFrame
    file: str
    sheet: str
    original_columns: dict[str, str]


def normalise_header(name: object) -> str:
    """Return the matching key of a header: trimmed, lower case, spaces as ``_``.

    >>> normalise_header("  Child Age  Years ")
    'child_age_years'
    """
    text = str(name).strip().lower()
    return re.sub(r"[\s\-]+", "_", text)


def read_source(path: str | Path, sheet: str, *, max_bytes: int | None = None) -> SourceTable:
    """Read one sheet of one input file, with every cell as read.

    Parameters
    ----------
    path : str or Path
        An .xlsx, .xlsm, .xls, .ods, .csv or .sav file.
    sheet : str
        The sheet to read from a workbook (ignored for .csv and .sav).
    max_bytes : int, optional
        Refuse files larger than this.

    Returns
    -------
    SourceTable

    Raises
    ------
    InputError
        The file is missing, of an unsupported type, unreadable, too large, or
        lacks the sheet; the message names the file and the sheet.
    """
    file = str(path)
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise InputError(file=file, sheet=sheet, message="file not found")
    if path.is_dir():
        raise InputError(file=file, sheet=sheet, message="is a folder, not a file")
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputError(
            file=file,
            sheet=sheet,
            message=f"unsupported file type '{suffix or '(none)'}'; expected one of "
            + ", ".join(sorted(SUPPORTED_SUFFIXES)),
        )
    if max_bytes is not None and path.stat().st_size > max_bytes:
        raise InputError(
            file=file,
            sheet=sheet,
            message=f"file is {path.stat().st_size} bytes, over the limit of {max_bytes}",
        )
    if suffix in TEXT_SUFFIXES:
        frame, sheet_used = _read_csv(path, file), ""
    elif suffix in SPSS_SUFFIXES:
        frame, sheet_used = _read_spss(path, file), ""
    else:
        frame, sheet_used = _read_workbook(path, file, sheet), sheet
    original = {}
    renamed = []
    for column in frame.columns:
        key = normalise_header(column)
        if key in original:
            raise InputError(
                file=file,
                sheet=sheet_used,
                column=str(column),
                message=f"two columns both read as '{key}' ('{original[key]}' and '{column}')",
            )
        original[key] = str(column)
        renamed.append(key)
    frame.columns = renamed
    # Rows that are wholly blank are spreadsheet padding, not records.
    frame = frame.loc[~_blank_rows(frame)]
    return SourceTable(frame=frame, file=file, sheet=sheet_used, original_columns=original)


def _blank_rows(frame: pd.DataFrame) -> pd.Series:
    if frame.empty:
        return pd.Series(False, index=frame.index)
    as_text = frame.astype("string").fillna("")
    return as_text.apply(lambda col: col.str.strip() == "").all(axis=1)


def _read_workbook(path: Path, file: str, sheet: str) -> pd.DataFrame:
    try:
        sheets = pd.ExcelFile(path, engine="calamine")
    except Exception as exc:  # calamine raises its own error types
        raise InputError(
            file=file, sheet=sheet, message=f"cannot be read as a spreadsheet ({_short(exc)})"
        ) from None
    with sheets:
        names = sheets.sheet_names
        match = {n.strip().lower(): n for n in names}.get(sheet.strip().lower())
        if match is None:
            raise InputError(
                file=file,
                sheet=sheet,
                message="sheet not found; the file has: " + ", ".join(names),
            )
        try:
            frame = pd.read_excel(sheets, sheet_name=match, dtype=object, header=0)
        except Exception as exc:
            raise InputError(
                file=file, sheet=sheet, message=f"sheet cannot be read ({_short(exc)})"
            ) from None
    # pandas names blank headers "Unnamed: N"; keep them but make them visible.
    frame.index = pd.RangeIndex(len(frame))
    return frame


def _read_csv(path: Path, file: str) -> pd.DataFrame:
    raw = path.read_bytes()
    for encoding in CSV_ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        try:
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""])
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise InputError(file=file, message=f"cannot be read as CSV ({_short(exc)})") from None
        frame.index = pd.RangeIndex(len(frame))
        return frame.astype(object)
    raise InputError(file=file, message="is not text in UTF-8 or Windows-1252")


def _read_spss(path: Path, file: str) -> pd.DataFrame:
    try:
        import pyreadstat

        frame, _meta = pyreadstat.read_sav(str(path), apply_value_formats=True)
    except Exception as exc:
        raise InputError(file=file, message=f"cannot be read as SPSS ({_short(exc)})") from None
    frame.index = pd.RangeIndex(len(frame))
    return frame.astype(object)


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def spreadsheet_row(index: pd.Index | np.ndarray) -> np.ndarray:
    """Row numbers as the user sees them: the header is row 1, data start at 2."""
    return np.asarray(index, dtype=int) + 2


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """Render frames as an .xlsx workbook, one sheet each, byte for byte repeatable.

    Dates become real spreadsheet dates (shown yyyy-mm-dd); missing values
    become empty cells; the header is the first row.
    """
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook()
    book.remove(book.active)
    book.properties.creator = "lcspr-stats"
    book.properties.created = FIXED_DATETIME
    book.properties.modified = FIXED_DATETIME
    for name, frame in sheets.items():
        sheet = book.create_sheet(title=name)
        sheet.append([str(c) for c in frame.columns])
        date_columns = [
            i + 1
            for i, c in enumerate(frame.columns)
            if pd.api.types.is_datetime64_any_dtype(frame[c])
        ]
        for row in frame.itertuples(index=False, name=None):
            sheet.append([_cell(v) for v in row])
        for col in date_columns:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=col, max_col=col):
                cell.number_format = "yyyy-mm-dd"
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    # ExcelWriter directly: openpyxl's save_workbook stamps "modified" with now.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()
    return normalise_zip(buffer.getvalue())


def write_xlsx(sheets: dict[str, pd.DataFrame], path: str | Path) -> None:
    """Write frames to ``path`` as a deterministic .xlsx (see :func:`xlsx_bytes`)."""
    atomic_write_bytes(path, xlsx_bytes(sheets))


def _cell(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value
